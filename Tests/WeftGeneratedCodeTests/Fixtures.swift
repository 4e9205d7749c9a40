import Foundation
import WeftInterop
import WeftMessages

/// A KitchenSink with every kind of field set, shared by the codec tests.
enum Fixtures {
    static let inner = KitchenSink.Inner(id: 7, label: "inner ✓", marks: [-3, 0, 3, Int32.min, Int32.max])

    static let kitchenSink = KitchenSink(
        fInt32: -42, fInt64: Int64.min, fUint32: UInt32.max, fUint64: UInt64.max,
        fSint32: -1, fSint64: Int64.max, fFixed32: 1, fFixed64: 2, fSfixed32: -3, fSfixed64: -4,
        fFloat: 1.5, fDouble: -0.25, fBool: true, fString: "héllo \"wörld\" 🌍", fBytes: Data([0, 1, 255]),
        color: .blue, inner: inner,
        rInt32: [1, -1, 300], rInt64: [Int64.min, 0], rUint64: [UInt64.max], rSint32: [-5, 5],
        rSint64: [-6], rFixed32: [7, 8], rSfixed64: [-9], rFloat: [0.5, -0.5], rDouble: [1e300, -1e-300],
        rBool: [true, false, true], rColor: [.red, .infrared, .unrecognized(42)], rUnpackedInt32: [10, -20],
        rString: ["", "a", "ü"], rBytes: [Data(), Data([9])], rInner: [inner, KitchenSink.Inner()],
        mStringInt64: ["": 0, "k": -7], mInt32String: [-1: "minus one", 2: ""], mStringInner: ["x": inner],
        oInt32: 0, oString: "", choice: .cInner(inner), fMaxTag: 99
    )
}
