/// The `grpc-timeout` header: at most 8 ASCII digits and a unit (`H` hours, `M` minutes,
/// `S` seconds, `m` milliseconds, `u` microseconds, `n` nanoseconds).
public enum GRPCTimeout {
    /// The timeout `text` states, nil when it is malformed.
    public static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 9, let unit = bytes.last else { return nil }
        var value: Int64 = 0
        for byte in bytes.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(value * 3600)
        case UInt8(ascii: "M"): return .seconds(value * 60)
        case UInt8(ascii: "S"): return .seconds(value)
        case UInt8(ascii: "m"): return .milliseconds(value)
        case UInt8(ascii: "u"): return .microseconds(value)
        case UInt8(ascii: "n"): return .nanoseconds(value)
        default: return nil
        }
    }

    /// The header value for `duration`: the finest unit whose count fits in 8 digits, rounded
    /// up so the peer never sees a shorter deadline than the caller set. Zero or negative is `0n`.
    public static func format(_ duration: Duration) -> String {
        guard duration > .zero else { return "0n" }
        let nanoseconds = Int128(duration.nanosecondsRoundedUp)
        let units: [(suffix: String, nanoseconds: Int128)] = [
            ("n", 1), ("u", 1_000), ("m", 1_000_000), ("S", 1_000_000_000),
            ("M", 60_000_000_000), ("H", 3_600_000_000_000),
        ]
        for unit in units {
            let count = (nanoseconds + unit.nanoseconds - 1) / unit.nanoseconds
            if count <= 99_999_999 { return "\(count)\(unit.suffix)" }
        }
        return "99999999H"
    }
}

extension Duration {
    /// Whole nanoseconds, rounded up (saturating at `Int64.max`).
    package var nanosecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow((attoseconds + 999_999_999) / 1_000_000_000).partialValue
    }
}
