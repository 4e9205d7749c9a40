// `make demo`: the catalog schema's generated types in use — build a message, encode it as
// protobuf binary and proto3 JSON, decode both, go through Codable, show what malformed input
// gets — then serve CatalogService over HTTP/2 with mutual TLS and call it with the generated
// client. The argument is the dev PKI directory (`weft certs`). `weft-demo serve <pki>` only
// serves CatalogService (see ServeCatalog.swift).
import Foundation
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

if CommandLine.arguments.dropFirst().first == "serve" {
    var arguments = Array(CommandLine.arguments.dropFirst(2))
    // `--rest <schemas dir>`: the catalog's REST routes on its own port as well (embedded REST).
    var restSchemas: String?
    if let flag = arguments.firstIndex(of: "--rest"), flag + 1 < arguments.count {
        restSchemas = arguments[flag + 1]
        arguments.removeSubrange(flag...(flag + 1))
    }
    try await serveCatalog(
        pki: arguments.first ?? "certs/dev", port: arguments.count > 1 ? Int(arguments[1]) ?? 0 : 0, restSchemas: restSchemas)
    exit(0)
}

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

section("CatalogService over HTTP/2 with mutual TLS")
let pki = CommandLine.arguments.dropFirst().first ?? "certs/dev"
let server = try await GRPCServer.start(
    port: 0,
    tls: TLSContext(.server(certificateChain: "\(pki)/catalog.pem", privateKey: "\(pki)/catalog.key", trustRoots: "\(pki)/ca.pem")),
    services: [InMemoryCatalog()])
print("server listening on 127.0.0.1:\(server.port), requiring client certificates from \(pki)/ca.pem")
let channel = try await GRPCConnection.connect(
    host: "127.0.0.1", port: server.port,
    tls: TLSContext(.client(
        certificateChain: "\(pki)/client.pem", privateKey: "\(pki)/client.key", trustRoots: "\(pki)/ca.pem",
        serverName: "127.0.0.1")))
let catalog = CatalogService.Client(transport: channel)
let created: ClientResponse<Product> = try await ClientCalls.unary(
    channel, CatalogService.descriptor.methods[2], CreateProductRequest(product: product), options: CallOptions())
print("CreateProduct → \(created.message.name), created by \(created.trailingMetadata.first("x-created-by") ?? "?")")
let fetched = try await catalog.getProduct(GetProductRequest(name: created.message.name), options: CallOptions(timeout: .seconds(2)))
print("GetProduct → \(fetched.title), \(fetched.price?.minorUnits ?? 0) \(fetched.price?.currency ?? "")")
let listed = try await catalog.listProducts(ListProductsRequest(status: .published))
print("ListProducts(status: published) → \(listed.products.map(\.name))")
do {
    _ = try await catalog.getProduct(GetProductRequest(name: "products/nope"))
} catch {
    print("GetProduct(products/nope) → \(error)")
}
let watched = try await catalog.watchProducts(ListProductsRequest()) { stream in
    var names: [String] = []
    for try await product in stream { names.append(product.name) }
    return names
}
print("WatchProducts (server streaming) → \(watched)")
do {
    let intruder = try await GRPCConnection.connect(
        host: "127.0.0.1", port: server.port,
        tls: TLSContext(.client(
            certificateChain: "\(pki)/foreign-client.pem", privateKey: "\(pki)/foreign-client.key",
            trustRoots: "\(pki)/ca.pem", serverName: "127.0.0.1")))
    _ = try await CatalogService.Client(transport: intruder).getProduct(GetProductRequest(name: created.message.name))
    print("a client from a foreign CA got through: this must not happen")
} catch {
    print("a client whose certificate comes from a foreign CA is refused: \(error)")
}
try await channel.close()
try await server.shutdown()
