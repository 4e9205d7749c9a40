import Foundation
import WeftMessages

// Times as the platform's databases store them: milliseconds since the Unix epoch (BIGINT on
// both engines: exact, and comparable in SQL).

extension Date {
    /// Milliseconds since the Unix epoch, rounded down.
    public var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}

extension Duration {
    /// The duration in whole milliseconds.
    public var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

extension Google_Protobuf_Timestamp {
    /// The instant `milliseconds` after the Unix epoch.
    public init(milliseconds: Int64) {
        self.init(seconds: milliseconds / 1000, nanos: Int32(milliseconds % 1000) * 1_000_000)
    }

    /// Milliseconds since the Unix epoch, rounded down.
    public var milliseconds: Int64 { seconds * 1000 + Int64(nanos / 1_000_000) }
}
