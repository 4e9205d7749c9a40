/// The gateway's routes, compiled once at start: an HTTP method and a path template per route.
/// Two routes with the same method and the same template shape are a configuration error; where
/// templates overlap, the more specific one (literals before `*`, `*` before `**`) wins.
package struct RouteTable<Target: Sendable>: Sendable {
    /// One route.
    package struct Route: Sendable {
        package let method: String
        package let template: PathTemplate
        package let target: Target

        package init(method: String, template: PathTemplate, target: Target) {
            self.method = method.uppercased()
            self.template = template
            self.target = target
        }
    }

    /// What a request resolves to.
    package enum Match: Sendable {
        case found(Target, bindings: PathBindings)
        /// The path exists under other methods (HTTP 405 with `Allow`).
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private let routes: [Route]
    /// The routes bound to each method, most specific first: a short list searched by
    /// comparing names, cheaper than hashing the request's method.
    private let routesByMethod: [(method: String, routes: [Route])]

    /// Compiles `routes`; conflicting ones throw naming both.
    package init(_ routes: [Route]) throws(RouteConflict) {
        var seen: [String: Route] = [:]
        for route in routes {
            let key = route.method + " " + route.template.shape
            if let earlier = seen[key] {
                throw RouteConflict(method: route.method, first: earlier.template.description, second: route.template.description)
            }
            seen[key] = route
        }
        self.routes = routes.sorted { Self.isMoreSpecific($0.template, than: $1.template) }
        routesByMethod = Dictionary(grouping: self.routes, by: \.method).map { ($0.key, $0.value) }
    }

    /// Every route's target.
    package var targets: [Target] { routes.map(\.target) }

    /// The route for `method` and `path` (without the query string). HEAD takes the GET route
    /// unless a route is bound to HEAD itself (RFC 9110 §9.3.2), and `Allow` lists HEAD wherever
    /// it lists GET.
    package func match(method: String, path: String) -> Match {
        guard let requestPath = RequestPath(path) else { return .notFound }
        // Methods arrive upper case (RFC 9110 §9.1: they are case-sensitive); only others are changed.
        let method = method.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } ? method.uppercased() : method
        if let found = route(method, requestPath) { return found }
        if method == "HEAD", let found = route("GET", requestPath) { return found }
        var allowed: Set<String> = []
        for route in routes where route.template.matches(requestPath) { allowed.insert(route.method) }
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed.sorted())
    }

    /// The most specific route bound to `method` that matches `path`.
    private func route(_ method: String, _ path: RequestPath) -> Match? {
        for route in routesByMethod.first(where: { $0.method == method })?.routes ?? [] {
            if let bindings = route.template.match(path) { return .found(route.target, bindings: bindings) }
        }
        return nil
    }

    /// Segment by segment, a literal beats `*`, which beats `**`; a verb beats none; on a tie the
    /// longer template wins.
    static func isMoreSpecific(_ lhs: PathTemplate, than rhs: PathTemplate) -> Bool {
        func rank(_ segment: PathTemplate.Segment) -> Int {
            switch segment {
            case .literal: 2
            case .single: 1
            case .rest: 0
            }
        }
        for (left, right) in zip(lhs.segments, rhs.segments) where rank(left) != rank(right) {
            return rank(left) > rank(right)
        }
        if (lhs.verb != nil) != (rhs.verb != nil) { return lhs.verb != nil }
        return lhs.segments.count > rhs.segments.count
    }
}

/// Two routes that would serve the same requests.
package struct RouteConflict: Error, Sendable, CustomStringConvertible {
    package let method: String
    package let first: String
    package let second: String

    package var description: String {
        "routes conflict: \(method) \(first) and \(method) \(second) match the same paths; change one template"
    }
}
