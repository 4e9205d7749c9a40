import WeftMesh
import WeftMessages

/// `settings.events`: which transport carries the services' events. `{"transport": "embedded"}`
/// (the default: each process serves its outboxes over the mesh) or `{"transport": "nats", "url":
/// "nats://host:4222", "namespace": "weft"}` (a relay per service publishes its outbox to
/// JetStream; consumers are durable pull consumers; deployments sharing a server take their own
/// namespace).
enum EventSettings {
    /// The NATS server's URL and the deployment's namespace on it when the transport is NATS;
    /// nil for the embedded one.
    static func nats(_ configuration: MeshConfiguration) throws -> (url: String, namespace: String)? {
        guard let value = configuration.settings["events"] else { return nil }
        let reader = ConfigurationReader(baseDirectory: configuration.baseDirectory)
        let fields = try reader.object(value, at: "settings.events", allowed: ["transport", "url", "namespace"])
        switch try fields["transport"].map({ try reader.string($0, at: "settings.events.transport") }) ?? "embedded" {
        case "embedded": return nil
        case "nats":
            guard let url = fields["url"] else {
                throw ConfigurationError(key: "settings.events.url", problem: "is required with the nats transport: nats://host:port")
            }
            let namespace = try fields["namespace"].map { try reader.string($0, at: "settings.events.namespace") } ?? "weft"
            return (try reader.string(url, at: "settings.events.url"), namespace)
        default:
            throw ConfigurationError(key: "settings.events.transport", problem: "must be \"embedded\" or \"nats\"")
        }
    }
}
