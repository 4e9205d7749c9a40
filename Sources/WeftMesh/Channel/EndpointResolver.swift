import NIOPosix
import WeftRPC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a service's endpoints come from: a static list, DNS, or any registry.
public protocol EndpointResolver: Sendable, CustomStringConvertible {
    /// The endpoints now.
    func resolve() async throws -> [Endpoint]
}

/// A fixed list.
public struct StaticResolver: EndpointResolver {
    public let endpoints: [Endpoint]

    public init(_ endpoints: [Endpoint]) {
        self.endpoints = endpoints
    }

    public func resolve() async throws -> [Endpoint] { endpoints }
    public var description: String { endpoints.map(\.description).joined(separator: ",") }
}

/// Every A and AAAA address of a name, each with `port`: what a Kubernetes headless service
/// (one record per ready pod) or round-robin DNS gives.
public struct DNSResolver: EndpointResolver {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "dns:\(host):\(port)" }

    /// Looks the name up with getaddrinfo, which blocks: on NIO's thread pool for blocking
    /// work, not the cooperative pool. A name that does not resolve throws UNAVAILABLE.
    public func resolve() async throws -> [Endpoint] {
        let (host, port) = (self.host, self.port)
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let result = getaddrinfo(host, String(port), &hints, &list)
            guard result == 0, let first = list else {
                throw Status.transport(.unavailable, "\(host) does not resolve: \(String(cString: gai_strerror(result)))")
            }
            defer { freeaddrinfo(first) }
            var endpoints: [Endpoint] = []
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry {
                var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                    let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    let address = Endpoint(host: host, port: port)
                    if !endpoints.contains(address) { endpoints.append(address) }
                }
                entry = current.pointee.ai_next
            }
            return endpoints
        }
    }
}
