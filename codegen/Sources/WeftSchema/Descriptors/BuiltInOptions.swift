/// The field numbers and kinds of descriptor.proto's built-in options, so option assignments
/// written in a schema encode as protoc encodes them. Custom options (`(name)`) are not here.
enum BuiltInOptions {
    enum Kind {
        case string
        case bool
        /// An enum option, its value names → numbers.
        case enumeration([String: Int32])
    }

    typealias Table = [String: (number: Int, kind: Kind)]

    static let file: Table = [
        "java_package": (1, .string),
        "java_outer_classname": (8, .string),
        "optimize_for": (9, .enumeration(["SPEED": 1, "CODE_SIZE": 2, "LITE_RUNTIME": 3])),
        "java_multiple_files": (10, .bool),
        "go_package": (11, .string),
        "cc_generic_services": (16, .bool),
        "java_generic_services": (17, .bool),
        "py_generic_services": (18, .bool),
        "java_generate_equals_and_hash": (20, .bool),
        "deprecated": (23, .bool),
        "java_string_check_utf8": (27, .bool),
        "cc_enable_arenas": (31, .bool),
        "objc_class_prefix": (36, .string),
        "csharp_namespace": (37, .string),
        "swift_prefix": (39, .string),
        "php_class_prefix": (40, .string),
        "php_namespace": (41, .string),
        "php_metadata_namespace": (44, .string),
        "ruby_package": (45, .string),
    ]
    static let message: Table = ["deprecated": (3, .bool), "map_entry": (7, .bool)]
    static let field: Table = [
        "ctype": (1, .enumeration(["STRING": 0, "CORD": 1, "STRING_PIECE": 2])),
        "packed": (2, .bool),
        "deprecated": (3, .bool),
        "lazy": (5, .bool),
        "jstype": (6, .enumeration(["JS_NORMAL": 0, "JS_STRING": 1, "JS_NUMBER": 2])),
        "unverified_lazy": (15, .bool),
        "debug_redact": (16, .bool),
    ]
    static let oneof: Table = [:]
    static let enumeration: Table = ["allow_alias": (2, .bool), "deprecated": (3, .bool)]
    static let enumValue: Table = ["deprecated": (1, .bool), "debug_redact": (3, .bool)]
    static let service: Table = ["deprecated": (33, .bool)]
    static let method: Table = ["deprecated": (33, .bool)]

    /// Writes the assignments `table` knows, in field-number order (as protoc serializes them).
    static func encode(_ options: [OptionAssignment], using table: Table, into out: inout ProtoEncoder) {
        let known = options.compactMap { option in table[option.name].map { (option, $0) } }
        for (option, entry) in known.sorted(by: { $0.1.number < $1.1.number }) {
            switch (entry.kind, option.value) {
            case (.string, .string(let text)): out.string(entry.number, text)
            case (.bool, .bool(let flag)): out.bool(entry.number, flag)
            case (.bool, .identifier(let name)) where name == "true" || name == "false": out.bool(entry.number, name == "true")
            case (.enumeration(let values), .identifier(let name)):
                if let number = values[name] { out.int32(entry.number, number) }
            case (.enumeration, .integer(let number)): out.int32(entry.number, Int32(truncatingIfNeeded: number))
            default: continue  // the checker reports mistyped built-in options
            }
        }
    }
}
