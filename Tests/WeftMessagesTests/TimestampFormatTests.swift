import Testing
@testable import WeftMessages

@Suite("Timestamp and Duration text")
struct TimestampFormatTests {
    @Test("timestamps format with 0, 3, 6 or 9 digits", arguments: [
        (Int64(0), Int32(0), "1970-01-01T00:00:00Z"),
        (63_108_020, 21_000_000, "1972-01-01T10:00:20.021Z"),
        (1_700_000_000, 1000, "2023-11-14T22:13:20.000001Z"),
        (-1, 999_999_999, "1969-12-31T23:59:59.999999999Z"),
        (951_782_400, 0, "2000-02-29T00:00:00Z"),
        (-62_135_596_800, 0, "0001-01-01T00:00:00Z"),
        (253_402_300_799, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
    ])
    func timestamps(_ seconds: Int64, _ nanos: Int32, _ text: String) throws {
        #expect(TimestampFormat.formatTimestamp(seconds: seconds, nanos: nanos) == text)
        let parsed = try #require(TimestampFormat.parseTimestamp(text))
        #expect(parsed.seconds == seconds && parsed.nanos == nanos)
    }

    @Test func timestampOutOfRange() {
        #expect(TimestampFormat.formatTimestamp(seconds: -62_135_596_801, nanos: 0) == nil)
        #expect(TimestampFormat.formatTimestamp(seconds: 253_402_300_800, nanos: 0) == nil)
        #expect(TimestampFormat.formatTimestamp(seconds: 0, nanos: -1) == nil)
        #expect(TimestampFormat.formatTimestamp(seconds: 0, nanos: 1_000_000_000) == nil)
    }

    @Test func timestampParsing() throws {
        let plus = try #require(TimestampFormat.parseTimestamp("1970-01-01T01:00:00+01:00"))
        #expect(plus.seconds == 0)
        let minus = try #require(TimestampFormat.parseTimestamp("1969-12-31T23:30:00.5-00:30"))
        #expect(minus.seconds == 0 && minus.nanos == 500_000_000)
        #expect(TimestampFormat.parseTimestamp("1970-01-01t00:00:00z")?.seconds == 0)
        #expect(TimestampFormat.parseTimestamp("1970-01-01T00:00:00.1Z")?.nanos == 100_000_000)
        for bad in [
            "1970-01-01T00:00:00", "1970-01-01 00:00:00Z", "1970-13-01T00:00:00Z", "1970-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z", "1970-01-01T24:00:00Z", "1970-01-01T00:60:00Z", "1970-01-01T00:00:60Z",
            "1970-01-01T00:00:00.Z", "1970-01-01T00:00:00.1234567890Z", "0000-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
            "1970-01-01T00:00:00+0100", "1970-01-01T00:00:00Zjunk", "",
        ] {
            #expect(TimestampFormat.parseTimestamp(bad) == nil, "\(bad)")
        }
    }

    @Test("durations", arguments: [
        (Int64(0), Int32(0), "0s"), (1, 500_000_000, "1.500s"), (0, -500_000_000, "-0.500s"), (-5, 0, "-5s"),
        (0, 1, "0.000000001s"), (3, 1000, "3.000001s"), (315_576_000_000, 999_999_999, "315576000000.999999999s"),
        (-315_576_000_000, -999_999_999, "-315576000000.999999999s"),
    ])
    func durations(_ seconds: Int64, _ nanos: Int32, _ text: String) throws {
        #expect(TimestampFormat.formatDuration(seconds: seconds, nanos: nanos) == text)
        let parsed = try #require(TimestampFormat.parseDuration(text))
        #expect(parsed.seconds == seconds && parsed.nanos == nanos)
    }

    @Test func durationParsingAndRange() {
        #expect(TimestampFormat.parseDuration("1.5s")?.nanos == 500_000_000)
        #expect(TimestampFormat.parseDuration("-0.5s")?.nanos == -500_000_000)
        for bad in ["1.5", "s", "-s", "1.s", ".5s", "+1s", "1.0000000001s", "315576000001s", "1 s", "1e3s", ""] {
            #expect(TimestampFormat.parseDuration(bad) == nil, "\(bad)")
        }
        #expect(TimestampFormat.formatDuration(seconds: 315_576_000_001, nanos: 0) == nil)
        #expect(TimestampFormat.formatDuration(seconds: 1, nanos: -1) == nil)
        #expect(TimestampFormat.formatDuration(seconds: 0, nanos: 1_000_000_000) == nil)
    }
}
