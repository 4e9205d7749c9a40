/// Loads requested files and, depth first, everything they import; detects missing imports
/// and import cycles.
struct ImportLoader {
    struct LoadedFile {
        var file: ProtoFile
        var spans: SyntaxSpans
        var displayPath: String
        var lines: [String]
    }

    private let tree: SourceTree
    private(set) var log = DiagnosticLog()
    /// Loaded files in dependency order (each after everything it imports).
    private(set) var loaded: [LoadedFile] = []
    private var loadedPaths: Set<String> = []
    private var inProgress: [String] = []

    init(tree: SourceTree) {
        self.tree = tree
    }

    /// Loads `path` and its imports; `importedAt` is the import statement naming it, if any.
    /// Returns whether the file was found.
    @discardableResult
    mutating func load(_ path: String, importedAt: SourceLocation?) -> Bool {
        if loadedPaths.contains(path) { return true }
        if let start = inProgress.firstIndex(of: path) {
            let cycle = (inProgress[start...] + [path]).joined(separator: " -> ")
            log.error("import cycle: \(cycle)", at: importedAt)
            return true
        }
        guard let source = tree.find(path) else {
            let what = importedAt == nil ? "schema file" : "import"
            log.error("\(what) \"\(path)\" was not found in the include paths or the bundled files", at: importedAt)
            return false
        }
        let text: String
        switch source.text {
        case .success(let value): text = value
        case .failure(let diagnostic):
            log.error(diagnostic.message, at: importedAt)
            return false
        }
        var parser = Parser(source: text, path: path, displayPath: source.displayPath)
        let file = parser.parseFile()
        log.append(contentsOf: parser.log)
        inProgress.append(path)
        for imported in file.imports { load(imported.path, importedAt: imported.location) }
        inProgress.removeLast()
        loadedPaths.insert(path)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        loaded.append(LoadedFile(file: file, spans: parser.spans, displayPath: source.displayPath, lines: lines))
        return true
    }
}
