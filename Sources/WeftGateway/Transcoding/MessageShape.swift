import WeftSchema

/// What the binary → JSON writer reads of a message, made once per schema. Copying a
/// `MessageDecl` per message and a `FieldDecl` per field (declarations, options, docs and
/// source locations) cost a retain and release for each of their parts on every response.
struct MessageShape: Sendable {
    let fullName: String
    /// In declaration order.
    let fields: [FieldShape]
    let oneofCount: Int

    init(_ message: MessageDecl) {
        fullName = message.fullName
        fields = message.fields.map(FieldShape.init)
        oneofCount = message.oneofs.count
    }
}

/// A field as the binary → JSON writer reads it.
struct FieldShape: Sendable {
    let number: Int32
    let name: String
    let jsonName: String
    let label: FieldLabel
    let type: FieldType
    let oneofIndex: Int?
    /// The wire types its occurrences may come with.
    let wireTypes: WireTypes

    init(_ field: FieldDecl) {
        number = field.number
        name = field.name
        jsonName = field.jsonName
        label = field.label
        type = field.type
        oneofIndex = field.oneofIndex
        wireTypes = WireTypes(field)
    }
}
