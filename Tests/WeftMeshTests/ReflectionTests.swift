#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// gRPC reflection over real HTTP/2 with Weft's generated client (grpcio-reflection drives it
/// from Python in make test).
@Suite struct ReflectionTests {
    typealias Request = ReflectionServerReflectionRequest
    typealias Answer = ReflectionServerReflectionResponse.MessageResponse

    /// Sends `requests` on one reflection stream and returns the answers in order.
    func ask(_ requests: [Request.MessageRequest?], reflection: Bool = true) async throws -> [Answer?] {
        let server = try await MeshServer.start(port: 0, tls: nil, services: [Echo()], reflection: reflection)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        do {
            let answers = try await ask(requests, on: channel)
            try await channel.close()
            try await server.shutdown(gracePeriod: .seconds(1))
            return answers
        } catch {
            try await channel.close()
            try await server.shutdown(gracePeriod: .seconds(1))
            throw error
        }
    }

    private func ask(_ requests: [Request.MessageRequest?], on channel: GRPCConnection) async throws -> [Answer?] {
        let client = ReflectionServerReflection.Client(transport: channel)
        return try await client.serverReflectionInfo(options: CallOptions(timeout: .seconds(30))) { writer in
            for request in requests { try await writer.write(Request(host: "localhost", messageRequest: request)) }
        } onResponse: { responses in
            var answers: [Answer?] = []
            for try await response in responses {
                #expect(response.validHost == "localhost")
                answers.append(response.messageResponse)
            }
            return answers
        }
    }

    func fileNames(_ answer: Answer?) throws -> [String] {
        guard case .fileDescriptorResponse(let files)? = answer else {
            Issue.record("expected files, got \(String(describing: answer))")
            return []
        }
        return try files.fileDescriptorProto.map { try IndexedFile(serializedBytes: $0).name }
    }

    @Test func listsTheDescribedServices() async throws {
        let answers = try await ask([.listServices("")])
        guard case .listServicesResponse(let list)? = answers.first else { throw Status(.internal, "\(answers)") }
        #expect(list.service.map(\.name) == [
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
        ])
    }

    @Test func findsTheFileDeclaringAServiceMethodOrMessage() async throws {
        let symbols = [
            "grpc.health.v1.Health.Check", "grpc.health.v1.HealthCheckResponse.ServingStatus",
            ".grpc.health.v1.HealthCheckRequest.service", "grpc.health.v1.HealthCheckResponse.SERVING",
        ]
        let answers = try await ask(symbols.map { .fileContainingSymbol($0) })
        for answer in answers { #expect(try fileNames(answer) == ["grpc/health/v1/health.proto"]) }
        guard case .fileDescriptorResponse(let files)? = answers[0] else { return }
        let file = try IndexedFile(serializedBytes: files.fileDescriptorProto[0])
        #expect(file.package == "grpc.health.v1")
        #expect(file.service.map(\.name) == ["Health"])
        #expect(file.service.first?.method.map(\.name) == ["Check", "Watch"])
    }

    @Test func sendsDependenciesOncePerStream() async throws {
        let alpha = "grpc/reflection/v1alpha/reflection_v1alpha.proto"
        let answers = try await ask([.fileByFilename(alpha), .fileByFilename(alpha), .fileContainingSymbol("grpc.reflection.v1.ErrorResponse")])
        #expect(try fileNames(answers[0]) == [alpha, "grpc/reflection/v1/reflection.proto"])
        #expect(try fileNames(answers[1]) == [alpha])
        // The file asked for is always sent, even when the stream had it already.
        #expect(try fileNames(answers[2]) == ["grpc/reflection/v1/reflection.proto"])
    }

    @Test func unknownNamesAreNotFoundAndTheStreamGoesOn() async throws {
        let answers = try await ask([
            .fileByFilename("no/such.proto"), .fileContainingSymbol("no.Such"),
            .fileContainingExtension(ReflectionExtensionRequest(containingType: "google.protobuf.MethodOptions", extensionNumber: 5)),
            .allExtensionNumbersOfType("no.Such"), .allExtensionNumbersOfType("grpc.health.v1.Health"), nil, .listServices(""),
        ])
        let codes = answers.prefix(6).map { answer -> Int32? in
            if case .errorResponse(let error)? = answer { return error.errorCode }
            return nil
        }
        #expect(codes == [5, 5, 5, 5, 5, 3])
        if case .listServicesResponse? = answers.last {} else { Issue.record("the stream stopped after the errors") }
    }

    @Test func reflectionCanBeTurnedOff() async throws {
        let error = await #expect(throws: Status.self) { try await ask([.listServices("")], reflection: false) }
        #expect(error?.code == .unimplemented)
    }
}
