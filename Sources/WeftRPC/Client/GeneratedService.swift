import WeftMessages

/// A schema service's generated namespace (`CatalogService`): its descriptor and a way to make
/// its client over any transport, so code can ask for "a client of `PaymentService`" by type.
public protocol GeneratedService {
    /// The generated client (`PaymentService.Client`).
    associatedtype Client: Sendable
    /// The service's methods as the schema describes them.
    static var descriptor: ServiceDescriptor { get }
    /// A client whose calls go through `transport`.
    static func client(transport: any ClientTransport) -> Client
}
