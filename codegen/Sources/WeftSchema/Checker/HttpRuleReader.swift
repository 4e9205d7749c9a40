/// Reads a `google.api.HttpRule` from its text-format option value, with protoc's errors for
/// unknown fields, wrong value kinds, repeated singular fields and two verbs at once.
enum HttpRuleReader {
    struct Failure: Error {
        var message: String
    }

    private static let verbs = ["get", "put", "post", "delete", "patch"]

    /// The rule, or nil when no pattern (verb or `custom`) is set.
    static func rule(from entries: [(key: String, value: OptionValue)]) throws(Failure) -> HttpRule? {
        var pattern: (key: String, method: String, path: String)?
        var body = ""
        var responseBody = ""
        var bindings: [HttpRule] = []
        var seen: Set<String> = []
        for (key, value) in entries {
            if key != "additional_bindings", !seen.insert(key).inserted {
                throw Failure(message: "non-repeated field \"\(key)\" is specified multiple times")
            }
            switch key {
            case _ where verbs.contains(key) || key == "custom":
                if let pattern {
                    throw Failure(message: "field \"\(key)\" is specified along with field \"\(pattern.key)\", another member of oneof \"pattern\"")
                }
                let (method, path) = key == "custom" ? try customPattern(value) : (key.uppercased(), try string(value, for: key))
                pattern = (key, method, path)
            case "body": body = try string(value, for: key)
            case "response_body": responseBody = try string(value, for: key)
            case "selector": _ = try string(value, for: key)
            case "additional_bindings":
                guard case .aggregate(let nested) = value else {
                    throw Failure(message: "field \"additional_bindings\" must be a google.api.HttpRule message")
                }
                guard let binding = try rule(from: nested) else {
                    throw Failure(message: "an additional binding needs a pattern (get, put, post, delete, patch or custom)")
                }
                bindings.append(binding)
            default:
                throw Failure(message: "message type \"google.api.HttpRule\" has no field named \"\(key)\"")
            }
        }
        guard let pattern else { return nil }
        return HttpRule(method: pattern.method, path: pattern.path, body: body, responseBody: responseBody, additionalBindings: bindings)
    }

    private static func customPattern(_ value: OptionValue) throws(Failure) -> (String, String) {
        guard case .aggregate(let entries) = value else {
            throw Failure(message: "field \"custom\" must be a google.api.CustomHttpPattern message")
        }
        var kind = ""
        var path = ""
        for (key, value) in entries {
            switch key {
            case "kind": kind = try string(value, for: key)
            case "path": path = try string(value, for: key)
            default: throw Failure(message: "message type \"google.api.CustomHttpPattern\" has no field named \"\(key)\"")
            }
        }
        return (kind, path)
    }

    private static func string(_ value: OptionValue, for key: String) throws(Failure) -> String {
        guard case .string(let text) = value else { throw Failure(message: "field \"\(key)\" expects a string value") }
        return text
    }
}
