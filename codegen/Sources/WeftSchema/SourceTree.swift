import Foundation

/// Where import paths are looked up: include directories or in-memory sources, in order, then
/// the bundled well-known files.
struct SourceTree: Sendable {
    enum Root: Sendable {
        case directory(String)
        case memory([String: String])
    }

    /// A found file: its text, or why it could not be read.
    struct Source {
        /// The path diagnostics name: the include directory joined with the import path.
        var displayPath: String
        var text: Result<String, Diagnostic>
    }

    var roots: [Root]

    func find(_ path: String) -> Source? {
        for root in roots {
            switch root {
            case .memory(let sources):
                if let text = sources[path] { return Source(displayPath: path, text: .success(text)) }
            case .directory(let directory):
                let displayPath = directory == "." ? path : (directory.hasSuffix("/") ? directory : directory + "/") + path
                guard FileManager.default.fileExists(atPath: displayPath) else { continue }
                return Source(displayPath: displayPath, text: Self.read(displayPath))
            }
        }
        return BundledSchemas.files[path].map { Source(displayPath: path, text: .success($0)) }
    }

    private static func read(_ path: String) -> Result<String, Diagnostic> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Diagnostic(.error, "cannot read \(path)", at: nil))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .failure(Diagnostic(.error, "\(path) is not valid UTF-8", at: nil))
        }
        return .success(text)
    }

    /// Maps a requested file to its import path. A file that exists on disk is named relative
    /// to the first include directory containing it; when none does, its own directory is
    /// appended as an include directory (as protoc does, near enough). Anything else is taken
    /// to be an import path already.
    mutating func importPath(forRequested file: String) -> String {
        guard FileManager.default.fileExists(atPath: file) else { return file }
        let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
        for case .directory(let directory) in roots {
            let root = URL(fileURLWithPath: directory).standardizedFileURL.path
            let prefix = root.hasSuffix("/") ? root : root + "/"
            if absolute.hasPrefix(prefix) { return String(absolute.dropFirst(prefix.count)) }
        }
        guard let slash = file.lastIndex(of: "/") else {
            roots.append(.directory("."))
            return file
        }
        roots.append(.directory(slash == file.startIndex ? "/" : String(file[..<slash])))
        return String(file[file.index(after: slash)...])
    }
}
