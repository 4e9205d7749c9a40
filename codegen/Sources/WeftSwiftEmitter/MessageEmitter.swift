import WeftSchema

/// Emits a message's struct declaration: stored properties, oneof enums, nested types,
/// initialisers and its descriptor. The codecs go into extensions (see `BinaryCodecEmitter`
/// and `JSONCodecEmitter`).
struct MessageEmitter {
    let types: TypeTable

    func emitDeclaration(_ message: MessageModel, into out: inout CodeWriter) {
        out.doc(message.decl.doc)
        out.block("public struct \(message.localName): WeftMessage") { out in
            for member in message.members {
                switch member {
                case .field(let field): emitProperty(field, into: &out)
                case .oneof(let oneof):
                    out.doc(oneof.decl.doc)
                    out.line("public var \(oneof.propertyName): \(oneof.typeName)? = nil")
                }
            }
            out.line("public var unknownFields = UnknownFields()")
            for oneof in message.oneofs {
                out.line()
                emitOneofEnum(oneof, into: &out)
            }
            for nested in message.decl.messages {
                out.line()
                emitDeclaration(MessageModel(nested, types: types), into: &out)
            }
            for nested in message.decl.enums {
                out.line()
                EnumEmitter(types: types).emit(nested, into: &out)
            }
            out.line()
            out.doc("A message with every field at its default.")
            out.line("public init() {}")
            if !message.members.isEmpty {
                out.line()
                emitMemberwiseInit(message, into: &out)
            }
            out.line()
            emitDescriptor(message, into: &out)
        }
    }

    private func emitProperty(_ field: FieldModel, into out: inout CodeWriter) {
        out.doc(field.decl.doc)
        guard field.isBoxed else {
            out.line("public var \(field.swiftName): \(field.swiftType) = \(field.defaultValue)")
            return
        }
        // A recursive message cannot be stored inline; the box keeps value semantics.
        let storage = "_" + field.swiftName.filter { $0 != "`" }
        out.block("public var \(field.swiftName): \(field.swiftType)") { out in
            out.line("get { \(storage)?.value }")
            out.line("set { \(storage) = newValue.map(WeftBox.init) }")
        }
        let valueType = String(field.swiftType.dropLast())
        out.line("private var \(storage): WeftBox<\(valueType)>? = nil")
    }

    private func emitOneofEnum(_ oneof: MessageModel.Oneof, into out: inout CodeWriter) {
        out.doc(oneof.decl.doc.isEmpty ? "The field set in oneof `\(oneof.decl.name)`." : oneof.decl.doc)
        let indirect = oneof.isIndirect ? "indirect " : ""
        out.block("public \(indirect)enum \(oneof.typeName): Sendable, Hashable") { out in
            for member in oneof.members {
                out.doc(member.decl.doc)
                let valueType = member.swiftType.hasSuffix("?") ? String(member.swiftType.dropLast()) : member.swiftType
                out.line("case \(MessageModel.caseName(member))(\(valueType))")
            }
        }
    }

    private func emitMemberwiseInit(_ message: MessageModel, into out: inout CodeWriter) {
        var parameters: [String] = []
        var assignments: [String] = []
        for member in message.members {
            switch member {
            case .field(let field):
                parameters.append("\(field.swiftName): \(field.swiftType) = \(field.defaultValue)")
                assignments.append("self.\(field.swiftName) = \(field.swiftName)")
            case .oneof(let oneof):
                parameters.append("\(oneof.propertyName): \(oneof.typeName)? = nil")
                assignments.append("self.\(oneof.propertyName) = \(oneof.propertyName)")
            }
        }
        out.doc("A message with the given fields; the others keep their defaults.")
        out.line("public init(")
        for (index, parameter) in parameters.enumerated() {
            out.line("    " + parameter + (index == parameters.count - 1 ? "" : ","))
        }
        out.block(")") { out in
            for assignment in assignments { out.line(assignment) }
        }
    }

    private func emitDescriptor(_ message: MessageModel, into out: inout CodeWriter) {
        out.doc("The schema facts later layers need (names, numbers, JSON names).")
        out.line("public static let descriptor = MessageDescriptor(")
        out.line("    fullName: \(SwiftNaming.stringLiteral(message.decl.fullName)),")
        if message.fields.isEmpty {
            out.line("    fields: []")
        } else {
            out.line("    fields: [")
            for field in message.fields {
                let name = SwiftNaming.stringLiteral(field.decl.name)
                let json = SwiftNaming.stringLiteral(field.decl.jsonName)
                out.line("        FieldDescriptor(number: \(field.number), name: \(name), jsonName: \(json)),")
            }
            out.line("    ]")
        }
        out.line(")")
    }
}
