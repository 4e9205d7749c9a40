/// Where the parts of declarations were written, for diagnostics that point at a part
/// (a field's type or number) rather than at the declaration's name. Keyed by the
/// declaration's own `location`, which is unique per declaration.
struct SyntaxSpans: Sendable {
    /// Field or enum value → its number literal.
    var numbers: [SourceLocation: SourceLocation] = [:]
    /// Field → its type name (the value type for maps).
    var types: [SourceLocation: SourceLocation] = [:]
    /// Method → its input and output type names.
    var inputs: [SourceLocation: SourceLocation] = [:]
    var outputs: [SourceLocation: SourceLocation] = [:]
    /// The `package` name, when declared.
    var package: SourceLocation?
    /// Option → the first token of each value written in it, by the value's path (`valuePath`).
    /// Paths start from the option name's first part: `(google.api.http) = { get: "/x" }`
    /// records `get` (and `""` for the whole aggregate), `(google.api.http).custom.path = "/x"`
    /// records `custom.path`.
    var optionValues: [SourceLocation: [String: SourceLocation]] = [:]
    /// String values written as one literal without escape sequences: a character's column is
    /// the opening quote's column + 1 + its offset in the value.
    var verbatimStrings: Set<SourceLocation> = []

    /// The path of the `occurrence`-th (from 0) entry named `key` of the aggregate at `parent`:
    /// `key`, then `key#1`, `key#2`… for repeated entries (`additional_bindings#1.custom.path`).
    static func valuePath(_ parent: String, key: String, occurrence: Int) -> String {
        let segment = occurrence == 0 ? key : "\(key)#\(occurrence)"
        return parent.isEmpty ? segment : parent + "." + segment
    }
}
