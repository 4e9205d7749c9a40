/// Names what differs between two messages, so a failing case says which field broke.
enum MessageDiff {
    /// nil when the values are equal, else the stored properties that differ.
    static func compare<M: Hashable>(_ expected: M, _ actual: M) -> String? {
        expected == actual ? nil : differences(expected, actual)
    }

    /// The differing stored properties, read through `Mirror` so no per-type code is needed.
    /// Each property of a generated message is Hashable, so `AnyHashable` compares it exactly
    /// (printed text would not do: two equal dictionaries may print in different orders).
    static func differences(_ expected: Any, _ actual: Any) -> String {
        let pairs = zip(Mirror(reflecting: expected).children, Mirror(reflecting: actual).children)
        let lines = pairs.compactMap { left, right -> String? in
            guard let l = left.value as? AnyHashable, let r = right.value as? AnyHashable, l != r else { return nil }
            return "\(left.label ?? "?"): \(describe(l.base, r.base))"
        }
        return lines.isEmpty ? "messages differ, no property does" : lines.joined(separator: "; ")
    }

    /// Points at the first difference: arrays hold up to 10,000 elements and the unicode
    /// sample is one long string.
    private static func describe(_ expected: Any, _ actual: Any) -> String {
        if let l = expected as? String, let r = actual as? String {
            return describeText(Array(l.unicodeScalars), Array(r.unicodeScalars))
        }
        let left = Mirror(reflecting: expected), right = Mirror(reflecting: actual)
        guard left.displayStyle == .collection, right.displayStyle == .collection else {
            return "expected \(clip(expected)), got \(clip(actual))"
        }
        let l = Array(left.children), r = Array(right.children)
        guard l.count == r.count else { return "expected \(l.count) elements, got \(r.count)" }
        let index = l.indices.first { (l[$0].value as? AnyHashable) != (r[$0].value as? AnyHashable) } ?? 0
        return "[\(index)] expected \(clip(l[index].value)), got \(clip(r[index].value))"
    }

    /// Strings by scalar, escaped to ASCII, so "é" and "e" + U+0301 look different.
    private static func describeText(_ expected: [Unicode.Scalar], _ actual: [Unicode.Scalar]) -> String {
        let common = min(expected.count, actual.count)
        let index = (0..<common).first { expected[$0] != actual[$0] } ?? common
        func window(_ scalars: [Unicode.Scalar]) -> String {
            "\"" + scalars.dropFirst(index).prefix(16).map { $0.escaped(asASCII: true) }.joined() + "\""
        }
        return "from scalar \(index): expected \(window(expected)), got \(window(actual))"
    }

    private static func clip(_ value: Any) -> String {
        let text = String(reflecting: value)
        return text.count <= 160 ? text : text.prefix(160) + "…"
    }
}
