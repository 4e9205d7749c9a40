/// Reads proto3 JSON from UTF-8 bytes in contiguous memory.
///
/// Strict RFC 8259 grammar (no comments, no trailing commas, no bare `NaN`) with the proto3
/// leniencies (quoted numbers, `"NaN"`/`"Infinity"`, both base64 alphabets). The reader borrows its
/// buffer: it is valid only while the caller keeps the bytes alive. Errors are
/// `JSONDecodingError`s with the byte offset and the field path (`items[3].sku`).
public struct JSONReader {
    @usableFromInline let base: UnsafeRawPointer?
    /// Offset of the next unread byte.
    @usableFromInline var position: Int
    @usableFromInline let end: Int
    /// The options generated code consults (`ignoreUnknownFields`).
    public let options: JSONDecodingOptions
    /// How many more levels of messages or JSON containers may be entered.
    @usableFromInline var remainingDepth: Int
    /// Whether the innermost open object or array has produced no member yet.
    @usableFromInline var isFirst: Bool
    /// Objects opened within the current message (1 = the message, 2 = a map inside it).
    @usableFromInline var objectNesting: Int
    /// The current message's key being read, for error paths.
    @usableFromInline var fieldKey: String?
    /// The map key being read inside `fieldKey`'s map, for error paths.
    @usableFromInline var mapKey: String?
    /// The index of the array element being read inside `fieldKey`'s array, or -1.
    @usableFromInline var arrayIndex: Int

    /// Creates a reader over UTF-8 JSON `buffer`.
    public init(_ buffer: UnsafeRawBufferPointer, options: JSONDecodingOptions = JSONDecodingOptions()) {
        base = buffer.baseAddress
        position = 0
        end = buffer.count
        self.options = options
        remainingDepth = options.recursionLimit
        isFirst = false
        objectNesting = 0
        fieldKey = nil
        mapKey = nil
        arrayIndex = -1
    }

    // MARK: Bytes

    @inlinable @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        base.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Skips JSON whitespace (space, tab, line feed, carriage return).
    @inlinable
    mutating func skipWhitespace() {
        while position < end {
            let b = byte(at: position)
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position &+= 1
        }
    }

    /// The next non-whitespace byte, not consumed; nil at the end of input.
    @inlinable
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < end ? byte(at: position) : nil
    }

    /// An error at the current position.
    @usableFromInline
    func error(_ message: String) -> JSONDecodingError {
        JSONDecodingError(message, offset: position)
    }

    /// An error saying what was expected and what was found instead.
    @usableFromInline
    func unexpected(_ expected: String) -> JSONDecodingError {
        guard position < end else { return error("expected \(expected), found end of input") }
        let b = byte(at: position)
        let found = b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        return error("expected \(expected), found \(found)")
    }

    /// Consumes `literal` if the input continues with it.
    @inlinable
    mutating func consume(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end &- position >= n else { return false }
        for i in 0..<n where byte(at: position &+ i) != literal.utf8Start[i] { return false }
        position &+= n
        return true
    }

    // MARK: Structure

    /// Consumes `null` if it is the next value and returns true; otherwise consumes nothing.
    @inlinable
    public mutating func readNull() -> Bool {
        skipWhitespace()
        return consume("null")
    }

    /// Consumes `{`.
    @inlinable
    public mutating func beginObject() throws {
        guard peek() == UInt8(ascii: "{") else { throw unexpected("'{'") }
        position &+= 1
        isFirst = true
        objectNesting &+= 1
    }

    /// Returns the next key of the open object (consuming the comma before it and the colon
    /// after it), or nil after consuming the closing `}`.
    @inlinable
    public mutating func nextKey() throws -> String? {
        let b = peek()
        if b == UInt8(ascii: "}") {
            position &+= 1
            isFirst = false
            objectNesting &-= 1
            return nil
        }
        if isFirst {
            isFirst = false
        } else {
            guard b == UInt8(ascii: ",") else { throw unexpected("',' or '}' after object member") }
            position &+= 1
            if peek() == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
        }
        guard peek() == UInt8(ascii: "\"") else { throw unexpected("a string key") }
        let key = try readString()
        guard peek() == UInt8(ascii: ":") else { throw unexpected("':' after object key") }
        position &+= 1
        if objectNesting <= 1 {
            fieldKey = key
            mapKey = nil
            arrayIndex = -1
        } else {
            mapKey = key
        }
        return key
    }

    /// Consumes `[`.
    @inlinable
    public mutating func beginArray() throws {
        guard peek() == UInt8(ascii: "[") else { throw unexpected("'['") }
        position &+= 1
        isFirst = true
        arrayIndex = -1
    }

    /// Returns true when another element follows (consuming the comma before it), or false
    /// after consuming the closing `]`.
    @inlinable
    public mutating func nextElement() throws -> Bool {
        let b = peek()
        if b == UInt8(ascii: "]") {
            position &+= 1
            isFirst = false
            arrayIndex = -1
            return false
        }
        if isFirst {
            isFirst = false
        } else {
            guard b == UInt8(ascii: ",") else { throw unexpected("',' or ']' after array element") }
            position &+= 1
            if peek() == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
        }
        arrayIndex &+= 1
        return true
    }

    /// Reads a nested message object and merges it into `message`, one level deeper (an error past
    /// the recursion limit); errors coming out of it get this level's key prefixed to their path.
    @inlinable
    public mutating func readMessage<M: WeftMessage>(into message: inout M) throws {
        try readNested { try message.mergeJSON(from: &$0) }
    }

    /// Reads one nested value (a message's object, or whatever `body` reads) one level deeper:
    /// an error past the recursion limit; errors leaving `body` get this level's key prefixed to
    /// their path. Readers of schemas known only at run time (the gateway) use it directly.
    @inlinable
    public mutating func readNested(_ body: (inout JSONReader) throws -> Void) throws {
        guard remainingDepth > 0 else { throw depthError() }
        let outer = (objectNesting, fieldKey, mapKey, arrayIndex)
        objectNesting = 0
        fieldKey = nil
        mapKey = nil
        arrayIndex = -1
        remainingDepth &-= 1
        do {
            try body(&self)
        } catch {
            let annotated = annotate(error)
            (objectNesting, fieldKey, mapKey, arrayIndex) = outer
            throw annotated
        }
        remainingDepth &+= 1
        (objectNesting, fieldKey, mapKey, arrayIndex) = outer
    }

    @usableFromInline
    func depthError() -> JSONDecodingError {
        error("nesting exceeds the recursion limit (\(options.recursionLimit))")
    }

    /// Adds the current key (with map key or array index) to the path of an error leaving this level.
    @usableFromInline
    func annotate(_ error: any Error) -> any Error {
        guard var e = error as? JSONDecodingError else { return error }
        var component = fieldKey ?? ""
        if let mapKey { component += "[\"\(mapKey)\"]" }
        if arrayIndex >= 0 { component += "[\(arrayIndex)]" }
        e.prepend(component)
        return e
    }

    /// The offset of the next unread byte, for error messages.
    public var offset: Int { position }

    /// Whether only whitespace remains.
    public mutating func isAtEnd() -> Bool {
        peek() == nil
    }

    /// Throws unless only whitespace remains.
    mutating func expectEnd() throws {
        guard peek() == nil else { throw unexpected("end of input after the JSON value") }
    }

    // MARK: Unknown and skipped values

    /// Handles a key the message does not declare: skips its value when
    /// `options.ignoreUnknownFields` is set, otherwise throws an "unknown field" error.
    public mutating func unknownField(_ name: String) throws {
        guard options.ignoreUnknownFields else { throw error("unknown field \"\(name)\"") }
        try skipValue()
    }

    /// Claims a oneof for the member about to be read: throws when `claimed` says a member of
    /// oneof `name` was already read in this JSON object (protobuf refuses two), else sets it.
    /// Generated `mergeJSON` keeps one flag per oneof, local to the object being read.
    @inlinable
    public func claimOneof(_ claimed: inout Bool, _ name: String) throws {
        if claimed { throw error("more than one field of oneof \"\(name)\" is set") }
        claimed = true
    }

    /// The kinds of JSON value, for readers (like `google.protobuf.Value`'s) that accept any.
    public enum ValueKind: Sendable {
        case null, bool, number, string, array, object
    }

    /// The kind of the next value, judged from its first byte; nothing is consumed.
    public mutating func peekValueKind() throws -> ValueKind {
        switch peek() ?? 0 {
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw unexpected("a JSON value")
        }
    }

    /// Reads the next value whole, as a tree (for forms that need to look ahead, such as an
    /// Any's `"@type"`, which may come after the members it types).
    public mutating func readJSONValue() throws -> JSONValue {
        try readValue(keep: true)
    }

    /// Skips one JSON value of any kind, checking its grammar.
    public mutating func skipValue() throws {
        _ = try readValue(keep: false)
    }

    /// Reads one JSON value of any kind as a `JSONValue` tree (or checks and drops it when
    /// `keep` is false), counting nesting against the recursion limit.
    mutating func readValue(keep: Bool) throws -> JSONValue {
        switch peek() ?? 0 {
        case UInt8(ascii: "{"):
            guard remainingDepth > 0 else { throw depthError() }
            remainingDepth -= 1
            defer { remainingDepth += 1 }
            position += 1
            var members: [(String, JSONValue)] = []
            var first = true
            while true {
                let b = peek()
                if b == UInt8(ascii: "}") { position += 1; break }
                if !first {
                    guard b == UInt8(ascii: ",") else { throw unexpected("',' or '}' after object member") }
                    position += 1
                    if peek() == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
                }
                first = false
                guard peek() == UInt8(ascii: "\"") else { throw unexpected("a string key") }
                let key = try readString()
                guard peek() == UInt8(ascii: ":") else { throw unexpected("':' after object key") }
                position += 1
                let value = try readValue(keep: keep)
                if keep { members.append((key, value)) }
            }
            isFirst = false
            return .object(members)
        case UInt8(ascii: "["):
            guard remainingDepth > 0 else { throw depthError() }
            remainingDepth -= 1
            defer { remainingDepth += 1 }
            position += 1
            var elements: [JSONValue] = []
            var first = true
            while true {
                let b = peek()
                if b == UInt8(ascii: "]") { position += 1; break }
                if !first {
                    guard b == UInt8(ascii: ",") else { throw unexpected("',' or ']' after array element") }
                    position += 1
                    if peek() == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
                }
                first = false
                let value = try readValue(keep: keep)
                if keep { elements.append(value) }
            }
            isFirst = false
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return .bool(try readBool())
        case UInt8(ascii: "n"):
            guard consume("null") else { throw unexpected("a JSON value") }
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let token = try scanNumber()
            return keep ? .number(String(decoding: slice(token), as: UTF8.self)) : .null
        default:
            throw unexpected("a JSON value")
        }
    }

    /// The bytes of `range` in the input.
    @usableFromInline
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base.map { $0 + range.lowerBound }, count: range.count)
    }
}
