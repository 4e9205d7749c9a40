import Foundation
import Testing
import WeftHTTP2
import WeftMesh
import WeftMessages
import WeftTestSupport

/// `http2` in a mesh configuration: read with its bounds, and advertised by the server in the
/// SETTINGS frame a real client (nghttp) receives.
struct HTTP2SettingsTests {
    @Test func theSettingsAreReadAndAdvertised() async throws {
        let configuration = try MeshConfiguration(json: Array("""
            {"service": "echo", "listen": "127.0.0.1:0", "insecure": true,
             "http2": {"maxConcurrentStreams": 7, "initialWindowBytes": 100000, "connectionWindowBytes": 2000000,
                       "maxFrameBytes": 32768, "maxHeaderListBytes": 8192, "keepaliveSeconds": 30, "keepaliveTimeoutSeconds": 5}}
            """.utf8))
        #expect(configuration.http2.maximumConcurrentStreams == 7 && configuration.http2.initialWindowSize == 100_000)
        #expect(configuration.http2.connectionWindowSize == 2_000_000 && configuration.http2.maximumFrameSize == 32_768)
        #expect(configuration.http2.maximumHeaderListSize == 8192)
        #expect(configuration.http2.keepalive == HTTP2Configuration.Keepalive(interval: .seconds(30), timeout: .seconds(5)))
        let service = try await MeshService.start(configuration, services: [Echo()])
        let frames = try await runTool("/usr/bin/nghttp", ["-nv", "http://127.0.0.1:\(service.server.port)/grpc.health.v1.Health/Check"])
        let settings = frames.text.components(separatedBy: "\n").drop { !$0.contains("recv SETTINGS frame") }.prefix(8).joined(separator: "\n")
        for expected in ["SETTINGS_MAX_CONCURRENT_STREAMS(0x03):7", "SETTINGS_INITIAL_WINDOW_SIZE(0x04):100000",
                         "SETTINGS_MAX_FRAME_SIZE(0x05):32768", "SETTINGS_MAX_HEADER_LIST_SIZE(0x06):8192"] {
            #expect(settings.contains(expected), "\(frames.text)")
        }
        // The connection window is opened with a WINDOW_UPDATE on stream 0 up to 2,000,000.
        #expect(frames.text.contains("(window_size_increment=\(2_000_000 - 65_535))"), "\(frames.text)")
        try await service.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test(arguments: [
        (#"{"maxFrameBytes": 1000}"#, "configuration key http2.maxFrameBytes must be a whole number from 16384 to 16777215"),
        (#"{"initialWindowBytes": 2147483648}"#, "configuration key http2.initialWindowBytes must be a whole number from 1 to 2147483647"),
        (#"{"maxConcurentStreams": 5}"#, "configuration key http2.maxConcurentStreams is not a known setting; did you mean maxConcurrentStreams?"),
        (#"{"keepaliveSeconds": -1}"#, "configuration key http2.keepaliveSeconds must be a whole number of at least 0"),
    ])
    func mistakesNameTheirKey(_ http2: String, _ message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try MeshConfiguration(json: Array(#"{"service": "echo", "insecure": true, "http2": \#(http2)}"#.utf8))
        }
        #expect(error.map { "\($0)" }?.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test func keepaliveSecondsZeroSendsNoPings() throws {
        let configuration = try MeshConfiguration(json: Array(#"{"service": "echo", "insecure": true, "http2": {"keepaliveSeconds": 0}}"#.utf8))
        #expect(configuration.http2.keepalive == nil)
    }
}
