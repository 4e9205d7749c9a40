/// The well-known types whose proto3 JSON form is not an object: Timestamp and Duration are
/// strings, the wrappers are their bare value.
enum WellKnownJSON {
    case timestamp
    case duration
    case wrapper(jsonMethodSuffix: String)

    init?(fullName: String) {
        switch fullName {
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.protobuf.Duration": self = .duration
        case "google.protobuf.DoubleValue": self = .wrapper(jsonMethodSuffix: "Double")
        case "google.protobuf.FloatValue": self = .wrapper(jsonMethodSuffix: "Float")
        case "google.protobuf.Int64Value": self = .wrapper(jsonMethodSuffix: "Int64")
        case "google.protobuf.UInt64Value": self = .wrapper(jsonMethodSuffix: "UInt64")
        case "google.protobuf.Int32Value": self = .wrapper(jsonMethodSuffix: "Int32")
        case "google.protobuf.UInt32Value": self = .wrapper(jsonMethodSuffix: "UInt32")
        case "google.protobuf.BoolValue": self = .wrapper(jsonMethodSuffix: "Bool")
        case "google.protobuf.StringValue": self = .wrapper(jsonMethodSuffix: "String")
        case "google.protobuf.BytesValue": self = .wrapper(jsonMethodSuffix: "Bytes")
        default: return nil
        }
    }

    func emit(into out: inout CodeWriter) {
        switch self {
        case .timestamp, .duration:
            let kind = self.isTimestamp ? "Timestamp" : "Duration"
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("writer.write\(kind)(seconds: seconds, nanos: nanos)")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("(seconds, nanos) = try reader.read\(kind)()")
            }
        case .wrapper(let suffix):
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("writer.write\(suffix)(value)")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("value = try reader.read\(suffix)()")
            }
        }
    }

    private var isTimestamp: Bool {
        if case .timestamp = self { return true }
        return false
    }
}
