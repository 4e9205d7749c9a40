import Synchronization

/// Keeps a channel's endpoint list fresh from a resolver (DNS, a registry): a lookup now,
/// another every `interval`, and one on demand when no endpoint takes a call. Lookups never
/// pile up: one runs at a time (callers asking meanwhile wait for it) and, on demand, at most
/// one per `minimumGap`, so a failing name or a dead upstream does not flood the resolver.
/// Found lists go to `found`; a failed lookup keeps the list known.
public final class EndpointRefresher: Sendable {
    private struct State {
        var lookup: Task<Void, Never>?
        var lastLookup: ContinuousClock.Instant?
        var periodic: Task<Void, Never>?
        var stopped = false
    }

    private let resolver: any EndpointResolver
    private let minimumGap: Duration
    private let found: @Sendable ([Endpoint]) -> Void
    private let state = Mutex(State())

    /// Starts looking `resolver` up every `interval`, the first time at once (or after the
    /// first interval, for a caller that has just looked it up itself).
    public init(
        _ resolver: any EndpointResolver, every interval: Duration, minimumGap: Duration = .seconds(1), lookUpAtOnce: Bool = true,
        found: @escaping @Sendable ([Endpoint]) -> Void
    ) {
        self.resolver = resolver
        self.minimumGap = minimumGap
        self.found = found
        let periodic = Task { [weak self] in
            if !lookUpAtOnce { try? await Task.sleep(for: interval) }
            while !Task.isCancelled {
                do {
                    guard let refresher = self else { return }
                    await refresher.lookUp(evenIfRecent: true)
                }
                try? await Task.sleep(for: interval)
            }
        }
        state.withLock { $0.periodic = periodic }
    }

    deinit {
        stop()
    }

    /// Looks up now, unless a lookup is running (then waits for it) or the last one began less
    /// than `minimumGap` ago.
    public func lookUpNow() async {
        await lookUp(evenIfRecent: false)
    }

    /// Stops looking up; a lookup in progress delivers nothing more (unless it is delivering
    /// right now).
    public func stop() {
        let tasks = state.withLock { state in
            state.stopped = true
            return [state.periodic, state.lookup].compactMap { $0 }
        }
        for task in tasks { task.cancel() }
    }

    private func lookUp(evenIfRecent: Bool) async {
        let (resolver, found, minimumGap) = (self.resolver, self.found, self.minimumGap)
        let lookup: Task<Void, Never>? = state.withLock { state in
            guard !state.stopped else { return nil }
            if let running = state.lookup { return running }
            if !evenIfRecent, let last = state.lastLookup, ContinuousClock.now - last < minimumGap { return nil }
            state.lastLookup = .now
            let lookup = Task { [weak self] in
                let endpoints = try? await resolver.resolve()
                // Delivered before the next lookup may start, so lists arrive in order.
                if let endpoints, self?.state.withLock({ !$0.stopped }) == true { found(endpoints) }
                self?.state.withLock { $0.lookup = nil }
            }
            state.lookup = lookup
            return lookup
        }
        await lookup?.value
    }
}
