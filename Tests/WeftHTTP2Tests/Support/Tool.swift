import Foundation

/// Runs a command-line tool (nghttp, h2load) and captures its output.
enum Tool {
    struct Output {
        let status: Int32
        let text: String
    }

    static func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        try await Task.detached {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
        }.value
    }
}
