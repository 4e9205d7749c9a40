import CNGHTTP2
import Testing
import WeftHTTP2

/// How header fields go out in HPACK, read back from the wire with nghttp2's own decoder.
@Suite struct HeaderIndexingTests {
    /// A request for `/hold` (POST, http, literal path and authority), one HEADERS frame that
    /// ends the stream.
    static let holdRequest: [UInt8] = [0x83, 0x86, 0x04, 0x05] + Array("/hold".utf8) + [0x01, 0x09] + Array("127.0.0.1".utf8)

    /// Trace ids, request ids and remaining timeouts differ on every request: they are sent as
    /// never indexed, so neither end spends its dynamic table on them (nor may a proxy after
    /// us); a field that repeats is indexed as usual.
    @Test func valuesNewOnEveryRequestAreNeverIndexed() async throws {
        let server = try await TestServer()
        defer { Task { try await server.stop() } }
        let peer = try await RawPeer(port: server.port)
        defer { Task { try await peer.close() } }
        try await peer.write(RawPeer.clientPreface + RawPeer.frame(type: 0x1, flags: 0x5, stream: 1, payload: Self.holdRequest))
        try await eventually { server.log.handle(for: 1) != nil }
        server.log.handle(for: 1)?.sendHeaders(
            [
                (":status", "200"), ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                ("x-request-id", "4bf92f3577b34da6"), ("grpc-timeout", "999m"), ("x-repeated", "same"),
            ], endStream: true)
        try await eventually { peer.headerBlocks(stream: 1).count == 1 }
        let fields = try Self.decode(peer.headerBlocks(stream: 1)[0])
        #expect(fields.map(\.name) == [":status", "traceparent", "x-request-id", "grpc-timeout", "x-repeated"])
        let neverIndexed = Set(fields.filter(\.neverIndexed).map(\.name))
        #expect(neverIndexed == ["traceparent", "x-request-id", "grpc-timeout"])
    }

    /// `block`'s fields, and whether each was sent as never indexed, by nghttp2's decoder.
    static func decode(_ block: [UInt8]) throws -> [(name: String, value: String, neverIndexed: Bool)] {
        var inflater: OpaquePointer?
        try #require(nghttp2_hd_inflate_new(&inflater) == 0)
        defer { nghttp2_hd_inflate_del(inflater) }
        var fields: [(name: String, value: String, neverIndexed: Bool)] = []
        try block.withUnsafeBufferPointer { bytes in
            var input = bytes.baseAddress!
            var remaining = bytes.count
            while true {
                var pair = nghttp2_nv()
                var flags: Int32 = 0
                let read = nghttp2_hd_inflate_hd2(inflater, &pair, &flags, input, remaining, 1)
                try #require(read >= 0, "the header block does not decode")
                input += read
                remaining -= read
                if flags & Int32(NGHTTP2_HD_INFLATE_EMIT.rawValue) != 0 {
                    let text = { (pointer: UnsafeMutablePointer<UInt8>, count: Int) in
                        String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
                    }
                    fields.append((
                        text(pair.name, pair.namelen), text(pair.value, pair.valuelen),
                        pair.flags & UInt8(NGHTTP2_NV_FLAG_NO_INDEX.rawValue) != 0))
                }
                if flags & Int32(NGHTTP2_HD_INFLATE_FINAL.rawValue) != 0 { break }
                if read == 0, remaining == 0 { break }
            }
        }
        return fields
    }
}
