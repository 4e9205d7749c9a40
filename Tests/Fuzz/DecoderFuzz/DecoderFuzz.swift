// A libFuzzer target over the generated decoders (binary and JSON) of the interop KitchenSink,
// the message with every field kind. Built with `-D FUZZING -sanitize=fuzzer,address` by
// `make fuzz`; a normal build makes a replayer that runs the same check over input files, so a
// crash the fuzzer finds can be replayed and kept as a regression input.
import WeftInterop
import WeftMessages

/// Decodes `input` both ways; whatever decodes must re-encode and decode to an equal value.
func checkDecoders(_ input: UnsafeRawBufferPointer) {
    if let message = try? KitchenSink(serializedBytes: input) {
        let again = try? KitchenSink(serializedBytes: message.serializedBytes())
        precondition(again == message, "binary re-encoding changed the message")
    }
    if let message = try? KitchenSink(jsonUTF8Bytes: Array(input)), let json = try? message.jsonString() {
        let again = try? KitchenSink(jsonString: json)
        // NaN never equals itself, so compare the re-encoded JSON instead of the values.
        precondition(again.flatMap { try? $0.jsonString() } == json, "JSON re-encoding changed the message")
    }
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
