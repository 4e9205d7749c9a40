/// The access log's plain-text lines: one per request, with `key=value` fields at the end.
enum AccessLog {
    /// `text` fit for a double-quoted field: backslashes, quotes and line breaks escaped, so a
    /// message cannot end its field or its line.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
