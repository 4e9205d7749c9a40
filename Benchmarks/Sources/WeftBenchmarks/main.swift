import SwiftProtobuf
import SwiftProtobufBenchMessages
import WeftBenchMessages
import WeftMessages

// Weft's generated codec against SwiftProtobuf 1.39 on the same messages, in one run.
// Prints a Markdown table: median ns/op for each side and the speed-up (SwiftProtobuf ÷ Weft).

/// Takes a decoded value out of the optimizer's reach without measurable cost.
@inline(never) func blackHole<T>(_ value: T) -> Int { 1 }

struct Row {
    let name: String
    let weft: Double
    let swiftProtobuf: Double
}

func codecRows<W: WeftMessage, S: SwiftProtobuf.Message & Equatable>(_ label: String, weft: W, swiftProtobuf: S) throws -> [Row] {
    let weftBytes = weft.serializedBytes()
    let peerBytes: [UInt8] = try swiftProtobuf.serializedBytes()
    let weftJSON = try weft.jsonString()
    let peerJSON = try swiftProtobuf.jsonString()
    // Both sides must be measuring the same message.
    let weftFromPeer = try W(serializedBytes: peerBytes)
    let peerFromWeft = try S(serializedBytes: weftBytes)
    let weftFromPeerJSON = try W(jsonString: peerJSON)
    precondition(weftFromPeer == weft, "\(label): SwiftProtobuf bytes decode differently")
    precondition(peerFromWeft == swiftProtobuf, "\(label): Weft bytes decode differently")
    precondition(weftFromPeerJSON == weft, "\(label): SwiftProtobuf JSON decodes differently")

    return [
        Row(
            name: "\(label) binary encode",
            weft: Harness.nanosecondsPerOperation { weft.serializedBytes().count },
            swiftProtobuf: try Harness.nanosecondsPerOperation { try (swiftProtobuf.serializedBytes() as [UInt8]).count }),
        Row(
            name: "\(label) binary decode",
            weft: try Harness.nanosecondsPerOperation { blackHole(try W(serializedBytes: weftBytes)) },
            swiftProtobuf: try Harness.nanosecondsPerOperation { blackHole(try S(serializedBytes: peerBytes)) }),
        Row(
            name: "\(label) JSON encode",
            weft: try Harness.nanosecondsPerOperation { try weft.jsonString().utf8.count },
            swiftProtobuf: try Harness.nanosecondsPerOperation { try swiftProtobuf.jsonString().utf8.count }),
        Row(
            name: "\(label) JSON decode",
            weft: try Harness.nanosecondsPerOperation { blackHole(try W(jsonString: weftJSON)) },
            swiftProtobuf: try Harness.nanosecondsPerOperation { blackHole(try S(jsonString: peerJSON)) }),
    ]
}

let rows = try codecRows("Product", weft: Samples.weftProduct(), swiftProtobuf: Samples.swiftProtobufProduct())
    + codecRows("Order (50 items)", weft: Samples.weftOrder(), swiftProtobuf: Samples.swiftProtobufOrder())

print("| operation | Weft ns/op | SwiftProtobuf ns/op | Weft speed-up |")
print("| --- | ---: | ---: | ---: |")
for row in rows {
    let ratio = row.swiftProtobuf / row.weft
    print("| \(row.name) | \(Int(row.weft.rounded())) | \(Int(row.swiftProtobuf.rounded())) | \((ratio * 100).rounded() / 100)× |")
}
