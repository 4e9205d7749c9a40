import Foundation

/// SplitMix64 (Steele, Lea and Flood, 2014): a small generator whose whole state is one integer,
/// so a run of "random" inputs is replayed exactly from the seed it started from.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seed of the tests' random inputs: fixed, so every run checks the same inputs, unless
/// `WEFT_TEST_SEED` (a decimal integer) chooses others, e.g. to replay a seed another run reported
/// or to explore. Failure messages name the seed in use.
let testSeed: UInt64 = ProcessInfo.processInfo.environment["WEFT_TEST_SEED"].flatMap { UInt64($0) } ?? 0x5745_4654_5345_4544

/// `bytes` in hexadecimal, for failure messages that let an input be replayed by hand.
func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
