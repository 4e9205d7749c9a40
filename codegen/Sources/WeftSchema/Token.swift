/// One lexical token of a schema file, with the comments that document it.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier, integer, float, string, symbol, endOfFile
    }

    var kind: Kind
    /// Identifier or symbol text; the literal as written for numbers; the decoded value for strings.
    var text: String
    /// The value of an `.integer` token.
    var integerValue: UInt64 = 0
    /// The value of a `.float` token.
    var floatValue: Double = 0
    /// For a `.string` token: whether `text` is exactly what stands between the quotes (no escape
    /// sequences), so a character's column follows from its offset in `text`.
    var isVerbatim = true
    var location: SourceLocation
    /// The comment block directly above the token (no blank line in between), markers stripped.
    var leadingComment: String?
    /// Comment blocks above the token that are separated from it by a blank line.
    var detachedComments: [String] = []
    /// A comment starting on the same line, after the token.
    var trailingComment: String?

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
    func isIdentifier(_ word: String) -> Bool { kind == .identifier && text == word }
}
