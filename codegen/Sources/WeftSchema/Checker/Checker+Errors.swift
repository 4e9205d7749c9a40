/// Typed errors (`weft/api/errors.proto`): a top-level enum with `(weft.api.error_domain)` lists
/// a service's error reasons, each value but the first naming the gRPC code it is sent with in
/// `(weft.api.error_code)`.
extension Checker {
    /// The canonical gRPC status code names a reason may be sent with (OK is no error).
    static let errorCodeNames = [
        "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// Reads the enum's error domain and its values' codes, with a diagnostic for each mistake.
    mutating func interpretErrorOptions(of decl: inout EnumDecl, resolver: ScopeResolver) {
        let current = decl
        for option in decl.options where isErrorOption(option, "weft.api.error_domain", current, resolver) {
            guard case .string(let domain) = option.value, !domain.isEmpty else {
                log.error("(weft.api.error_domain) must be a non-empty string, e.g. \"catalog.example.com\"", at: option.location)
                continue
            }
            decl.errorDomain = domain
        }
        for index in decl.values.indices {
            let value = decl.values[index]
            var hasCodeOption = false
            for option in value.options where isErrorOption(option, "weft.api.error_code", current, resolver) {
                hasCodeOption = true
                guard decl.errorDomain != nil else {
                    log.error("(weft.api.error_code) needs the enum to set (weft.api.error_domain)", at: option.location)
                    continue
                }
                guard case .string(let code) = option.value, Self.errorCodeNames.contains(code) else {
                    log.error("(weft.api.error_code) must be a gRPC status code name other than OK, e.g. \"NOT_FOUND\""
                        + Self.suggestion(for: option.value), at: option.location)
                    continue
                }
                guard value.number != 0 else {
                    log.error("the first value of error enum \(decl.name) means no error; it takes no (weft.api.error_code)", at: option.location)
                    continue
                }
                decl.values[index].errorCode = code
            }
            if decl.errorDomain != nil, value.number != 0, !hasCodeOption {
                log.error("reason \(value.name) of error enum \(decl.name) needs (weft.api.error_code), e.g. [(weft.api.error_code) = \"NOT_FOUND\"]",
                    at: value.location)
            }
        }
    }

    /// Whether `option` sets the extension `fullName` (resolved from the enum's scope).
    func isErrorOption(_ option: OptionAssignment, _ fullName: String, _ decl: EnumDecl, _ resolver: ScopeResolver) -> Bool {
        guard option.name.hasPrefix("("), let close = option.name.firstIndex(of: ")"),
              option.name.index(after: close) == option.name.endIndex else { return false }
        let name = String(option.name[option.name.index(after: option.name.startIndex)..<close])
        if case .found(let resolved, let symbol) = resolver.resolve(name, in: Self.parentScope(of: decl.fullName), typesOnly: false),
           symbol.kind == .extensionField {
            return resolved == fullName
        }
        return false
    }

    private static func suggestion(for value: OptionValue) -> String {
        guard case .string(let text) = value else { return "" }
        let upper = String(text.uppercased().map { $0 == " " ? "_" : $0 })
        if let match = errorCodeNames.first(where: { $0 == upper }) { return " (did you mean \"\(match)\"?)" }
        let close = errorCodeNames.min { editDistance($0, upper) < editDistance($1, upper) }
        guard let close, editDistance(close, upper) <= 2 else { return "" }
        return " (did you mean \"\(close)\"?)"
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
