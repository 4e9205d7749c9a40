#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A configuration file's bytes and the directory its relative paths are relative to.
public struct ConfigurationFile: Sendable {
    /// The file's contents.
    public let bytes: [UInt8]
    /// The file's directory (`.` for a bare file name).
    public let baseDirectory: String

    /// Reads `path`; a file that cannot be read is a `ConfigurationError` naming it.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: "file", problem: "\(path) cannot be read: check the path given to --config")
        }
        bytes = Array(data)
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        baseDirectory = directory.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : directory
    }
}

extension MeshConfiguration {
    /// Reads the JSON file at `path` (relative paths in it are relative to its directory), then
    /// applies the `WEFT_*` overrides of `environment` (the process's by default).
    public init(contentsOf path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let file = try ConfigurationFile(path: path)
        try self.init(json: file.bytes, baseDirectory: file.baseDirectory, environment: environment)
    }
}
