#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Splits a body arriving in chunks into its lines (newline-delimited JSON), a line at a time
/// as soon as its newline is in; blank lines are skipped.
struct NDJSONLines {
    private var pending: [UInt8] = []

    /// The lines `chunk` completes.
    mutating func append(_ chunk: Data) -> [[UInt8]] {
        pending += chunk
        var lines: [[UInt8]] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[start..<newline]
            if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) { lines.append(Array(line)) }
            start = pending.index(after: newline)
        }
        pending.removeSubrange(..<start)
        return lines
    }
}
