import Testing
import WeftMesh

/// The connection table's decisions, with stand-in connections and a clock passed in: no I/O.
@Suite struct UpstreamConnectionTableTests {
    final class Stub: Sendable {}
    typealias Table = UpstreamConnectionTable<Stub, Int>

    static let a = Endpoint(host: "a", port: 1)
    static let b = Endpoint(host: "b", port: 1)
    let start = ContinuousClock.now

    static func table(_ endpoints: [Endpoint] = [a, b]) -> Table {
        Table(EndpointSet(endpoints, balancing: .roundRobin))
    }

    /// The attempt a route asks to start, failing the test when it asks something else.
    static func attempt(_ routed: (endpoint: Endpoint, route: Table.Route)?, to endpoint: Endpoint) -> Table.Attempt? {
        guard let routed, routed.endpoint == endpoint, case .connect(let attempt) = routed.route else {
            Issue.record("expected a new attempt to \(endpoint), got \(String(describing: routed))")
            return nil
        }
        return attempt
    }

    @Test func aConnectionOpensOnceAndCallsWaitForItThenUseIt() throws {
        var table = Self.table([Self.a])
        let attempt = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.a))
        // A second call while it connects waits for the same attempt.
        guard case .wait(attempt)? = table.route(from: 0, at: start)?.route else { Issue.record("the second call should wait"); return }
        let connection = Stub()
        let outcome1 = table.connected(connection, to: Self.a, from: 0, attempt: attempt)
        #expect(outcome1)
        #expect(table.isOpen(connection, to: Self.a, from: 0))
        guard case .use(let used)? = table.route(from: 0, at: start)?.route, used === connection else { Issue.record("should use it"); return }
        // Another slot (event loop) opens its own.
        _ = try #require(Self.attempt(table.route(from: 1, at: start), to: Self.a))
    }

    @Test func aFailedAttemptBacksTheEndpointOffOnce() throws {
        var table = Self.table()
        let attempt = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.a))
        let outcome2 = table.connectFailed(to: Self.a, from: 0, attempt: attempt, at: start)
        #expect(outcome2)
        // A second report of the same attempt (a waiter) changes nothing.
        let outcome3 = table.connectFailed(to: Self.a, from: 0, attempt: attempt, at: start)
        #expect(!outcome3)
        // While a backs off, calls go to b.
        for _ in 0..<3 { #expect(table.route(from: 0, at: start)?.endpoint == Self.b) }
        // After the backoff, a is tried again.
        let later = start + .seconds(60)
        var picked: Set<Endpoint> = []
        for _ in 0..<2 { if let endpoint = table.route(from: 0, at: later)?.endpoint { picked.insert(endpoint) } }
        #expect(picked == [Self.a, Self.b])
    }

    @Test func aRefusedConnectionDrainsAndTheNextCallReconnects() throws {
        var table = Self.table([Self.a])
        let first = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.a))
        let old = Stub()
        let outcome4 = table.connected(old, to: Self.a, from: 0, attempt: first)
        #expect(outcome4)
        let outcome5 = table.refused(old, to: Self.a, from: 0)
        #expect(outcome5)
        let outcome6 = table.refused(old, to: Self.a, from: 0)  // once
        #expect(!outcome6)
        #expect(table.drainingCount == 1)
        _ = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.a))
        table.drained(old)
        #expect(table.drainingCount == 0)
    }

    @Test func idleConnectionsDrainUnlessTheirEndpointHasCallsInFlight() throws {
        var table = Self.table([Self.a])
        let attempt = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.a))
        let connection = Stub()
        let outcome7 = table.connected(connection, to: Self.a, from: 0, attempt: attempt)
        #expect(outcome7)
        // The first call is still in flight: nothing is idle, however long ago it started.
        let whileInFlight = table.takeIdle(since: start + .seconds(600))
        #expect(whileInFlight.isEmpty)
        _ = table.finished(Self.a, .succeeded(latency: nil), at: start)
        // Used at `start`: not idle since before it, idle since after it.
        let usedSince = table.takeIdle(since: start - .seconds(1))
        #expect(usedSince.isEmpty)
        let idle = table.takeIdle(since: start + .seconds(1))
        #expect(idle.map { $0 === connection } == [true])
        #expect(table.openConnections.isEmpty && table.drainingCount == 1)
    }

    @Test func anEndpointThatLeavesTakesItsConnectionsAndAttemptsAlong() throws {
        var table = Self.table()
        let toA = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.a))
        let toB = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.b))
        let onA = Stub()
        let outcome11 = table.connected(onA, to: Self.a, from: 0, attempt: toA)
        #expect(outcome11)
        let leaving = table.replace(with: [Self.b])
        #expect(leaving.map { $0 === onA } == [true])
        // b's attempt finishes after the change: b stayed, so it is kept.
        let outcome12 = table.connected(Stub(), to: Self.b, from: 0, attempt: toB)
        #expect(outcome12)
        // An attempt to a, started before it left, is not kept when it completes.
        let outcome13 = table.connected(Stub(), to: Self.a, from: 0, attempt: toA)
        #expect(!outcome13)
    }

    @Test func closingReturnsEveryConnectionAndRoutesNothing() throws {
        var table = Self.table()
        let toA = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.a))
        let toB = try #require(Self.attempt(table.route(from: 0, at: start), to: Self.b))
        let (onA, onB) = (Stub(), Stub())
        let outcome14 = table.connected(onA, to: Self.a, from: 0, attempt: toA)
        #expect(outcome14)
        let outcome15 = table.connected(onB, to: Self.b, from: 0, attempt: toB)
        #expect(outcome15)
        let outcome16 = table.refused(onB, to: Self.b, from: 0)
        #expect(outcome16)
        let closed = table.close()
        #expect(closed.count == 2 && closed.contains { $0 === onA } && closed.contains { $0 === onB })
        let routed = table.route(from: 0, at: start)
        #expect(routed == nil && table.isClosed)
    }
}
