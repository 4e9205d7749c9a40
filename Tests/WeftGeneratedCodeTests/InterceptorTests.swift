import Synchronization
import Testing
import WeftMessages
import WeftRPC

/// Server and client interceptor chains around real generated stubs (in-process).
@Suite struct InterceptorTests {
    /// Records the order interceptors run in.
    final class Journal: Sendable {
        let entries = Mutex<[String]>([])
        func note(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    struct Recording: ServerInterceptor {
        let name: String
        let journal: Journal
        func intercept(_ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void) async throws {
            journal.note("\(name) before \(call.method.name)")
            try await next(call)
            journal.note("\(name) after")
        }
    }

    /// Lets only callers that present the right token through.
    struct RequireToken: ServerInterceptor {
        func intercept(_ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void) async throws {
            guard call.context.requestMetadata.first("authorization") == "Bearer secret" else {
                throw Status(.unauthenticated, "missing or wrong token")
            }
            try await next(call)
        }
    }

    /// Adds the token to every call.
    struct AddToken: ClientInterceptor {
        func intercept(
            _ method: MethodDescriptor, options: CallOptions,
            next: @Sendable (MethodDescriptor, CallOptions) async throws -> any ClientCall
        ) async throws -> any ClientCall {
            var options = options
            options.metadata.add("authorization", "Bearer secret")
            return try await next(method, options)
        }
    }

    @Test func serverInterceptorsRunInOrderAroundTheHandler() async throws {
        let journal = Journal()
        let transport = InProcessTransport(
            services: [Library()],
            interceptors: [Recording(name: "outer", journal: journal), Recording(name: "inner", journal: journal)])
        _ = try await Shelves.Client(transport: transport).getBook(Named(displayName: "x"))
        #expect(journal.all == ["outer before GetBook", "inner before GetBook", "inner after", "outer after"])
    }

    @Test func aServerInterceptorCanRejectAndAClientInterceptorCanAuthenticate() async throws {
        let server = InProcessTransport(services: [Library()], interceptors: [RequireToken()])
        await #expect { try await Shelves.Client(transport: server).getBook(Named()) }
            throws: { ($0 as? Status)?.code == .unauthenticated }
        let authenticated = Shelves.Client(transport: InterceptedTransport(server, interceptors: [AddToken()]))
        #expect(try await authenticated.getBook(Named(displayName: "ok")).displayName == "found: ok")
    }
}
