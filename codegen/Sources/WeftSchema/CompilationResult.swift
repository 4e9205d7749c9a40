/// What `SchemaCompiler.compile` produces: the checked files and every diagnostic.
public struct CompilationResult: Sendable {
    /// Every loaded file in dependency order, type references resolved.
    public var files: [ProtoFile]
    /// `ProtoFile.path` of the files asked for, in order.
    public var requestedPaths: [String]
    /// Errors and warnings, ordered by file, line and column.
    public var diagnostics: [Diagnostic]

    public init(files: [ProtoFile], requestedPaths: [String], diagnostics: [Diagnostic]) {
        self.files = files
        self.requestedPaths = requestedPaths
        self.diagnostics = diagnostics
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The message with this fully-qualified name (no leading dot), nested ones included.
    public func message(named fullName: String) -> MessageDecl? {
        for file in files {
            if let message = Self.message(named: fullName, in: file.messages) { return message }
        }
        return nil
    }

    /// The enum with this fully-qualified name (no leading dot), nested ones included.
    public func enumeration(named fullName: String) -> EnumDecl? {
        for file in files {
            if let found = file.enums.first(where: { $0.fullName == fullName }) { return found }
            for message in file.messages.includingNested {
                if let found = message.enums.first(where: { $0.fullName == fullName }) { return found }
            }
        }
        return nil
    }

    /// The file that defines the message, enum or service with this fully-qualified name.
    public func file(containing fullName: String) -> ProtoFile? {
        files.first { file in
            file.services.contains { $0.fullName == fullName }
                || file.enums.contains { $0.fullName == fullName }
                || file.messages.includingNested.contains { $0.fullName == fullName || $0.enums.contains { $0.fullName == fullName } }
        }
    }

    private static func message(named fullName: String, in messages: [MessageDecl]) -> MessageDecl? {
        for message in messages {
            if message.fullName == fullName { return message }
            if fullName.hasPrefix(message.fullName + "."), let nested = Self.message(named: fullName, in: message.messages) {
                return nested
            }
        }
        return nil
    }
}

extension [ProtoFile] {
    /// The paths of the file at `path` and of every file it imports, transitively, in the
    /// array's order (a compilation's files are in dependency order).
    public func dependencyClosure(of path: String) -> [String] {
        var needed: Set<String> = [path]
        var pending = [path]
        while let next = pending.popLast() {
            for imported in first(where: { $0.path == next })?.imports ?? [] where needed.insert(imported.path).inserted {
                pending.append(imported.path)
            }
        }
        return map(\.path).filter(needed.contains)
    }
}
