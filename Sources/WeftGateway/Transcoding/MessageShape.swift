import WeftSchema

/// What the binary → JSON writer reads of a message, made once per schema. Copying a
/// `MessageDecl` per message and a `FieldDecl` per field (declarations, options, docs and
/// source locations) cost a retain and release for each of their parts on every response; a
/// shape is one reference, and its fields name their message and enum types already resolved,
/// so a response looks nothing up by name.
final class MessageShape: Sendable {
    let fullName: String
    /// In declaration order.
    let fields: [FieldShape]
    let oneofCount: Int
    /// A `google.protobuf` type that may have a JSON form of its own (`writeWellKnownJSON`).
    let mayBeWellKnown: Bool

    /// `messageIndex` finds a message type's place in the schema's shapes, `enumNames` an
    /// enum's value names.
    init(_ message: MessageDecl, messageIndex: [String: Int], enumNames: [String: [Int32: String]]) {
        fullName = message.fullName
        fields = message.fields.map { FieldShape($0, messageIndex: messageIndex, enumNames: enumNames) }
        oneofCount = message.oneofs.count
        mayBeWellKnown = message.fullName.isWellKnownCandidate
    }
}

/// A field as the binary → JSON writer reads it.
final class FieldShape: Sendable {
    let number: Int32
    let name: String
    let jsonName: String
    let label: FieldLabel
    let type: FieldType
    let oneofIndex: Int?
    /// The wire types its occurrences may come with.
    let wireTypes: WireTypes
    /// A message field's type: its place in `shapeList` of the `DynamicSchema` that made this
    /// shape (meaningless against another).
    let messageShape: Int?
    /// An enum field's value names by number.
    let enumNames: [Int32: String]?

    init(_ field: FieldDecl, messageIndex: [String: Int], enumNames: [String: [Int32: String]]) {
        number = field.number
        name = field.name
        jsonName = field.jsonName
        label = field.label
        type = field.type
        oneofIndex = field.oneofIndex
        wireTypes = WireTypes(field)
        switch field.type {
        case .message(let typeName):
            messageShape = messageIndex[typeName]
            self.enumNames = nil
        case .enumeration(let typeName):
            messageShape = nil
            self.enumNames = enumNames[typeName]
        default:
            messageShape = nil
            self.enumNames = nil
        }
    }
}
