extension Duration {
    /// The duration in seconds, as metrics, latency averages and backoff arithmetic need it.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
