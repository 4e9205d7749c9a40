import Catalog
import CatalogAPI
import Identity
import IdentityAPI
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
    ])
}
