import WeftRPC

/// The connections of one upstream as decisions, without I/O. Per endpoint and slot (an event
/// loop's own connection, or one slot shared by every caller) a connection is idle (none),
/// connecting, or open; it leaves `open` to drain (it refused a call after GOAWAY, its endpoint
/// left the list, or it carried no call for a while) and closes once its calls have ended.
/// Beside them, the endpoints' health and load (`EndpointSet`). Each event returns what the
/// owner must do: open a connection, keep or close one, close one once its calls end.
///
/// A plain value kept under its owner's lock, with `now` passed in: `UpstreamConnections`
/// drives it with real connections for the mesh's channels and the gateway alike; tests drive
/// it with stand-ins.
package struct UpstreamConnectionTable<Connection: AnyObject & Sendable, Slot: Hashable & Sendable>: Sendable {
    /// One attempt to open a connection, told apart from later attempts at the same place.
    package struct Attempt: Hashable, Sendable {
        let number: Int
    }

    /// How a call reaches its endpoint.
    package enum Route: Sendable {
        /// Over this open connection.
        case use(Connection)
        /// Over the connection another call is opening: wait for that attempt's outcome.
        case wait(Attempt)
        /// Open a connection (this attempt) and report how it went: `connected` or `connectFailed`.
        case connect(Attempt)
    }

    private enum Phase {
        case connecting(Attempt)
        case open(Connection)
    }

    private struct Place: Hashable {
        let endpoint: Endpoint
        let slot: Slot
    }

    private struct Entry {
        var phase: Phase
        /// When a call last went this way (for idle close).
        var lastUsed: ContinuousClock.Instant
    }

    /// The endpoints, their health and their load.
    package private(set) var endpoints: EndpointSet
    private var entries: [Place: Entry] = [:]
    /// Connections out of use, closing once their calls have ended, by identity.
    private var draining: [ObjectIdentifier: Connection] = [:]
    private var attempts = 0
    /// Whether `close` was called: no call is routed any more.
    package private(set) var isClosed = false

    /// A table over `endpoints`, with no connection yet.
    package init(_ endpoints: EndpointSet) {
        self.endpoints = endpoints
    }

    /// The endpoint for a call from `slot` by the balancing rule (counted in flight until
    /// `finished`), among those with an open connection there or not backing off, and how to
    /// reach it. Nil when none may take a call, or the table is closed.
    package mutating func route(from slot: Slot, at now: ContinuousClock.Instant) -> (endpoint: Endpoint, route: Route)? {
        guard !isClosed else { return nil }
        // The entries are moved out while the endpoints pick (which reads them), then back: a
        // copy kept for the picking would make the update below copy the whole table.
        var entries: [Place: Entry] = [:]
        swap(&entries, &self.entries)
        defer { swap(&entries, &self.entries) }
        let picked = endpoints.pick(at: now) { endpoint in
            if case .open = entries[Place(endpoint: endpoint, slot: slot)]?.phase { true } else { false }
        }
        guard let endpoint = picked else { return nil }
        let place = Place(endpoint: endpoint, slot: slot)
        guard let index = entries.index(forKey: place) else {
            attempts += 1
            let attempt = Attempt(number: attempts)
            entries[place] = Entry(phase: .connecting(attempt), lastUsed: now)
            return (endpoint, .connect(attempt))
        }
        entries.values[index].lastUsed = now
        switch entries.values[index].phase {
        case .open(let connection): return (endpoint, .use(connection))
        case .connecting(let attempt): return (endpoint, .wait(attempt))
        }
    }

    /// `attempt` opened `connection`: whether it is kept, open at its place. When not (the
    /// endpoint left the list or the table closed meanwhile) the owner closes it.
    package mutating func connected(_ connection: Connection, to endpoint: Endpoint, from slot: Slot, attempt: Attempt) -> Bool {
        let place = Place(endpoint: endpoint, slot: slot)
        guard !isClosed, case .connecting(attempt)? = entries[place]?.phase else { return false }
        entries[place]?.phase = .open(connection)
        endpoints.connected(endpoint)
        return true
    }

    /// `attempt` failed: whether it was the attempt its place waited for. Then the place is idle
    /// again and the endpoint backs off, once however many calls waited on the attempt.
    package mutating func connectFailed(to endpoint: Endpoint, from slot: Slot, attempt: Attempt, at now: ContinuousClock.Instant) -> Bool {
        let place = Place(endpoint: endpoint, slot: slot)
        guard case .connecting(attempt)? = entries[place]?.phase else { return false }
        entries[place] = nil
        endpoints.connectFailed(endpoint, at: now)
        return true
    }

    /// Whether `connection` is the open one at its place: a call that waited for an attempt
    /// uses the connection only then.
    package func isOpen(_ connection: Connection, to endpoint: Endpoint, from slot: Slot) -> Bool {
        if case .open(let open)? = entries[Place(endpoint: endpoint, slot: slot)]?.phase { open === connection } else { false }
    }

    /// `connection` refused a call without sending it (it drains after GOAWAY, or is gone):
    /// whether it was open at its place. It then drains: the next call there opens another,
    /// and the owner closes this one once its calls have ended, then reports `drained`.
    package mutating func refused(_ connection: Connection, to endpoint: Endpoint, from slot: Slot) -> Bool {
        let place = Place(endpoint: endpoint, slot: slot)
        guard isOpen(connection, to: endpoint, from: slot) else { return false }
        entries[place] = nil
        draining[ObjectIdentifier(connection)] = connection
        return true
    }

    /// A draining connection has closed.
    package mutating func drained(_ connection: Connection) {
        draining[ObjectIdentifier(connection)] = nil
    }

    /// A call routed to `endpoint` ended; whether its outcome got the endpoint ejected.
    package mutating func finished(_ endpoint: Endpoint, _ outcome: CallOutcome, at now: ContinuousClock.Instant) -> Bool {
        endpoints.finished(endpoint, outcome, at: now)
    }

    /// The open connections no call was routed to since `cutoff`, of endpoints with no call in
    /// flight (a long stream keeps its connection): they drain, and the owner closes them.
    package mutating func takeIdle(since cutoff: ContinuousClock.Instant) -> [Connection] {
        var idle: [Connection] = []
        for (place, entry) in entries {
            guard case .open(let connection) = entry.phase, entry.lastUsed <= cutoff, endpoints.inFlight(place.endpoint) == 0 else { continue }
            entries[place] = nil
            draining[ObjectIdentifier(connection)] = connection
            idle.append(connection)
        }
        return idle
    }

    /// Replaces the endpoint list (see `EndpointSet.replace`): the open connections of
    /// endpoints that left drain, and attempts to them are forgotten (what they open is not
    /// kept). Returns the connections to close once their calls have ended.
    package mutating func replace(with listed: [Endpoint]) -> [Connection] {
        guard !isClosed, let left = endpoints.replace(with: listed) else { return [] }
        var leaving: [Connection] = []
        for (place, entry) in entries where left.contains(place.endpoint) {
            entries[place] = nil
            guard case .open(let connection) = entry.phase else { continue }
            draining[ObjectIdentifier(connection)] = connection
            leaving.append(connection)
        }
        return leaving
    }

    /// Closes the table: no call is routed any more, and nothing an attempt opens is kept.
    /// Returns every connection, open or draining, to close now.
    package mutating func close() -> [Connection] {
        isClosed = true
        var all = Array(draining.values)
        draining = [:]
        for entry in entries.values {
            if case .open(let connection) = entry.phase { all.append(connection) }
        }
        entries = [:]
        return all
    }

    /// The open connections (not the draining ones).
    package var openConnections: [Connection] {
        entries.values.compactMap { entry in
            if case .open(let connection) = entry.phase { connection } else { nil }
        }
    }

    /// How many connections are draining.
    package var drainingCount: Int { draining.count }
}
