import WeftMessages
import Yams

/// YAML configuration files. A YAML file is read as the JSON document it denotes, so the mesh's
/// and the gateway's readers (and their "unknown key, did you mean" checks) apply unchanged.
/// Yams parses; plain scalars take the types of YAML 1.2's core schema (`8443` a number, `true`
/// a boolean, `~` null; `"8443"`, `yes`, `no` and `1:30` are text, not YAML 1.1's boolean and
/// base-60 number); an alias stands for the node its anchor names; tags and keys that are not
/// text are refused.
enum YAMLConfiguration {
    /// YAML 1.2's core schema. The patterns are literals, which the configuration tests cover.
    private static let coreSchema: Resolver = try! Resolver.basic
        .appending(.null, "^(?:~|null|Null|NULL|)$")
        .appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
        .appending(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
        .appending(.float, "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$")

    /// Whether `path` names a YAML file (`.yaml` or `.yml`).
    static func isYAML(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml")
    }

    /// The JSON text of the YAML document in `bytes`; a syntax error names its line and column.
    static func json(fromYAML bytes: [UInt8]) throws -> [UInt8] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: bytes, as: UTF8.self), coreSchema)
        } catch let error as YamlError {
            throw Self.configurationError(error)
        }
        guard let root else { throw ConfigurationError(line: 1, column: 1, problem: "not valid YAML: the file holds no document") }
        return try value(of: root).utf8Bytes
    }

    /// The JSON value a YAML node denotes.
    private static func value(of node: Node) throws -> JSONValue {
        switch node {
        case .mapping(let mapping):
            return .object(try mapping.map { key, value in
                guard case .scalar(let name) = key else { throw refused("a key that is not text", at: key.mark) }
                return (name.string, try Self.value(of: value))
            })
        case .sequence(let sequence):
            return .array(try sequence.map(value(of:)))
        case .scalar(let scalar):
            return try value(of: scalar, tag: node.tag)
        case .alias:
            throw refused("an alias (*name)", at: node.mark)
        }
    }

    private static func value(of scalar: Node.Scalar, tag: Tag) throws -> JSONValue {
        switch tag.description {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return .bool(scalar.string.lowercased() == "true")
        case Tag.Name.int.rawValue:
            guard let value = integer(scalar.string) else { throw refused("an integer out of range", at: scalar.mark) }
            return .number(String(value))
        case Tag.Name.float.rawValue:
            guard let value = Double(scalar.string), value.isFinite else { throw refused("a number JSON cannot hold (.inf, .nan)", at: scalar.mark) }
            return .number("\(value)")
        case Tag.Name.str.rawValue:
            return .string(scalar.string)
        default:
            throw refused("the tag \(tag.description)", at: scalar.mark)
        }
    }

    /// A core-schema integer: decimal, `0o` octal or `0x` hexadecimal.
    private static func integer(_ text: String) -> Int64? {
        if text.hasPrefix("0x") { return Int64(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int64(text.dropFirst(2), radix: 8) }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    private static func refused(_ what: String, at mark: Mark?) -> ConfigurationError {
        ConfigurationError(line: mark?.line ?? 1, column: mark?.column ?? 1, problem: "not valid configuration YAML: \(what) is not supported")
    }

    private static func configurationError(_ error: YamlError) -> ConfigurationError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigurationError(line: mark.line, column: mark.column, problem: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(
                line: context.mark.line, column: context.mark.column, problem: "not valid YAML: a key appears twice (\(duplicates.joined(separator: ", ")))")
        default:
            return ConfigurationError(line: 1, column: 1, problem: "not valid YAML: \(error)")
        }
    }
}
