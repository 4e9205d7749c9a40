import Testing
@testable import WeftRPC
@testable import WeftRPCHTTP2

/// What each header block means to a client call, without I/O.
struct ClientCallLifecycleTests {
    @Test func headersThenTrailers() {
        var call = ClientCallLifecycle()
        #expect(call.headersReceived(httpStatus: 200, carriesStatus: false, endStream: false) == .deliverInitialMetadata)
        // The second block is the trailers, whatever it carries.
        #expect(call.headersReceived(httpStatus: nil, carriesStatus: false, endStream: true) == .endWithStatus)
        #expect(call.headersReceived(httpStatus: nil, carriesStatus: true, endStream: true) == .ignore)
    }

    @Test func aTrailersOnlyResponseEndsTheCallAtOnce() {
        var call = ClientCallLifecycle()
        #expect(call.headersReceived(httpStatus: 200, carriesStatus: true, endStream: true) == .endWithStatus)
        #expect(call.headersReceived(httpStatus: 200, carriesStatus: false, endStream: false) == .ignore)
    }

    /// A block that ends the stream is the status even without grpc-status (which then reads
    /// as "ended without grpc-status", or as the HTTP status when it is not 200).
    @Test func anEndingBlockIsTheStatus() {
        var call = ClientCallLifecycle()
        #expect(call.headersReceived(httpStatus: 503, carriesStatus: false, endStream: true) == .endWithStatus)
    }

    @Test func aResponseThatIsNotGRPCEndsTheCallAndItsStream() {
        var proxy = ClientCallLifecycle()
        #expect(proxy.headersReceived(httpStatus: 502, carriesStatus: false, endStream: false) == .endNotGRPC(httpStatus: 502))
        #expect(proxy.headersReceived(httpStatus: nil, carriesStatus: true, endStream: true) == .ignore)
        var noStatus = ClientCallLifecycle()
        #expect(noStatus.headersReceived(httpStatus: nil, carriesStatus: false, endStream: false) == .endNotGRPC(httpStatus: 0))
    }
}
