import SQLKit

/// The orders `ListProducts` offers (AIP-132 `order_by`), each ending on the id so pages are stable.
enum ProductOrder {
    case title, price, priceDescending, created, createdDescending

    static let choices = ["title", "price", "price desc", "create_time", "create_time desc"]

    init?(_ text: String) {
        switch text.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased() {
        case "title": self = .title
        case "price": self = .price
        case "price desc": self = .priceDescending
        case "create_time": self = .created
        case "", "create_time desc": self = .createdDescending
        default: return nil
        }
    }

    func apply(to select: SQLSelectBuilder) -> SQLSelectBuilder {
        switch self {
        case .title: select.orderBy("title")
        case .price: select.orderBy("price_minor")
        case .priceDescending: select.orderBy("price_minor", .descending)
        case .created: select.orderBy("created_ms")
        case .createdDescending: select.orderBy("created_ms", .descending)
        }
    }
}
