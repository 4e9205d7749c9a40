import WeftSchema

/// A message with its fields and oneofs resolved into Swift names, shared by every emitter.
struct MessageModel {
    struct Oneof {
        let decl: OneofDecl
        /// The Swift enum type, local to the message (`Choice`).
        let typeName: String
        /// The property holding the selected case (`choice`).
        let propertyName: String
        let members: [FieldModel]
        /// A member's message type leads back to the owner, so the enum must be `indirect`.
        let isIndirect: Bool
    }

    /// One stored member in declaration order: a plain field or a whole oneof.
    enum Member {
        case field(FieldModel)
        case oneof(Oneof)
    }

    let decl: MessageDecl
    /// The qualified Swift type name, e.g. `KitchenSink.Inner`.
    let swiftName: String
    /// The unqualified Swift type name, e.g. `Inner`.
    let localName: String
    let fields: [FieldModel]
    let oneofs: [Oneof]
    let members: [Member]

    init(_ decl: MessageDecl, types: TypeTable) {
        self.decl = decl
        self.swiftName = types.swiftName(of: decl.fullName)
        self.localName = String(swiftName.split(separator: ".").last!)
        let fields = decl.fields.map { FieldModel(decl: $0, owner: decl, types: types) }
        self.fields = fields
        let nestedTypeNames = Set(decl.messages.map(\.name) + decl.enums.map(\.name))
        let oneofs = decl.oneofs.enumerated().map { index, oneof in
            let members = fields.filter { $0.oneofIndex == index }
            var typeName = SwiftNaming.typeName(SwiftNaming.upperCamel(oneof.name), suffix: "Oneof")
            if nestedTypeNames.contains(typeName) { typeName = "OneOf_" + typeName }
            return Oneof(
                decl: oneof,
                typeName: typeName,
                propertyName: SwiftNaming.escaped(SwiftNaming.propertyName(oneof.name)),
                members: members,
                isIndirect: members.contains { types.needsBox($0.decl, in: decl) }
            )
        }
        self.oneofs = oneofs
        var members: [Member] = []
        var emittedOneofs: Set<Int> = []
        for field in fields {
            if let index = field.oneofIndex {
                if emittedOneofs.insert(index).inserted { members.append(.oneof(oneofs[index])) }
            } else {
                members.append(.field(field))
            }
        }
        self.members = members
    }

    /// Fields in field-number order, the order protobuf writes them in. A oneof is written where
    /// its lowest-numbered member falls.
    var membersInWireOrder: [Member] {
        func lowestNumber(_ member: Member) -> Int32 {
            switch member {
            case .field(let field): field.number
            case .oneof(let oneof): oneof.members.map(\.number).min() ?? 0
            }
        }
        return members.sorted { lowestNumber($0) < lowestNumber($1) }
    }

    /// The Swift case name of a oneof member.
    static func caseName(_ field: FieldModel) -> String { field.swiftName }
}
