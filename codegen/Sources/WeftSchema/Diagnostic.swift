/// A problem found in a schema, reported at the offending token.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// The text of the offending line, without its line break.
    public var sourceLine: String?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation?, sourceLine: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: message`, then the source line and a caret under the column.
    /// Tabs before the column are kept in the caret line so the caret lines up.
    public var description: String {
        let label = severity == .error ? "error" : "warning"
        guard let location else { return "\(label): \(message)" }
        var text = "\(location): \(label): \(message)"
        if let sourceLine {
            let indent = sourceLine.unicodeScalars.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }
            text += "\n\(sourceLine)\n\(indent.joined())^"
        }
        return text
    }
}

/// Collects diagnostics while a compilation runs.
struct DiagnosticLog: Sendable {
    private(set) var diagnostics: [Diagnostic] = []

    mutating func error(_ message: String, at location: SourceLocation?) {
        diagnostics.append(Diagnostic(.error, message, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation?) {
        diagnostics.append(Diagnostic(.warning, message, at: location))
    }

    mutating func append(contentsOf other: DiagnosticLog) {
        diagnostics += other.diagnostics
    }
}
