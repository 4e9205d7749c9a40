/// The schema front end: loads `.proto` files with their imports, parses and checks them.
///
/// ```swift
/// let result = SchemaCompiler(includePaths: ["schemas"]).compile(["schemas/shop/v1/shop.proto"])
/// for diagnostic in result.diagnostics { print(diagnostic) }
/// ```
public struct SchemaCompiler: Sendable {
    /// Directories searched, in order, for imports (then the bundled well-known files).
    public var includePaths: [String]

    public init(includePaths: [String]) {
        self.includePaths = includePaths
    }

    /// Compiles files given as filesystem paths or as paths relative to an include path.
    /// Returns every loaded file (dependencies first, bundled well-known files included).
    public func compile(_ files: [String]) -> CompilationResult {
        var tree = SourceTree(roots: includePaths.map(SourceTree.Root.directory))
        let paths = files.map { tree.importPath(forRequested: $0) }
        return compile(paths, tree: tree)
    }

    /// Compiles in-memory sources (path → text); imports resolve among `sources`, then the
    /// bundled files. `includePaths` is not used.
    public func compile(sources: [String: String], roots: [String]) -> CompilationResult {
        compile(roots, tree: SourceTree(roots: [.memory(sources)]))
    }

    private func compile(_ paths: [String], tree: SourceTree) -> CompilationResult {
        var loader = ImportLoader(tree: tree)
        var requested: [String] = []
        for path in paths where loader.load(path, importedAt: nil) {
            requested.append(path)
        }
        let loaded = loader.loaded
        var checker = Checker(
            files: loaded.map(\.file),
            spans: Dictionary(loaded.map { ($0.file.path, $0.spans) }, uniquingKeysWith: { first, _ in first })
        )
        checker.check()
        let diagnostics = Self.withSourceLines(loader.log.diagnostics + checker.log.diagnostics, loaded: loaded)
        return CompilationResult(files: checker.files, requestedPaths: requested, diagnostics: diagnostics)
    }

    /// Attaches each diagnostic's source line and orders them by file (dependency order), line
    /// and column.
    private static func withSourceLines(_ diagnostics: [Diagnostic], loaded: [ImportLoader.LoadedFile]) -> [Diagnostic] {
        let files = Dictionary(loaded.enumerated().map { ($1.displayPath, (index: $0, lines: $1.lines)) }, uniquingKeysWith: { first, _ in first })
        func key(_ diagnostic: Diagnostic) -> (Int, Int, Int) {
            guard let location = diagnostic.location else { return (-1, 0, 0) }
            return (files[location.file]?.index ?? Int.max, location.line, location.column)
        }
        return diagnostics.map { diagnostic in
            var diagnostic = diagnostic
            if let location = diagnostic.location, let lines = files[location.file]?.lines, lines.indices.contains(location.line - 1) {
                diagnostic.sourceLine = lines[location.line - 1]
            }
            return diagnostic
        }.enumerated().sorted { lhs, rhs in
            let (a, b) = (key(lhs.element), key(rhs.element))
            return a != b ? a < b : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
