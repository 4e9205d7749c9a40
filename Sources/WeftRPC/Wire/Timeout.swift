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
        let nanoseconds = duration.nanosecondsRoundedUp
        for unit in units {
            // Rounded up without overflow (the sum form would overflow near Int64.max).
            let count = nanoseconds / unit.nanoseconds + (nanoseconds % unit.nanoseconds == 0 ? 0 : 1)
            if count <= 99_999_999 { return String(count) + unit.suffix }
        }
        return "99999999H"
    }

    /// A unit of the header and its length, finest first (made once: every call sends one).
    private struct Unit {
        let suffix: String
        let nanoseconds: Int64
    }

    private static let units = [
        Unit(suffix: "n", nanoseconds: 1), Unit(suffix: "u", nanoseconds: 1_000), Unit(suffix: "m", nanoseconds: 1_000_000),
        Unit(suffix: "S", nanoseconds: 1_000_000_000), Unit(suffix: "M", nanoseconds: 60_000_000_000),
        Unit(suffix: "H", nanoseconds: 3_600_000_000_000),
    ]
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
