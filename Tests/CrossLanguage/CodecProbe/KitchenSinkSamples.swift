import Foundation
import WeftInterop

private typealias Inner = KitchenSink.Inner

/// The `KitchenSink` edge cases. Each one has a twin of the same name in samples.py; change both.
enum KitchenSinkSamples {
    static func all() -> [Sample] {
        [
            Sample("empty", KitchenSink()),
            Sample("scalars_typical", typicalScalars),
            Sample("extremes_high", extremesHigh),
            Sample("extremes_low", extremesLow),
            Sample("floating_point", floatingPoint),
            Sample("empty_strings", emptyStrings),
            Sample("unicode", unicode),
            Sample("all_bytes", allBytes),
            Sample("large_repeated", largeRepeated),
            Sample("repeated_kinds", repeatedKinds),
            Sample("maps", maps),
            Sample("optional_defaults", KitchenSink(oInt32: 0, oString: "")),
            Sample("oneof_string_default", KitchenSink(choice: .cString(""))),
            Sample("oneof_int64_default", KitchenSink(choice: .cInt64(0))),
            Sample("oneof_inner_empty", KitchenSink(choice: .cInner(Inner()))),
            Sample("oneof_int64", KitchenSink(choice: .cInt64(.min))),
            Sample("oneof_inner", KitchenSink(choice: .cInner(Inner(id: 3, label: "c", marks: [-3])))),
            Sample("max_tag", KitchenSink(fMaxTag: .max)),
            Sample("nested_inner", nestedInner),
            Sample("unknown_enum", unknownEnum),
            Sample("nan", nan, compare: compareNaN),
        ]
    }

    static let typicalScalars = KitchenSink(
        fInt32: 150, fInt64: 1_234_567_890_123, fUint32: 3_000_000_000, fUint64: 10_000_000_000_000_000_000,
        fSint32: -42, fSint64: -4_200_000_000, fFixed32: 123_456, fFixed64: 9_876_543_210,
        fSfixed32: -7, fSfixed64: -9_000_000_000, fFloat: 1.5, fDouble: 3.141592653589793, fBool: true,
        fString: "hello, weft", fBytes: Data([0xDE, 0xAD, 0xBE, 0xEF]), color: .green,
        inner: Inner(id: 7, label: "seven", marks: [1, -1, 2]),
        oInt32: 42, oString: "optional", choice: .cString("picked"), fMaxTag: 1
    )

    static let extremesHigh = KitchenSink(
        fInt32: .max, fInt64: .max, fUint32: .max, fUint64: .max, fSint32: .max, fSint64: .max,
        fFixed32: .max, fFixed64: .max, fSfixed32: .max, fSfixed64: .max,
        fFloat: .infinity, fDouble: .infinity, fBool: true, color: .blue
    )

    /// Negative int32/int64 and the negative enum number are 10-byte varints on the wire.
    static let extremesLow = KitchenSink(
        fInt32: .min, fInt64: .min, fUint32: 1, fUint64: 1, fSint32: .min, fSint64: .min,
        fFixed32: 1, fFixed64: 1, fSfixed32: .min, fSfixed64: .min,
        fFloat: -.infinity, fDouble: -.infinity, color: .infrared
    )

    /// Subnormals, the largest finite double, values whose shortest text is long, and the
    /// boundary where a JSON writer may switch from integer to exponent notation. Not the
    /// largest finite float: Python's json_format rejects its shortest text "3.4028235e+38".
    static let floatingPoint = KitchenSink(
        fFloat: 0.1, fDouble: -0.0,
        rFloat: [1.5, -2.5, 0.1, .leastNonzeroMagnitude, .leastNormalMagnitude, 1e38, -1e38],
        rDouble: [
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            0.1, 1e-300, 1e300, 123_456_789.123_456_78, 1e15, 999_999_999_999_999, 4_503_599_627_370_497,
        ]
    )

    static let emptyStrings = KitchenSink(
        fInt32: 1, fBool: true, fString: "", fBytes: Data(),
        inner: Inner(id: 1, label: "", marks: []),
        rString: ["", "x", ""], rBytes: [Data(), Data([0]), Data()]
    )

    /// Swift compares strings by canonical equivalence, so the decomposed "é" here only proves
    /// itself in the Python direction, where comparison is by code point.
    static let unicodeText =
        "accents: Ça va, naïve café, e\u{301} | CJK: 日本語 中文 한국어 | emoji: 😀 🇵🇹 👩\u{200D}👩\u{200D}👧 𝄞 | "
        + "NUL:\u{0} quote:\" backslash:\\ slash:/ | controls:\t\n\r\u{7}\u{8}\u{C}\u{1B}\u{1F}\u{7F} | "
        + "separators:\u{2028}\u{2029} | BOM:\u{FEFF} | last BMP:\u{FFFD}"

    static let unicode = KitchenSink(
        fString: unicodeText,
        inner: Inner(label: "ünïcödé 🚀"),
        rString: ["日本", "😀", "\u{0}", "\"\\"],
        mStringInt64: ["clé": 1, "キー": 2, "🔑": 3],
        oString: "Ωmega"
    )

    static let allBytes = KitchenSink(
        fBytes: Data(UInt8.min...UInt8.max),
        rBytes: [Data((UInt8.min...UInt8.max).reversed()), Data([0xFF]), Data([0x00])]
    )

    static let largeRepeated = KitchenSink(
        rInt32: (0..<10_000).map { Int32($0 * 104_729 - 500_000_000) },
        rString: (0..<1_000).map { "item \($0) ✓" }
    )

    static let repeatedKinds = KitchenSink(
        rInt32: [.min, -1, 0, 1, .max],
        rInt64: [.min, -1, 0, 1, .max],
        rUint64: [0, 1, .max],
        rSint32: [.min, -1, 0, 1, .max],
        rSint64: [.min, -1, 0, 1, .max],
        rFixed32: [0, 1, .max],
        rSfixed64: [.min, -1, 0, .max],
        rFloat: [0, -1.5, 1.5, .infinity],
        rDouble: [0, -2.5, 2.5, -.infinity],
        rBool: [true, false, true],
        rColor: [.unspecified, .red, .green, .blue, .infrared],
        rUnpackedInt32: [-1, 0, 1, 300, .min, .max],
        rString: ["a", "", "ü"],
        rBytes: [Data([0]), Data(), Data([0xFF])],
        rInner: [Inner(id: 1), Inner()]
    )

    /// Default keys and values are real entries in a map and must be kept.
    static let maps = KitchenSink(
        mStringInt64: ["": 0, "a": .max, "é": .min, "日本語": -1, "😀": 1],
        mInt32String: [.min: "min", -1: "minus one", 0: "", .max: "max"],
        mStringInner: ["": Inner(), "naïve 日本 😀": Inner(id: -1, label: "v", marks: [.min])]
    )

    static let nestedInner = KitchenSink(
        inner: Inner(id: .min, label: "inner ✓", marks: [.min, -1, 0, 1, .max]),
        rInner: [Inner(), Inner(id: 1, label: "one", marks: [-1]), Inner(id: -2, label: "", marks: [])]
    )

    /// 7 and -100 are not in the schema's Color: an open enum keeps them as numbers.
    static let unknownEnum = KitchenSink(
        color: .unrecognized(7),
        rColor: [.red, .unrecognized(7), .infrared, .unrecognized(-100)]
    )

    static let nan = KitchenSink(fInt32: 1, fFloat: .nan, fDouble: .nan, rDouble: [1.5, .nan])

    /// NaN never equals itself: the NaN positions are checked with `isNaN`, the rest with `==`.
    static func compareNaN(_ expected: KitchenSink, _ actual: KitchenSink) -> String? {
        guard actual.fFloat.isNaN, actual.fDouble.isNaN, actual.rDouble.count == 2, actual.rDouble[1].isNaN else {
            return "expected NaN in fFloat, fDouble, rDouble[1]; "
                + "got \(actual.fFloat), \(actual.fDouble), \(actual.rDouble)"
        }
        func clearingNaN(_ message: KitchenSink) -> KitchenSink {
            var message = message
            message.fFloat = 0
            message.fDouble = 0
            message.rDouble[1] = 0
            return message
        }
        return MessageDiff.compare(clearingNaN(expected), clearingNaN(actual))
    }
}
