import CNGHTTP2
import COpenSSL
import CWeftOpenSSL
import Testing

/// The C libraries Weft is built on link and answer at run time.
@Suite struct SystemLibrariesTests {
    @Test func nghttp2LinksAndReportsItsVersion() throws {
        let info = try #require(nghttp2_version(0))
        let version = String(cString: info.pointee.version_str)
        #expect(version.split(separator: ".").count == 3, "nghttp2 version \(version)")
        // The HTTP/2 ALPN identifier the library advertises.
        #expect(NGHTTP2_PROTO_VERSION_ID == "h2")
    }

    @Test func openSSLLinksAndReportsVersion3() throws {
        let text = String(cString: weft_openssl_version_text())
        #expect(text.hasPrefix("OpenSSL 3."), "runtime version \(text)")
        #expect(OpenSSL_version_num() >= 0x3000_0000)
    }

    @Test func openSSLContextAcceptsTLS13Minimum() throws {
        let context = try #require(SSL_CTX_new(TLS_method()))
        defer { SSL_CTX_free(context) }
        #expect(weft_ssl_ctx_set_min_proto_version(context, weft_tls1_3_version()) == 1)
    }
}
