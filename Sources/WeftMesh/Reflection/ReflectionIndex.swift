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
    /// Extended message (fully qualified, no leading dot) → extension number → declaring file.
    private var extensions: [String: [Int32: String]] = [:]

    /// Indexes the files of `services`; a file whose bytes do not decode is left out.
    init(services: [ServiceDescriptor]) {
        serviceNames = Set(services.map(\.fullName)).sorted()
        for schema in services.flatMap(\.files) where files[schema.name] == nil {
            let serialized = schema.serialized
            guard let file = try? IndexedFile(serializedBytes: serialized) else { continue }
            files[schema.name] = (Data(serialized), file.dependency)
            index(file)
        }
    }

    private mutating func index(_ file: IndexedFile) {
        let scope = file.package
        for message in file.messageType { index(message, in: scope, file: file.name) }
        for enumeration in file.enumType { fileBySymbol[qualified(enumeration.name, in: scope)] = file.name }
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
        for nested in message.nestedType { index(nested, in: name, file: file) }
        for enumeration in message.enumType { fileBySymbol[qualified(enumeration.name, in: name)] = file }
        for extensionField in message.extension { index(extensionField, in: name, file: file) }
    }

    private mutating func index(_ extensionField: IndexedExtension, in scope: String, file: String) {
        fileBySymbol[qualified(extensionField.name, in: scope)] = file
        let extendee = extensionField.extendee.hasPrefix(".") ? String(extensionField.extendee.dropFirst()) : extensionField.extendee
        extensions[extendee, default: [:]][extensionField.number] = file
    }

    private func qualified(_ name: String, in scope: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    /// The file with this import path.
    func hasFile(named name: String) -> Bool { files[name] != nil }

    /// The file declaring a fully qualified service, method, message, enum or extension.
    func file(declaring symbol: String) -> String? {
        fileBySymbol[symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol]
    }

    /// The file declaring extension `number` of `message`.
    func file(declaringExtension number: Int32, of message: String) -> String? {
        extensions[message]?[number]
    }

    /// Whether `message` is a message some served file declares.
    func knowsMessage(_ message: String) -> Bool {
        fileBySymbol[message] != nil
    }

    /// The extension numbers of `message` that the served files declare, ascending.
    func extensionNumbers(of message: String) -> [Int32] {
        (extensions[message] ?? [:]).keys.sorted()
    }

    /// `name` and every file it imports, transitively, skipping those in `alreadySent`, which
    /// gains them: a reflection stream sends each file at most once, except the one asked for.
    func serializedFiles(startingWith name: String, alreadySent: inout Set<String>) -> [Data] {
        var result: [Data] = []
        var pending = [name]
        var visited: Set<String> = []
        while let next = pending.popLast() {
            guard visited.insert(next).inserted, let file = files[next] else { continue }
            if next == name || alreadySent.insert(next).inserted {
                alreadySent.insert(next)
                result.append(file.serialized)
            }
            pending += file.dependencies.reversed()
        }
        return result
    }
}
