import WeftSchema

/// The messages and enums of schemas loaded at run time, indexed for transcoding: the gateway
/// reads its routes and message shapes from `.proto` files when it starts, so a schema change
/// needs a restart, not a rebuild.
package struct DynamicSchema: Sendable {
    let messages: [String: MessageDecl]
    let enums: [String: EnumDecl]
    /// Per message, its fields by JSON name and by proto name.
    let fieldsByKey: [String: [String: FieldDecl]]
    /// Per message, what the binary → JSON writer reads of it.
    let shapes: [String: MessageShape]
    /// The same shapes, where a field's `FieldShape.messageShape` finds its type's.
    let shapeList: [MessageShape]
    /// Per enum, each number's name (the first declared, where values alias).
    let enumNames: [String: [Int32: String]]

    /// Indexes every message and enum of `files` (a checked compilation's files).
    package init(files: [ProtoFile]) {
        var messages: [String: MessageDecl] = [:]
        var enums: [String: EnumDecl] = [:]
        func add(_ message: MessageDecl) {
            messages[message.fullName] = message
            for nested in message.messages { add(nested) }
            for nested in message.enums { enums[nested.fullName] = nested }
        }
        for file in files {
            for message in file.messages { add(message) }
            for enumDecl in file.enums { enums[enumDecl.fullName] = enumDecl }
        }
        self.messages = messages
        self.enums = enums
        let enumNames = enums.mapValues { decl in
            Dictionary(decl.values.map { ($0.number, $0.name) }, uniquingKeysWith: { first, _ in first })
        }
        self.enumNames = enumNames
        let sorted = messages.sorted { $0.key < $1.key }
        let messageIndex = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.key, $0) })
        shapeList = sorted.map { MessageShape($0.value, messageIndex: messageIndex, enumNames: enumNames) }
        shapes = Dictionary(uniqueKeysWithValues: shapeList.map { ($0.fullName, $0) })
        self.fieldsByKey = messages.mapValues { message in
            var byKey: [String: FieldDecl] = [:]
            for field in message.fields {
                byKey[field.name] = field
                byKey[field.jsonName] = field
            }
            return byKey
        }
    }

    func message(_ fullName: String) throws -> MessageDecl {
        guard let message = messages[fullName] else {
            throw TranscodingError("message type \(fullName) is not in the loaded schemas")
        }
        return message
    }

    func shape(_ fullName: String) throws -> MessageShape {
        guard let shape = shapes[fullName] else {
            throw TranscodingError("message type \(fullName) is not in the loaded schemas")
        }
        return shape
    }
}

/// A message that cannot be transcoded (its type is unknown to the loaded schemas).
package struct TranscodingError: Error, Sendable, CustomStringConvertible {
    package let description: String

    init(_ description: String) {
        self.description = description
    }
}
