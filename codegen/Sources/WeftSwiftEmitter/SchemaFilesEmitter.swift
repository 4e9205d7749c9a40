import Foundation
import WeftSchema

/// Emits the schema files behind a file's services as serialized `FileDescriptorProto`s (the
/// file itself first, then everything it imports), which the service descriptors carry so a
/// server can answer gRPC reflection with the real schema.
struct SchemaFilesEmitter {
    /// The name of the file-private constant the service descriptors refer to.
    static let constantName = "schemaFiles"

    /// descriptor.proto is proto2, which the compiler does not read; the runtime carries
    /// protoc's encoding of the full file instead of the bundled option subset.
    private static let runtimeConstants = ["google/protobuf/descriptor.proto": ".googleProtobufDescriptor"]

    func emit(for file: ProtoFile, allFiles: [ProtoFile], into out: inout CodeWriter) {
        let dependencies = allFiles.dependencyClosure(of: file.path).filter { $0 != file.path }
        let files = [file] + dependencies.compactMap { path in allFiles.first { $0.path == path } }
        out.line("/// The schema files behind this file's services, as serialized FileDescriptorProtos: this")
        out.line("/// file first, then every file it imports (what gRPC reflection serves).")
        out.line("private let \(Self.constantName): [SchemaFileDescriptor] = [")
        out.indented { out in
            for schema in files {
                if let constant = Self.runtimeConstants[schema.path] {
                    out.line(constant + ",")
                    continue
                }
                let encoded = Array(Data(FileDescriptorEncoder.encode(schema)).base64EncodedString().utf8)
                out.line("SchemaFileDescriptor(")
                out.indented { out in
                    out.line("name: \(SwiftNaming.stringLiteral(schema.path)),")
                    out.line("base64: \"\"\"")
                    out.indented { out in
                        // Backslash-newline continues the literal without adding a line break.
                        let lines = stride(from: 0, to: encoded.count, by: 96).map { start in
                            String(decoding: encoded[start..<min(start + 96, encoded.count)], as: UTF8.self)
                        }
                        for (index, line) in lines.enumerated() {
                            out.line(index == lines.count - 1 ? line : line + "\\")
                        }
                        out.line("\"\"\"")
                    }
                }
                out.line("),")
            }
        }
        out.line("]")
    }
}
