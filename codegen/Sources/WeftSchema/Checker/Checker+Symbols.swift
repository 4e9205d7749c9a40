/// Pass 1: every definition enters the symbol table, reporting duplicates as protoc does.
extension Checker {
    mutating func registerSymbols() {
        for file in files {
            if !file.package.isEmpty, let message = table.addPackage(file.package, file: file.path) {
                log.error(message, at: spans[file.path]?.package)
            }
            for message in file.messages { register(message, in: file) }
            for decl in file.enums { register(decl, scope: file.package, in: file) }
            for service in file.services {
                add(service.fullName, .service, at: service.location, in: file)
                for method in service.methods {
                    add(NamingRules.qualified(method.name, in: service.fullName), .method, at: method.location, in: file)
                }
            }
            for extend in file.extensions { register(extend, scope: file.package, in: file) }
        }
    }

    private mutating func add(_ fullName: String, _ kind: SymbolTable.Symbol.Kind, at location: SourceLocation, in file: ProtoFile) {
        if let message = table.add(fullName, kind: kind, file: file.path) { log.error(message, at: location) }
    }

    private mutating func register(_ message: MessageDecl, in file: ProtoFile) {
        add(message.fullName, .message, at: message.location, in: file)
        for oneof in message.oneofs { add(NamingRules.qualified(oneof.name, in: message.fullName), .oneof, at: oneof.location, in: file) }
        for field in message.fields { add(NamingRules.qualified(field.name, in: message.fullName), .field, at: field.location, in: file) }
        for nested in message.messages { register(nested, in: file) }
        for decl in message.enums { register(decl, scope: message.fullName, in: file) }
        for field in message.fields {
            guard case .map = field.type else { continue }
            let entryName = NamingRules.qualified(NamingRules.mapEntryName(of: field.name), in: message.fullName)
            if table.add(entryName, kind: .mapEntry, file: file.path) != nil {
                log.error("expanded map entry type \(NamingRules.mapEntryName(of: field.name)) of field \"\(field.name)\" conflicts with an existing declaration in \"\(message.fullName)\"", at: field.location)
            }
        }
        for extend in message.extensions { register(extend, scope: message.fullName, in: file) }
    }

    /// Enum values are siblings of their enum (C++ scoping), so they must be unique in the
    /// enclosing scope, not just within the enum.
    private mutating func register(_ decl: EnumDecl, scope: String, in file: ProtoFile) {
        add(decl.fullName, .enumeration, at: decl.location, in: file)
        var names: Set<String> = []
        for value in decl.values {
            let isNewInEnum = names.insert(value.name).inserted
            guard let message = table.add(NamingRules.qualified(value.name, in: scope), kind: .enumValue, file: file.path) else { continue }
            if isNewInEnum {
                let outer = scope.isEmpty ? "the global scope" : "\"\(scope)\""
                log.error("\(message); note that enum values use C++ scoping rules, meaning that enum values are siblings of their type, not children of it, so \"\(value.name)\" must be unique within \(outer), not just within \"\(decl.name)\"", at: value.location)
            } else {
                log.error(message, at: value.location)
            }
        }
    }

    private mutating func register(_ extend: ExtendDecl, scope: String, in file: ProtoFile) {
        for field in extend.fields { add(NamingRules.qualified(field.name, in: scope), .extensionField, at: field.location, in: file) }
    }
}
