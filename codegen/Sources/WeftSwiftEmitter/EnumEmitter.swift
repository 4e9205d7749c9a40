import WeftSchema

/// Emits a proto3 enum as a Swift enum that keeps unknown numbers (`unrecognized`), as open
/// enums require. Aliases become static members equal to their first case.
struct EnumEmitter {
    let types: TypeTable

    func emit(_ decl: EnumDecl, into out: inout CodeWriter) {
        let typeName = String(types.swiftName(of: decl.fullName).split(separator: ".").last!)
        var primaries: [(value: EnumValueDecl, caseName: String)] = []
        var aliases: [(value: EnumValueDecl, caseName: String, target: String)] = []
        var usedNames: Set<String> = []
        for value in decl.values {
            // Two values may name the same Swift case (an alias `RED` of `COLOR_RED`, or
            // `V2_X` and `V2X`): later ones get their number appended, so every name is unique.
            var caseName = SwiftNaming.escaped(SwiftNaming.enumCaseName(value.name, enumName: decl.name))
            if usedNames.contains(caseName) {
                caseName = SwiftNaming.escaped(SwiftNaming.enumCaseName(value.name, enumName: decl.name) + "_\(abs(value.number))")
            }
            usedNames.insert(caseName)
            if let first = primaries.first(where: { $0.value.number == value.number }) {
                aliases.append((value, caseName, first.caseName))
            } else {
                primaries.append((value, caseName))
            }
        }
        let defaultCase = types.defaultCase(of: decl.fullName)

        out.doc(decl.doc)
        out.block("public enum \(typeName): WeftEnum") { out in
            for primary in primaries {
                out.doc(primary.value.doc)
                out.line("case \(primary.caseName) // = \(primary.value.number)")
            }
            out.doc("A number this version of the schema does not know, kept as received.")
            out.line("case unrecognized(Int32)")
            for alias in aliases {
                out.line()
                out.doc(alias.value.doc.isEmpty ? "Alias of `\(alias.target)`." : alias.value.doc)
                out.line("public static let \(alias.caseName) = \(typeName).\(alias.target)")
            }
            out.line()
            out.doc("The proto3 default, number 0.")
            out.line("public init() { self = \(defaultCase) }")
            out.line()
            out.block("public init(rawValue: Int32)") { out in
                out.switchBlock("rawValue") { out in
                    for primary in primaries {
                        out.line("case \(primary.value.number): self = .\(primary.caseName)")
                    }
                    out.line("default: self = .unrecognized(rawValue)")
                }
            }
            out.line()
            out.block("public var rawValue: Int32") { out in
                out.switchBlock("self") { out in
                    for primary in primaries {
                        out.line("case .\(primary.caseName): \(primary.value.number)")
                    }
                    out.line("case .unrecognized(let number): number")
                }
            }
            out.line()
            out.block("public var protoName: String?") { out in
                out.switchBlock("self") { out in
                    for primary in primaries {
                        out.line("case .\(primary.caseName): \(SwiftNaming.stringLiteral(primary.value.name))")
                    }
                    out.line("case .unrecognized: nil")
                }
            }
            out.line()
            out.block("public init?(protoName: String)") { out in
                out.switchBlock("protoName") { out in
                    for primary in primaries {
                        out.line("case \(SwiftNaming.stringLiteral(primary.value.name)): self = .\(primary.caseName)")
                    }
                    for alias in aliases {
                        out.line("case \(SwiftNaming.stringLiteral(alias.value.name)): self = .\(alias.target)")
                    }
                    out.line("default: return nil")
                }
            }
            out.line()
            out.doc("Every known value, in declaration order.")
            let all = primaries.map { ".\($0.caseName)" }.joined(separator: ", ")
            out.line("public static let allCases: [\(typeName)] = [\(all)]")
            out.line()
            out.doc("The proto names and numbers, aliases included.")
            out.line("public static let descriptor = EnumDescriptor(")
            out.line("    fullName: \(SwiftNaming.stringLiteral(decl.fullName)),")
            out.line("    values: [")
            for value in decl.values {
                out.line("        (\(SwiftNaming.stringLiteral(value.name)), \(value.number)),")
            }
            out.line("    ]")
            out.line(")")
        }
        if let domain = decl.errorDomain { emitErrorReason(typeName, domain: domain, primaries, into: &out) }
    }

    /// An error enum's conformance to `ErrorReason`: its domain and each reason's gRPC code.
    private func emitErrorReason(
        _ typeName: String, domain: String, _ primaries: [(value: EnumValueDecl, caseName: String)], into out: inout CodeWriter
    ) {
        out.line()
        out.doc("The reasons' domain and codes: throw `ServiceError(\(typeName).<reason>, \"…\")`.")
        // Module-qualified: a schema type may be named like the runtime's (`Status`, `ErrorReason`).
        out.block("extension \(typeName): WeftMessages.ErrorReason") { out in
            out.line("public static let errorDomain = \(SwiftNaming.stringLiteral(domain))")
            out.line()
            out.block("public var statusCode: Int") { out in
                out.switchBlock("self") { out in
                    for primary in primaries {
                        guard let code = primary.value.errorCode, let number = StatusCodeNames.numbers[code] else { continue }
                        out.line("case .\(primary.caseName): \(number)  // \(code)")
                    }
                    out.line("default: 2  // UNKNOWN")
                }
            }
        }
    }
}
