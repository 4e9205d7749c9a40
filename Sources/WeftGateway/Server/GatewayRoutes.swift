import WeftMessages
import WeftSchema

/// What one REST route calls: an rpc, how the HTTP request fills its request message, and which
/// part of its response becomes the HTTP body. A class: a request's plan and its upstream call
/// hold it, and copying its descriptor and mapping cost a retain for each of their parts.
final class RouteTarget: Sendable {
    /// The fully-qualified service name, which names its upstream.
    let service: String
    let method: MethodDescriptor
    let mapping: HTTPRequestMapping
    /// `""` (the whole response) or the response field that becomes the body.
    let responseBody: String
    /// What the response's JSON is written from, resolved at start (nil when the schemas lack
    /// the type: each answer then fails with that transcoding error).
    let outputShape: MessageShape?
    /// `package.Service.Method`, the key of per-route settings (made once, used per request).
    let methodKey: String
    /// The route's place among the table's routes, where the gateway keeps what it resolved for
    /// it at start (`ServedRoute`).
    let index: Int

    init(service: String, method: MethodDescriptor, mapping: HTTPRequestMapping, responseBody: String, outputShape: MessageShape?, index: Int) {
        self.index = index
        self.outputShape = outputShape
        self.service = service
        self.method = method
        self.mapping = mapping
        self.responseBody = responseBody
        self.methodKey = service + "." + method.name
    }
}

/// A schema problem that keeps the gateway from starting.
public struct GatewayStartError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

enum GatewayRoutes {
    /// One route per `google.api.http` binding of every method in `files`. Bad templates and
    /// rules the gateway cannot serve throw, all of them at once; then conflicting templates.
    static func table(files: [ProtoFile], schema: DynamicSchema) throws -> RouteTable<RouteTarget> {
        var routes: [RouteTable<RouteTarget>.Route] = []
        var problems: [String] = []
        for file in files {
            for service in file.services {
                for method in service.methods {
                    guard let rule = method.httpRule else { continue }
                    let where_ = "\(file.path): rpc \(service.fullName).\(method.name)"
                    let bindings = [rule] + rule.additionalBindings
                    // A client stream arrives as NDJSON, one whole request message per line.
                    if method.clientStreaming {
                        for binding in bindings where binding.body != "*" || ["GET", "DELETE"].contains(binding.method) {
                            problems.append(
                                "\(where_) is client-streaming, so its binding \(binding.method) \(binding.path) needs body: \"*\" "
                                    + "and a method with a body (each line of the NDJSON request body is one request message)")
                        }
                    }
                    let descriptor = MethodDescriptor(
                        name: method.name, path: "/\(service.fullName)/\(method.name)",
                        inputType: method.inputType, outputType: method.outputType,
                        clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming,
                        idempotency: Self.idempotency(method.idempotency), httpRule: nil)
                    for binding in bindings {
                        let template: PathTemplate
                        do {
                            template = try PathTemplate(binding.path)
                        } catch {
                            problems.append("\(where_): \(error)")
                            continue
                        }
                        routes.append(RouteTable.Route(
                            method: binding.method, template: template,
                            target: RouteTarget(
                                service: service.fullName, method: descriptor,
                                mapping: HTTPRequestMapping(schema: schema, requestType: method.inputType, body: binding.body),
                                responseBody: binding.responseBody, outputShape: schema.shapes[method.outputType], index: routes.count)))
                    }
                }
            }
        }
        guard problems.isEmpty else { throw GatewayStartError(problems.joined(separator: "\n")) }
        do {
            return try RouteTable(routes)
        } catch {
            throw GatewayStartError(error.description)
        }
    }

    /// The schema's `idempotency_level`, which decides whether the gateway may retry a call
    /// that may have reached the upstream.
    private static func idempotency(_ level: IdempotencyLevel) -> MethodDescriptor.Idempotency {
        switch level {
        case .unknown: .unknown
        case .noSideEffects: .noSideEffects
        case .idempotent: .idempotent
        }
    }
}
