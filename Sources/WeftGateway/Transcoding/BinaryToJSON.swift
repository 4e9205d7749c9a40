import WeftMessages
import WeftSchema

/// Protobuf binary → proto3 JSON for a message known only from its schema, with the mapping the
/// generated `writeJSON` uses (fields in declaration order, defaults omitted, int64 as strings,
/// enums by name, the well-known types' JSON forms).
extension DynamicSchema {
    /// The JSON of the `messageType` message encoded in `bytes`.
    public func json(fromBinary bytes: [UInt8], messageType: String, options: JSONEncodingOptions = .restAnswers) throws -> [UInt8] {
        try json(fromBinary: bytes, shape: try shape(messageType), options: options)
    }

    /// The JSON of a message of type `message` encoded in `bytes`.
    func json(fromBinary bytes: [UInt8], shape message: MessageShape, options: JSONEncodingOptions) throws -> [UInt8] {
        let fields = try RawFields(bytes)
        var writer = JSONWriter(options: options)
        try writeJSON(message, fields: fields, to: &writer)
        return try writer.finish()
    }

    func writeJSON(_ message: MessageShape, fields: RawFields, to writer: inout JSONWriter) throws {
        if message.mayBeWellKnown, try writeWellKnownJSON(message.fullName, fields: fields, to: &writer) { return }
        writer.beginObject()
        let printDefaults = writer.options.alwaysPrintDefaults
        // Of a oneof's members only the one that came last on the wire is set. (Kept on the
        // stack: an array per message was an allocation per response.)
        try withUnsafeTemporaryAllocation(of: (number: Int32, position: Int)?.self, capacity: message.oneofCount) { oneofWinners in
            oneofWinners.initialize(repeating: nil)
            if message.oneofCount > 0 {
                for field in message.fields {
                    guard let index = field.oneofIndex, let last = fields.lastPosition(of: field.number, accepting: field.wireTypes) else { continue }
                    if let current = oneofWinners[index], current.position > last { continue }
                    oneofWinners[index] = (field.number, last)
                }
            }
            for field in message.fields {
                if let index = field.oneofIndex, oneofWinners[index]?.number != field.number { continue }
                let occurrences = fields.values(of: field.number, accepting: field.wireTypes)
                guard try isPrinted(field, occurrences, printDefaults: printDefaults) else { continue }
                writer.writeMapKey(writer.options.preserveProtoNames ? field.name : field.jsonName)
                try writeFieldValue(field, occurrences, to: &writer)
            }
        }
        writer.endObject()
    }

    /// Whether a field appears in JSON: set fields do, unless an implicit-presence scalar holds
    /// its default; absent ones only as defaults when asked, and never messages or fields with
    /// presence.
    private func isPrinted(_ field: FieldShape, _ occurrences: FieldOccurrences, printDefaults: Bool) throws -> Bool {
        switch (field.label, field.type) {
        case (_, .map), (.repeated, _):
            return printDefaults || !occurrences.isEmpty
        case (let label, let type):
            let hasPresence = label == .optional || field.oneofIndex != nil
            if occurrences.isEmpty { return printDefaults && !hasPresence && !type.isMessage }
            return try hasPresence || type.isMessage || printDefaults || !isDefault(type, occurrences)
        }
    }

    /// Writes a field's JSON value from its occurrences: an object for maps, an array for
    /// repeated fields, else one value.
    func writeFieldValue(_ field: FieldShape, _ occurrences: FieldOccurrences, to writer: inout JSONWriter) throws {
        switch (field.label, field.type) {
        case (_, .map(let keyType, let valueType)):
            try writeMap(key: keyType, value: valueType, occurrences, to: &writer)
        case (.repeated, let type):
            writer.beginArray()
            for element in try repeatedValues(type, occurrences) { try writeSingular(type, of: field, FieldOccurrences(element), to: &writer) }
            writer.endArray()
        case (_, let type):
            try writeSingular(type, of: field, occurrences, to: &writer)
        }
    }

    /// Writes a map's entries as one JSON object. A key that occurs again replaces its value
    /// where it first appeared, as in protobuf; keys are told apart by their UTF-8 bytes
    /// (`ProtoString`), not by `String`'s Unicode equivalence.
    func writeMap(
        key keyType: ScalarType, value valueType: FieldType, _ occurrences: FieldOccurrences, to writer: inout JSONWriter
    ) throws {
        var entries: [(key: String, value: FieldOccurrences)] = []
        var positions: [ProtoString: Int] = [:]
        for occurrence in occurrences {
            let entry = try RawFields(occurrence.bytes)
            let key = try RawScalar.mapKeyText(keyType, entry.values(of: 1, accepting: WireTypes(.scalar(keyType))).last)
            let value = entry.values(of: 2, accepting: WireTypes(valueType))
            if let position = positions[ProtoString(key)] {
                entries[position].value = value
            } else {
                positions[ProtoString(key)] = entries.count
                entries.append((key, value))
            }
        }
        writer.beginObject()
        for (key, value) in entries {
            writer.writeMapKey(key)
            try writeSingular(valueType, value, to: &writer)
        }
        writer.endObject()
    }

    /// The JSON an HTTP response carries under a rule's `response_body`: the whole message for
    /// `""`, else that one field's value (`null` for an absent message field).
    public func responseJSON(
        fromBinary bytes: [UInt8], messageType: String, responseBody: String, options: JSONEncodingOptions = .restAnswers
    ) throws -> [UInt8] {
        try responseJSON(fromBinary: bytes, shape: try shape(messageType), responseBody: responseBody, options: options)
    }

    /// `responseJSON(fromBinary:messageType:responseBody:options:)` for a message type whose
    /// shape the caller resolved already (a route's, at start).
    func responseJSON(
        fromBinary bytes: [UInt8], shape message: MessageShape, responseBody: String, options: JSONEncodingOptions = .restAnswers
    ) throws -> [UInt8] {
        guard !responseBody.isEmpty else { return try json(fromBinary: bytes, shape: message, options: options) }
        guard let field = message.fields.first(where: { $0.name == responseBody }) else {
            throw TranscodingError("\(message.fullName) has no field \(responseBody) for response_body")
        }
        let occurrences = try RawFields(bytes).values(of: field.number, accepting: field.wireTypes)
        var writer = JSONWriter(options: options)
        if occurrences.isEmpty, field.type.isMessage, field.label != .repeated {
            writer.writeNull()
        } else {
            try writeFieldValue(field, occurrences, to: &writer)
        }
        return try writer.finish()
    }

    /// Writes one value from its occurrences: the last for scalars, all merged for messages.
    /// `field`, when the value is that field's, has its message or enum type resolved already;
    /// otherwise (a map's value, a well-known type's part) the type is looked up by name.
    func writeSingular(_ type: FieldType, of field: FieldShape? = nil, _ occurrences: FieldOccurrences, to writer: inout JSONWriter) throws {
        switch type {
        case .scalar(let scalar):
            try RawScalar.writeJSON(scalar, occurrences.last, to: &writer)
        case .enumeration(let name):
            let number = Int32(truncatingIfNeeded: occurrences.last?.varint ?? 0)
            if !writer.options.enumsAsIntegers, let valueName = (field?.enumNames ?? enumNames[name])?[number] {
                writer.writeString(valueName)
            } else {
                writer.writeInt32(number)
            }
        case .message(let name):
            // Several occurrences of a message merge, which on the wire is concatenation; one
            // is read where it lies.
            let merged = occurrences.count == 1 ? try RawFields(occurrences[0].bytes) : try RawFields(occurrences.flatMap(\.bytes))
            let shape = try field?.messageShape.map { shapeList[$0] } ?? shape(name)
            try writeJSON(shape, fields: merged, to: &writer)
        case .map, .unresolved:
            throw TranscodingError("field type \(type) cannot be transcoded")
        }
    }

    /// Every element of a repeated field, unpacking packed occurrences.
    private func repeatedValues(_ type: FieldType, _ occurrences: FieldOccurrences) throws -> [RawValue] {
        guard case .scalar(let scalar) = type, scalar != .string, scalar != .bytes else {
            if case .enumeration = type { return try occurrences.flatMap { try RawScalar.unpack(.int32, $0) } }
            return Array(occurrences)
        }
        return try occurrences.flatMap { try RawScalar.unpack(scalar, $0) }
    }

    private func isDefault(_ type: FieldType, _ occurrences: FieldOccurrences) throws -> Bool {
        guard let last = occurrences.last else { return true }
        switch type {
        case .scalar(let scalar): return RawScalar.isDefault(scalar, last)
        case .enumeration: return Int32(truncatingIfNeeded: last.varint ?? 0) == 0
        default: return false
        }
    }
}

extension FieldType {
    var isMessage: Bool {
        if case .message = self { return true }
        return false
    }
}

extension JSONEncodingOptions {
    /// How the gateway writes answers: proto3 JSON, every Timestamp with a fraction of at least
    /// milliseconds (`2026-01-02T03:04:05.000Z`), so that clients whose date decoders take a
    /// fraction or none, not both, read every value of a list (README, "Timestamps").
    public static let restAnswers = JSONEncodingOptions(timestampFraction: .atLeastMilliseconds)
}
