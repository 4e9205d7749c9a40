import WeftSchema

/// Emits `writeJSON(to:)` and `mergeJSON(from:)`: the proto3 JSON mapping written directly,
/// without Foundation, plus the `Codable` conformance that routes through the same mapping.
struct JSONCodecEmitter {
    func emit(_ message: MessageModel, into out: inout CodeWriter) {
        out.block("extension \(message.swiftName)") { out in
            if let special = WellKnownJSON(fullName: message.decl.fullName) {
                special.emit(into: &out)
            } else {
                emitWriter(message, into: &out)
                out.line()
                emitReader(message, into: &out)
            }
            out.line()
            out.line("public func encode(to encoder: any Encoder) throws { try encodeCodable(to: encoder) }")
            out.line()
            out.line("public init(from decoder: any Decoder) throws { try self.init(codableFrom: decoder) }")
        }
    }

    // MARK: Writing

    private func emitWriter(_ message: MessageModel, into out: inout CodeWriter) {
        out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
            let implicitFields = message.fields.filter {
                if case .optional = $0.shape { return false }
                return true
            }
            if !implicitFields.isEmpty {
                out.line("let printDefaults = writer.options.alwaysPrintDefaults")
            }
            if message.fields.contains(where: { $0.decl.name != $0.decl.jsonName }) {
                out.line("let protoNames = writer.options.preserveProtoNames")
            }
            out.line("writer.beginObject()")
            for member in message.members {
                switch member {
                case .field(let field): emitWrite(field, into: &out)
                case .oneof(let oneof):
                    out.switchBlock("self.\(oneof.propertyName)") { out in
                        for field in oneof.members {
                            guard case .optional(let kind) = field.shape else { continue }
                            out.line("case .\(MessageModel.caseName(field))(let value)?:")
                            out.line("    " + keyCall(field))
                            out.line("    " + writeCall(kind, "value"))
                        }
                        out.line("case nil: break")
                    }
                }
            }
            out.line("writer.endObject()")
        }
    }

    private func keyCall(_ field: FieldModel) -> String {
        let proto = SwiftNaming.stringLiteral(field.decl.name)
        let json = SwiftNaming.stringLiteral(field.decl.jsonName)
        return proto == json ? "writer.writeKey(\(json))" : "writer.writeKey(protoNames ? \(proto) : \(json))"
    }

    private func emitWrite(_ field: FieldModel, into out: inout CodeWriter) {
        let value = "self.\(field.swiftName)"
        switch field.shape {
        case .singular(let kind):
            let condition: String
            switch kind {
            case .scalar(let scalar): condition = scalar.isNotDefault(value)
            case .enumeration: condition = "\(value).rawValue != 0"
            case .message: preconditionFailure("singular message fields are optional")
            }
            out.block("if \(condition) || printDefaults") { out in
                out.line(keyCall(field))
                out.line(writeCall(kind, value))
            }
        case .optional(let kind):
            out.block("if let value = \(value)") { out in
                out.line(keyCall(field))
                out.line(writeCall(kind, "value"))
            }
        case .repeated(let kind, _):
            out.block("if !\(value).isEmpty || printDefaults") { out in
                out.line(keyCall(field))
                out.line("writer.beginArray()")
                out.line("for element in \(value) { \(writeCall(kind, "element")) }")
                out.line("writer.endArray()")
            }
        case .map(let key, let valueKind):
            out.block("if !\(value).isEmpty || printDefaults") { out in
                out.line(keyCall(field))
                out.line("writer.beginObject()")
                out.block("for (key, value) in \(value)") { out in
                    out.line("writer.writeMapKey(\(mapKeyText(key)))")
                    out.line(writeCall(valueKind, "value"))
                }
                out.line("writer.endObject()")
            }
        }
    }

    /// Map keys are JSON strings whatever their proto type.
    private func mapKeyText(_ key: ScalarType) -> String {
        switch key {
        case .string: "key.string"
        case .bool: "key ? \"true\" : \"false\""
        default: "String(key)"
        }
    }

    private func writeCall(_ kind: FieldModel.ValueKind, _ value: String) -> String {
        switch kind {
        case .scalar(let scalar): "writer.write\(scalar.jsonMethodSuffix)(\(value))"
        case .enumeration: "writer.writeEnum(\(value))"
        case .message: "writer.writeMessage(\(value))"
        }
    }

    // MARK: Reading

    private func emitReader(_ message: MessageModel, into out: inout CodeWriter) {
        out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
            // Whether this JSON object has set a member of each oneof: protobuf refuses a second.
            // Locals, since the message may already hold a member from an earlier merge.
            for oneof in message.oneofs {
                out.line("var \(seenFlag(oneof)) = false")
            }
            out.line("try reader.beginObject()")
            out.block("while let key = try reader.nextKey()") { out in
                out.switchBlock("key") { out in
                    for field in message.fields {
                        emitReadCase(field, in: message, into: &out)
                    }
                    out.line("default: try reader.unknownField(key)")
                }
            }
        }
    }

    private func emitReadCase(_ field: FieldModel, in message: MessageModel, into out: inout CodeWriter) {
        let names = [field.decl.jsonName, field.decl.name].reduce(into: [String]()) { names, name in
            if !names.contains(name) { names.append(name) }
        }
        out.line("case \(names.map(SwiftNaming.stringLiteral).joined(separator: ", ")):")
        out.indented { emitReadBody(field, in: message, into: &$0) }
    }

    private func emitReadBody(_ field: FieldModel, in message: MessageModel, into out: inout CodeWriter) {
        let property = "self.\(field.swiftName)"
        switch field.shape {
        case .singular(let kind):
            readNullable(kind, into: property, resetTo: kind.defaultValue, out: &out)
        case .optional(let kind) where field.jsonNullIsAValue:
            // For google.protobuf.Value, `null` is a value (NULL_VALUE), not an absent field: it
            // claims its oneof too.
            if let index = field.oneofIndex {
                let oneof = message.oneofs[index]
                let caseName = MessageModel.caseName(field)
                out.line(claimCall(oneof))
                readValue(kind, existing: nil, assign: { "self.\(oneof.propertyName) = .\(caseName)(\($0))" }, into: &out)
            } else {
                readValue(kind, existing: nil, assign: { "\(property) = \($0)" }, into: &out)
            }
        case .optional(let kind):
            if let index = field.oneofIndex {
                let oneof = message.oneofs[index]
                let caseName = MessageModel.caseName(field)
                let existing = "if case .\(caseName)(let existing)? = self.\(oneof.propertyName) { value = existing }"
                // A null member sets nothing, so it does not claim the oneof.
                out.block("if !reader.readNull()") { out in
                    out.line(claimCall(oneof))
                    readValue(kind, existing: existing, assign: { "self.\(oneof.propertyName) = .\(caseName)(\($0))" }, into: &out)
                }
            } else {
                readNullable(kind, into: property, resetTo: "nil", out: &out)
            }
        case .repeated(let kind, _):
            out.block("if !reader.readNull()") { out in
                out.line("try reader.beginArray()")
                out.block("while try reader.nextElement()") { out in
                    readValue(kind, existing: nil, assign: { "\(property).append(\($0))" }, into: &out)
                }
            }
        case .map(let key, let valueKind):
            out.block("if !reader.readNull()") { out in
                out.line("try reader.beginObject()")
                out.block("while let mapKey = try reader.nextKey()") { out in
                    out.line("let key = \(parseMapKey(key))")
                    readValue(valueKind, existing: nil, assign: { "\(property)[key] = \($0)" }, into: &out)
                }
            }
        }
    }

    /// The local flag `mergeJSON` keeps for `oneof` (`choiceSeen`).
    private func seenFlag(_ oneof: MessageModel.Oneof) -> String {
        SwiftNaming.propertyName(oneof.decl.name) + "Seen"
    }

    /// Refuses a second member of `oneof` in the JSON object being read.
    private func claimCall(_ oneof: MessageModel.Oneof) -> String {
        "try reader.claimOneof(&\(seenFlag(oneof)), \(SwiftNaming.stringLiteral(oneof.decl.name)))"
    }

    /// A field where JSON `null` means "reset to `reset`".
    private func readNullable(_ kind: FieldModel.ValueKind, into property: String, resetTo reset: String, out: inout CodeWriter) {
        switch kind {
        case .scalar(let scalar):
            out.line("\(property) = try reader.readNull() ? \(reset) : reader.read\(scalar.jsonMethodSuffix)()")
        case .enumeration(let type, _):
            out.line("if reader.readNull() {")
            out.line("    \(property) = \(reset)")
            // nil: an unknown name that the options say to ignore.
            out.line("} else if let value: \(type) = try reader.readEnum() {")
            out.line("    \(property) = value")
            out.line("}")
        case .message:
            out.ifElse("reader.readNull()") { out in
                out.line("\(property) = nil")
            } else: { out in
                let existing = "if let existing = \(property) { value = existing }"
                readValue(kind, existing: existing, assign: { "\(property) = \($0)" }, into: &out)
            }
        }
    }

    private func parseMapKey(_ key: ScalarType) -> String {
        switch key {
        case .string: "ProtoString(mapKey)"
        case .bool: "try reader.parseMapKeyBool(mapKey)"
        default: "try reader.parseMapKey\(key.swiftType)(mapKey)"
        }
    }

    /// Reads one value and hands the expression holding it to `assign`. `existing` is a
    /// statement that seeds a message with the value already present, so repeated keys merge.
    private func readValue(
        _ kind: FieldModel.ValueKind, existing: String?, assign: (String) -> String, into out: inout CodeWriter
    ) {
        switch kind {
        case .scalar(let scalar):
            out.line(assign("try reader.read\(scalar.jsonMethodSuffix)()"))
        case .enumeration(let type, _):
            // nil: an unknown name that the options say to ignore.
            out.block("if let value: \(type) = try reader.readEnum()") { out in
                out.line(assign("value"))
            }
        case .message(let type):
            out.line("var value = \(type)()")
            if let existing { out.line(existing) }
            out.line("try reader.readMessage(into: &value)")
            out.line(assign("value"))
        }
    }
}
