import Testing
import WeftMessages
@testable import WeftRPC

@Suite struct RequestHeadTests {
    let valid: [(name: String, value: String)] = [
        (":method", "POST"), (":scheme", "https"), (":path", "/weft.interop.v1.TestService/UnaryCall"),
        (":authority", "localhost"), ("content-type", "application/grpc+proto"), ("te", "trailers"),
        ("grpc-timeout", "1S"), ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip, identity"),
        ("x-weft-echo-initial", "hello"),
    ]

    @Test func validRequestHeadersAreParsed() throws {
        let head = try RequestHead(headerFields: valid)
        #expect(head.service == "weft.interop.v1.TestService")
        #expect(head.method == "UnaryCall")
        #expect(head.timeout == .seconds(1))
        #expect(head.encoding == .gzip)
        #expect(head.acceptedEncodings == ["gzip", "identity"])
        #expect(head.metadata.first("x-weft-echo-initial") == "hello")
        #expect(head.metadata.count == 1)
    }

    /// `grpc-accept-encoding` is kept as sent and read by name: spaces and tabs around names,
    /// empty entries and repeated fields as a list would give them.
    @Test func acceptedEncodingsAreReadByName() throws {
        var fields = valid.filter { $0.name != "grpc-accept-encoding" }
        fields += [("grpc-accept-encoding", " identity,\tdeflate ,,"), ("grpc-accept-encoding", "gzip")]
        let head = try RequestHead(headerFields: fields)
        #expect(head.acceptedEncodings == ["identity", "deflate", "gzip"])
        #expect(head.acceptEncoding.contains("gzip") && head.acceptEncoding.contains("deflate"))
        #expect(!head.acceptEncoding.contains("gzi") && !head.acceptEncoding.contains(""))
        #expect(try RequestHead(headerFields: valid.filter { $0.name != "grpc-accept-encoding" }).acceptedEncodings.isEmpty)
    }

    @Test func badRequestsGetTheStatusToAnswerWith() {
        func status(_ replace: (name: String, value: String)) -> Status.Code? {
            let fields = valid.map { $0.name == replace.name ? replace : $0 }
            do {
                _ = try RequestHead(headerFields: fields)
                return nil
            } catch {
                return (error as? Status)?.code
            }
        }
        #expect(status((":method", "GET")) == .internal)
        #expect(status(("content-type", "application/json")) == .internal)
        #expect(status(("grpc-timeout", "soon")) == .internal)
        #expect(status(("grpc-encoding", "snappy")) == .unimplemented)
        #expect(status((":path", "/no-method")) == .unimplemented)
        #expect(status(("grpc-encoding", "identity")) == nil)
    }
}

@Suite struct ResponseHeadTests {
    @Test func trailersCarryStatusEncodedMessageAndMetadata() {
        var metadata = Metadata()
        metadata.add("x-weft-echo-trailing-bin", binary: [1, 2])
        let trailers = ResponseHead.trailers(status: Status(.invalidArgument, "bad 100%"), metadata: metadata)
        #expect(trailers.map(\.name) == ["grpc-status", "grpc-message", "x-weft-echo-trailing-bin"])
        #expect(trailers[1].value == "bad 100%25")
        #expect(ResponseHead.status(fromTrailers: trailers) == Status(.invalidArgument, "bad 100%"))
    }

    /// Details travel as a base64 `google.rpc.Status` in `grpc-status-details-bin`; one whose
    /// code disagrees with `grpc-status`, or that does not decode, is ignored.
    @Test func detailsTravelInGrpcStatusDetailsBin() throws {
        let info = Google_Rpc_ErrorInfo(reason: "OUT_OF_STOCK", domain: "inventory.weft.dev", metadata: [ProtoString("sku"): "a"])
        let violation = Google_Rpc_BadRequest(fieldViolations: [.init(field: "quantity", description: "must be positive")])
        let status = Status(.failedPrecondition, "no stock", details: [Google_Protobuf_Any(packing: info), Google_Protobuf_Any(packing: violation)])
        let trailers = ResponseHead.trailers(status: status, metadata: Metadata())
        #expect(trailers.map(\.name) == ["grpc-status", "grpc-message", "grpc-status-details-bin"])
        let received = ResponseHead.status(fromTrailers: trailers)
        #expect(received == status)
        #expect(received.detail(Google_Rpc_ErrorInfo.self) == info)
        #expect(received.detail(Google_Rpc_BadRequest.self) == violation)
        #expect(received.detail(Google_Rpc_RetryInfo.self) == nil)
        // Metadata does not show the reserved header.
        #expect(try Metadata(headerFields: trailers).isEmpty)

        let other = Google_Rpc_Status(code: 5, message: "x", details: [Google_Protobuf_Any(packing: info)])
        let mismatched = [("grpc-status", "9"), ("grpc-status-details-bin", Base64.encode(other.serializedBytes()))]
        #expect(ResponseHead.status(fromTrailers: mismatched).details.isEmpty)
        #expect(ResponseHead.status(fromTrailers: [("grpc-status", "9"), ("grpc-status-details-bin", "!!")]).details.isEmpty)
        // An OK status carries no details, either way.
        let ok = Status(.ok, "", details: [Google_Protobuf_Any(packing: info)])
        #expect(!ResponseHead.trailers(status: ok, metadata: Metadata()).contains { $0.name == "grpc-status-details-bin" })
        let okWithDetails = [("grpc-status", "0"), ("grpc-status-details-bin", Base64.encode(Google_Rpc_Status(details: [Google_Protobuf_Any(packing: info)]).serializedBytes()))]
        #expect(ResponseHead.status(fromTrailers: okWithDetails).details.isEmpty)
    }

    @Test func trailersOnlyIsOneBlockWithStatus200() {
        let fields = ResponseHead.trailersOnly(status: Status(.unimplemented))
        #expect(fields.first! == (":status", "200"))
        #expect(ResponseHead.status(fromTrailers: fields).code == .unimplemented)
    }

    @Test func missingStatusFallsBackToHTTPStatus() {
        #expect(ResponseHead.status(fromTrailers: [(":status", "503")]).code == .unavailable)
        #expect(ResponseHead.status(fromTrailers: [(":status", "200")]).code == .unknown)
    }
}

@Suite struct IDTextTests {
    @Test func requestIDsAreSixteenHexDigitsLeadingZerosIncluded() {
        #expect(IDSource.hex(0) == "0000000000000000")
        #expect(IDSource.hex(.max) == "ffffffffffffffff")
        #expect(IDSource.hex(0x0123_4567_89AB_CDEF) == "0123456789abcdef")
        #expect(IDSource.nextHex().utf8.count == 16)
    }

    /// Keys are stored lowercase: ASCII and other letters alike; one that is already lowercase
    /// is kept as it is.
    @Test func metadataKeysAreLowercased() {
        var metadata = Metadata()
        metadata.add("X-Tenant", "a")
        metadata.add("x-\u{DC}n\u{EF}", "b")
        metadata.add("x-plain", "c")
        #expect(metadata.map(\.key) == ["x-tenant", "x-\u{FC}n\u{EF}", "x-plain"])
        #expect(metadata.first("X-TENANT") == "a")
    }
}
