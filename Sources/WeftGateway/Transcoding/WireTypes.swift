import WeftSchema

/// The wire types a field's occurrences may come with. protobuf keeps an occurrence with any
/// other wire type as an unknown field, and JSON has no unknown fields: the transcoder reads
/// only the occurrences these accept and leaves the others out.
struct WireTypes: OptionSet, Sendable {
    /// Bit n stands for wire type n.
    let rawValue: UInt8

    static let varint = WireTypes(wireType: 0)
    static let lengthDelimited = WireTypes(wireType: 2)

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Only `wireType` (0, 1, 2 or 5, as in a tag).
    init(wireType: UInt32) {
        rawValue = 1 << wireType
    }

    /// What one value of `type` is written as.
    init(_ type: FieldType) {
        switch type {
        case .scalar(let scalar): self.init(wireType: scalar.wireType)
        case .enumeration: self = .varint
        case .message, .map: self = .lengthDelimited
        case .unresolved: self = []
        }
    }

    /// What `field`'s occurrences may be: one value each, or for a repeated field also a packed
    /// run of them (which changes nothing for strings, bytes and messages).
    init(_ field: FieldDecl) {
        self.init(field.type)
        if field.label == .repeated { formUnion(.lengthDelimited) }
    }

    /// Whether `wireType` (0, 1, 2 or 5, as in a tag) is one of these.
    func contains(wireType: UInt32) -> Bool {
        rawValue & 1 << wireType != 0
    }
}
