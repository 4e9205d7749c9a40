extension StringProtocol {
    /// The value without leading and trailing spaces, as comma-separated header lists need.
    /// Works on the UTF-8 bytes (a space is one byte and never part of another character), so
    /// the result is one copy, not a string rebuilt a character at a time.
    public var trimmingSpaces: String {
        let bytes = utf8
        var start: String.Index?
        var end = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let next = bytes.index(after: index)
            if bytes[index] != UInt8(ascii: " ") {
                if start == nil { start = index }
                end = next
            }
            index = next
        }
        guard let start else { return "" }
        return String(self[start..<end])
    }
}
