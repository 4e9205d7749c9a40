import PlatformStorage
import WeftMesh
import WeftMessages

/// One service's part of the configuration's `settings`: `settings.<service>`, read with the
/// same "unknown key, did you mean" messages as the rest of the file.
struct ServiceSettings {
    let service: String
    let fields: [String: JSONValue]
    let reader: ConfigurationReader
    /// Where a service keeps its SQLite database when `database` is not given: `settings.dataDirectory`.
    let dataDirectory: String

    /// The keys every service's settings may have, besides its own.
    static let common: Set<String> = ["database"]

    init(_ configuration: MeshConfiguration, service: String, allowed: Set<String> = []) throws {
        let reader = ConfigurationReader(baseDirectory: configuration.baseDirectory)
        let all = configuration.settings
        self.service = service
        self.reader = reader
        fields = try all[service].map { try reader.object($0, at: "settings.\(service)", allowed: Self.common.union(allowed)) } ?? [:]
        dataDirectory = try all["dataDirectory"].map { reader.resolve(try reader.string($0, at: "settings.dataDirectory")) }
            ?? reader.resolve("data")
    }

    /// The service's database: `database` (a `postgres://` URL or a SQLite path), else
    /// `<dataDirectory>/<service>.sqlite`; closed when `mesh`'s service stops.
    func openDatabase(closedWhen mesh: MeshUpstreams) async throws -> Database {
        let url = try fields["database"].map { value -> String in
            let text = try reader.string(value, at: "settings.\(service).database")
            return text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") ? text : reader.resolve(text)
        } ?? "\(dataDirectory)/\(service).sqlite"
        let database = try await Database.open(url)
        mesh.whenStopped { try? await database.close() }
        return database
    }

    func string(_ name: String) throws -> String? {
        try fields[name].map { try reader.string($0, at: "settings.\(service).\(name)") }
    }

    func strings(_ name: String) throws -> [String]? {
        try fields[name].map { try reader.strings($0, at: "settings.\(service).\(name)") }
    }

    func count(_ name: String) throws -> Int? {
        try fields[name].map { try reader.count($0, at: "settings.\(service).\(name)") }
    }

    func object(_ name: String, allowed: Set<String>) throws -> [String: JSONValue]? {
        try fields[name].map { try reader.object($0, at: "settings.\(service).\(name)", allowed: allowed) }
    }
}
