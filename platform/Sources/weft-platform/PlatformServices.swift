import Catalog
import CatalogAPI
import Identity
import IdentityAPI
import Inventory
import InventoryAPI
import Logging
import PlatformCrypto
import PlatformEvents
import PlatformNATS
import PlatformStorage
import Synchronization
import WeftMesh
import WeftRPC

/// The platform's services, by full name, each built from its part of the configuration's
/// `settings`: `settings.<service>` (its database and options). A process serves one event
/// stream (`weft.platform.events.v1.EventSource`) for the outboxes of all its services.
final class PlatformServices: Sendable {
    /// Short names the command line accepts, and the services they stand for.
    static let shortNames = [
        "identity": IdentityService.descriptor.fullName,
        "catalog": CatalogService.descriptor.fullName,
        "inventory": InventoryService.descriptor.fullName,
    ]

    /// The services' outboxes by service, filled as they are built.
    private let outboxes = Mutex<[String: Database]>([:])
    /// The broker, when `settings.events` chooses NATS JetStream.
    private let jetStream = Mutex<JetStream?>(nil)

    /// What builds the services `names` (short or full) and, after them, their event stream.
    func builder(for names: [String]) throws -> @Sendable (MeshUpstreams) async throws -> [any RegisteredService] {
        let services = try registry.builder(for: names.map { Self.shortNames[$0] ?? $0 })
        return { [self] mesh in
            if let nats = try EventSettings.nats(mesh.configuration) {
                let connection = try await JetStream.connect(url: nats.url, namespace: nats.namespace)
                jetStream.withLock { $0 = connection }
                mesh.whenStopped { await connection.close() }
            }
            let built = try await services(mesh)
            return built + [OutboxEventSource(outboxes: outboxes.withLock { $0 })]
        }
    }

    /// The service names this program runs.
    var names: [String] { registry.names }

    private var registry: ServiceRegistry {
        ServiceRegistry([
            IdentityService.descriptor.fullName: { [self] mesh in
                let (settings, database) = try await open("identity", allowed: IdentitySettings.keys, mesh)
                let identity = try await IdentityServer.start(database: database, configuration: try IdentitySettings.read(settings))
                relay("identity", database, mesh)
                return [identity]
            },
            CatalogService.descriptor.fullName: { [self] mesh in
                let (settings, database) = try await open("catalog", allowed: ["pageTokenKey"], mesh)
                // Without a configured key, tokens hold for this process only.
                let key = try settings.string("pageTokenKey").map { Digest.sha256(Array($0.utf8)) } ?? SecureRandom.bytes(32)
                let catalog = try await CatalogServer.start(database: database, pageTokenKey: key)
                relay("catalog", database, mesh)
                return [catalog]
            },
            InventoryService.descriptor.fullName: { [self] mesh in
                let (settings, database) = try await open("inventory", allowed: ["catalogUpstream", "expirySweepSeconds"], mesh)
                let catalog = try settings.string("catalogUpstream") ?? CatalogService.descriptor.fullName
                // The catalog's events, from its outbox over the mesh or from the broker.
                let events: any EventConsumer = if let jetStream = jetStream.withLock({ $0 }) {
                    JetStreamSubscription(
                        jetStream: jetStream, sourceName: "catalog", consumer: "inventory", topics: [CatalogServer.productsTopic], database: database)
                } else {
                    EventSubscription(
                        source: try mesh.client(EventSource.self, upstream: catalog), sourceName: "catalog", consumer: "inventory",
                        topics: [CatalogServer.productsTopic], database: database)
                }
                let inventory = try await InventoryRunner.start(settings: settings, database: database, events: events, mesh: mesh)
                relay("inventory", database, mesh)
                return [inventory]
            },
        ])
    }

    /// With NATS, publishes `service`'s outbox to JetStream until the process stops (once the
    /// service has migrated its database: the relay's mark is one of its tables).
    private func relay(_ service: String, _ database: Database, _ mesh: MeshUpstreams) {
        guard let jetStream = jetStream.withLock({ $0 }) else { return }
        let relaying = Task { await OutboxRelay(source: service, database: database, jetStream: jetStream).run() }
        mesh.whenStopped {
            relaying.cancel()
            await relaying.value
        }
    }

    /// The service's settings and its database (closed when the process stops), whose outbox
    /// the process's event stream serves.
    private func open(_ service: String, allowed: Set<String>, _ mesh: MeshUpstreams) async throws -> (ServiceSettings, Database) {
        let settings = try ServiceSettings(mesh.configuration, service: service, allowed: allowed)
        let database = try await settings.openDatabase(closedWhen: mesh)
        outboxes.withLock { $0[service] = database }
        return (settings, database)
    }
}

/// Inventory and what runs beside it: the subscription to the catalog's events and the sweep
/// that expires reservations, both stopped when the process stops.
enum InventoryRunner {
    static func start(settings: ServiceSettings, database: Database, events: any EventConsumer, mesh: MeshUpstreams) async throws -> InventoryServer {
        let inventory = try await InventoryServer.start(database: database)
        // The catalog's events: an archived product's SKUs take no new reservations.
        let consuming = Task { await events.run(effect: InventoryServer.applyCatalogEvent) }
        let sweep = Duration.seconds(try settings.count("expirySweepSeconds") ?? 5)
        let logger = Logger(label: "weft.inventory")
        let sweeping = Task {
            while !Task.isCancelled {
                do { try await inventory.expireDue() } catch { logger.warning("expiring reservations failed: \(error)") }
                try? await Task.sleep(for: sweep)
            }
        }
        mesh.whenStopped {
            for task in [consuming, sweeping] { task.cancel() }
            await consuming.value
            await sweeping.value
        }
        return inventory
    }
}
