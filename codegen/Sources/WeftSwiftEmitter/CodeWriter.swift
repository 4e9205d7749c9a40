/// Builds Swift source text line by line with four-space indentation.
struct CodeWriter {
    private(set) var text = ""
    private var indentation = 0

    /// Appends one line at the current indentation (an empty string appends a blank line).
    mutating func line(_ content: String = "") {
        if content.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: "    ", count: indentation) + content + "\n"
        }
    }

    /// Appends `header {`, the body one level deeper, then `}` (or `footer`).
    mutating func block(_ header: String, footer: String = "}", _ body: (inout CodeWriter) -> Void) {
        line(header + " {")
        indented(body)
        line(footer)
    }

    /// Appends `switch subject {`, the cases at the same indentation (Swift's style), then `}`.
    mutating func switchBlock(_ subject: String, _ cases: (inout CodeWriter) -> Void) {
        line("switch \(subject) {")
        cases(&self)
        line("}")
    }

    /// Appends `if condition {`, `} else {` and `}` around the two bodies.
    mutating func ifElse(_ condition: String, _ then: (inout CodeWriter) -> Void, else otherwise: (inout CodeWriter) -> Void) {
        line("if \(condition) {")
        indented(then)
        line("} else {")
        indented(otherwise)
        line("}")
    }

    /// Appends `body` one level deeper.
    mutating func indented(_ body: (inout CodeWriter) -> Void) {
        indentation += 1
        body(&self)
        indentation -= 1
    }

    /// Appends `text` as `///` doc comment lines; nothing when `text` is empty.
    mutating func doc(_ text: String) {
        guard !text.isEmpty else { return }
        for docLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            line(docLine.isEmpty ? "///" : "/// " + docLine)
        }
    }
}
