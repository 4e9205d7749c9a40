/// The conversion generated clients use to throw a schema's typed errors: a failure (`Status`
/// over gRPC, `RESTError` through the gateway) whose details name a reason of one of the file's
/// error enums becomes that `ServiceError`; any other stays as it was. Runtime names are
/// module-qualified in generated code, where a schema type may share them (`Status`).
enum TypedErrors {
    static func emitConversion(from errorType: String, errorEnums: [String], into out: inout CodeWriter) {
        let names = errorEnums.map { "`\($0)`" }.joined(separator: ", ")
        out.doc("`error` as the typed failure it carries (a reason of \(names)), or itself.")
        out.block("static func typed(_ error: \(errorType)) -> any Error") { out in
            for errorEnum in errorEnums {
                out.line("if let failure = error.serviceError(\(errorEnum).self) { return failure }")
            }
            out.line("return error")
        }
    }
}
