import WeftSchema

/// The names of the document's schema components, chosen to read well in generated code.
///
/// A message or enum is named by its name within its package, nesting joined
/// (`weft.platform.catalog.v1.Product` → `Product`, `Product.Dimensions` →
/// `ProductDimensions`): generators turn a component name into a type name, and a dotted one
/// comes out as `weft_period_platform_…` in Swift. Where two types of the loaded schemas would
/// share a name (the same name in two packages, or a user's `Status` beside the error body's),
/// each of them takes its whole package as a prefix (`ShopV1Item`, `StockV1Item`). Every type
/// of the loaded schemas is named up front, so a type's component name does not depend on
/// which routes the document happens to describe; it does depend on the loaded schemas (a new
/// schema with a type of the same name prefixes both), so a gateway serving many packages
/// should keep their type names apart. A name still taken after that is the full name (numbered if need be).
struct ComponentNames {
    /// The name of the error body every route may answer with (the `google.rpc.Status` JSON).
    static let status = "Status"
    /// The name of the strings `NaN`, `Infinity` and `-Infinity` a float field may hold.
    static let nonFiniteNumber = "NonFiniteNumber"
    /// Names a schema type does not get: the document's own, and those that break generated
    /// clients without a warning (openapi-python-client's `Response`, `Unset` and `Any`).
    static let reserved: Set<String> = [status, nonFiniteNumber, "Response", "Unset", "Any"]

    private let names: [String: String]

    init(files: [ProtoFile]) {
        var candidates: [(fullName: String, short: String, package: String)] = []
        func add(_ fullName: String, package: String) {
            let relative = package.isEmpty ? fullName : String(fullName.dropFirst(package.count + 1))
            candidates.append((fullName, relative.split(separator: ".").joined(), package))
        }
        func addMessage(_ message: MessageDecl, package: String) {
            add(message.fullName, package: package)
            for nested in message.messages { addMessage(nested, package: package) }
            for nested in message.enums { add(nested.fullName, package: package) }
        }
        for file in files {
            for message in file.messages { addMessage(message, package: file.package) }
            for enumDecl in file.enums { add(enumDecl.fullName, package: file.package) }
        }
        // The well-known types are written inline: they take no name.
        candidates.removeAll { SchemaCollector.wellKnown[$0.fullName] != nil }
        var uses = Dictionary(uniqueKeysWithValues: Self.reserved.map { ($0, 1) })
        for candidate in candidates { uses[candidate.short, default: 0] += 1 }
        var names: [String: String] = [:]
        var taken = Self.reserved
        for candidate in candidates {
            let prefixed = candidate.package.split(separator: ".").map(Self.capitalized).joined() + candidate.short
            var name = OpenAPIPath.identifier(uses[candidate.short] == 1 ? candidate.short : prefixed)
            // Still taken (a nested `Item.Part` beside an `ItemPart`, a package-less `Status`):
            // the full name, numbered if even that is taken.
            if taken.contains(name) { name = OpenAPIPath.identifier(candidate.fullName) }
            names[candidate.fullName] = OpenAPIPath.claim(name, separator: "", in: &taken)
        }
        self.names = names
    }

    /// The component name of a message or enum (its full name if the schemas lack it).
    func name(of fullName: String) -> String {
        names[fullName] ?? OpenAPIPath.identifier(fullName)
    }

    private static func capitalized(_ part: Substring) -> String {
        part.prefix(1).uppercased() + part.dropFirst()
    }
}
