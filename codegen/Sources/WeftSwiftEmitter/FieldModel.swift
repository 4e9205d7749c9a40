import WeftSchema

/// What the emitters need to know about one field, derived once from its declaration.
struct FieldModel {
    /// What a single value of the field is.
    enum ValueKind {
        case scalar(ScalarType)
        case enumeration(swiftType: String, defaultCase: String)
        case message(swiftType: String)
    }

    enum Shape {
        case singular(ValueKind)
        case optional(ValueKind)
        case repeated(ValueKind, packed: Bool)
        case map(key: ScalarType, value: ValueKind)
    }

    let decl: FieldDecl
    let shape: Shape
    /// The Swift property (or oneof case) name, escaped where needed.
    let swiftName: String
    /// Index of the owning oneof in `OneofModel`s, when a member.
    let oneofIndex: Int?
    /// The singular message value lives in a `WeftBox` because its type leads back to the owner.
    let isBoxed: Bool

    init(decl: FieldDecl, owner: MessageDecl, types: TypeTable) {
        self.decl = decl
        self.swiftName = SwiftNaming.escaped(SwiftNaming.propertyName(decl.name))
        self.oneofIndex = decl.oneofIndex
        self.isBoxed = decl.oneofIndex == nil && types.needsBox(decl, in: owner)
        switch (decl.label, decl.type) {
        case (_, .map(let key, let value)):
            shape = .map(key: key, value: Self.valueKind(value, types: types))
        case (.repeated, let type):
            shape = .repeated(Self.valueKind(type, types: types), packed: decl.isPacked)
        case (.optional, let type):
            shape = .optional(Self.valueKind(type, types: types))
        case (.singular, let type) where decl.oneofIndex != nil:
            // A oneof member has presence: it is either the selected case or absent.
            shape = .optional(Self.valueKind(type, types: types))
        case (.singular, .message(let name)):
            shape = .optional(.message(swiftType: types.swiftName(of: name)))
        case (.singular, let type):
            shape = .singular(Self.valueKind(type, types: types))
        }
    }

    private static func valueKind(_ type: FieldType, types: TypeTable) -> ValueKind {
        switch type {
        case .scalar(let scalar): return .scalar(scalar)
        case .enumeration(let name):
            return .enumeration(swiftType: types.swiftName(of: name), defaultCase: types.defaultCase(of: name))
        case .message(let name): return .message(swiftType: types.swiftName(of: name))
        case .map, .unresolved:
            preconditionFailure("field type \(type) reached the emitter unchecked")
        }
    }

    var number: Int32 { decl.number }

    /// A `google.protobuf.Value` field reads JSON `null` as a value rather than as "unset".
    var jsonNullIsAValue: Bool { decl.type == .message("google.protobuf.Value") }

    /// The Swift type of the stored property.
    var swiftType: String {
        switch shape {
        case .singular(let kind): kind.swiftType
        case .optional(let kind): kind.swiftType + "?"
        case .repeated(let kind, _): "[\(kind.swiftType)]"
        case .map(let key, let value): "[\(key.mapKeySwiftType): \(value.swiftType)]"
        }
    }

    /// The initial value of the stored property.
    var defaultValue: String {
        switch shape {
        case .singular(let kind): kind.defaultValue
        case .optional: "nil"
        case .repeated: "[]"
        case .map: "[:]"
        }
    }

    /// `(number << 3) | wireType` for one value of this field written unpacked.
    func tag(wireType: UInt32) -> UInt32 { UInt32(bitPattern: decl.number) << 3 | wireType }
}

extension FieldModel.ValueKind {
    var swiftType: String {
        switch self {
        case .scalar(let scalar): scalar.swiftType
        case .enumeration(let type, _), .message(let type): type
        }
    }

    var defaultValue: String {
        switch self {
        case .scalar(let scalar): scalar.defaultValue
        case .enumeration(_, let defaultCase): defaultCase
        case .message(let type): "\(type)()"
        }
    }

    var wireType: UInt32 {
        switch self {
        case .scalar(let scalar): scalar.wireType
        case .enumeration: 0
        case .message: 2
        }
    }
}
