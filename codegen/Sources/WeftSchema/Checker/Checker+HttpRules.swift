/// Pass 5: every `google.api.http` binding must fit its rpc, or the gateway would answer each of
/// its calls with an error: a well-formed path template whose variables name singular fields a
/// path can set, a `body` naming a field of the request and a `response_body` naming a field of
/// the response. protoc checks none of this. Each mistake is reported at the text it concerns.
extension Checker {
    mutating func checkHttpRules() {
        guard !httpRules.isEmpty else { return }
        let messages = Dictionary(
            files.flatMap(\.messages.includingNested).map { ($0.fullName, $0) }, uniquingKeysWith: { first, _ in first })
        for (rule, inputType, outputType) in httpRules {
            for binding in rule.bindings {
                checkPath(of: binding, input: messages[inputType], messages: messages)
                if let input = messages[inputType], let site = binding.body {
                    checkTopLevelField(binding.rule.body, "body", of: input, at: site, allowing: ["", "*"])
                }
                if let output = messages[outputType], let site = binding.responseBody {
                    checkTopLevelField(binding.rule.responseBody, "response_body", of: output, at: site, allowing: [""])
                }
            }
        }
    }

    /// The template's syntax, then (with the request message resolved) each variable's fields.
    private mutating func checkPath(of binding: LocatedHttpRule, input: MessageDecl?, messages: [String: MessageDecl]) {
        let template = binding.rule.path
        let syntax: PathTemplateSyntax
        do {
            syntax = try PathTemplateSyntax(template)
        } catch {
            log.error(
                "google.api.http path template \"\(template)\" is malformed: \(error.message)",
                at: binding.path.location(inString: Self.scalarOffset(error.offset, in: template)))
            return
        }
        guard let input else { return }
        for variable in syntax.variables {
            checkVariable(variable, in: template, at: binding.path, input: input, messages: messages)
        }
    }

    /// Every name but the last must be a singular message field, the last a singular field a
    /// path can set (`FieldType.isSettableFromText`); names are proto or JSON names, as the
    /// gateway reads them.
    private mutating func checkVariable(
        _ variable: PathTemplateSyntax.Variable, in template: String, at site: ValueSite, input: MessageDecl,
        messages: [String: MessageDecl]
    ) {
        let path = variable.fieldPath.joined(separator: ".")
        var message = input
        var offset = variable.offset
        for (index, name) in variable.fieldPath.enumerated() {
            let location = site.location(inString: Self.scalarOffset(offset, in: template))
            offset += name.count + 1
            let subject = variable.fieldPath.count == 1 ? "path variable \"\(path)\"" : "path variable \"\(path)\": \"\(name)\""
            guard let field = message.fields.first(where: { $0.name == name || $0.jsonName == name }) else {
                log.error("google.api.http \(subject) names no field of \"\(message.fullName)\"", at: location)
                return
            }
            if index == variable.fieldPath.count - 1 {
                if field.label == .repeated || !field.type.isSettableFromText {
                    log.error(
                        "google.api.http \(subject) names \(Self.kind(of: field)) of \"\(message.fullName)\"; "
                            + "a path variable can only set a singular scalar, enum or well-known type field",
                        at: location)
                }
            } else {
                guard field.label != .repeated, case .message(let nested) = field.type, let next = messages[nested] else {
                    log.error("google.api.http \(subject) names \(Self.kind(of: field)) of \"\(message.fullName)\", not a singular message", at: location)
                    return
                }
                message = next
            }
        }
    }

    /// `body` and `response_body`: one of `allowed`, or a field of `message` by its proto name.
    private mutating func checkTopLevelField(_ name: String, _ key: String, of message: MessageDecl, at site: ValueSite, allowing allowed: Set<String>) {
        guard !allowed.contains(name), !message.fields.contains(where: { $0.name == name }) else { return }
        log.error("google.api.http \(key) \"\(name)\" names no field of \"\(message.fullName)\"", at: site.location(inString: 0))
    }

    /// `a repeated field`, `a string field`…
    private static func kind(of field: FieldDecl) -> String {
        switch (field.label, field.type) {
        case (_, .map): "a map field"
        case (.repeated, _): "a repeated field"
        case (_, .message): "a message field"
        case (_, .enumeration): "an enum field"
        case (_, .scalar(let scalar)): "a \(scalar.rawValue) field"
        case (_, .unresolved): "a field"
        }
    }

    /// A template's character offset (what `PathTemplateSyntax` counts) in Unicode scalars (what
    /// columns count).
    private static func scalarOffset(_ characters: Int, in template: String) -> Int {
        template.prefix(characters).unicodeScalars.count
    }
}
