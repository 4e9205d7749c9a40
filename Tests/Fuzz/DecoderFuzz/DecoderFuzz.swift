// A libFuzzer target over the generated decoders (binary and JSON) of the interop KitchenSink,
// the message with every field kind. `make fuzz` compiles this file, the runtime and the
// generated interop types as one module with `-D FUZZING -sanitize=fuzzer,address` (SwiftPM
// would link libFuzzer's `main` into weft-codegen too); the package build of this target is a
// replayer that runs the same check over input files, so a crash the fuzzer finds can be kept
// as a regression input.
#if !FUZZING
import WeftInterop
import WeftMessages
#endif

/// Decodes `input` both ways; whatever decodes must re-encode and decode to an equal value.
func checkDecoders(_ input: UnsafeRawBufferPointer) {
    if let message = try? KitchenSink(serializedBytes: input) {
        let again = try? KitchenSink(serializedBytes: message.serializedBytes())
        precondition(again != nil, "binary re-encoding does not decode")
        precondition(holdsNaN(message) || again == message, "binary re-encoding changed the message")
    }
    if let message = try? KitchenSink(jsonUTF8Bytes: Array(input)) {
        let json = try? message.jsonString()
        let again = try? KitchenSink(jsonString: json ?? "")
        precondition(again != nil, "JSON re-encoding does not decode: \(json ?? "")")
        precondition(holdsNaN(message) || again == message, "JSON re-encoding changed the message")
    }
}

/// NaN never equals itself (and arrays compare by identity before elements), so values are
/// compared only when the message holds none. A string containing "NaN" only skips the check.
func holdsNaN(_ message: KitchenSink) -> Bool {
    (try? message.jsonString())?.contains("NaN") ?? true
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    checkDecoders(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
import Foundation

@main
enum ReplayInputs {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            data.withUnsafeBytes(checkDecoders)
            print("ok \(path)")
        }
    }
}
#endif
