extension JSONValue {
    /// The value as indented JSON text (two spaces a level), for documents people read, like
    /// OpenAPI output and golden files.
    public var prettyText: String {
        var text = ""
        appendPretty(to: &text, indent: "")
        return text + "\n"
    }

    private func appendPretty(to text: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .array(let elements) where !elements.isEmpty:
            text += "[\n"
            for (index, element) in elements.enumerated() {
                text += inner
                element.appendPretty(to: &text, indent: inner)
                text += index == elements.count - 1 ? "\n" : ",\n"
            }
            text += indent + "]"
        case .object(let members) where !members.isEmpty:
            text += "{\n"
            for (index, member) in members.enumerated() {
                text += inner + String(decoding: JSONValue.string(member.0).utf8Bytes, as: UTF8.self) + ": "
                member.1.appendPretty(to: &text, indent: inner)
                text += index == members.count - 1 ? "\n" : ",\n"
            }
            text += indent + "}"
        default:
            text += String(decoding: utf8Bytes, as: UTF8.self)
        }
    }
}
