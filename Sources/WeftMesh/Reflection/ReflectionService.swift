import WeftMessages
import WeftRPC

/// `grpc.reflection.v1.ServerReflection`: tells a client which services the server has and
/// hands it the schema files (serialized `FileDescriptorProto`s) declaring them, so tools such as
/// grpcurl can decode and build calls without the `.proto` files. `v1alpha` serves the same
/// answers under the older name.
public struct ReflectionService: ReflectionServerReflection.Handler {
    private let index: ReflectionIndex

    /// Reflection over `services`, plus itself (both versions) as grpc servers report it.
    public init(services: [ServiceDescriptor]) {
        index = ReflectionIndex(
            services: services + [ReflectionServerReflection.descriptor, ReflectionV1AlphaServerReflection.descriptor])
    }

    /// The same service under its pre-release name, `grpc.reflection.v1alpha.ServerReflection`.
    public var v1alpha: some RegisteredService { V1Alpha(service: self) }

    public func serverReflectionInfo(
        _ requests: RequestStream<ReflectionServerReflectionRequest>,
        responses: ResponseWriter<ReflectionServerReflectionResponse>, context: ServerContext
    ) async throws {
        var sent: Set<String> = []
        for try await request in requests {
            try await responses.write(
                ReflectionServerReflectionResponse(
                    validHost: request.host, originalRequest: request,
                    messageResponse: answer(request.messageRequest, sent: &sent)))
        }
    }

    private func answer(
        _ request: ReflectionServerReflectionRequest.MessageRequest?, sent: inout Set<String>
    ) -> ReflectionServerReflectionResponse.MessageResponse {
        switch request {
        case .fileByFilename(let name):
            guard index.hasFile(named: name) else { return notFound("no file named \(name)") }
            return files(startingWith: name, sent: &sent)
        case .fileContainingSymbol(let symbol):
            guard let file = index.file(declaring: symbol) else { return notFound("no symbol named \(symbol)") }
            return files(startingWith: file, sent: &sent)
        case .fileContainingExtension(let request):
            guard let file = index.file(declaringExtension: request.extensionNumber, of: request.containingType) else {
                return notFound("no extension \(request.extensionNumber) of \(request.containingType)")
            }
            return files(startingWith: file, sent: &sent)
        case .allExtensionNumbersOfType(let message):
            guard index.knowsMessage(message) else { return notFound("no message named \(message)") }
            return .allExtensionNumbersResponse(
                ReflectionExtensionNumberResponse(baseTypeName: message, extensionNumber: index.extensionNumbers(of: message)))
        case .listServices:
            return .listServicesResponse(
                ReflectionListServiceResponse(service: index.serviceNames.map { ReflectionServiceResponse(name: $0) }))
        case nil:
            return .errorResponse(
                ReflectionErrorResponse(errorCode: Int32(Status.Code.invalidArgument.rawValue), errorMessage: "the request asks nothing"))
        }
    }

    private func files(startingWith name: String, sent: inout Set<String>) -> ReflectionServerReflectionResponse.MessageResponse {
        .fileDescriptorResponse(
            ReflectionFileDescriptorResponse(fileDescriptorProto: index.serializedFiles(startingWith: name, alreadySent: &sent)))
    }

    private func notFound(_ message: String) -> ReflectionServerReflectionResponse.MessageResponse {
        .errorResponse(ReflectionErrorResponse(errorCode: Int32(Status.Code.notFound.rawValue), errorMessage: message))
    }

    private struct V1Alpha: ReflectionV1AlphaServerReflection.Handler {
        let service: ReflectionService

        func serverReflectionInfo(
            _ requests: RequestStream<ReflectionServerReflectionRequest>,
            responses: ResponseWriter<ReflectionServerReflectionResponse>, context: ServerContext
        ) async throws {
            try await service.serverReflectionInfo(requests, responses: responses, context: context)
        }
    }
}
