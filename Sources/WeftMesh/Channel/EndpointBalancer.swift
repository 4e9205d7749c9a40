import WeftRPC
/// How a `MeshChannel` spreads calls over its endpoints.
public enum Balancing: Sendable, Hashable {
    /// In turn.
    case roundRobin
    /// Two endpoints at random; the one with less work (calls in flight × recent latency) wins,
    /// which steers calls away from a slow endpoint without herding onto one fast one.
    case powerOfTwoChoices
}

/// When an endpoint that keeps failing is taken out of rotation (outlier ejection).
public struct OutlierPolicy: Sendable, Hashable {
    /// Failures in a row (connection errors, UNAVAILABLE) that eject an endpoint.
    public var consecutiveFailures = 5
    /// How long the first ejection lasts; each further one of the same endpoint lasts longer.
    public var ejectionDuration: Duration = .seconds(30)
    /// The largest share of endpoints ejected at once (at least one always stays).
    public var maximumEjectedFraction = 0.5

    public init() {}
}

/// How a call ended, as balancing judges its endpoint.
public enum CallOutcome: Sendable, Equatable {
    /// It succeeded; `latency` feeds the endpoint's latency average when given (a stream's
    /// length says nothing about the endpoint's speed, so streams give none).
    case succeeded(latency: Duration?)
    /// It failed in a way that points at the endpoint: a connection error, UNAVAILABLE.
    case endpointFailed
    /// It ended saying nothing about the endpoint: cancelled, never sent, an application error.
    case neutral

    /// A failed call's outcome: UNAVAILABLE points at the endpoint, other statuses do not.
    public static func failed(_ error: any Error) -> CallOutcome {
        (error as? Status)?.code == .unavailable ? .endpointFailed : .neutral
    }
}

/// The load and health of each endpoint, and the choice of the next one. A plain value, kept
/// inside an `EndpointSet`, under its owner's lock; `now` is passed in.
struct EndpointBalancer {
    struct Load {
        var inFlight = 0
        /// Exponentially weighted moving average of call latency, in seconds (0: none yet).
        var latency = 0.0
        var failuresInARow = 0
        var ejectedUntil: ContinuousClock.Instant?
        var timesEjected = 0
    }

    let balancing: Balancing
    let outliers: OutlierPolicy
    private(set) var loads: [Load]
    private var nextInTurn = 0

    init(count: Int, balancing: Balancing, outliers: OutlierPolicy) {
        self.balancing = balancing
        self.outliers = outliers
        self.loads = Array(repeating: Load(), count: count)
    }

    /// A new endpoint list: position `i` was endpoint `previous[i]` before (its load carries
    /// over), or is new (nil).
    mutating func remap(_ previous: [Int?]) {
        loads = previous.map { $0.map { loads[$0] } ?? Load() }
        nextInTurn = 0
    }

    func isEjected(_ index: Int, at now: ContinuousClock.Instant) -> Bool {
        loads[index].ejectedUntil.map { $0 > now } ?? false
    }

    /// The endpoint for the next call among `usable` ones (not ejected; all of them when every
    /// usable endpoint is ejected), counted as in flight; nil when none is usable.
    mutating func pick(usable: some Collection<Int>, at now: ContinuousClock.Instant, random: (Int) -> Int = { Int.random(in: 0..<$0) }) -> Int? {
        // The candidates are gathered on the stack: no array per call.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: usable.count) { candidates in
            var count = 0
            for index in usable where !isEjected(index, at: now) {
                candidates.initializeElement(at: count, to: index)
                count += 1
            }
            if count == 0 {
                // Every usable endpoint is ejected: all of them are candidates.
                for index in usable {
                    candidates.initializeElement(at: count, to: index)
                    count += 1
                }
            }
            return choose(among: UnsafeBufferPointer(rebasing: candidates[..<count]), random: random)
        }
    }

    /// Picks among `candidates` (endpoint indices) by the balancing rule, counted as in flight.
    private mutating func choose(among candidates: UnsafeBufferPointer<Int>, random: (Int) -> Int) -> Int? {
        guard !candidates.isEmpty else { return nil }
        let chosen: Int
        switch balancing {
        case .roundRobin:
            chosen = candidates.first { $0 >= nextInTurn } ?? candidates[0]
            nextInTurn = chosen + 1
        case .powerOfTwoChoices:
            let first = candidates[random(candidates.count)]
            var second = candidates[random(candidates.count)]
            if candidates.count > 1, second == first { second = candidates[(candidates.firstIndex(of: first)! + 1) % candidates.count] }
            chosen = work(second) < work(first) ? second : first
        }
        loads[chosen].inFlight += 1
        return chosen
    }

    /// How busy an endpoint looks: calls in flight, weighted by its recent latency.
    private func work(_ index: Int) -> Double {
        Double(loads[index].inFlight + 1) * max(loads[index].latency, 0.000_001)
    }

    /// Records the end of a call on `index`; returns whether it got the endpoint ejected.
    @discardableResult
    mutating func finished(_ index: Int, _ outcome: CallOutcome, at now: ContinuousClock.Instant) -> Bool {
        loads[index].inFlight = max(0, loads[index].inFlight - 1)
        switch outcome {
        case .succeeded(let latency):
            loads[index].failuresInARow = 0
            guard let seconds = latency?.inSeconds else { return false }
            loads[index].latency = loads[index].latency == 0 ? seconds : 0.8 * loads[index].latency + 0.2 * seconds
        case .endpointFailed:
            loads[index].failuresInARow += 1
            if loads[index].failuresInARow >= outliers.consecutiveFailures { return eject(index, at: now) }
        case .neutral:
            break
        }
        return false
    }

    private mutating func eject(_ index: Int, at now: ContinuousClock.Instant) -> Bool {
        let ejected = loads.indices.filter { isEjected($0, at: now) }.count
        let allowed = max(0, min(loads.count - 1, Int(Double(loads.count) * outliers.maximumEjectedFraction)))
        guard ejected < allowed else { return false }
        loads[index].timesEjected += 1
        loads[index].failuresInARow = 0
        loads[index].ejectedUntil = now + outliers.ejectionDuration * loads[index].timesEjected
        return true
    }
}
