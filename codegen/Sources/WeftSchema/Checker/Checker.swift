/// Checks parsed files with protoc's semantics and resolves every type reference in place.
/// Every problem becomes a diagnostic; checking never stops at the first one.
struct Checker {
    /// In dependency order.
    private(set) var files: [ProtoFile]
    let spans: [String: SyntaxSpans]
    var log = DiagnosticLog()
    var table = SymbolTable()
    /// `ProtoFile.path` → the files whose symbols it may use.
    let visibleFiles: [String: Set<String>]
    /// Extendee → extension number → the extension that took it.
    var usedExtensionNumbers: [String: [Int32: String]] = [:]
    /// Every method's `google.api.http` rule with where it was written, for `checkHttpRules`.
    var httpRules: [(rule: LocatedHttpRule, inputType: String, outputType: String)] = []

    /// The option messages of descriptor.proto; each declares `extensions 1000 to max;`.
    static let extendableOptionMessages: Set<String> = [
        "google.protobuf.FileOptions", "google.protobuf.MessageOptions", "google.protobuf.FieldOptions",
        "google.protobuf.OneofOptions", "google.protobuf.EnumOptions", "google.protobuf.EnumValueOptions",
        "google.protobuf.ServiceOptions", "google.protobuf.MethodOptions", "google.protobuf.ExtensionRangeOptions",
    ]

    init(files: [ProtoFile], spans: [String: SyntaxSpans]) {
        self.files = files
        self.spans = spans
        visibleFiles = Self.visibility(of: files)
    }

    mutating func check() {
        registerSymbols()
        for index in files.indices {
            var file = files[index]
            resolveReferences(in: &file)
            validate(file)
            interpretOptions(in: &file)
            files[index] = file
        }
        checkHttpRules()
    }

    /// A file sees itself, its direct imports, and whatever those re-export through
    /// `import public`, transitively.
    private static func visibility(of files: [ProtoFile]) -> [String: Set<String>] {
        let byPath = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        func reexports(_ path: String, into set: inout Set<String>) {
            guard set.insert(path).inserted, let file = byPath[path] else { return }
            for imported in file.imports where imported.kind == .public { reexports(imported.path, into: &set) }
        }
        var result: [String: Set<String>] = [:]
        for file in files {
            var visible: Set<String> = [file.path]
            for imported in file.imports { reexports(imported.path, into: &visible) }
            result[file.path] = visible
        }
        return result
    }

    func resolver(for file: ProtoFile) -> ScopeResolver {
        ScopeResolver(table: table, file: file.path, visibleFiles: visibleFiles[file.path] ?? [file.path])
    }

    /// The location of a declaration's part recorded by the parser, else the declaration's.
    func location(_ part: KeyPath<SyntaxSpans, [SourceLocation: SourceLocation]>, of declaration: SourceLocation, in file: ProtoFile) -> SourceLocation {
        spans[file.path]?[keyPath: part][declaration] ?? declaration
    }
}
