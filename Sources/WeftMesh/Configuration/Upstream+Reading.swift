import WeftMessages

extension ConfigurationReader {
    /// Where an upstream's endpoints come from, read from its `endpoints` (a list of
    /// `"host:port"`) or `dns` (`"name:port"`, with `refreshSeconds`, default 30) key: exactly
    /// one of them.
    public func discovery(_ fields: [String: JSONValue], at key: String) throws -> Upstream.Discovery {
        switch (fields["endpoints"], fields["dns"]) {
        case (let list?, nil):
            let endpoints = try strings(list, at: "\(key).endpoints").enumerated().map { index, text in
                let (host, port) = try address(.string(text), at: "\(key).endpoints[\(index)]")
                return Endpoint(host: host, port: port)
            }
            guard !endpoints.isEmpty else { throw ConfigurationError(key: "\(key).endpoints", problem: "is empty: list at least one \"host:port\"") }
            if let twice = endpoints.enumerated().first(where: { endpoints[..<$0.offset].contains($0.element) }) {
                throw ConfigurationError(key: "\(key).endpoints[\(twice.offset)]", problem: "lists \(twice.element) a second time")
            }
            guard fields["refreshSeconds"] == nil else {
                throw ConfigurationError(key: "\(key).refreshSeconds", problem: "applies to \"dns\" upstreams only: remove it")
            }
            return .endpoints(endpoints)
        case (nil, let name?):
            let (host, port) = try address(name, at: "\(key).dns")
            let refresh = try fields["refreshSeconds"].map { try count($0, at: "\(key).refreshSeconds") } ?? 30
            return .dns(host: host, port: port, refresh: .seconds(refresh))
        case (nil, nil):
            throw ConfigurationError(key: "\(key).endpoints", problem: "is required: [\"host:port\", …] (or \"dns\": \"name:port\")")
        case (_?, _?):
            throw ConfigurationError(key: "\(key).dns", problem: "cannot be combined with endpoints: choose one")
        }
    }

    /// An upstream's `balancing` key: `"round_robin"` (the default) or `"p2c"`.
    public func balancing(_ fields: [String: JSONValue], at key: String) throws -> Balancing {
        guard let value = fields["balancing"] else { return .roundRobin }
        switch try string(value, at: "\(key).balancing") {
        case "round_robin": return .roundRobin
        case "p2c": return .powerOfTwoChoices
        default: throw ConfigurationError(key: "\(key).balancing", problem: "must be \"round_robin\" or \"p2c\"")
        }
    }
}
