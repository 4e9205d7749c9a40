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
}
