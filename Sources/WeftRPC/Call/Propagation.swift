import Synchronization

/// W3C Trace Context's `traceparent`: the trace a call belongs to and the span that made it.
/// The ids are kept as integers and spelled out only when asked for (a served call without a
/// trace starts one, an outgoing call makes a span: neither allocates).
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    private let traceHigh: UInt64
    private let traceLow: UInt64
    private let parent: UInt64
    private let flagBits: UInt8

    /// 32 lowercase hex digits.
    public var traceID: String { Self.text(count: 32) { Self.writeHex(traceHigh, traceLow, byteCount: 16, into: $0, at: 0) } }
    /// 16 lowercase hex digits: the calling span.
    public var parentID: String { Self.text(count: 16) { Self.writeHex(parent, 0, byteCount: 8, into: $0, at: 0) } }
    /// 2 hex digits (`01`: sampled).
    public var flags: String { Self.text(count: 2) { Self.writeHex(UInt64(flagBits) << 56, 0, byteCount: 1, into: $0, at: 0) } }

    /// Parses a `traceparent` header (`version-traceid-parentid-flags`, later versions may add
    /// fields); nil when it is malformed or its ids are all zeros.
    public init?(header: String) {
        let parsed = header.utf8.withContiguousStorageIfAvailable(Self.parse) ?? Array(header.utf8).withUnsafeBufferPointer(Self.parse)
        guard let parsed else { return nil }
        self = parsed
    }

    /// Every served call parses one, so on the bytes as they lie: slices of slices through a
    /// generic collection cost several times as much.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> TraceParent? {
        guard bytes.count >= 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
              bytes.count == 55 || bytes[55] == UInt8(ascii: "-"),
              let version = number(bytes, from: 0, digits: 2), version != 0xFF,
              let high = number(bytes, from: 3, digits: 16), let low = number(bytes, from: 19, digits: 16), high | low != 0,
              let parent = number(bytes, from: 36, digits: 16), parent != 0,
              let flags = number(bytes, from: 53, digits: 2)
        else { return nil }
        return TraceParent(traceHigh: high, traceLow: low, parent: parent, flagBits: UInt8(flags))
    }

    private init(traceHigh: UInt64, traceLow: UInt64, parent: UInt64, flagBits: UInt8) {
        (self.traceHigh, self.traceLow, self.parent, self.flagBits) = (traceHigh, traceLow, parent, flagBits)
    }

    /// A new sampled trace.
    public static func newTrace() -> TraceParent {
        TraceParent(traceHigh: IDSource.next(), traceLow: IDSource.next() | 1, parent: IDSource.next() | 1, flagBits: 1)
    }

    /// The same trace with a new span as the parent, for an outgoing call.
    public func child() -> TraceParent {
        TraceParent(traceHigh: traceHigh, traceLow: traceLow, parent: IDSource.next() | 1, flagBits: flagBits)
    }

    /// The header value, version 00, spelled out in one go.
    public var description: String {
        Self.text(count: 55) { text in
            for (index, byte) in "00-".utf8.enumerated() { text[index] = byte }
            Self.writeHex(traceHigh, traceLow, byteCount: 16, into: text, at: 3)
            text[35] = UInt8(ascii: "-")
            Self.writeHex(parent, 0, byteCount: 8, into: text, at: 36)
            text[52] = UInt8(ascii: "-")
            Self.writeHex(UInt64(flagBits) << 56, 0, byteCount: 1, into: text, at: 53)
        }
    }

    /// `digits` lowercase hex digits from `start` as a number; nil for anything else.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, digits: Int) -> UInt64? {
        var value: UInt64 = 0
        for digit in bytes[start..<start + digits] {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return value
    }

    /// A string of `count` ASCII bytes that `write` fills in.
    fileprivate static func text(count: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> String {
        String(unsafeUninitializedCapacity: count) { text in
            write(text)
            return count
        }
    }

    /// The first `byteCount` bytes of `high` then `low` (most significant first) as lowercase hex
    /// digits, into `text` from `offset`.
    fileprivate static func writeHex(_ high: UInt64, _ low: UInt64, byteCount: Int, into text: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<byteCount {
            let word = index < 8 ? high : low
            let byte = UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64(index % 8)))
            text[offset + 2 * index] = hexDigit(byte >> 4)
            text[offset + 2 * index + 1] = hexDigit(byte & 0xF)
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

/// Random-looking 64-bit ids (trace and span ids, request ids) without a system call each:
/// SplitMix64 over a counter that starts at a random seed. Such ids must be unique and hard to
/// guess across services, not secret (never use these for keys or tokens); `UInt64.random`
/// asked the kernel on every served call.
public enum IDSource {
    private static let state = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// The next id.
    public static func next() -> UInt64 {
        var z = state.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next id as 16 lowercase hex digits (a request id), made in one allocation.
    public static func nextHex() -> String {
        hex(next())
    }

    /// `id` as 16 lowercase hex digits, leading zeros included.
    static func hex(_ id: UInt64) -> String {
        TraceParent.text(count: 16) { TraceParent.writeHex(id, 0, byteCount: 8, into: $0, at: 0) }
    }
}

/// What a handler's outgoing calls inherit from the call it serves, without the handler passing
/// it: the deadline (less `deadlineMargin`, so the answer can still travel back), the trace, and
/// the request metadata the server propagates (`CallDispatcher.defaultPropagatedMetadataKeys`).
public struct InheritedCallContext: Sendable {
    /// When the served call's caller stops waiting.
    public var deadline: ContinuousClock.Instant?
    /// The served call's trace (a new one when the caller sent none).
    public var traceParent: TraceParent
    /// Request metadata passed on to outgoing calls that do not set the same keys.
    public var metadata: Metadata

    /// Time kept back from an inherited deadline for the answer's way back.
    public static let deadlineMargin: Duration = .milliseconds(5)

    /// The context of the call the current task serves, if any.
    @TaskLocal public static var current: InheritedCallContext?

    public init(deadline: ContinuousClock.Instant?, traceParent: TraceParent, metadata: Metadata = Metadata()) {
        self.deadline = deadline
        self.traceParent = traceParent
        self.metadata = metadata
    }
}

extension CallOptions {
    /// These options with what the served call passes on: a timeout no later than its deadline
    /// less the margin, a child `traceparent` unless the caller set one, and the propagated
    /// metadata the caller did not set. A deadline already past fails at once with
    /// DEADLINE_EXCEEDED.
    @usableFromInline func inheriting() throws -> CallOptions {
        guard let inherited = InheritedCallContext.current else { return self }
        var options = self
        if let deadline = inherited.deadline {
            let remaining = deadline - InheritedCallContext.deadlineMargin - .now
            guard remaining > .zero else { throw Status(.deadlineExceeded, "the deadline of the call being served has passed") }
            options.timeout = min(timeout ?? remaining, remaining)
        }
        if options.metadata.first("traceparent") == nil {
            options.metadata.add("traceparent", inherited.traceParent.child().description)
        }
        // Every value of a key the caller did not set itself (a key may repeat, e.g. `baggage`).
        let callerKeys = Set(options.metadata.map(\.key))
        for (key, value) in inherited.metadata where !callerKeys.contains(key) { options.metadata.add(key, value) }
        return options
    }
}
