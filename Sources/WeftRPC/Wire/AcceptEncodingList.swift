/// A `grpc-accept-encoding` value: encoding names separated by commas, kept as received and
/// read only when a response is to be compressed, which most calls never ask for (splitting it
/// for every call cost allocations on the server's hot path).
struct AcceptEncodingList: Sendable {
    /// The value; several fields are joined with commas.
    private(set) var text = ""

    /// An empty list.
    init() {}

    /// The list of `names`.
    init(_ names: [String]) {
        text = names.joined(separator: ",")
    }

    /// Adds the names of one more received field.
    mutating func append(field value: String) {
        text = text.isEmpty ? value : text + "," + value
    }

    /// The names, in order, without surrounding spaces.
    var names: [String] {
        var names: [String] = []
        forEachName { name in
            names.append(String(Substring(name)))
            return false
        }
        return names
    }

    /// Whether `name` is among them (compared byte for byte, as gRPC names are lowercase ASCII).
    func contains(_ name: String) -> Bool {
        var found = false
        forEachName { candidate in
            found = candidate.elementsEqual(name.utf8)
            return found
        }
        return found
    }

    /// Runs `body` on each non-empty name, trimmed, until it returns true.
    private func forEachName(_ body: (Substring.UTF8View) -> Bool) {
        let bytes = text.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
            let name = bytes[start..<end].trimmingBlanks
            if !name.isEmpty, body(name) { return }
            start = end == bytes.endIndex ? end : bytes.index(after: end)
        }
    }
}

extension Substring.UTF8View {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingBlanks: Substring.UTF8View {
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return self[endIndex...] }
        return self[first...last]
    }
}
