/// Reads a `google.api.HttpRule` from its text-format option value, with protoc's errors for
/// unknown fields, wrong value kinds, repeated singular fields and two verbs at once.
enum HttpRuleReader {
    struct Failure: Error {
        var message: String
    }

    private static let verbs = ["get", "put", "post", "delete", "patch"]

    /// The rule with where its strings were written, or nil when no pattern (verb or `custom`)
    /// is set.
    static func rule(from entries: [LocatedEntry]) throws(Failure) -> LocatedHttpRule? {
        var pattern: (key: String, method: String, path: String, site: ValueSite)?
        var body = ""
        var responseBody = ""
        var bodySite: ValueSite?
        var responseBodySite: ValueSite?
        var bindings: [LocatedHttpRule] = []
        var seen: Set<String> = []
        for entry in entries {
            let (key, value) = (entry.key, entry.value)
            if key != "additional_bindings", !seen.insert(key).inserted {
                throw Failure(message: "non-repeated field \"\(key)\" is specified multiple times")
            }
            switch key {
            case _ where verbs.contains(key) || key == "custom":
                if let pattern {
                    throw Failure(message: "field \"\(key)\" is specified along with field \"\(pattern.key)\", another member of oneof \"pattern\"")
                }
                let (method, path, site) = key == "custom"
                    ? try customPattern(entry)
                    : (key.uppercased(), try string(value, for: key), entry.site)
                pattern = (key, method, path, site)
            case "body": (body, bodySite) = (try string(value, for: key), entry.site)
            case "response_body": (responseBody, responseBodySite) = (try string(value, for: key), entry.site)
            case "selector": _ = try string(value, for: key)
            case "additional_bindings":
                guard case .aggregate(let nested) = value else {
                    throw Failure(message: "field \"additional_bindings\" must be a google.api.HttpRule message")
                }
                guard let binding = try rule(from: entry.site.entries(of: nested)) else {
                    throw Failure(message: "an additional binding needs a pattern (get, put, post, delete, patch or custom)")
                }
                bindings.append(binding)
            default:
                throw Failure(message: "message type \"google.api.HttpRule\" has no field named \"\(key)\"")
            }
        }
        guard let pattern else { return nil }
        return LocatedHttpRule(
            rule: HttpRule(
                method: pattern.method, path: pattern.path, body: body, responseBody: responseBody,
                additionalBindings: bindings.map(\.rule)),
            path: pattern.site, body: bodySite, responseBody: responseBodySite, additionalBindings: bindings)
    }

    /// `custom { kind: "HEAD" path: "/x" }`: the method, the path and where the path was written.
    private static func customPattern(_ entry: LocatedEntry) throws(Failure) -> (String, String, ValueSite) {
        guard case .aggregate(let entries) = entry.value else {
            throw Failure(message: "field \"custom\" must be a google.api.CustomHttpPattern message")
        }
        var kind = ""
        var path = ("", entry.site)
        for nested in entry.site.entries(of: entries) {
            switch nested.key {
            case "kind": kind = try string(nested.value, for: nested.key)
            case "path": path = (try string(nested.value, for: nested.key), nested.site)
            default: throw Failure(message: "message type \"google.api.CustomHttpPattern\" has no field named \"\(nested.key)\"")
            }
        }
        return (kind, path.0, path.1)
    }

    private static func string(_ value: OptionValue, for key: String) throws(Failure) -> String {
        guard case .string(let text) = value else { throw Failure(message: "field \"\(key)\" expects a string value") }
        return text
    }
}
