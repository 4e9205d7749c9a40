import Catalog
import CatalogAPI
import Identity
import IdentityAPI
import Inventory
import InventoryAPI
import Logging
import PlatformCrypto
import PlatformEvents
import PlatformStorage
import WeftMesh
import WeftMessages

/// The platform's services, by full name, each built from its part of the configuration's
/// `settings`: `settings.<service>` (its database and options).
enum PlatformServices {
    /// Short names the command line accepts, and the services they stand for.
    static let shortNames = [
        "identity": IdentityService.descriptor.fullName,
        "catalog": CatalogService.descriptor.fullName,
        "inventory": InventoryService.descriptor.fullName,
    ]

    static let registry = ServiceRegistry([
        IdentityService.descriptor.fullName: { mesh in
            let settings = try ServiceSettings(mesh.configuration, service: "identity", allowed: IdentitySettings.keys)
            let database = try await settings.openDatabase(closedWhen: mesh)
            return [
                try await IdentityServer.start(database: database, configuration: try IdentitySettings.read(settings)),
                OutboxEventSource(database: database),
            ]
        },
        CatalogService.descriptor.fullName: { mesh in
            let settings = try ServiceSettings(mesh.configuration, service: "catalog", allowed: ["pageTokenKey"])
            let database = try await settings.openDatabase(closedWhen: mesh)
            // Without a configured key, tokens hold for this process only.
            let key = try settings.string("pageTokenKey").map { Digest.sha256(Array($0.utf8)) } ?? SecureRandom.bytes(32)
            return [try await CatalogServer.start(database: database, pageTokenKey: key), OutboxEventSource(database: database)]
        },
        InventoryService.descriptor.fullName: { mesh in
            let settings = try ServiceSettings(mesh.configuration, service: "inventory", allowed: ["catalogUpstream", "expirySweepSeconds"])
            let database = try await settings.openDatabase(closedWhen: mesh)
            let inventory = try await InventoryServer.start(database: database)
            // The catalog's events: an archived product's SKUs take no new reservations.
            let catalog = try settings.string("catalogUpstream") ?? CatalogService.descriptor.fullName
            let subscription = EventSubscription(
                source: try mesh.client(EventSource.self, upstream: catalog), sourceName: "catalog", consumer: "inventory",
                topics: [CatalogServer.productsTopic], database: database)
            let consuming = Task { await subscription.run(effect: InventoryServer.applyCatalogEvent) }
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
            return [inventory, OutboxEventSource(database: database)]
        },
    ])
}
