import WeftSchema

/// The messages and enums of schemas loaded at run time, indexed for transcoding: the gateway
/// reads its routes and message shapes from `.proto` files when it starts, so a schema change
/// needs a restart, not a rebuild.
package struct DynamicSchema: Sendable {
    let messages: [String: MessageDecl]
    let enums: [String: EnumDecl]
    /// Per message, its fields by JSON name and by proto name.
    let fieldsByKey: [String: [String: FieldDecl]]

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
}

/// A message that cannot be transcoded (its type is unknown to the loaded schemas).
package struct TranscodingError: Error, Sendable, CustomStringConvertible {
    package let description: String

    init(_ description: String) {
        self.description = description
    }
}
