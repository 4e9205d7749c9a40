import Synchronization

/// W3C Trace Context's `traceparent`: the trace a call belongs to and the span that made it.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits.
    public let traceID: String
    /// 16 lowercase hex digits: the calling span.
    public let parentID: String
    /// 2 hex digits (`01`: sampled).
    public let flags: String

    /// Parses a `traceparent` header; nil when it is malformed or its ids are all zeros.
    public init?(header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff",
              parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts[0...3].allSatisfy({ $0.utf8.allSatisfy(Self.isLowerHex) }),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        (traceID, parentID, flags) = (parts[1], parts[2], parts[3])
    }

    private init(traceID: String, parentID: String, flags: String) {
        (self.traceID, self.parentID, self.flags) = (traceID, parentID, flags)
    }

    /// A new sampled trace.
    public static func newTrace() -> TraceParent {
        TraceParent(traceID: randomHex(16), parentID: randomHex(8), flags: "01")
    }

    /// The same trace with a new span as the parent, for an outgoing call.
    public func child() -> TraceParent {
        TraceParent(traceID: traceID, parentID: Self.randomHex(8), flags: flags)
    }

    public var description: String { "00-\(traceID)-\(parentID)-\(flags)" }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// `byteCount` random bytes as lowercase hex, written straight into the string's storage
    /// (every served call without a trace starts one, every outgoing call a span).
    private static func randomHex(_ byteCount: Int) -> String {
        String(unsafeUninitializedCapacity: byteCount * 2) { text in
            var bits = IDSource.next()
            for index in 0..<byteCount {
                if index > 0, index % 8 == 0 { bits = IDSource.next() }
                let byte = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index % 8)))
                text[2 * index] = hexDigit(byte >> 4)
                text[2 * index + 1] = hexDigit(byte & 0xF)
            }
            return byteCount * 2
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
    func inheriting() throws -> CallOptions {
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
