import WeftRPC

/// The services a program can run, by full name: `weft serve` picks from Weft's own, and a
/// platform's runner from its services, each built with the service's upstreams.
///
/// ```swift
/// let registry = ServiceRegistry([
///     "weft.platform.orders.v1.OrderService": { mesh in [Orders(payments: try mesh.client(PaymentService.self))] },
/// ])
/// await MeshService.run(configurationFile: "orders.json", services: try registry.builder(for: ["weft.platform.orders.v1.OrderService"]))
/// ```
public struct ServiceRegistry: Sendable {
    /// Builds a service with the upstreams of the process that runs it (and its configuration,
    /// `mesh.configuration.settings`); asynchronous, so it may open a database first. It may
    /// bring companions that serve beside it (e.g. the stream of its events).
    public typealias Factory = @Sendable (MeshUpstreams) async throws -> [any RegisteredService]

    private let factories: [String: Factory]

    /// A registry of `factories` by service full name.
    public init(_ factories: [String: Factory]) {
        self.factories = factories
    }

    /// The names it can run, sorted.
    public var names: [String] { factories.keys.sorted() }

    /// What builds the services `names` (all of them when empty), for `MeshService.start`/`run`.
    ///
    /// - Throws: `UnknownService` naming the first name it does not have and the choices.
    public func builder(for names: [String]) throws -> @Sendable (MeshUpstreams) async throws -> [any RegisteredService] {
        let chosen = names.isEmpty ? self.names : names
        let factories = try chosen.map { name in
            guard let factory = self.factories[name] else { throw UnknownService(name: name, choices: self.names) }
            return factory
        }
        return { mesh in
            var services: [any RegisteredService] = []
            for factory in factories { services += try await factory(mesh) }
            return services
        }
    }

    /// A service name the registry does not have.
    public struct UnknownService: Error, Sendable, CustomStringConvertible {
        /// The name asked for.
        public let name: String
        /// The names it has.
        public let choices: [String]

        public var description: String {
            "\(name) is not a service this program runs; choose from \(choices.joined(separator: ", "))"
        }
    }
}
