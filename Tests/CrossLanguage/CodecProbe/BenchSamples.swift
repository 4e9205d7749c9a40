import Foundation

/// The benchmark messages of ../shared/README.md, with the contents Benchmarks/ measures.
/// Their twins are in samples.py; change both.
enum BenchSamples {
    static func all() -> [Sample] {
        [Sample("bench_product", product), Sample("bench_order", order)]
    }

    static let product = Product(
        id: "p-000123", name: "Oak dining table",
        description: String(String(repeating: "Hand-made oak table, oiled finish. ", count: 6).prefix(200)),
        priceCents: 129_900, currency: "EUR", tags: ["furniture", "oak", "handmade", "dining", "eco"],
        attributes: ["color": "natural", "material": "oak", "finish": "oil", "origin": "PT", "warranty": "5y"],
        stock: 42, active: true, dimensions: Dimensions(w: 180, h: 75, d: 90), status: .published
    )

    /// Items `SKU-000`…`SKU-049`, quantity 1…50, unit price 100…5000 cents.
    static let order = Order(
        id: "o-000987", customerId: "c-000042",
        items: (1...50).map { n in
            LineItem(sku: String(format: "SKU-%03d", n - 1), quantity: Int32(n), unitPriceCents: Int64(100 * n))
        },
        totalCents: (1...50).reduce(Int64(0)) { total, n in total + Int64(n * 100 * n) },
        state: .paid, notes: ["leave at the door", "gift wrap", "call before delivery"]
    )
}
