import WeftSchema

/// Swift names for every message and enum of a compilation, plus the facts the emitters need
/// about them (which singular message fields must be boxed to break recursion).
struct TypeTable {
    private(set) var swiftNames: [String: String] = [:]
    private(set) var messages: [String: MessageDecl] = [:]
    private(set) var enums: [String: EnumDecl] = [:]
    /// Messages that can reach themselves through singular (inline-stored) message fields.
    private(set) var recursiveMessages: Set<String> = []

    init(files: [ProtoFile]) {
        for file in files {
            let prefix = Self.typePrefix(of: file)
            for message in file.messages { register(message, parentSwiftName: nil, prefix: prefix) }
            for enumDecl in file.enums { register(enumDecl, parentSwiftName: nil, prefix: prefix) }
        }
        recursiveMessages = findRecursiveMessages()
    }

    /// The prefix top-level types of `file` get: its `swift_prefix` option, or `Google_Protobuf_`
    /// for the well-known types so they never shadow Swift's own `Duration` and friends, and
    /// `Google_Rpc_` for the error model (`Google_Rpc_Status` beside `WeftRPC.Status`).
    static func typePrefix(of file: ProtoFile) -> String {
        for option in file.options where option.name == "swift_prefix" {
            if case .string(let prefix) = option.value { return prefix }
        }
        switch file.package {
        case "google.protobuf": return "Google_Protobuf_"
        case "google.rpc": return "Google_Rpc_"
        default: return ""
        }
    }

    func swiftName(of fullName: String) -> String {
        guard let name = swiftNames[fullName] else {
            preconditionFailure("type \(fullName) was not resolved by the checker")
        }
        return name
    }

    /// A type's own name: a name Swift reserves (`Any`, `Type`) takes a suffix, unless a
    /// prefix already sets the top-level name apart (`Google_Protobuf_Any`).
    private static func localName(_ name: String, suffix: String, parentSwiftName: String?, prefix: String) -> String {
        parentSwiftName == nil && !prefix.isEmpty ? name : SwiftNaming.typeName(name, suffix: suffix)
    }

    private mutating func register(_ message: MessageDecl, parentSwiftName: String?, prefix: String) {
        let local = Self.localName(message.name, suffix: "Message", parentSwiftName: parentSwiftName, prefix: prefix)
        let name = parentSwiftName.map { "\($0).\(local)" } ?? prefix + local
        swiftNames[message.fullName] = name
        messages[message.fullName] = message
        for nested in message.messages { register(nested, parentSwiftName: name, prefix: prefix) }
        for nested in message.enums { register(nested, parentSwiftName: name, prefix: prefix) }
    }

    private mutating func register(_ enumDecl: EnumDecl, parentSwiftName: String?, prefix: String) {
        let local = Self.localName(enumDecl.name, suffix: "Enum", parentSwiftName: parentSwiftName, prefix: prefix)
        swiftNames[enumDecl.fullName] = parentSwiftName.map { "\($0).\(local)" } ?? prefix + local
        enums[enumDecl.fullName] = enumDecl
    }

    /// A field (or oneof member) stores its message inline unless it is repeated or a map, whose
    /// storage is already on the heap. Inline cycles are what Swift structs cannot hold.
    private func inlineMessageTargets(of message: MessageDecl) -> [String] {
        message.fields.compactMap { field in
            guard field.label != .repeated, case .message(let target) = field.type else { return nil }
            return target
        }
    }

    private func findRecursiveMessages() -> Set<String> {
        var recursive: Set<String> = []
        for start in messages.keys {
            var seen: Set<String> = []
            var pending = inlineMessageTargets(of: messages[start]!)
            while let next = pending.popLast() {
                if next == start {
                    recursive.insert(start)
                    break
                }
                guard seen.insert(next).inserted, let decl = messages[next] else { continue }
                pending += inlineMessageTargets(of: decl)
            }
        }
        return recursive
    }

    /// Whether `field` of `owner` must be stored in a box: its message type leads back to `owner`.
    func needsBox(_ field: FieldDecl, in owner: MessageDecl) -> Bool {
        guard field.label != .repeated, case .message(let target) = field.type else { return false }
        return target == owner.fullName || (recursiveMessages.contains(owner.fullName) && reaches(target, owner.fullName))
    }

    private func reaches(_ from: String, _ goal: String) -> Bool {
        var seen: Set<String> = []
        var pending = [from]
        while let next = pending.popLast() {
            if next == goal { return true }
            guard seen.insert(next).inserted, let decl = messages[next] else { continue }
            pending += inlineMessageTargets(of: decl)
        }
        return false
    }

    /// The Swift case for number 0 of an enum (its proto3 default).
    func defaultCase(of enumFullName: String) -> String {
        guard let decl = enums[enumFullName], let zero = decl.values.first(where: { $0.number == 0 }) ?? decl.values.first
        else { return ".init(rawValue: 0)" }
        return "." + SwiftNaming.escaped(SwiftNaming.enumCaseName(zero.name, enumName: decl.name))
    }
}
