import Identity
import IdentityAPI
import PlatformStorage
import WeftMesh
import WeftMessages

/// The platform's services, by full name, each built from its part of the configuration's
/// `settings`: `settings.<service>` (its database and options).
enum PlatformServices {
    /// Short names the command line accepts, and the services they stand for.
    static let shortNames = [
        "identity": IdentityService.descriptor.fullName,
    ]

    static let registry = ServiceRegistry([
        IdentityService.descriptor.fullName: { mesh in
            let settings = try ServiceSettings(mesh.configuration, service: "identity", allowed: IdentitySettings.keys)
            let database = try await settings.openDatabase(closedWhen: mesh)
            return try await IdentityServer.start(database: database, configuration: try IdentitySettings.read(settings))
        },
    ])
}
