/// A `google.api.http` rule with where its strings were written, for the checks that need the
/// request and response messages (`Checker.checkHttpRules`).
struct LocatedHttpRule {
    let rule: HttpRule
    /// Where the path template was written.
    let path: ValueSite
    /// Where `body` and `response_body` were written, when they were.
    let body: ValueSite?
    let responseBody: ValueSite?
    let additionalBindings: [LocatedHttpRule]

    /// This binding, then each additional one.
    var bindings: [LocatedHttpRule] { [self] + additionalBindings }
}
