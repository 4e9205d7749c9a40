#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import WeftRPC

/// A listening socket that could not be opened, naming the address: "cannot listen on
/// 127.0.0.1:8443: Address already in use".
public struct ListenError: Error, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// Why, as the system says it.
    public let reason: String

    public var description: String { "cannot listen on \(host):\(port): \(reason)" }
}

extension ServerBootstrap {
    /// Binds `host`:`port`; a failure is a `ListenError` naming the address, and `group` (which
    /// nothing else will use then) is shut down.
    package func bindListening(host: String, port: Int, group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        do {
            return try await bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw ListenError(host: host, port: port, reason: reason)
        }
    }
}
