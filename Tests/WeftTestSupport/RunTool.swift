import Foundation

/// What a command-line tool printed, and how it exited.
public struct ToolOutput: Sendable {
    public let status: Int32
    public let text: String
}

/// Runs a command-line tool (curl, nghttp, h2load, openssl) to completion and captures its
/// standard output, and its standard error too unless `includingErrors` is false. The blocking
/// reads happen on a thread of their own: not on the cooperative pool, whose threads the
/// servers under test need, and not through a `readabilityHandler`, whose teardown races
/// libdispatch on Linux (a known crash in `_dispatch_event_loop_drain`).
public func runTool(_ executable: String, _ arguments: [String], includingErrors: Bool = true) async throws -> ToolOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = includingErrors ? pipe : FileHandle.nullDevice
    return try await withCheckedThrowingContinuation { continuation in
        Thread {
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: ToolOutput(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self)))
        }.start()
    }
}
