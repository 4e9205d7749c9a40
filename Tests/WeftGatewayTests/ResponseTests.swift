import Foundation
import Testing
@testable import WeftGateway
import WeftRPC

@Suite struct ResponseTests {
    @Test func everyStatusCodeHasItsHTTPStatus() {
        let expected: [Status.Code: Int] = [
            .ok: 200, .cancelled: 499, .unknown: 500, .invalidArgument: 400, .deadlineExceeded: 504, .notFound: 404,
            .alreadyExists: 409, .permissionDenied: 403, .resourceExhausted: 429, .failedPrecondition: 400,
            .aborted: 409, .outOfRange: 400, .unimplemented: 501, .internal: 500, .unavailable: 503,
            .dataLoss: 500, .unauthenticated: 401,
        ]
        #expect(expected.count == 17)
        for (code, http) in expected { #expect(ErrorResponse.httpStatus(for: code) == http, "\(code)") }
    }

    @Test func errorBodyIsJSON() throws {
        let body = ErrorResponse.body(for: Status(.notFound, "no \"x\" ☺"))
        let json = try #require(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["code"] as? Int == 5)
        #expect(json["message"] as? String == "no \"x\" ☺")
        #expect((json["details"] as? [Any])?.isEmpty == true)
    }

    @Test func concealedFailuresKeepTheirCodeAndNameTheRequest() {
        let concealed = ErrorResponse.concealed(Status(.deadlineExceeded, "10.0.0.7:8443 did not answer"), requestID: "r-9")
        #expect(concealed == Status(.deadlineExceeded, "the service did not answer in time (request id r-9)"))
        #expect(ErrorResponse.concealed(Status(.dataLoss, "x"), requestID: "r-9").message == "the service failed (request id r-9)")
    }

    /// A status message in the access log cannot end its field or its line.
    @Test func accessLogFieldsAreEscaped() {
        #expect(AccessLog.escaped("say \"hi\" \\ bye\r\nnext=1") == #"say \"hi\" \\ bye\r\nnext=1"#)
    }

    @Test func streamsEndWithTheirStatus() {
        let message = Array(#"{"id":1}"#.utf8)
        #expect(String(decoding: StreamingFormat.ndjson.messageChunk(message), as: UTF8.self) == "{\"result\":{\"id\":1}}\n")
        #expect(String(decoding: StreamingFormat.ndjson.statusChunk(.ok), as: UTF8.self)
            == "{\"status\":{\"code\":0,\"message\":\"\",\"details\":[]}}\n")
        #expect(String(decoding: StreamingFormat.serverSentEvents.messageChunk(message), as: UTF8.self)
            == "event: message\ndata: {\"id\":1}\n\n")
        #expect(StreamingFormat(accept: "application/json, text/event-stream;q=0.9") == .serverSentEvents)
        #expect(StreamingFormat(accept: nil) == .ndjson)
        #expect(StreamingFormat.serverSentEvents.contentType == "text/event-stream")
    }

    @Test func rateLimitHeadersDescribeQuotaAndRetry() {
        let policy = TokenBucket.Policy(ratePerSecond: 1, burst: 2)
        var bucket = TokenBucket(policy: policy, now: start)
        _ = bucket.take(at: start)
        let allowed = RateLimitHeaders.fields(policyName: "default", policy: policy, decision: bucket.take(at: start))
        #expect(allowed.map(\.name) == ["RateLimit-Policy", "RateLimit"])
        #expect(allowed[0].value == "\"default\";q=2;w=2")
        #expect(allowed[1].value == "\"default\";r=0;t=2")
        let refused = RateLimitHeaders.fields(policyName: "default", policy: policy, decision: bucket.take(at: start))
        #expect(refused.last! == ("Retry-After", "1"))
    }
}
