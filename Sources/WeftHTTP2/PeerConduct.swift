import NIOCore

/// What a connection tolerates from its peer, counted by Weft itself so that the limits hold on
/// any libnghttp2 (not only on builds carrying the distribution's CVE backports): streams reset
/// too fast (rapid reset, CVE-2023-44487), header blocks split into too many CONTINUATION
/// frames (CVE-2024-27316), a preface that never comes, and a header block left unfinished,
/// which blocks every other frame of the connection. A plain value: the connection reports
/// frame headers and timer ticks with the time, and acts on the verdicts.
struct PeerConduct {
    /// What the connection should do about what the peer just did.
    enum Verdict: Equatable {
        case proceed
        /// Close the connection with GOAWAY `ENHANCE_YOUR_CALM`, for `reason`.
        case calmDown(reason: String)
    }

    private let limits: HTTP2Configuration.PeerLimits
    private var resetTokens: Double
    private var tokensCountedAt: NIODeadline?
    /// CONTINUATION frames of the header block in progress, and when that block began.
    private var headerBlock: (began: NIODeadline, continuations: Int)?
    private(set) var sawPreface = false

    init(limits: HTTP2Configuration.PeerLimits) {
        self.limits = limits
        resetTokens = Double(limits.resetBurst)
    }

    /// A frame header arrived (before its payload): `type` and `flags` as on the wire. The clock
    /// is read only for the frames that need it (a header block left open, a reset), not for
    /// every DATA frame.
    mutating func frameBegan(type: UInt8, flags: UInt8, at now: @autoclosure () -> NIODeadline) -> Verdict {
        let endHeaders = flags & Self.endHeadersFlag != 0
        switch type {
        case Self.headersType:
            headerBlock = endHeaders ? nil : (now(), 0)
        case Self.continuationType:
            guard var block = headerBlock else { return .proceed }  // nghttp2 refuses a stray one
            block.continuations += 1
            guard block.continuations <= limits.maximumContinuationFrames else {
                return .calmDown(reason: "a header block in more than \(limits.maximumContinuationFrames) CONTINUATION frames")
            }
            headerBlock = endHeaders ? nil : block
        case Self.resetType:
            return resetReceived(at: now())
        default:
            break
        }
        return .proceed
    }

    /// One RST_STREAM from the peer spends a token; tokens come back at `resetsPerSecond`.
    private mutating func resetReceived(at now: NIODeadline) -> Verdict {
        if let last = tokensCountedAt {
            let seconds = Double((now - last).nanoseconds) / 1e9
            resetTokens = min(Double(limits.resetBurst), resetTokens + max(0, seconds) * limits.resetsPerSecond)
        }
        tokensCountedAt = now
        guard resetTokens >= 1 else {
            return .calmDown(reason: "stream resets faster than \(limits.resetsPerSecond) a second after a burst of \(limits.resetBurst)")
        }
        resetTokens -= 1
        return .proceed
    }

    /// The peer's first SETTINGS frame arrived whole: its preface is complete.
    mutating func prefaceReceived() {
        sawPreface = true
    }

    /// The preface timer fired (servers: it starts with the connection).
    func prefaceTimeoutElapsed() -> Verdict {
        sawPreface ? .proceed : .calmDown(reason: "no HTTP/2 preface and SETTINGS within \(limits.prefaceTimeout)")
    }

    /// When the header block in progress must be complete, if one is.
    var headerBlockDeadline: NIODeadline? { headerBlock.map { $0.began + limits.headerBlockTimeout } }

    /// A header block timer fired at `now`: the block in progress, if any, must be complete by its deadline.
    func headerBlockTimerFired(at now: NIODeadline) -> Verdict {
        guard let deadline = headerBlockDeadline, now >= deadline else { return .proceed }
        return .calmDown(reason: "a header block left unfinished for \(limits.headerBlockTimeout)")
    }

    private static let headersType: UInt8 = 0x1
    private static let resetType: UInt8 = 0x3
    private static let continuationType: UInt8 = 0x9
    private static let endHeadersFlag: UInt8 = 0x4
}
