/// Who is on the other end of a mutual-TLS connection: the certificate's URI SAN
/// `spiffe://<trust-domain>/service/<name>`, and its subject as a fallback.
public struct PeerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The URI SAN, e.g. `spiffe://weft.local/service/orders`, nil when the certificate has none.
    public let uri: String?
    /// The certificate's subject (RFC 2253), e.g. `CN=orders`.
    public let subject: String

    public init(uri: String?, subject: String) {
        self.uri = uri
        self.subject = subject
    }

    /// The trust domain of a SPIFFE ID (`weft.local`).
    public var trustDomain: String? { spiffeParts?.domain }

    /// The service name of a SPIFFE ID of the form `spiffe://<domain>/service/<name>`.
    public var serviceName: String? { spiffeParts?.service }

    private var spiffeParts: (domain: String, service: String?)? {
        guard let uri, uri.hasPrefix("spiffe://") else { return nil }
        let parts = uri.dropFirst("spiffe://".count).split(separator: "/", omittingEmptySubsequences: false)
        guard let domain = parts.first, !domain.isEmpty else { return nil }
        let service = parts.count == 3 && parts[1] == "service" && !parts[2].isEmpty ? String(parts[2]) : nil
        return (String(domain), service)
    }

    public var description: String { uri ?? subject }
}
