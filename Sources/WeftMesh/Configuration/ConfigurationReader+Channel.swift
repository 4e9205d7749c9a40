import WeftMessages
import WeftRPC

extension ConfigurationReader {
    /// The keys of an upstream that shape its channel, in the mesh's file and the gateway's.
    public static let channelKeys: Set<String> = ["balancing", "idleSeconds", "retries", "outliers", "http2", "maxReceiveMessageBytes"]

    /// The HTTP/2 keys an outgoing connection may set (its peer decides how many streams it takes).
    static let clientHTTP2Keys: Set<String> = http2Keys.subtracting(["maxConcurrentStreams"])

    /// An upstream's channel: `ChannelConfiguration.defaults` with what its keys set —
    /// `balancing`, `idleSeconds` (0 keeps connections), `retries` (`maxAttempts`, `codes`,
    /// `budgetRatio`, `budgetMinimum`), `outliers` (`consecutiveFailures`, `ejectionSeconds`,
    /// `maxEjectedPercent`), `http2` (windows, frame and header list sizes, keepalive) and
    /// `maxReceiveMessageBytes`.
    public func channel(_ fields: [String: JSONValue], at key: String) throws -> ChannelConfiguration {
        var channel = ChannelConfiguration.defaults
        channel.balancing = try balancing(fields, at: key)
        if let value = fields["idleSeconds"] {
            let seconds = try wholeNumber(value, at: "\(key).idleSeconds")
            channel.idleTimeout = seconds == 0 ? nil : .seconds(seconds)
        }
        if let value = fields["retries"] { channel.retries = try retries(value, at: "\(key).retries", onto: channel.retries) }
        if let value = fields["outliers"] { channel.outliers = try outliers(value, at: "\(key).outliers", onto: channel.outliers) }
        if let value = fields["http2"] { channel.http2 = try http2(value, at: "\(key).http2", onto: channel.http2, allowed: Self.clientHTTP2Keys) }
        if let value = fields["maxReceiveMessageBytes"] { channel.maximumReceiveMessageSize = try count(value, at: "\(key).maxReceiveMessageBytes") }
        return channel
    }

    private func retries(_ value: JSONValue, at key: String, onto base: RetryPolicy) throws -> RetryPolicy {
        let fields = try object(value, at: key, allowed: ["maxAttempts", "codes", "budgetRatio", "budgetMinimum"])
        var policy = base
        if let v = fields["maxAttempts"] { policy.maximumAttempts = try count(v, at: "\(key).maxAttempts") }
        if let v = fields["codes"] {
            policy.retryableCodes = Set(try strings(v, at: "\(key).codes").enumerated().map { index, name in
                guard let code = Status.Code(name: name), code != .ok else {
                    throw ConfigurationError(key: "\(key).codes[\(index)]", problem: "must be a gRPC status name such as \"UNAVAILABLE\"; got \"\(name)\"")
                }
                return code
            })
        }
        if let v = fields["budgetRatio"] { policy.budgetRatio = try number(v, at: "\(key).budgetRatio") }
        if let v = fields["budgetMinimum"] { policy.budgetMinimum = try number(v, at: "\(key).budgetMinimum") }
        return policy
    }

    private func outliers(_ value: JSONValue, at key: String, onto base: OutlierPolicy) throws -> OutlierPolicy {
        let fields = try object(value, at: key, allowed: ["consecutiveFailures", "ejectionSeconds", "maxEjectedPercent"])
        var policy = base
        if let v = fields["consecutiveFailures"] { policy.consecutiveFailures = try count(v, at: "\(key).consecutiveFailures") }
        if let v = fields["ejectionSeconds"] { policy.ejectionDuration = .seconds(try count(v, at: "\(key).ejectionSeconds")) }
        if let v = fields["maxEjectedPercent"] {
            let percent = try number(v, at: "\(key).maxEjectedPercent")
            guard percent <= 100 else { throw ConfigurationError(key: "\(key).maxEjectedPercent", problem: "must be at most 100") }
            policy.maximumEjectedFraction = percent / 100
        }
        return policy
    }
}
