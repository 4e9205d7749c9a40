// `make demo` at this stage: the catalog schema's generated types in use — build a message,
// encode it as protobuf binary and proto3 JSON, decode both, go through Codable, and show what
// malformed input gets.
import Foundation
import WeftMessages

func section(_ title: String) {
    print("\n== \(title) ==")
}

var product = Product(
    name: "products/sauna-45",
    title: "Sauna session, 45 minutes",
    description: "Private sauna for up to four people.",
    price: Money(currency: "EUR", minorUnits: 3_900),
    tags: ["wellness", "booking"],
    attributes: ["capacity": "4"],
    status: .published,
    createTime: Google_Protobuf_Timestamp(seconds: 1_795_000_000, nanos: 250_000_000)
)
product.fulfillment = .venueId("venues/lisbon-1")

section("a Product built in Swift")
print(product)

section("protobuf binary")
let bytes = product.serializedBytes()
print("\(bytes.count) bytes:", bytes.prefix(48).map { String(format: "%02x", $0) }.joined(separator: " "), "…")
let fromBytes = try Product(serializedBytes: bytes)
print("decoded equals original:", fromBytes == product)

section("proto3 JSON (generated writer, no Foundation)")
let json = try product.jsonString()
print(json)
print("decoded equals original:", try Product(jsonString: json) == product)

section("Codable: JSONEncoder sees the same mapping")
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(product), as: UTF8.self))
print("JSONDecoder round trip equals original:", try JSONDecoder().decode(Product.self, from: encoder.encode(product)) == product)

section("bad input is an error naming the field, never a crash")
var truncated = bytes
truncated.removeLast(3)
do {
    _ = try Product(serializedBytes: truncated)
} catch {
    print("truncated bytes:", error)
}
do {
    _ = try Product(jsonString: #"{"title": "x", "price": {"minorUnits": "12.5"}}"#)
} catch {
    print("bad JSON:", error)
}
do {
    _ = try Product(jsonString: #"{"titel": "typo"}"#)
} catch {
    print("unknown JSON field:", error)
}

section("the service descriptor: gRPC paths and REST routes, no second parse")
for method in CatalogService.descriptor.methods {
    let route = method.httpRule.map { "\($0.method) \($0.path)" } ?? "(no REST route)"
    let streaming = method.serverStreaming ? ", server streaming" : ""
    print("\(method.path)  ←  \(route)  [\(method.idempotency)\(streaming)]")
}
