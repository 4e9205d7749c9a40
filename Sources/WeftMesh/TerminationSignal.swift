import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits for SIGTERM or SIGINT (which no longer end the process by themselves) and returns the
/// signal's name: servers call it, then drain.
public func terminationSignal() async -> String {
    let (signals, continuation) = AsyncStream.makeStream(of: String.self)
    let sources = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { continuation.yield(name) }
        source.resume()
        return source
    }
    var iterator = signals.makeAsyncIterator()
    let name = await iterator.next() ?? "end of signals"
    sources.forEach { $0.cancel() }
    return name
}
