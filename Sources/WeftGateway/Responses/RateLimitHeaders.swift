/// The headers a rate-limited route answers with (IETF draft-ietf-httpapi-ratelimit-headers):
/// `RateLimit-Policy` describes the quota, `RateLimit` what is left, and a refused request also
/// gets `Retry-After` (whole seconds, rounded up).
package enum RateLimitHeaders {
    package static func fields(
        policyName: String, policy: TokenBucket.Policy, decision: TokenBucket.Decision
    ) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("RateLimit-Policy", "\"\(policyName)\";q=\(policy.burst);w=\(policy.windowSeconds)"),
            ("RateLimit", "\"\(policyName)\";r=\(decision.remaining);t=\(decision.resetAfter.wholeSecondsUp)"),
        ]
        if !decision.allowed { fields.append(("Retry-After", String(max(1, decision.retryAfter.wholeSecondsUp)))) }
        return fields
    }
}
