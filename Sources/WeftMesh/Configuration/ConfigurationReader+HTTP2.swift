import NIOCore
import WeftHTTP2
import WeftMessages

extension ConfigurationReader {
    /// Every key of an `http2` object.
    public static let http2Keys: Set<String> = [
        "maxConcurrentStreams", "initialWindowBytes", "connectionWindowBytes", "maxFrameBytes", "maxHeaderListBytes",
        "keepaliveSeconds", "keepaliveTimeoutSeconds",
    ]

    /// `base` with what the `http2` object `value` sets: SETTINGS a server advertises (streams,
    /// the stream and connection windows, frame size, header list size) and its keepalive
    /// (`keepaliveSeconds` 0 sends no PINGs). `allowed` narrows the keys a file may use.
    public func http2(_ value: JSONValue, at key: String, onto base: HTTP2Configuration, allowed: Set<String> = http2Keys) throws -> HTTP2Configuration {
        let fields = try object(value, at: key, allowed: allowed)
        var http2 = base
        if let v = fields["maxConcurrentStreams"] { http2.maximumConcurrentStreams = try setting(v, at: "\(key).maxConcurrentStreams", in: 1...UInt32.max) }
        // RFC 9113 §6.5.2: windows up to 2^31-1, frames from 2^14 to 2^24-1 bytes.
        if let v = fields["initialWindowBytes"] { http2.initialWindowSize = try setting(v, at: "\(key).initialWindowBytes", in: 1...0x7FFF_FFFF) }
        if let v = fields["connectionWindowBytes"] {
            http2.connectionWindowSize = try setting(v, at: "\(key).connectionWindowBytes", in: 65_535...0x7FFF_FFFF)
        }
        if let v = fields["maxFrameBytes"] { http2.maximumFrameSize = try setting(v, at: "\(key).maxFrameBytes", in: 16_384...16_777_215) }
        if let v = fields["maxHeaderListBytes"] { http2.maximumHeaderListSize = try setting(v, at: "\(key).maxHeaderListBytes", in: 1...UInt32.max) }
        let interval = try fields["keepaliveSeconds"].map { try wholeNumber($0, at: "\(key).keepaliveSeconds") }
        let timeout = try fields["keepaliveTimeoutSeconds"].map { try count($0, at: "\(key).keepaliveTimeoutSeconds") }
        if interval == 0 {
            http2.keepalive = nil
        } else if interval != nil || timeout != nil {
            var keepalive = http2.keepalive ?? HTTP2Configuration.Keepalive()
            if let interval { keepalive.interval = .seconds(Int64(interval)) }
            if let timeout { keepalive.timeout = .seconds(Int64(timeout)) }
            http2.keepalive = keepalive
        }
        return http2
    }

    private func setting(_ value: JSONValue, at key: String, in range: ClosedRange<UInt32>) throws -> UInt32 {
        guard case .number(let text) = value, let number = UInt32(text), range.contains(number) else {
            throw ConfigurationError(key: key, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
