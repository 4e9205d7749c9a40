#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A configuration file's bytes and the directory its relative paths are relative to. A file
/// named `*.yaml` or `*.yml` is YAML, any other JSON; either way `bytes` are JSON (a YAML file's
/// document converted), so one reader serves both.
public struct ConfigurationFile: Sendable {
    /// The file's contents, as JSON.
    public let bytes: [UInt8]
    /// The file's directory (`.` for a bare file name).
    public let baseDirectory: String

    /// Reads `path`; a file that cannot be read is a `ConfigurationError` naming it.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: "", problem: "cannot read the configuration file \(path): check the path")
        }
        if YAMLConfiguration.isYAML(path) {
            do {
                bytes = try YAMLConfiguration.json(fromYAML: Array(data))
            } catch var error as ConfigurationError {
                error.file = path
                throw error
            }
        } else {
            bytes = Array(data)
        }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        baseDirectory = directory.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : directory
        self.path = path
    }

    /// The path the file was read from.
    public let path: String

    /// What `body` makes of the file; a `ConfigurationError` it throws names the file.
    public func read<Value>(_ body: ([UInt8], String) throws -> Value) throws -> Value {
        do {
            return try body(bytes, baseDirectory)
        } catch var error as ConfigurationError {
            error.file = path
            throw error
        }
    }
}

extension MeshConfiguration {
    /// Reads the JSON or YAML file at `path` (relative paths in it are relative to its directory), then
    /// applies the `WEFT_*` overrides of `environment` (the process's by default).
    public init(contentsOf path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self = try ConfigurationFile(path: path).read { bytes, baseDirectory in
            try MeshConfiguration(json: bytes, baseDirectory: baseDirectory, environment: environment)
        }
    }
}
