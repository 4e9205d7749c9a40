/// A per-message compression algorithm (`grpc-encoding`). Weft speaks `identity` and `gzip`.
public struct CompressionAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// The name used in `grpc-encoding` and `grpc-accept-encoding`.
    public let name: String

    public static let identity = CompressionAlgorithm(name: "identity")
    public static let gzip = CompressionAlgorithm(name: "gzip")

    /// Every algorithm Weft can decompress, as advertised in `grpc-accept-encoding`.
    public static let supported: [CompressionAlgorithm] = [.identity, .gzip]

    /// The algorithm called `name`, nil when Weft does not speak it.
    public init?(named name: String) {
        guard let known = Self.supported.first(where: { $0.name == name }) else { return nil }
        self = known
    }

    private init(name: String) {
        self.name = name
    }

    public var description: String { name }
}
