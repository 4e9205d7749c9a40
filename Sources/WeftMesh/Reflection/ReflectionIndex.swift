#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WeftMessages

/// What gRPC reflection looks up, built once from the served services' schema files: files by
/// name, the file declaring each symbol, and extensions by the message they extend.
struct ReflectionIndex: Sendable {
    /// Fully qualified names of the served services, sorted.
    let serviceNames: [String]
    private var files: [String: (serialized: Data, dependencies: [String])] = [:]
    private var fileBySymbol: [String: String] = [:]
    /// Fully qualified names of the messages (the types extensions can extend).
    private var messages: Set<String> = []
    /// Extended message (fully qualified, no leading dot) → extension number → declaring file.
    private var extensions: [String: [Int32: String]] = [:]

    /// Indexes the files of `services`.
    init(services: [ServiceDescriptor]) {
        serviceNames = Set(services.map(\.fullName)).sorted()
        for schema in services.flatMap(\.files) where files[schema.name] == nil {
            let serialized = schema.serialized
            let file: IndexedFile
            do {
                file = try IndexedFile(serializedBytes: serialized)
            } catch {
                // weft-codegen wrote these bytes: failing to read them is a bug, not input.
                preconditionFailure("the embedded descriptor of \(schema.name) does not decode: \(error)")
            }
            files[schema.name] = (Data(serialized), file.dependency)
            index(file)
        }
    }

    private mutating func index(_ file: IndexedFile) {
        let scope = file.package
        for message in file.messageType { index(message, in: scope, file: file.name) }
        for enumeration in file.enumType { index(enumeration, in: scope, file: file.name) }
        for service in file.service {
            let serviceName = qualified(service.name, in: scope)
            fileBySymbol[serviceName] = file.name
            for method in service.method { fileBySymbol[serviceName + "." + method.name] = file.name }
        }
        for extensionField in file.extension { index(extensionField, in: scope, file: file.name) }
    }

    private mutating func index(_ message: IndexedMessage, in scope: String, file: String) {
        let name = qualified(message.name, in: scope)
        fileBySymbol[name] = file
        messages.insert(name)
        for field in message.field { fileBySymbol[qualified(field.name, in: name)] = file }
        for oneof in message.oneofDecl { fileBySymbol[qualified(oneof.name, in: name)] = file }
        for nested in message.nestedType { index(nested, in: name, file: file) }
        for enumeration in message.enumType { index(enumeration, in: name, file: file) }
        for extensionField in message.extension { index(extensionField, in: name, file: file) }
    }

    /// An enum and its values, which protobuf scopes beside the enum, not inside it.
    private mutating func index(_ enumeration: IndexedEnum, in scope: String, file: String) {
        fileBySymbol[qualified(enumeration.name, in: scope)] = file
        for value in enumeration.value { fileBySymbol[qualified(value.name, in: scope)] = file }
    }

    private mutating func index(_ extensionField: IndexedExtension, in scope: String, file: String) {
        fileBySymbol[qualified(extensionField.name, in: scope)] = file
        extensions[Self.withoutLeadingDot(extensionField.extendee), default: [:]][extensionField.number] = file
    }

    private func qualified(_ name: String, in scope: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    /// The file with this import path.
    func hasFile(named name: String) -> Bool { files[name] != nil }

    /// The file declaring a fully qualified service, method, message, field, oneof, enum, enum
    /// value or extension.
    func file(declaring symbol: String) -> String? {
        fileBySymbol[Self.withoutLeadingDot(symbol)]
    }

    /// The file declaring extension `number` of `message`.
    func file(declaringExtension number: Int32, of message: String) -> String? {
        extensions[Self.withoutLeadingDot(message)]?[number]
    }

    /// Whether `message` is a message some served file declares.
    func knowsMessage(_ message: String) -> Bool {
        messages.contains(Self.withoutLeadingDot(message))
    }

    /// The extension numbers of `message` that the served files declare, ascending.
    func extensionNumbers(of message: String) -> [Int32] {
        (extensions[Self.withoutLeadingDot(message)] ?? [:]).keys.sorted()
    }

    private static func withoutLeadingDot(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }

    /// `name` and every file it imports, transitively, skipping those in `alreadySent`, which
    /// gains them: a reflection stream sends each file at most once, except the one asked for.
    func serializedFiles(startingWith name: String, alreadySent: inout Set<String>) -> [Data] {
        var result: [Data] = []
        var pending = [name]
        var visited: Set<String> = []
        while let next = pending.popLast() {
            guard visited.insert(next).inserted, let file = files[next] else { continue }
            let isNew = alreadySent.insert(next).inserted
            if isNew || next == name { result.append(file.serialized) }
            pending += file.dependencies.reversed()
        }
        return result
    }
}
