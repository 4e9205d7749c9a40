/// A failure to read JSON into a message: what, at which byte, and in which field.
public struct JSONDecodingError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong, e.g. `expected ',' or '}' after object member`.
    public var message: String
    /// Byte offset in the input where the problem was detected.
    public var offset: Int
    /// Path of the value being read, e.g. `items[3].sku`; empty at the top level.
    public var path: String

    /// Creates an error.
    public init(_ message: String, offset: Int, path: String = "") {
        self.message = message
        self.offset = offset
        self.path = path
    }

    /// Prefixes `component` (a key, or a key with an index like `items[3]`) to the path.
    mutating func prepend(_ component: String) {
        guard !component.isEmpty else { return }
        if path.isEmpty {
            path = component
        } else if path.hasPrefix("[") {
            path = component + path
        } else {
            path = component + "." + path
        }
    }

    /// A one-line explanation with the field path and byte offset.
    public var description: String {
        let location = path.isEmpty ? "" : " at \(path)"
        return "JSON decoding error: \(message)\(location) (byte offset \(offset))"
    }
}

/// A value that has no proto3 JSON form, e.g. a Timestamp outside 0001..9999.
public struct JSONEncodingError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What could not be written.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// A one-line explanation.
    public var description: String { "JSON encoding error: \(message)" }
}
