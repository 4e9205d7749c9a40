#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Scalar values in their proto3 JSON forms.
extension JSONReader {
    // MARK: Number grammar

    /// Consumes a number token (RFC 8259 grammar) and returns its byte range.
    mutating func scanNumber() throws -> Range<Int> {
        skipWhitespace()
        let start = position
        guard let length = Self.numberLength(slice(start..<end)) else { throw unexpected("a number") }
        position += length
        return start..<position
    }

    /// Length of the RFC 8259 number at the start of `text`, or nil when there is none.
    static func numberLength(_ text: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        let n = text.count
        func isDigit(_ i: Int) -> Bool { i < n && text[i] >= 0x30 && text[i] <= 0x39 }
        if i < n && text[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return nil }
        if text[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { return nil }  // no leading zeros
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < n && text[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        if i < n && (text[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < n && (text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-")) { i += 1 }
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        return i
    }

    /// The exact integer value of a valid number token, or a reason it has none.
    enum IntegerValue {
        case value(negative: Bool, magnitude: UInt64)
        case fractional
        case tooLarge
    }

    /// Evaluates a number token exactly (no floating point): `1e2` is 100, `1.5` is fractional.
    static func integerValue(_ text: UnsafeRawBufferPointer) -> IntegerValue {
        var i = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        // Locate the integer digits, fraction digits and exponent.
        let intStart = i
        while i < text.count, text[i] >= 0x30, text[i] <= 0x39 { i += 1 }
        let intEnd = i
        var fracStart = i, fracEnd = i
        if i < text.count, text[i] == UInt8(ascii: ".") {
            fracStart = i + 1
            i += 1
            while i < text.count, text[i] >= 0x30, text[i] <= 0x39 { i += 1 }
            fracEnd = i
        }
        var exponent = 0
        if i < text.count {  // exponent
            i += 1
            var expNegative = false
            if text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
                expNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            while i < text.count {
                exponent = min(exponent * 10 + Int(text[i] - 0x30), 100_000)
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        // Digits in order: integer part then fraction; digit j has decimal power `power(j)`.
        let digitCount = (intEnd - intStart) + (fracEnd - fracStart)
        func digit(_ j: Int) -> UInt64 {
            let index = j < intEnd - intStart ? intStart + j : fracStart + (j - (intEnd - intStart))
            return UInt64(text[index] - 0x30)
        }
        var lastNonZero = -1
        for j in stride(from: digitCount - 1, through: 0, by: -1) where digit(j) != 0 {
            lastNonZero = j
            break
        }
        guard lastNonZero >= 0 else { return .value(negative: negative, magnitude: 0) }
        let scale = (intEnd - intStart - 1 - lastNonZero) + exponent
        guard scale >= 0 else { return .fractional }
        var magnitude: UInt64 = 0
        for j in 0...lastNonZero {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(digit(j))
            guard !o1, !o2 else { return .tooLarge }
            magnitude = s
        }
        for _ in 0..<min(scale, 20) {
            let (m, o) = magnitude.multipliedReportingOverflow(by: 10)
            guard !o else { return .tooLarge }
            magnitude = m
        }
        return scale > 20 ? .tooLarge : .value(negative: negative, magnitude: magnitude)
    }

    /// Reads a number or quoted number that must be an integer within `min...max`.
    mutating func readInteger(min: Int64, max: UInt64, type: String) throws -> (negative: Bool, magnitude: UInt64) {
        let start: Int
        let result: IntegerValue
        if peek() == UInt8(ascii: "\"") {
            start = position
            let quoted: IntegerValue? = try withStringContent { content in
                guard !content.isEmpty, Self.numberLength(content) == content.count else { return nil }
                return Self.integerValue(content)
            }
            guard let quoted else {
                position = start
                throw error("expected \(type) in a quoted string, found non-numeric text")
            }
            result = quoted
        } else {
            let token = try scanNumber()
            start = token.lowerBound
            result = Self.integerValue(slice(token))
        }
        switch result {
        case .fractional:
            position = start
            throw error("\(type) value has a fractional part")
        case .tooLarge:
            position = start
            throw error("\(type) value out of range")
        case .value(let negative, let magnitude):
            let fits = negative ? magnitude <= min.magnitude : magnitude <= max
            guard fits else {
                position = start
                throw error("\(type) value out of range")
            }
            return (negative, magnitude)
        }
    }

    // MARK: Integers

    /// Reads an `int32`: a number or quoted number, integral (exponents allowed) and in range.
    public mutating func readInt32() throws -> Int32 {
        let (negative, magnitude) = try readInteger(min: Int64(Int32.min), max: UInt64(Int32.max), type: "int32")
        return negative ? Int32(truncatingIfNeeded: 0 &- magnitude) : Int32(magnitude)
    }

    /// Reads a `uint32`: a number or quoted number, integral and in range.
    public mutating func readUInt32() throws -> UInt32 {
        let (_, magnitude) = try readInteger(min: 0, max: UInt64(UInt32.max), type: "uint32")
        return UInt32(magnitude)
    }

    /// Reads an `int64`: a quoted or plain number, integral and in range.
    public mutating func readInt64() throws -> Int64 {
        let (negative, magnitude) = try readInteger(min: Int64.min, max: UInt64(Int64.max), type: "int64")
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// Reads a `uint64`: a quoted or plain number, integral and in range.
    public mutating func readUInt64() throws -> UInt64 {
        try readInteger(min: 0, max: UInt64.max, type: "uint64").magnitude
    }

    // MARK: Floating point

    /// Reads a `double`: a number, a quoted number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public mutating func readDouble() throws -> Double {
        try readFloatingPoint(type: "double") { Double(String(decoding: $0, as: UTF8.self)) }
    }

    /// Reads a `float`: like `readDouble()`, but values beyond Float's range are an error.
    public mutating func readFloat() throws -> Float {
        try readFloatingPoint(type: "float") { Float(String(decoding: $0, as: UTF8.self)) }
    }

    mutating func readFloatingPoint<F: BinaryFloatingPoint>(
        type: String, _ convert: (UnsafeRawBufferPointer) -> F?
    ) throws -> F {
        skipWhitespace()
        let start = position
        if peek() == UInt8(ascii: "\"") {
            let quoted: F?? = try withStringContent { content in
                switch String(decoding: content, as: UTF8.self) {
                case "NaN": return F.nan
                case "Infinity": return F.infinity
                case "-Infinity": return -F.infinity
                default:
                    guard !content.isEmpty, Self.numberLength(content) == content.count else { return nil }
                    guard let v = convert(content), v.isFinite else { return .some(nil) }
                    return v
                }
            }
            guard let quoted else {
                position = start
                throw error("expected \(type) in a quoted string, found non-numeric text")
            }
            guard let v = quoted else {
                position = start
                throw error("\(type) value out of range")
            }
            return v
        }
        let token = try scanNumber()
        guard let v = convert(slice(token)), v.isFinite else {
            position = start
            throw error("\(type) value out of range")
        }
        return v
    }

    // MARK: Other scalars

    /// Reads `true` or `false`.
    public mutating func readBool() throws -> Bool {
        skipWhitespace()
        if consume("true") { return true }
        if consume("false") { return false }
        throw unexpected("true or false")
    }

    /// Reads a `bytes` value: a standard or URL-safe base64 string, padded or not.
    public mutating func readBytes() throws -> Data {
        skipWhitespace()
        let start = position
        guard let data = try withStringContent({ Base64.decodeData($0) }) else {
            position = start
            throw error("invalid base64 in bytes value")
        }
        return data
    }

    /// Reads an enum value given by proto name or number.
    ///
    /// Returns nil for an unknown name when `options.ignoreUnknownFields` is set (skip the value);
    /// throws for an unknown name otherwise.
    public mutating func readEnum<E: WeftEnum>() throws -> E? {
        skipWhitespace()
        let start = position
        if peek() == UInt8(ascii: "\"") {
            let name = try readString()
            if let value = E(protoName: name) { return value }
            if options.ignoreUnknownFields { return nil }
            position = start
            throw error("unknown enum value \"\(name)\"")
        }
        return E(rawValue: try readInt32())
    }

    // MARK: Map keys

    /// Parses a map key of an `int32`-like map.
    public func parseMapKeyInt32(_ key: String) throws -> Int32 {
        let (negative, magnitude) = try parseMapKey(key, min: Int64(Int32.min), max: UInt64(Int32.max), type: "int32")
        return negative ? Int32(truncatingIfNeeded: 0 &- magnitude) : Int32(magnitude)
    }

    /// Parses a map key of an `int64`-like map.
    public func parseMapKeyInt64(_ key: String) throws -> Int64 {
        let (negative, magnitude) = try parseMapKey(key, min: Int64.min, max: UInt64(Int64.max), type: "int64")
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// Parses a map key of a `uint32`-like map.
    public func parseMapKeyUInt32(_ key: String) throws -> UInt32 {
        UInt32(try parseMapKey(key, min: 0, max: UInt64(UInt32.max), type: "uint32").magnitude)
    }

    /// Parses a map key of a `uint64`-like map.
    public func parseMapKeyUInt64(_ key: String) throws -> UInt64 {
        try parseMapKey(key, min: 0, max: UInt64.max, type: "uint64").magnitude
    }

    /// Parses a map key of a `bool` map (`"true"` or `"false"`).
    public func parseMapKeyBool(_ key: String) throws -> Bool {
        switch key {
        case "true": return true
        case "false": return false
        default: throw error("map key \"\(key)\" is not true or false")
        }
    }

    func parseMapKey(_ key: String, min: Int64, max: UInt64, type: String) throws -> (negative: Bool, magnitude: UInt64) {
        var key = key
        let result: IntegerValue? = key.withUTF8 { utf8 in
            let text = UnsafeRawBufferPointer(utf8)
            guard !text.isEmpty, Self.numberLength(text) == text.count else { return nil }
            return Self.integerValue(text)
        }
        guard case .value(let negative, let magnitude) = result,
              negative ? magnitude <= min.magnitude : magnitude <= max
        else { throw error("map key \"\(key)\" is not a valid \(type)") }
        return (negative, magnitude)
    }

    // MARK: Well-known types

    /// Reads a `google.protobuf.Timestamp` string (RFC 3339, `Z` or an offset like `+01:00`).
    public mutating func readTimestamp() throws -> (seconds: Int64, nanos: Int32) {
        skipWhitespace()
        let start = position
        let (value, text) = try withStringContent { content in
            let value = TimestampFormat.parseTimestamp(content)
            return (value, value == nil ? String(decoding: content, as: UTF8.self) : "")
        }
        guard let value else {
            position = start
            throw error("invalid Timestamp \"\(text)\" (RFC 3339 between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z expected)")
        }
        return value
    }

    /// Reads a `google.protobuf.Duration` string like `"1.5s"` (at most ±315576000000 s).
    public mutating func readDuration() throws -> (seconds: Int64, nanos: Int32) {
        skipWhitespace()
        let start = position
        let (value, text) = try withStringContent { content in
            let value = TimestampFormat.parseDuration(content)
            return (value, value == nil ? String(decoding: content, as: UTF8.self) : "")
        }
        guard let value else {
            position = start
            throw error("invalid Duration \"\(text)\" (like \"1.5s\", at most ±315576000000s expected)")
        }
        return value
    }
}
