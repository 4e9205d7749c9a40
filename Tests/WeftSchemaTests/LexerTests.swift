import Testing
@testable import WeftSchema

@Suite struct LexerTests {
    private func lex(_ source: String) -> ([Token], [Diagnostic]) {
        var lexer = Lexer(source: source, file: "t.proto")
        let tokens = lexer.tokenize()
        return (tokens, lexer.log.diagnostics)
    }

    @Test func tokenKindsAndLocations() {
        let (tokens, diagnostics) = lex("message Foo {\n  int32 a_1 = 0x1F;\n}")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["message", "Foo", "{", "int32", "a_1", "=", "0x1F", ";", "}", ""])
        #expect(tokens[4].location == SourceLocation(file: "t.proto", line: 2, column: 9))
        #expect(tokens[6].kind == .integer && tokens[6].integerValue == 31)
        #expect(tokens.last?.kind == .endOfFile)
    }

    @Test func numbers() {
        let (tokens, diagnostics) = lex("017 0 42 1.5 .5 2e3 1E-2 18446744073709551615")
        #expect(diagnostics.isEmpty)
        #expect(tokens[0].integerValue == 15)
        #expect(tokens[1].integerValue == 0)
        #expect(tokens[2].integerValue == 42)
        #expect(tokens[3...6].map(\.floatValue) == [1.5, 0.5, 2000, 0.01])
        #expect(tokens[3...6].allSatisfy { $0.kind == .float })
        #expect(tokens[7].integerValue == UInt64.max)
    }

    @Test func badNumbers() {
        #expect(lex("09").1.map(\.message) == ["numbers starting with a leading zero must be in octal"])
        #expect(lex("18446744073709551616").1.map(\.message) == ["integer literal is too large"])
        #expect(lex("12abc").1.map(\.message) == ["need space between number and identifier"])
    }

    @Test func stringsAndEscapes() {
        let (tokens, diagnostics) = lex(#"'single' "a\n\t\"\\" "\x41\101\u00e9\U0001F600""#)
        #expect(diagnostics.isEmpty)
        #expect(tokens[0].text == "single")
        #expect(tokens[1].text == "a\n\t\"\\")
        #expect(tokens[2].text == "AAé😀")
        #expect(tokens[2].kind == .string)
    }

    @Test func unterminatedStringAndStrayCharacter() {
        #expect(lex("\"abc\nx").1.map(\.message) == ["string literal is not terminated before the end of the line"])
        #expect(lex("a § b").1.map(\.message) == ["unexpected character '§'"])
        #expect(lex("/* open").1.map(\.message) == ["block comment is not terminated"])
    }

    @Test func leadingDetachedAndTrailingComments() {
        let source = """
            // detached

            // leading one
            // leading two
            a; // trailing
            /**
             * Block doc.
             *   indented
             */
            b;
            """
        let (tokens, _) = lex(source)
        #expect(tokens[0].detachedComments == ["detached"])
        #expect(tokens[0].leadingComment == "leading one\nleading two")
        #expect(tokens[1].trailingComment == "trailing")
        #expect(tokens[2].leadingComment == "Block doc.\n  indented")
        #expect(tokens[2].trailingComment == nil)
    }

    @Test func trailingCommentDoesNotLeadTheNextLine() {
        let (tokens, _) = lex("a; // about a\nb;")
        #expect(tokens[1].trailingComment == "about a")
        #expect(tokens[2].leadingComment == nil)
    }
}
