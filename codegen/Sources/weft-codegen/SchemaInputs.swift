import ArgumentParser
import Foundation
import WeftSchema

/// Turns command-line inputs (files and directories) into the schema files to compile.
enum SchemaInputs {
    /// Every `.proto` file named or found under a named directory, sorted for stable output.
    /// A bundled schema's import path (`google/protobuf/timestamp.proto`) names that schema.
    static func expand(_ inputs: [String]) throws -> [String] {
        var files: [String] = []
        for input in inputs {
            if BundledSchemas.files[input] != nil, !FileManager.default.fileExists(atPath: input) {
                files.append(input)
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ValidationError("\(input): no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(input)
                continue
            }
            let found = FileManager.default.enumerator(atPath: input)?
                .compactMap { $0 as? String }
                .filter { $0.hasSuffix(".proto") }
                .sorted() ?? []
            files += found.map { (input as NSString).appendingPathComponent($0) }
        }
        return files
    }

    /// Without `--proto-path`, a directory input is its own include root and a file's
    /// directory is its root, as protoc does with the current directory.
    static func implicitIncludePaths(for inputs: [String]) -> [String] {
        var paths: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory)
            let root = isDirectory.boolValue ? input : (input as NSString).deletingLastPathComponent
            let normalized = root.isEmpty ? "." : root
            if !paths.contains(normalized) { paths.append(normalized) }
        }
        return paths
    }
}
