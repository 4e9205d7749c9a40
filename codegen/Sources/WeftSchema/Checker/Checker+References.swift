/// Pass 2: every type name is resolved to a fully-qualified message or enum.
extension Checker {
    mutating func resolveReferences(in file: inout ProtoFile) {
        let resolver = resolver(for: file)
        for index in file.messages.indices { resolveReferences(in: &file.messages[index], file: file, resolver: resolver) }
        for index in file.extensions.indices {
            resolve(&file.extensions[index], scope: file.package, file: file, resolver: resolver)
        }
        for serviceIndex in file.services.indices {
            let service = file.services[serviceIndex]
            for index in service.methods.indices {
                var method = service.methods[index]
                let scope = service.fullName
                let inputAt = location(\.inputs, of: method.location, in: file)
                let outputAt = location(\.outputs, of: method.location, in: file)
                method.inputType = resolveMessage(method.inputType, in: scope, at: inputAt, resolver: resolver) ?? method.inputType
                method.outputType = resolveMessage(method.outputType, in: scope, at: outputAt, resolver: resolver) ?? method.outputType
                file.services[serviceIndex].methods[index] = method
            }
        }
    }

    private mutating func resolveReferences(in message: inout MessageDecl, file: ProtoFile, resolver: ScopeResolver) {
        for index in message.fields.indices {
            let field = message.fields[index]
            message.fields[index].type = resolve(field, scope: message.fullName, file: file, resolver: resolver)
        }
        for index in message.messages.indices {
            resolveReferences(in: &message.messages[index], file: file, resolver: resolver)
        }
        for index in message.extensions.indices {
            resolve(&message.extensions[index], scope: message.fullName, file: file, resolver: resolver)
        }
    }

    private mutating func resolve(_ field: FieldDecl, scope: String, file: ProtoFile, resolver: ScopeResolver) -> FieldType {
        let at = location(\.types, of: field.location, in: file)
        switch field.type {
        case .unresolved(let name):
            return resolveType(name, in: scope, at: at, resolver: resolver) ?? field.type
        case .map(let key, .unresolved(let name)):
            return resolveType(name, in: scope, at: at, resolver: resolver).map { .map(key: key, value: $0) } ?? field.type
        case .scalar, .message, .enumeration, .map:
            return field.type
        }
    }

    /// A field's type: a message or an enum, looked up skipping non-type symbols.
    private mutating func resolveType(_ name: String, in scope: String, at location: SourceLocation, resolver: ScopeResolver) -> FieldType? {
        switch resolver.resolve(name, in: scope, typesOnly: true) {
        case .notFound(let message):
            log.error(message, at: location)
        case .found(let fullName, let symbol):
            switch symbol.kind {
            case .message: return .message(fullName)
            case .enumeration: return .enumeration(fullName)
            case .mapEntry: log.error("\"\(name)\" is the entry type generated for a map field; use map<KeyType, ValueType> instead", at: location)
            default: log.error("\"\(name)\" is not a type", at: location)
            }
        }
        return nil
    }

    /// An rpc input/output or an extendee: must be a message. Returns its full name.
    private mutating func resolveMessage(_ name: String, in scope: String, at location: SourceLocation, resolver: ScopeResolver) -> String? {
        switch resolver.resolve(name, in: scope, typesOnly: false) {
        case .notFound(let message):
            log.error(message, at: location)
        case .found(let fullName, let symbol):
            if symbol.kind == .message { return fullName }
            log.error("\"\(name)\" is not a message type", at: location)
        }
        return nil
    }

    /// Resolves the extendee and the fields' types, and checks the extension numbers: proto3
    /// may only extend descriptor.proto's option messages, whose extension range is 1000 to max.
    private mutating func resolve(_ extend: inout ExtendDecl, scope: String, file: ProtoFile, resolver: ScopeResolver) {
        let extendee = resolveMessage(extend.extendee, in: scope, at: extend.location, resolver: resolver)
        extend.extendee = extendee ?? extend.extendee
        for index in extend.fields.indices {
            let field = extend.fields[index]
            extend.fields[index].type = resolve(field, scope: scope, file: file, resolver: resolver)
            guard let extendee else { continue }
            let numberLocation = location(\.numbers, of: field.location, in: file)
            if !Self.extendableOptionMessages.contains(extendee) || field.number < 1000 || Int64(field.number) > Parser.maxFieldNumber {
                log.error("\"\(extendee)\" does not declare \(field.number) as an extension number", at: numberLocation)
            } else if let other = usedExtensionNumbers[extendee]?[field.number] {
                log.error("extension number \(field.number) has already been used in \"\(extendee)\" by extension \"\(other)\"", at: numberLocation)
            } else {
                usedExtensionNumbers[extendee, default: [:]][field.number] = NamingRules.qualified(field.name, in: scope)
            }
        }
    }
}
