import SwiftProtobufBenchMessages
import WeftBenchMessages
import WeftMessages

/// The benchmark messages of ../shared/README.md, built identically for both libraries so
/// every run measures the same bytes.
enum Samples {
    static let description = String(repeating: "Hand-made oak table, oiled finish. ", count: 6).prefix(200)
    static let tags = ["furniture", "oak", "handmade", "dining", "eco"]
    static let attributes = ["color": "natural", "material": "oak", "finish": "oil", "origin": "PT", "warranty": "5y"]
    /// `attributes` for Weft, whose string map keys are `ProtoString`s (compared by their bytes).
    static let weftAttributes = Dictionary(uniqueKeysWithValues: attributes.map { (ProtoString($0.key), $0.value) })
    static let notes = ["leave at the door", "gift wrap", "call before delivery"]

    static func weftProduct() -> WeftBenchMessages.Product {
        WeftBenchMessages.Product(
            id: "p-000123", name: "Oak dining table", description: String(description),
            priceCents: 129_900, currency: "EUR", tags: tags, attributes: weftAttributes, stock: 42,
            active: true, dimensions: WeftBenchMessages.Dimensions(w: 180, h: 75, d: 90),
            status: .published
        )
    }

    static func weftOrder() -> WeftBenchMessages.Order {
        WeftBenchMessages.Order(
            id: "o-000987", customerId: "c-000042",
            items: (0..<50).map { index in
                WeftBenchMessages.LineItem(
                    sku: "SKU-" + pad(index), quantity: Int32(index + 1), unitPriceCents: Int64(100 * (index + 1)))
            },
            totalCents: (1...50).reduce(Int64(0)) { total, n in total + Int64(n * 100 * n) },
            state: .paid, notes: notes
        )
    }

    static func swiftProtobufProduct() -> Weft_Bench_V1_Product {
        var product = Weft_Bench_V1_Product()
        product.id = "p-000123"
        product.name = "Oak dining table"
        product.description_p = String(description)
        product.priceCents = 129_900
        product.currency = "EUR"
        product.tags = tags
        product.attributes = attributes
        product.stock = 42
        product.active = true
        product.dimensions = .with { $0.w = 180; $0.h = 75; $0.d = 90 }
        product.status = .published
        return product
    }

    static func swiftProtobufOrder() -> Weft_Bench_V1_Order {
        var order = Weft_Bench_V1_Order()
        order.id = "o-000987"
        order.customerID = "c-000042"
        order.items = (0..<50).map { index in
            .with {
                $0.sku = "SKU-" + pad(index)
                $0.quantity = Int32(index + 1)
                $0.unitPriceCents = Int64(100 * (index + 1))
            }
        }
        order.totalCents = weftOrder().totalCents
        order.state = .paid
        order.notes = notes
        return order
    }

    private static func pad(_ index: Int) -> String {
        index < 10 ? "00\(index)" : "0\(index)"
    }
}
