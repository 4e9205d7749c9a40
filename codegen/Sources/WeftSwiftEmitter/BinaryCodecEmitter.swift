import WeftSchema

/// Emits `encode(to:)` and `decodeFields(from:)`: straight-line protobuf wire format code with
/// precomputed tags, no reflection.
struct BinaryCodecEmitter {
    func emit(_ message: MessageModel, into out: inout CodeWriter) {
        out.block("extension \(message.swiftName)") { out in
            out.block("public func encode(to writer: inout WireWriter)") { out in
                for member in message.membersInWireOrder {
                    switch member {
                    case .field(let field): emitEncode(field, value: "self.\(field.swiftName)", into: &out)
                    case .oneof(let oneof): emitEncode(oneof, into: &out)
                    }
                }
                out.block("if !unknownFields.isEmpty") { out in
                    out.line("writer.writeRaw(unknownFields.bytes)")
                }
            }
            out.line()
            emitDecode(message, into: &out)
        }
    }

    // MARK: Encoding

    private func emitEncode(_ field: FieldModel, value: String, into out: inout CodeWriter) {
        switch field.shape {
        case .singular(let kind):
            out.block("if \(isNotDefault(kind, value))") { out in
                writeValue(kind, value, tag: field.tag(wireType: kind.wireType), into: &out)
            }
        case .optional(let kind):
            out.block("if let value = \(value)") { out in
                writeValue(kind, "value", tag: field.tag(wireType: kind.wireType), into: &out)
            }
        case .repeated(let kind, packed: true):
            out.block("if !\(value).isEmpty") { out in
                out.line("writer.writeTag(\(field.tag(wireType: 2)))")
                if case .scalar(let scalar) = kind, let size = scalar.fixedSize {
                    out.line("writer.writeVarint(UInt64(\(value).count &* \(size)))")
                    out.line("for element in \(value) { writer.write\(scalar.wireMethodSuffix)(element) }")
                } else {
                    out.line("let mark = writer.beginLengthDelimited()")
                    out.line("for element in \(value) { \(writeCall(kind, "element")) }")
                    out.line("writer.endLengthDelimited(mark)")
                }
            }
        case .repeated(let kind, packed: false):
            out.block("for element in \(value)") { out in
                writeValue(kind, "element", tag: field.tag(wireType: kind.wireType), into: &out)
            }
        case .map(let key, let valueKind):
            out.block("for (key, value) in \(value)") { out in
                out.line("writer.writeTag(\(field.tag(wireType: 2)))")
                out.line("let entryMark = writer.beginLengthDelimited()")
                writeValue(.scalar(key), key.mapKeyValue("key"), tag: 1 << 3 | key.wireType, into: &out)
                writeValue(valueKind, "value", tag: 2 << 3 | valueKind.wireType, into: &out)
                out.line("writer.endLengthDelimited(entryMark)")
            }
        }
    }

    private func emitEncode(_ oneof: MessageModel.Oneof, into out: inout CodeWriter) {
        out.switchBlock("self.\(oneof.propertyName)") { out in
            for member in oneof.members.sorted(by: { $0.number < $1.number }) {
                out.line("case .\(MessageModel.caseName(member))(let value)?:")
                out.line("    " + writeTagCall(member))
                guard case .optional(let kind) = member.shape else {
                    preconditionFailure("oneof members are singular")
                }
                if case .message = kind {
                    out.line("    let mark = writer.beginLengthDelimited()")
                    out.line("    value.encode(to: &writer)")
                    out.line("    writer.endLengthDelimited(mark)")
                } else {
                    out.line("    " + writeCall(kind, "value"))
                }
            }
            out.line("case nil: break")
        }
    }

    private func writeTagCall(_ field: FieldModel) -> String {
        guard case .optional(let kind) = field.shape else { preconditionFailure("oneof members are singular") }
        return "writer.writeTag(\(field.tag(wireType: kind.wireType)))"
    }

    private func isNotDefault(_ kind: FieldModel.ValueKind, _ value: String) -> String {
        switch kind {
        case .scalar(let scalar): scalar.isNotDefault(value)
        case .enumeration: "\(value).rawValue != 0"
        case .message: preconditionFailure("singular message fields are optional")
        }
    }

    /// Writes one value with its tag.
    private func writeValue(_ kind: FieldModel.ValueKind, _ value: String, tag: UInt32, into out: inout CodeWriter) {
        out.line("writer.writeTag(\(tag))")
        if case .message = kind {
            out.line("let mark = writer.beginLengthDelimited()")
            out.line("\(value).encode(to: &writer)")
            out.line("writer.endLengthDelimited(mark)")
        } else {
            out.line(writeCall(kind, value))
        }
    }

    /// One untagged scalar or enum value.
    private func writeCall(_ kind: FieldModel.ValueKind, _ value: String) -> String {
        switch kind {
        case .scalar(let scalar): "writer.write\(scalar.wireMethodSuffix)(\(value))"
        case .enumeration: "writer.writeEnum(\(value).rawValue)"
        case .message: preconditionFailure("messages are written with a length prefix")
        }
    }

    // MARK: Decoding

    private func emitDecode(_ message: MessageModel, into out: inout CodeWriter) {
        out.block("public mutating func decodeFields(from reader: inout WireReader) throws") { out in
            out.block("while let tag = try reader.nextTag()") { out in
                let skip = "try reader.skipField(tag: tag, into: &unknownFields)"
                if message.fields.isEmpty {
                    out.line(skip)
                    return
                }
                out.switchBlock("tag") { out in
                    for field in message.fields {
                        emitDecodeCases(field, in: message, into: &out)
                    }
                    // A known number with another wire type is kept as an unknown field, as
                    // protobuf's runtimes do.
                    out.line("default: \(skip)")
                }
            }
        }
    }

    private func emitDecodeCases(_ field: FieldModel, in message: MessageModel, into out: inout CodeWriter) {
        let property = "self.\(field.swiftName)"
        switch field.shape {
        case .singular(let kind):
            out.line("case \(field.tag(wireType: kind.wireType)): \(property) = \(readCall(kind))")
        case .optional(let kind):
            if let index = field.oneofIndex {
                emitDecodeOneofMember(field, kind: kind, oneof: message.oneofs[index], into: &out)
            } else if case .message(let type) = kind {
                out.line("case \(field.tag(wireType: 2)):")
                out.line("    var value = \(property) ?? \(type)()")
                out.line("    try reader.readMessage(into: &value)")
                out.line("    \(property) = value")
            } else {
                out.line("case \(field.tag(wireType: kind.wireType)): \(property) = \(readCall(kind))")
            }
        case .repeated(let kind, _):
            switch kind {
            case .message(let type):
                out.line("case \(field.tag(wireType: 2)):")
                out.line("    var value = \(type)()")
                out.line("    try reader.readMessage(into: &value)")
                out.line("    \(property).append(value)")
            case .scalar(.string), .scalar(.bytes):
                out.line("case \(field.tag(wireType: 2)): \(property).append(\(readCall(kind)))")
            case .scalar(let scalar):
                // Decoders accept both packed and unpacked encodings of repeated scalars.
                out.line("case \(field.tag(wireType: 2)): try reader.readPacked\(scalar.wireMethodSuffix)(into: &\(property))")
                out.line("case \(field.tag(wireType: scalar.wireType)): \(property).append(\(readCall(kind)))")
            case .enumeration:
                out.line("case \(field.tag(wireType: 2)): try reader.readPackedEnum(into: &\(property))")
                out.line("case \(field.tag(wireType: 0)): \(property).append(\(readCall(kind)))")
            }
        case .map(let key, let valueKind):
            out.line("case \(field.tag(wireType: 2)):")
            out.line("    var key: \(key.swiftType) = \(key.defaultValue)")
            out.line("    var value: \(valueKind.swiftType) = \(valueKind.defaultValue)")
            out.line("    var ignoredInEntry = UnknownFields()")
            out.line("    try reader.readMapEntry { entry in")
            out.line("        while let entryTag = try entry.nextTag() {")
            out.line("            switch entryTag {")
            out.line("            case \(1 << 3 | key.wireType): key = \(readCall(.scalar(key), reader: "entry"))")
            if case .message = valueKind {
                out.line("            case \(2 << 3 | valueKind.wireType): try entry.readMessage(into: &value)")
            } else {
                out.line("            case \(2 << 3 | valueKind.wireType): value = \(readCall(valueKind, reader: "entry"))")
            }
            out.line("            default: try entry.skipField(tag: entryTag, into: &ignoredInEntry)")
            out.line("            }")
            out.line("        }")
            out.line("    }")
            out.line("    \(property)[\(key.mapKey("key"))] = value")
        }
    }

    private func emitDecodeOneofMember(
        _ field: FieldModel, kind: FieldModel.ValueKind, oneof: MessageModel.Oneof, into out: inout CodeWriter
    ) {
        let caseName = MessageModel.caseName(field)
        let property = "self.\(oneof.propertyName)"
        if case .message(let type) = kind {
            // A repeated occurrence merges into the message already selected, as protobuf requires.
            out.line("case \(field.tag(wireType: 2)):")
            out.line("    var value = \(type)()")
            out.line("    if case .\(caseName)(let existing)? = \(property) { value = existing }")
            out.line("    try reader.readMessage(into: &value)")
            out.line("    \(property) = .\(caseName)(value)")
        } else {
            out.line("case \(field.tag(wireType: kind.wireType)): \(property) = .\(caseName)(\(readCall(kind)))")
        }
    }

    private func readCall(_ kind: FieldModel.ValueKind, reader: String = "reader") -> String {
        switch kind {
        case .scalar(let scalar): "try \(reader).read\(scalar.wireMethodSuffix)()"
        case .enumeration(let type, _): "\(type)(rawValue: try \(reader).readEnum())"
        case .message: preconditionFailure("messages are read with readMessage")
        }
    }
}
