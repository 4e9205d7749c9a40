import WeftRPC

/// How long a client will wait, as its request says: `grpc-timeout` in gRPC's format (`1500m`,
/// `2S`) or `x-request-timeout` in decimal seconds (`2`, `0.25`); the shorter wins when both
/// are sent. The gateway's call takes the shorter of this and the route's timeout.
enum ClientTimeout {
    /// The timeout the request asks for, nil when it names none; a malformed header throws.
    static func requested(by request: GatewayRequest) throws(MalformedTimeout) -> Duration? {
        var shortest: Duration?
        if let text = request.header("grpc-timeout") {
            guard let timeout = GRPCTimeout.parse(text) else { throw MalformedTimeout(header: "grpc-timeout", format: "digits and a unit, e.g. 1500m") }
            shortest = timeout
        }
        if let text = request.header("x-request-timeout") {
            guard let timeout = seconds(text) else { throw MalformedTimeout(header: "x-request-timeout", format: "decimal seconds, e.g. 2 or 0.25") }
            shortest = min(shortest ?? timeout, timeout)
        }
        return shortest
    }

    /// `text` as decimal seconds: up to 9 digits, then optionally a point and digits (those past
    /// the ninth, below a nanosecond, are ignored); nil for anything else.
    static func seconds(_ text: String) -> Duration? {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        func isDigits(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
            !bytes.isEmpty && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        guard let whole = parts.first, isDigits(whole), whole.count <= 9, parts.count == 1 || isDigits(parts[1]) else { return nil }
        func value(_ digits: some Sequence<UInt8>) -> Int64 {
            digits.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }
        // The fraction as nanoseconds: its first nine digits, padded with zeros to nine.
        let fraction = parts.count == 2 ? Array(parts[1].prefix(9)) : []
        let nanoseconds = value(fraction + repeatElement(UInt8(ascii: "0"), count: 9 - fraction.count))
        return .seconds(value(whole)) + .nanoseconds(nanoseconds)
    }
}

/// A timeout header the gateway cannot read (400).
struct MalformedTimeout: Error, CustomStringConvertible {
    let header: String
    let format: String

    var description: String { "\(header) must be \(format)" }
}
