import CWeftOpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The development PKI (certs/README.md): a CA, and certificates whose URI SAN is the service's
/// SPIFFE ID `spiffe://<trust-domain>/service/<name>`, made with OpenSSL's API (EC P-256 keys,
/// PEM files, keys mode 0600).
public enum DevPKI {
    /// Issues a certificate for a new key into `certificatePath`/`keyPath`: a self-signed CA when
    /// `issuer` is nil, else signed by that CA (its certificate and key paths). Negative
    /// `days` make an already expired certificate (for tests).
    public static func issue(
        commonName: String, subjectAltNames: [String]?, isCA: Bool, days: Int,
        issuer: (certificate: String, key: String)?, certificatePath: String, keyPath: String
    ) throws {
        var error = [CChar](repeating: 0, count: 512)
        let ok = weft_issue_certificate(
            commonName, subjectAltNames?.joined(separator: ","), isCA ? 1 : 0, Int32(days), issuer?.certificate,
            issuer?.key, certificatePath, keyPath, &error, error.count)
        guard ok == 1 else {
            throw TLSError.setup(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// The SANs of a service certificate: `localhost`, `127.0.0.1` and the SPIFFE ID.
    public static func serviceSANs(trustDomain: String, service: String) -> [String] {
        ["DNS:localhost", "IP:127.0.0.1", "URI:spiffe://\(trustDomain)/service/\(service)"]
    }

    /// Fills `directory`: `ca.pem`/`ca.key` (kept when present unless `renewCA`), one
    /// `<service>.pem`/`.key` per service, and with `foreign`, a CA nobody trusts plus a client
    /// it issued (`foreign-ca.*`, `foreign-client.*`) for refusal tests.
    public static func makeDirectory(
        _ directory: String, trustDomain: String, services: [String], foreign: Bool, renewCA: Bool = false, days: Int = 30
    ) throws {
        func path(_ name: String) -> String { "\(directory)/\(name)" }
        if renewCA || !fileExists(path("ca.pem")) || !fileExists(path("ca.key")) {
            try issue(commonName: "Weft dev CA (\(trustDomain))", subjectAltNames: nil, isCA: true, days: days * 12,
                      issuer: nil, certificatePath: path("ca.pem"), keyPath: path("ca.key"))
        }
        for service in services {
            try issue(commonName: service, subjectAltNames: serviceSANs(trustDomain: trustDomain, service: service), isCA: false,
                      days: days, issuer: (path("ca.pem"), path("ca.key")),
                      certificatePath: path("\(service).pem"), keyPath: path("\(service).key"))
        }
        if foreign {
            try issue(commonName: "Foreign CA", subjectAltNames: nil, isCA: true, days: days, issuer: nil,
                      certificatePath: path("foreign-ca.pem"), keyPath: path("foreign-ca.key"))
            try issue(commonName: "intruder", subjectAltNames: serviceSANs(trustDomain: "elsewhere", service: "intruder"),
                      isCA: false, days: days, issuer: (path("foreign-ca.pem"), path("foreign-ca.key")),
                      certificatePath: path("foreign-client.pem"), keyPath: path("foreign-client.key"))
        }
    }

    private static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
