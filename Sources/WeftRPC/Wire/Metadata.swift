#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WeftMessages

/// Custom request or response metadata: ordered key/value pairs, keys lowercase ASCII. Keys
/// ending in `-bin` carry binary values, base64-encoded on the wire; all others carry text.
public struct Metadata: Sendable, Hashable, Sequence {
    /// One metadata value.
    public enum Value: Sendable, Hashable {
        case text(String)
        case binary([UInt8])
    }

    private var entries: [(key: String, value: Value)] = []

    /// Empty metadata.
    public init() {}

    /// Text entries in order, e.g. `Metadata(["x-request-id": "42"])`.
    public init(_ text: KeyValuePairs<String, String>) {
        for (key, value) in text { add(key, value) }
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// Makes room for `count` entries in all, so that adding them allocates once.
    public mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// Appends a text value under `key` (lowercased); earlier values for the key stay.
    public mutating func add(_ key: String, _ value: String) {
        entries.append((Self.lowercased(key), .text(value)))
    }

    /// `key` in lowercase; itself when it is already (the usual case, checked on its bytes:
    /// `lowercased()` builds a new string through Unicode's case mapping every time).
    private static func lowercased(_ key: String) -> String {
        key.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 } ? key.lowercased() : key
    }

    /// Appends a binary value under `key`, which must end in `-bin`.
    public mutating func add(_ key: String, binary value: [UInt8]) {
        precondition(key.lowercased().hasSuffix("-bin"), "binary metadata keys end in -bin: \(key)")
        entries.append((key.lowercased(), .binary(value)))
    }

    /// `text` without surrounding spaces and tabs; itself when it has none (the usual case,
    /// checked on its first and last bytes).
    static func fieldValue(_ text: String) -> String {
        let utf8 = text.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = utf8.first, let last = utf8.last, isBlank(first) || isBlank(last) else { return text }
        guard let start = utf8.firstIndex(where: { !isBlank($0) }), let end = utf8.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[start...end])
    }

    /// Every value under `key`, in the order received.
    public subscript(key: String) -> [Value] {
        let key = key.lowercased()
        return entries.filter { $0.key == key }.map(\.value)
    }

    /// The first text value under `key`.
    public func first(_ key: String) -> String? {
        for case .text(let text) in self[key] { return text }
        return nil
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: Value)> {
        entries.makeIterator()
    }

    public static func == (lhs: Metadata, rhs: Metadata) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}

/// Metadata as HTTP/2 header fields, and back.
extension Metadata {
    /// Header names the protocol owns; they are never user metadata.
    /// (Compared as UTF-8 bytes, as HTTP compares field names: `String.hasPrefix` compares by
    /// Unicode rules, which cost more than the rest of reading a response's headers. Only a
    /// name that is not ASCII, which no HTTP/2 peer may send, could tell the two apart.)
    static func isReserved(_ name: String) -> Bool {
        let bytes = name.utf8
        if bytes.first == UInt8(ascii: ":") || name.hasUTF8Prefix("grpc-") { return true }
        switch name {
        case "content-type", "te", "user-agent", "content-length", "connection", "host", "transfer-encoding": return true
        default: return false
        }
    }

    /// Whether `name` is a binary entry's (it ends in `-bin`), compared as UTF-8 bytes.
    package static func isBinaryName(_ name: String) -> Bool {
        name.utf8.count >= 4 && name.utf8.suffix(4).elementsEqual("-bin".utf8)
    }

    /// The header fields for this metadata: binary values as padded base64, which every gRPC
    /// implementation accepts.
    /// Text values lose surrounding spaces and tabs, which are not part of an HTTP field value
    /// (RFC 9110 §5.5) and which HTTP/2 peers refuse (the stream would be reset).
    public var headerFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        appendHeaderFields(to: &fields)
        return fields
    }

    /// Appends `headerFields` to `fields`, without an array of their own in between.
    package func appendHeaderFields(to fields: inout [(name: String, value: String)]) {
        for entry in entries {
            switch entry.value {
            case .text(let text): fields.append((entry.key, Self.fieldValue(text)))
            case .binary(let bytes): fields.append((entry.key, Base64.encode(bytes)))
            }
        }
    }

    /// User metadata from received header fields: reserved names are skipped; `-bin` values are
    /// decoded from padded or unpadded base64. Throws `Status(.internal)` for bad base64.
    public init(headerFields: [(name: String, value: String)]) throws {
        self.init()
        for (index, (name, value)) in headerFields.enumerated() where !Self.isReserved(name) {
            // Room for every field left, at the first one kept: one allocation, and none at all
            // for the usual response headers, which are all reserved.
            if entries.isEmpty { entries.reserveCapacity(headerFields.count - index) }
            guard Self.isBinaryName(name) else {
                entries.append((name, .text(value)))
                continue
            }
            // A header that arrives several times may be comma-joined by intermediaries.
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = part.trimmingSpaces
                guard let bytes = Base64.decode(trimmed) else {
                    throw Status(.internal, "metadata \(name) is not valid base64")
                }
                entries.append((name, .binary(bytes)))
            }
        }
    }
}
