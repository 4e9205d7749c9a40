import Testing
import WeftMessages
import WeftRPC

/// A service whose messages are named `Client` and `Result`, like the stub's own client type and
/// generic parameter: they become `ClientMessage` and `ResultMessage`, and the stubs work.
@Suite struct StubNameClashTests {
    struct Directory: Registry.Handler {
        func lookup(_ request: ClientMessage, context: ServerContext) async throws -> ResultMessage {
            ResultMessage(value: "found " + request.name)
        }

        func watch(_ request: ClientMessage, responses: ResponseWriter<ResultMessage>, context: ServerContext) async throws {
            try await responses.write(ResultMessage(value: request.name))
        }
    }

    @Test func stubsCompileAndCall() async throws {
        let client = Registry.Client(transport: InProcessTransport(services: [Directory()]))
        #expect(try await client.lookup(ClientMessage(name: "x")).value == "found x")
        let values = try await client.watch(ClientMessage(name: "y")) { responses in
            var values: [String] = []
            for try await response in responses { values.append(response.value) }
            return values
        }
        #expect(values == ["y"])
    }
}
