import NIOCore
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// Where the gateway sends a routed service's calls: its endpoints over HTTP/2
/// (`UpstreamPool`), or, when the gateway is embedded in the server of that service, the
/// service itself in this process (`LocalUpstream`).
protocol GatewayUpstream: Sendable {
    /// A unary call from `eventLoop`, its answer handed to `completion` there.
    func unary(
        on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions,
        completion: @escaping @Sendable (Result<RawUnaryResponse, any Error>) -> Void)
    /// A transport for streaming calls made from `eventLoop`.
    func transport(on eventLoop: any EventLoop) -> any ClientTransport
    /// Whether the upstream can be reached, for readiness.
    func probe(on eventLoop: any EventLoop) -> EventLoopFuture<Bool>
    /// Closes what the upstream holds open.
    func close() async
    /// What a call that ended with `status` tells the upstream's circuit breaker.
    func breakerOutcome(of status: Status) -> CircuitBreaker.Outcome
    /// This upstream for calls made on behalf of the client whose certificate proves
    /// `identity`, where that means something (in-process services see it as their caller).
    func calling(as identity: String) -> any GatewayUpstream
}

extension GatewayUpstream {
    /// The unary call as a future on `eventLoop`.
    func unary(on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions) -> EventLoopFuture<RawUnaryResponse> {
        let answer = eventLoop.makePromise(of: RawUnaryResponse.self)
        unary(on: eventLoop, method, request: request, options: options, completion: answer.completeWith)
        return answer.futureResult
    }

    func breakerOutcome(of status: Status) -> CircuitBreaker.Outcome { CircuitBreaker.Outcome(status) }
    func calling(as identity: String) -> any GatewayUpstream { self }
}

/// A service the gateway's own process serves, called in-process: the server's dispatch,
/// interceptors and authorization, and no socket. A unary call runs on the event loop its
/// request came in on, as a gRPC server runs its handlers, so the answer takes no thread hop.
struct LocalUpstream: GatewayUpstream {
    let services: any ClientTransport
    /// `services` when it is the in-process transport (found once, not per call), whose unary
    /// path takes the deadline from the loop's timer and whose caller can be named.
    private let inProcess: InProcessTransport?
    /// Set when the calls must leave the event loops: the loops are about to stop, or the
    /// server runs its handlers elsewhere (`GRPCServer.Configuration.runsHandlersOnEventLoops`).
    let offEventLoops: EventLoopTaskExecutor.Shutdown

    init(services: any ClientTransport, offEventLoops: EventLoopTaskExecutor.Shutdown) {
        self.services = services
        self.inProcess = services as? InProcessTransport
        self.offEventLoops = offEventLoops
    }

    func unary(
        on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions,
        completion: @escaping @Sendable (Result<RawUnaryResponse, any Error>) -> Void
    ) {
        let promise = eventLoop.makePromise(of: RawUnaryResponse.self)
        promise.futureResult.whenComplete(completion)
        // In-process services get the deadline from a timer on the loop that cancels the call's
        // task, as the gRPC server enforces it, instead of the dispatcher's timer task; the
        // request is answered then even if the handler ignores the cancel.
        let inProcess = self.inProcess
        let timeout = inProcess == nil ? nil : options.timeout
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let settled = Settled()
        let task = Task(executorPreference: EventLoopTaskExecutor(eventLoop, shutdown: offEventLoops)) { [services] in
            let outcome: Result<RawUnaryResponse, any Error>
            do {
                let response = if let inProcess {
                    try await inProcess.unary(method, request: request, options: options, cancelledAt: deadline)
                } else {
                    try await services.unary(method, request: request, options: options)
                }
                outcome = .success(response)
            } catch {
                outcome = .failure(error)
            }
            if settled.claim() { promise.completeWith(outcome) }
        }
        if let timeout {
            let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                task.cancel()
                if settled.claim() { promise.fail(Status(.deadlineExceeded, "the deadline passed")) }
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
    }

    func transport(on eventLoop: any EventLoop) -> any ClientTransport { services }

    /// The services see the client's identity as their caller's, as its gRPC calls on the same
    /// port would be seen (their authorization policy included).
    func calling(as identity: String) -> any GatewayUpstream {
        guard let inProcess else { return self }
        return LocalUpstream(services: inProcess.calling(as: identity), offEventLoops: offEventLoops)
    }

    func probe(on eventLoop: any EventLoop) -> EventLoopFuture<Bool> { eventLoop.makeSucceededFuture(true) }

    func close() async {
        offEventLoops.begin()
    }
}
