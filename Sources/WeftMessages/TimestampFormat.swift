/// Text forms of `google.protobuf.Timestamp` (RFC 3339) and `google.protobuf.Duration` (`"1.5s"`)
/// as the proto3 JSON mapping defines them.
public enum TimestampFormat {
    /// Seconds of 0001-01-01T00:00:00Z since the Unix epoch.
    public static let minTimestampSeconds: Int64 = -62_135_596_800
    /// Seconds of 9999-12-31T23:59:59Z since the Unix epoch.
    public static let maxTimestampSeconds: Int64 = 253_402_300_799
    /// Largest magnitude of a Duration's seconds (10,000 years).
    public static let maxDurationSeconds: Int64 = 315_576_000_000

    /// Formats a Timestamp as RFC 3339 in UTC (`1972-01-01T10:00:20.021Z`) with 0, 3, 6 or 9
    /// fractional digits; nil when it is outside 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999999999Z.
    public static func formatTimestamp(seconds: Int64, nanos: Int32) -> String? {
        var buffer = OutputBuffer(capacity: 32)
        guard appendTimestamp(seconds: seconds, nanos: nanos, to: &buffer) == nil else { return nil }
        return buffer.takeString()
    }

    /// Formats a Duration as seconds with an `s` suffix (`1.5s`, `-0.5s`); nil when out of range or
    /// when seconds and nanos have different signs.
    public static func formatDuration(seconds: Int64, nanos: Int32) -> String? {
        var buffer = OutputBuffer(capacity: 32)
        guard appendDuration(seconds: seconds, nanos: nanos, to: &buffer) == nil else { return nil }
        return buffer.takeString()
    }

    /// Parses an RFC 3339 timestamp (`Z` or a `±HH:MM` offset, up to 9 fractional digits) into
    /// seconds and nanos since the Unix epoch; nil when malformed or out of range.
    public static func parseTimestamp(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var text = text
        return text.withUTF8 { parseTimestamp(UnsafeRawBufferPointer($0)) }
    }

    /// Parses a Duration like `1.5s` or `-0.000000001s`; nil when malformed or out of range.
    public static func parseDuration(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var text = text
        return text.withUTF8 { parseDuration(UnsafeRawBufferPointer($0)) }
    }

    // MARK: Formatting

    /// Appends the timestamp text, its fraction at least `minimumFractionDigits` (0 or 3) long;
    /// returns a problem description instead when it has none.
    static func appendTimestamp(
        seconds: Int64, nanos: Int32, minimumFractionDigits: Int = 0, to buffer: inout OutputBuffer
    ) -> String? {
        guard seconds >= minTimestampSeconds, seconds <= maxTimestampSeconds, nanos >= 0, nanos <= 999_999_999 else {
            return "Timestamp seconds \(seconds) nanos \(nanos) is outside 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999999999Z"
        }
        let days = Int(seconds.floorDiv(86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        buffer.appendDigits(year, width: 4)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDigits(month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDigits(day, width: 2)
        buffer.append(UInt8(ascii: "T"))
        buffer.appendDigits(secondOfDay / 3600, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendDigits(secondOfDay / 60 % 60, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendDigits(secondOfDay % 60, width: 2)
        if nanos == 0, minimumFractionDigits > 0 {
            buffer.append(UInt8(ascii: "."))
            buffer.appendDigits(0, width: minimumFractionDigits)
        } else {
            appendFraction(Int(nanos), to: &buffer)
        }
        buffer.append(UInt8(ascii: "Z"))
        return nil
    }

    /// Appends the duration text; returns a problem description instead when it has none.
    static func appendDuration(seconds: Int64, nanos: Int32, to buffer: inout OutputBuffer) -> String? {
        guard seconds.magnitude <= UInt64(maxDurationSeconds), nanos.magnitude <= 999_999_999,
              !(seconds > 0 && nanos < 0), !(seconds < 0 && nanos > 0)
        else {
            return "Duration seconds \(seconds) nanos \(nanos) is out of range or has mixed signs"
        }
        if seconds < 0 || nanos < 0 { buffer.append(UInt8(ascii: "-")) }
        buffer.appendDecimal(seconds.magnitude)
        appendFraction(Int(nanos.magnitude), to: &buffer)
        buffer.append(UInt8(ascii: "s"))
        return nil
    }

    /// Appends `.ddd`, `.dddddd` or `.ddddddddd` (the shortest exact one), nothing for zero.
    static func appendFraction(_ nanos: Int, to buffer: inout OutputBuffer) {
        guard nanos != 0 else { return }
        buffer.append(UInt8(ascii: "."))
        if nanos % 1_000_000 == 0 {
            buffer.appendDigits(nanos / 1_000_000, width: 3)
        } else if nanos % 1000 == 0 {
            buffer.appendDigits(nanos / 1000, width: 6)
        } else {
            buffer.appendDigits(nanos, width: 9)
        }
    }

    // MARK: Calendar (proleptic Gregorian, after H. Hinnant's civil_from_days)

    static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: Parsing

    /// Reads exactly `count` ASCII digits at `index`.
    static func digits(_ text: UnsafeRawBufferPointer, _ index: Int, _ count: Int) -> Int? {
        guard index + count <= text.count else { return nil }
        var value = 0
        for i in index..<index + count {
            let d = Int(text[i]) - 0x30
            guard d >= 0, d <= 9 else { return nil }
            value = value * 10 + d
        }
        return value
    }

    /// Reads `.` and 1...9 digits at `index`; returns nanos and the index after them.
    static func fraction(_ text: UnsafeRawBufferPointer, _ index: Int) -> (nanos: Int, end: Int)? {
        guard index < text.count, text[index] == UInt8(ascii: ".") else { return (0, index) }
        var i = index + 1
        var nanos = 0
        var count = 0
        while i < text.count, text[i] >= 0x30, text[i] <= 0x39 {
            guard count < 9 else { return nil }
            nanos = nanos * 10 + Int(text[i] - 0x30)
            count += 1
            i += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<9 { nanos *= 10 }
        return (nanos, i)
    }

    static func parseTimestamp(_ t: UnsafeRawBufferPointer) -> (seconds: Int64, nanos: Int32)? {
        guard t.count >= 20,
              let year = digits(t, 0, 4), t[4] == UInt8(ascii: "-"),
              let month = digits(t, 5, 2), t[7] == UInt8(ascii: "-"),
              let day = digits(t, 8, 2), t[10] | 0x20 == UInt8(ascii: "t"),
              let hour = digits(t, 11, 2), t[13] == UInt8(ascii: ":"),
              let minute = digits(t, 14, 2), t[16] == UInt8(ascii: ":"),
              let second = digits(t, 17, 2),
              year >= 1, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59,
              let (nanos, i) = fraction(t, 19), i < t.count
        else { return nil }
        var offsetSeconds = 0
        if t[i] | 0x20 == UInt8(ascii: "z") {
            guard i + 1 == t.count else { return nil }
        } else {
            guard t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-"), i + 6 == t.count,
                  let offsetHours = digits(t, i + 1, 2), t[i + 3] == UInt8(ascii: ":"),
                  let offsetMinutes = digits(t, i + 4, 2), offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (t[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        guard seconds >= minTimestampSeconds, seconds <= maxTimestampSeconds else { return nil }
        return (seconds, Int32(nanos))
    }

    static func parseDuration(_ t: UnsafeRawBufferPointer) -> (seconds: Int64, nanos: Int32)? {
        guard t.count >= 2, t[t.count - 1] == UInt8(ascii: "s") else { return nil }
        var i = 0
        let negative = t[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var seconds: Int64 = 0
        let digitsStart = i
        while i < t.count - 1, t[i] >= 0x30, t[i] <= 0x39 {
            guard i - digitsStart < 12 else { return nil }
            seconds = seconds * 10 + Int64(t[i] - 0x30)
            i += 1
        }
        guard i > digitsStart, let (nanos, end) = fraction(t, i), end == t.count - 1,
              seconds <= maxDurationSeconds
        else { return nil }
        return negative ? (-seconds, -Int32(nanos)) : (seconds, Int32(nanos))
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDiv(_ d: Int64) -> Int64 {
        let (q, r) = quotientAndRemainder(dividingBy: d)
        return r < 0 ? q - 1 : q
    }
}
