import WeftMessages

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Hand-written stand-ins for generated code, shaped like what weft-codegen emits:
//
//   enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; COLOR_GREEN = 2; }
//   message Item { string sku = 1; int32 quantity = 2; }
//   message Order {
//     string id = 1; Item item = 2; repeated int32 values = 3; map<string, Item> items = 4;
//     map<int32, string> labels = 5; Color color = 6; int64 total = 7; bytes blob = 8;
//     double ratio = 9; repeated Order children = 10; float score = 11;
//   }

enum Color: WeftEnum {
    case unspecified
    case red
    case green
    case unrecognized(Int32)

    static var allCases: [Color] { [.unspecified, .red, .green] }

    static let descriptor = EnumDescriptor(
        fullName: "test.v1.Color",
        values: [("COLOR_UNSPECIFIED", 0), ("COLOR_RED", 1), ("COLOR_GREEN", 2)]
    )

    init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .red
        case 2: self = .green
        default: self = .unrecognized(rawValue)
        }
    }

    var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .red: 1
        case .green: 2
        case .unrecognized(let n): n
        }
    }

    var protoName: String? {
        switch self {
        case .unspecified: "COLOR_UNSPECIFIED"
        case .red: "COLOR_RED"
        case .green: "COLOR_GREEN"
        case .unrecognized: nil
        }
    }

    init?(protoName: String) {
        switch protoName {
        case "COLOR_UNSPECIFIED": self = .unspecified
        case "COLOR_RED": self = .red
        case "COLOR_GREEN": self = .green
        default: return nil
        }
    }
}

struct Item: WeftMessage {
    var sku = ""
    var quantity: Int32 = 0
    var unknownFields = UnknownFields()

    static let descriptor = MessageDescriptor(
        fullName: "test.v1.Item",
        fields: [
            FieldDescriptor(number: 1, name: "sku", jsonName: "sku"),
            FieldDescriptor(number: 2, name: "quantity", jsonName: "quantity"),
        ])

    init() {}
    init(sku: String, quantity: Int32) {
        self.sku = sku
        self.quantity = quantity
    }

    func encode(to writer: inout WireWriter) {
        if !sku.isEmpty {
            writer.writeTag(10)
            writer.writeString(sku)
        }
        if quantity != 0 {
            writer.writeTag(16)
            writer.writeInt32(quantity)
        }
        writer.writeRaw(unknownFields.bytes)
    }

    mutating func decodeFields(from reader: inout WireReader) throws {
        while let tag = try reader.nextTag() {
            switch tag {
            case 10: sku = try reader.readString()
            case 16: quantity = try reader.readInt32()
            default: try reader.skipField(tag: tag, into: &unknownFields)
            }
        }
    }

    func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        if !sku.isEmpty || writer.options.alwaysPrintDefaults {
            writer.writeKey("sku")
            writer.writeString(sku)
        }
        if quantity != 0 || writer.options.alwaysPrintDefaults {
            writer.writeKey("quantity")
            writer.writeInt32(quantity)
        }
        writer.endObject()
    }

    mutating func mergeJSON(from reader: inout JSONReader) throws {
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "sku": sku = reader.readNull() ? "" : try reader.readString()
            case "quantity": quantity = reader.readNull() ? 0 : try reader.readInt32()
            default: try reader.unknownField(key)
            }
        }
    }

    init(from decoder: any Decoder) throws { try self.init(codableFrom: decoder) }
    func encode(to encoder: any Encoder) throws { try encodeCodable(to: encoder) }
}

struct Order: WeftMessage {
    var id = ""
    var item: Item?
    var values: [Int32] = []
    var items: [String: Item] = [:]
    var labels: [Int32: String] = [:]
    var color = Color.unspecified
    var total: Int64 = 0
    var blob = Data()
    var ratio: Double = 0
    var children: [Order] = []
    var score: Float = 0
    var unknownFields = UnknownFields()

    static let descriptor = MessageDescriptor(
        fullName: "test.v1.Order",
        fields: [
            FieldDescriptor(number: 1, name: "id", jsonName: "id"),
            FieldDescriptor(number: 2, name: "item", jsonName: "item"),
            FieldDescriptor(number: 3, name: "values", jsonName: "values"),
            FieldDescriptor(number: 4, name: "items", jsonName: "items"),
            FieldDescriptor(number: 5, name: "labels", jsonName: "labels"),
            FieldDescriptor(number: 6, name: "color", jsonName: "color"),
            FieldDescriptor(number: 7, name: "total", jsonName: "total"),
            FieldDescriptor(number: 8, name: "blob", jsonName: "blob"),
            FieldDescriptor(number: 9, name: "ratio", jsonName: "ratio"),
            FieldDescriptor(number: 10, name: "children", jsonName: "children"),
            FieldDescriptor(number: 11, name: "score", jsonName: "score"),
        ])

    init() {}

    func encode(to writer: inout WireWriter) {
        if !id.isEmpty {
            writer.writeTag(10)
            writer.writeString(id)
        }
        if let item {
            writer.writeTag(18)
            let mark = writer.beginLengthDelimited()
            item.encode(to: &writer)
            writer.endLengthDelimited(mark)
        }
        if !values.isEmpty {
            writer.writeTag(26)
            let mark = writer.beginLengthDelimited()
            for v in values { writer.writeInt32(v) }
            writer.endLengthDelimited(mark)
        }
        for key in items.keys.sorted() {
            writer.writeTag(34)
            let mark = writer.beginLengthDelimited()
            writer.writeTag(10)
            writer.writeString(key)
            writer.writeTag(18)
            let inner = writer.beginLengthDelimited()
            items[key]!.encode(to: &writer)
            writer.endLengthDelimited(inner)
            writer.endLengthDelimited(mark)
        }
        for key in labels.keys.sorted() {
            writer.writeTag(42)
            let mark = writer.beginLengthDelimited()
            writer.writeTag(8)
            writer.writeInt32(key)
            writer.writeTag(18)
            writer.writeString(labels[key]!)
            writer.endLengthDelimited(mark)
        }
        if color != .unspecified {
            writer.writeTag(48)
            writer.writeEnum(color.rawValue)
        }
        if total != 0 {
            writer.writeTag(56)
            writer.writeInt64(total)
        }
        if !blob.isEmpty {
            writer.writeTag(66)
            writer.writeBytes(blob)
        }
        if ratio != 0 || ratio.sign == .minus {
            writer.writeTag(73)
            writer.writeDouble(ratio)
        }
        for child in children {
            writer.writeTag(82)
            let mark = writer.beginLengthDelimited()
            child.encode(to: &writer)
            writer.endLengthDelimited(mark)
        }
        if score != 0 {
            writer.writeTag(93)
            writer.writeFloat(score)
        }
        writer.writeRaw(unknownFields.bytes)
    }

    mutating func decodeFields(from reader: inout WireReader) throws {
        while let tag = try reader.nextTag() {
            switch tag {
            case 10: id = try reader.readString()
            case 18:
                var m = item ?? Item()
                try reader.readMessage(into: &m)
                item = m
            case 26: try reader.readPackedInt32(into: &values)
            case 24: values.append(try reader.readInt32())
            case 34:
                var key = ""
                var value = Item()
                try reader.readMapEntry { entry in
                    var ignored = UnknownFields()
                    while let t = try entry.nextTag() {
                        switch t {
                        case 10: key = try entry.readString()
                        case 18: try entry.readMessage(into: &value)
                        default: try entry.skipField(tag: t, into: &ignored)
                        }
                    }
                }
                items[key] = value
            case 42:
                var key: Int32 = 0
                var value = ""
                try reader.readMapEntry { entry in
                    var ignored = UnknownFields()
                    while let t = try entry.nextTag() {
                        switch t {
                        case 8: key = try entry.readInt32()
                        case 18: value = try entry.readString()
                        default: try entry.skipField(tag: t, into: &ignored)
                        }
                    }
                }
                labels[key] = value
            case 48: color = Color(rawValue: try reader.readEnum())
            case 56: total = try reader.readInt64()
            case 66: blob = try reader.readBytes()
            case 73: ratio = try reader.readDouble()
            case 82:
                var child = Order()
                try reader.readMessage(into: &child)
                children.append(child)
            case 93: score = try reader.readFloat()
            default: try reader.skipField(tag: tag, into: &unknownFields)
            }
        }
    }

    func writeJSON(to writer: inout JSONWriter) {
        let all = writer.options.alwaysPrintDefaults
        writer.beginObject()
        if !id.isEmpty || all {
            writer.writeKey("id")
            writer.writeString(id)
        }
        if let item {
            writer.writeKey("item")
            writer.writeMessage(item)
        }
        if !values.isEmpty || all {
            writer.writeKey("values")
            writer.beginArray()
            for v in values { writer.writeInt32(v) }
            writer.endArray()
        }
        if !items.isEmpty || all {
            writer.writeKey("items")
            writer.beginObject()
            for key in items.keys.sorted() {
                writer.writeMapKey(key)
                writer.writeMessage(items[key]!)
            }
            writer.endObject()
        }
        if !labels.isEmpty || all {
            writer.writeKey("labels")
            writer.beginObject()
            for key in labels.keys.sorted() {
                writer.writeMapKey(String(key))
                writer.writeString(labels[key]!)
            }
            writer.endObject()
        }
        if color != .unspecified || all {
            writer.writeKey("color")
            writer.writeEnum(color)
        }
        if total != 0 || all {
            writer.writeKey("total")
            writer.writeInt64(total)
        }
        if !blob.isEmpty || all {
            writer.writeKey("blob")
            writer.writeBytes(blob)
        }
        if ratio != 0 || all {
            writer.writeKey("ratio")
            writer.writeDouble(ratio)
        }
        if !children.isEmpty || all {
            writer.writeKey("children")
            writer.beginArray()
            for child in children { writer.writeMessage(child) }
            writer.endArray()
        }
        if score != 0 || all {
            writer.writeKey("score")
            writer.writeFloat(score)
        }
        writer.endObject()
    }

    mutating func mergeJSON(from reader: inout JSONReader) throws {
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "id": id = reader.readNull() ? "" : try reader.readString()
            case "item":
                if reader.readNull() {
                    item = nil
                } else {
                    var m = item ?? Item()
                    try reader.readMessage(into: &m)
                    item = m
                }
            case "values":
                if !reader.readNull() {
                    try reader.beginArray()
                    while try reader.nextElement() { values.append(try reader.readInt32()) }
                }
            case "items":
                if !reader.readNull() {
                    try reader.beginObject()
                    while let k = try reader.nextKey() {
                        var m = Item()
                        try reader.readMessage(into: &m)
                        items[k] = m
                    }
                }
            case "labels":
                if !reader.readNull() {
                    try reader.beginObject()
                    while let k = try reader.nextKey() {
                        labels[try reader.parseMapKeyInt32(k)] = try reader.readString()
                    }
                }
            case "color":
                if reader.readNull() {
                    color = .unspecified
                } else if let c: Color = try reader.readEnum() {
                    color = c
                }
            case "total": total = reader.readNull() ? 0 : try reader.readInt64()
            case "blob": blob = reader.readNull() ? Data() : try reader.readBytes()
            case "ratio": ratio = reader.readNull() ? 0 : try reader.readDouble()
            case "children":
                if !reader.readNull() {
                    try reader.beginArray()
                    while try reader.nextElement() {
                        var child = Order()
                        try reader.readMessage(into: &child)
                        children.append(child)
                    }
                }
            case "score": score = reader.readNull() ? 0 : try reader.readFloat()
            default: try reader.unknownField(key)
            }
        }
    }

    init(from decoder: any Decoder) throws { try self.init(codableFrom: decoder) }
    func encode(to encoder: any Encoder) throws { try encodeCodable(to: encoder) }
}

/// A fully populated order used by several tests.
func sampleOrder() -> Order {
    var order = Order()
    order.id = "ord-1 ✓"
    order.item = Item(sku: "sku-1", quantity: 3)
    order.values = [0, 1, -1, 300, Int32.min, Int32.max]
    order.items = ["a": Item(sku: "x", quantity: 1), "b\"q": Item(sku: "y", quantity: -2)]
    order.labels = [1: "one", -5: "minus five"]
    order.color = .green
    order.total = Int64.min
    order.blob = Data([0, 1, 2, 250, 255])
    order.ratio = 0.1
    var child = Order()
    child.id = "child"
    child.total = 42
    order.children = [child]
    order.score = 1.5
    return order
}

/// Runs `body` on a JSON writer and returns the text it produced.
func writeJSON(options: JSONEncodingOptions = .init(), _ body: (inout JSONWriter) -> Void) throws -> String {
    var writer = JSONWriter(options: options)
    body(&writer)
    return try writer.finishString()
}

/// Runs `body` on a JSON reader over `text` and requires nothing but whitespace after it.
func readJSON<T>(_ text: String, options: JSONDecodingOptions = .init(), _ body: (inout JSONReader) throws -> T) throws -> T {
    var text = text
    return try text.withUTF8 { utf8 in
        var reader = JSONReader(UnsafeRawBufferPointer(utf8), options: options)
        return try body(&reader)
    }
}

/// Runs `body` on a wire reader over `bytes`.
func readWire<T>(_ bytes: [UInt8], _ body: (inout WireReader) throws -> T) throws -> T {
    try bytes.withUnsafeBytes { buffer in
        var reader = WireReader(buffer)
        return try body(&reader)
    }
}

/// Runs `body` on a wire writer and returns the bytes it produced.
func writeWire(_ body: (inout WireWriter) -> Void) -> [UInt8] {
    var writer = WireWriter()
    body(&writer)
    return writer.finish()
}
