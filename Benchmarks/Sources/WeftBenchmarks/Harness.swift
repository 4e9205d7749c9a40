/// A minimal timing harness: each measurement runs its body in batches sized to last about
/// 20 ms, repeats the batch 15 times and reports the median nanoseconds per operation.
struct Harness {
    static let samples = 15
    static let targetBatch = Duration.milliseconds(20)

    /// Keeps results observable so the optimizer cannot drop the measured work.
    nonisolated(unsafe) static var sink = 0

    static func nanosecondsPerOperation(_ body: () throws -> Int) rethrows -> Double {
        let clock = ContinuousClock()
        var batch = 1
        while true {
            let elapsed = try clock.measure { for _ in 0..<batch { sink &+= try body() } }
            if elapsed >= targetBatch / 4 || batch >= 1 << 24 {
                batch = max(1, Int(Double(batch) * (targetBatch / elapsed)))
                break
            }
            batch *= 4
        }
        var perOperation: [Double] = []
        for _ in 0..<samples {
            let elapsed = try clock.measure { for _ in 0..<batch { sink &+= try body() } }
            perOperation.append(nanoseconds(elapsed) / Double(batch))
        }
        perOperation.sort()
        return perOperation[samples / 2]
    }

    private static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}
