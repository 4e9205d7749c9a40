/// Pass 4: custom option names are resolved to their extensions, and the options Weft acts on
/// are interpreted: `(google.api.http)` and `idempotency_level` on methods. The http rules are
/// kept in `httpRules` for pass 5, which needs every file's messages.
extension Checker {
    mutating func interpretOptions(in file: inout ProtoFile) {
        let resolver = resolver(for: file)
        let spans = spans[file.path] ?? SyntaxSpans()
        checkOptions(file.options, scope: file.package, resolver: resolver)
        let messages = file.messages.includingNested
        for message in messages {
            checkOptions(message.options, scope: Self.parentScope(of: message.fullName), resolver: resolver)
            for field in message.fields + message.extensions.flatMap(\.fields) {
                checkOptions(field.options, scope: message.fullName, resolver: resolver)
            }
            for oneof in message.oneofs { checkOptions(oneof.options, scope: message.fullName, resolver: resolver) }
        }
        for decl in file.enums + messages.flatMap(\.enums) {
            let scope = Self.parentScope(of: decl.fullName)
            checkOptions(decl.options, scope: scope, resolver: resolver)
            for value in decl.values { checkOptions(value.options, scope: scope, resolver: resolver) }
        }
        for index in file.enums.indices { interpretErrorOptions(of: &file.enums[index], resolver: resolver) }
        for decl in messages.flatMap(\.enums) where decl.options.contains(where: { isErrorOption($0, "weft.api.error_domain", decl, resolver) }) {
            log.error("error enum \(decl.name) must be declared at the top level of its file", at: decl.location)
        }
        for field in file.extensions.flatMap(\.fields) { checkOptions(field.options, scope: file.package, resolver: resolver) }
        for serviceIndex in file.services.indices {
            let service = file.services[serviceIndex]
            checkOptions(service.options, scope: file.package, resolver: resolver)
            for index in service.methods.indices {
                checkOptions(service.methods[index].options, scope: service.fullName, resolver: resolver)
                interpretOptions(of: &file.services[serviceIndex].methods[index], scope: service.fullName, resolver: resolver, spans: spans)
            }
        }
    }

    static func parentScope(of fullName: String) -> String {
        fullName.lastIndex(of: ".").map { String(fullName[..<$0]) } ?? ""
    }

    /// One element's options: a built-in option may be set once; custom ones must resolve.
    private mutating func checkOptions(_ options: [OptionAssignment], scope: String, resolver: ScopeResolver) {
        var builtIn: Set<String> = []
        for option in options {
            if option.name.hasPrefix("(") {
                _ = customOptionExtension(option, scope: scope, resolver: resolver, warn: true)
            } else if !builtIn.insert(option.name).inserted {
                log.error("option \"\(option.name)\" was already set", at: option.location)
            }
        }
    }

    /// The full name of the extension a `(name)` option sets, or nil for a built-in option.
    /// An unknown custom option is kept, with a warning (protoc rejects it).
    private mutating func customOptionExtension(_ option: OptionAssignment, scope: String, resolver: ScopeResolver, warn: Bool) -> String? {
        guard let (name, resolution) = Self.resolveCustomOption(option, scope: scope, resolver: resolver) else { return nil }
        switch resolution {
        case .found(let fullName, let symbol) where symbol.kind == .extensionField:
            return fullName
        case .found where warn:
            log.warning("option \"(\(name))\" is not an extension; the option is kept but not checked", at: option.location)
        case .notFound(let message) where warn:
            log.warning("option \"(\(name))\" is unknown (\(message)); it is kept, but protoc would reject it", at: option.location)
        case .found, .notFound:
            break
        }
        return nil
    }

    /// A `(name)` option's extension name as written and what it resolves to; nil for a built-in option.
    static func resolveCustomOption(
        _ option: OptionAssignment, scope: String, resolver: ScopeResolver
    ) -> (name: String, resolution: ScopeResolver.Outcome)? {
        guard option.name.hasPrefix("("), let close = option.name.firstIndex(of: ")") else { return nil }
        let name = String(option.name[option.name.index(after: option.name.startIndex)..<close])
        return (name, resolver.resolve(name, in: scope, typesOnly: false))
    }

    private mutating func interpretOptions(of method: inout MethodDecl, scope: String, resolver: ScopeResolver, spans: SyntaxSpans) {
        var httpEntries: [LocatedEntry] = []
        var httpLocation: SourceLocation?
        for option in method.options {
            if option.name == "idempotency_level" {
                interpretIdempotency(option, into: &method)
            }
            guard customOptionExtension(option, scope: scope, resolver: resolver, warn: false) == "google.api.http",
                  let close = option.name.firstIndex(of: ")") else { continue }
            httpLocation = httpLocation ?? option.location
            let site = ValueSite(option: option.location, spans: spans, path: "")
            let subPath = option.name[option.name.index(after: close)...].split(separator: ".").map(String.init)
            if let first = subPath.first {
                let value = subPath.dropFirst().reversed().reduce(option.value) { .aggregate([(key: $1, value: $0)]) }
                httpEntries.append(LocatedEntry(key: first, value: value, site: site.entry(first, occurrence: 0)))
            } else if case .aggregate(let entries) = option.value {
                httpEntries += site.entries(of: entries)
            } else {
                log.error("option \"\(option.name)\" must be a google.api.HttpRule message value", at: option.location)
            }
        }
        guard let httpLocation else { return }
        do {
            let rule = try HttpRuleReader.rule(from: httpEntries)
            method.httpRule = rule?.rule
            if let rule {
                httpRules.append((rule, method.inputType, method.outputType))
            } else {
                log.warning("google.api.http rule has no pattern (get, put, post, delete, patch or custom); it is ignored", at: httpLocation)
            }
        } catch {
            log.error(error.message, at: httpLocation)
        }
    }

    private mutating func interpretIdempotency(_ option: OptionAssignment, into method: inout MethodDecl) {
        guard case .identifier(let name) = option.value else {
            log.error("value must be an identifier for enum-valued option \"idempotency_level\"", at: option.location)
            return
        }
        guard let level = IdempotencyLevel(rawValue: name) else {
            log.error("enum type \"google.protobuf.MethodOptions.IdempotencyLevel\" has no value named \"\(name)\" for option \"idempotency_level\"", at: option.location)
            return
        }
        method.idempotency = level
    }
}
