import Foundation
import WeftSwiftEmitter

/// Writes generated files, leaving a file untouched when its contents are unchanged so build
/// systems do not recompile what did not change.
enum GeneratedOutput {
    static func write(_ file: SwiftEmitter.GeneratedFile, under directory: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(file.path)
        let data = Data(file.contents.utf8)
        if let existing = try? Data(contentsOf: url), existing == data { return }
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }
}
