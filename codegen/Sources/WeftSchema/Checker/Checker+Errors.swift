/// gRPC's status codes by canonical name: what `(weft.api.error_code)` may name (OK is no error)
/// and the numbers generated code sends.
public enum StatusCodeNames {
    public static let numbers: [String: Int] = [
        "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4, "NOT_FOUND": 5, "ALREADY_EXISTS": 6,
        "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8, "FAILED_PRECONDITION": 9, "ABORTED": 10, "OUT_OF_RANGE": 11,
        "UNIMPLEMENTED": 12, "INTERNAL": 13, "UNAVAILABLE": 14, "DATA_LOSS": 15, "UNAUTHENTICATED": 16,
    ]

    /// The names of the error codes, in code order (for suggestions).
    static let errors = numbers.sorted { $0.value < $1.value }.map(\.key)
}

/// Typed errors (`weft/api/errors.proto`): a top-level enum with `(weft.api.error_domain)` lists
/// a service's error reasons, each value but the first naming the gRPC code it is sent with in
/// `(weft.api.error_code)`.
extension Checker {
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
                guard case .string(let code) = option.value, StatusCodeNames.errors.contains(code) else {
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
        guard option.name.hasSuffix(")"),
              case .found(let resolved, let symbol)? = Self.resolveCustomOption(option, scope: Self.parentScope(of: decl.fullName), resolver: resolver)?.resolution
        else { return false }
        return symbol.kind == .extensionField && resolved == fullName
    }

    private static func suggestion(for value: OptionValue) -> String {
        guard case .string(let text) = value else { return "" }
        let upper = String(text.uppercased().map { $0 == " " ? "_" : $0 })
        if let match = StatusCodeNames.errors.first(where: { $0 == upper }) { return " (did you mean \"\(match)\"?)" }
        let close = StatusCodeNames.errors.min { editDistance($0, upper) < editDistance($1, upper) }
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
