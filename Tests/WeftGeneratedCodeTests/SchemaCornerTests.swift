import Foundation
import Testing
import WeftInterop
import WeftMessages
import WeftTestSupport

/// The Swift emitter's handling of recursion, keywords, clashing names, aliases, well-known
/// types and map keys (edge_cases.proto in this target, compiled by the build plugin).
@Suite struct SchemaCornerTests {
    @Test func recursiveMessagesRoundTrip() throws {
        var leaf = TreeNode(label: "leaf", payload: .weight(3))
        leaf.left = TreeNode(label: "deeper")
        let root = TreeNode(label: "root", left: leaf, right: nil, children: [leaf, leaf], payload: .aliasOf(leaf))
        #expect(try TreeNode(serializedBytes: root.serializedBytes()) == root)
        #expect(try TreeNode(jsonString: try root.jsonString()) == root)
        let ping = Ping(pong: Pong(ping: Ping(depth: 2)), depth: 1)
        #expect(try Ping(serializedBytes: ping.serializedBytes()) == ping)
    }

    @Test func keywordAndClashingNamesWork() throws {
        let message = Keywords(class: "c", default: 1, self_: true, protocol: "p", unknownFields_: Data([1]), in: 2, type: "t")
        #expect(try Keywords(serializedBytes: message.serializedBytes()) == message)
        let json = try message.jsonString()
        #expect(json.contains(#""class":"c""#))
        #expect(try Keywords(jsonString: json) == message)
        let text = UsesString(text: StringMessage(value: "v"), texts: [StringMessage(value: "w")])
        #expect(try UsesString(serializedBytes: text.serializedBytes()) == text)
    }

    @Test func enumAliasesShareTheirFirstCase() throws {
        #expect(Priority.urgent == .high)
        #expect(Priority(protoName: "PRIORITY_URGENT") == .high)
        #expect(try Named(jsonString: #"{"priority": "PRIORITY_URGENT"}"#).priority == .high)
        #expect(try Named(priority: .urgent).jsonString() == #"{"priority":"PRIORITY_HIGH"}"#)
    }

    @Test func jsonNameOptionIsUsed() throws {
        #expect(try Named(displayName: "x").jsonString() == #"{"label":"x"}"#)
        #expect(try Named(jsonString: #"{"display_name": "y"}"#).displayName == "y")
    }

    @Test func wellKnownTypesUseTheirJSONForms() throws {
        let message = WellKnown(
            at: Google_Protobuf_Timestamp(seconds: 1, nanos: 500_000_000),
            timeout: Google_Protobuf_Duration(seconds: -1, nanos: -500_000_000),
            maybeCount: Google_Protobuf_Int32Value(value: 0),
            maybeName: Google_Protobuf_StringValue(value: "n"),
            nothing: Google_Protobuf_Empty(),
            history: [Google_Protobuf_Timestamp(seconds: 0)]
        )
        let json = try message.jsonString()
        #expect(json == #"{"at":"1970-01-01T00:00:01.500Z","timeout":"-1.500s","maybeCount":0,"maybeName":"n","nothing":{},"history":["1970-01-01T00:00:00Z"]}"#)
        #expect(try WellKnown(jsonString: json) == message)
        #expect(try WellKnown(jsonString: #"{"maybeCount": null}"#).maybeCount == nil)
        #expect(try WellKnown(jsonString: #"{"at": "2024-02-29T23:00:00-01:00"}"#).at?.seconds == 1_709_251_200)
    }

    @Test func structValueAndListValueAreArbitraryJSON() throws {
        let json = #"{"attributes":{"size":42,"tags":["a",null,true],"nested":{"x":null}},"anything":null,"list":[1.5,"s"]}"#
        let message = try WellKnown(jsonString: json)
        let size = try #require(message.attributes?.fields["size"])
        #expect(size.kind == .numberValue(42))
        #expect(message.attributes?.fields["tags"]?.kind == .listValue(Google_Protobuf_ListValue(values: [
            Google_Protobuf_Value(kind: .stringValue("a")),
            Google_Protobuf_Value(kind: .nullValue(.nullValue)),
            Google_Protobuf_Value(kind: .boolValue(true)),
        ])))
        // null in a Value field is the NULL_VALUE value, not an absent field.
        #expect(message.anything == Google_Protobuf_Value(kind: .nullValue(.nullValue)))
        #expect(message.list?.values.count == 2)
        #expect(try WellKnown(serializedBytes: message.serializedBytes()) == message)
        #expect(try WellKnown(jsonString: try message.jsonString()) == message)
    }

    @Test func structKeysAreToldApartByTheirBytes() throws {
        let message = try WellKnown(jsonString: #"{"attributes":{"\u00e9":1,"e\u0301":2}}"#)
        #expect(message.attributes?.fields.count == 2)
        #expect(message.attributes?.fields["e\u{301}"]?.kind == .numberValue(2))
        #expect(try WellKnown(serializedBytes: message.serializedBytes()) == message)
        #expect(try WellKnown(jsonString: try message.jsonString()) == message)
    }

    /// Two members of one oneof in one JSON object are refused, in every message: a null member
    /// does not count, except a google.protobuf.Value member's, for which null is a value.
    @Test func twoMembersOfAOneofAreRefused() throws {
        #expect(throws: JSONDecodingError.self) { try TreeNode(jsonString: #"{"weight":"1","aliasOf":{}}"#) }
        #expect(throws: JSONDecodingError.self) { try Awkward(jsonString: #"{"tag":1,"text":"t"}"#) }
        #expect(throws: JSONDecodingError.self) { try ValueInOneof(jsonString: #"{"number":1,"any":null}"#) }
        #expect(throws: JSONDecodingError.self) { try ValueInOneof(jsonString: #"{"any":null,"number":1}"#) }
        #expect(try ValueInOneof(jsonString: #"{"any":null}"#).pick == .any(Google_Protobuf_Value(kind: .nullValue(.nullValue))))
        #expect(try Awkward(jsonString: #"{"tag":null,"text":"t"}"#).writer == .text("t"))
    }

    @Test func everyMapKeyKindRoundTrips() throws {
        let message = MapKeys(
            byInt32: [-1: "a"], byInt64: [Int64.min: "b"], byUint32: [UInt32.max: "c"], byUint64: [UInt64.max: "d"],
            bySint32: [-2: "e"], bySint64: [-3: "f"], byFixed32: [4: "g"], byFixed64: [5: "h"],
            bySfixed32: [-6: "i"], bySfixed64: [-7: "j"], byBool: [true: "k", false: "l"],
            priorities: ["p": .high], blobs: ["b": Data([0xFF])]
        )
        #expect(try MapKeys(serializedBytes: message.serializedBytes()) == message)
        let json = try message.jsonString()
        #expect(json.contains(#""byBool":{"#) && json.contains(#""true":"k""#))
        #expect(try MapKeys(jsonString: json) == message)
    }

    @Test func descriptorsCarryNamesAndNumbers() {
        #expect(Named.descriptor.fullName == "weft.test.edge.Named")
        #expect(Named.descriptor.fields.map(\.jsonName) == ["label", "priority", "history"])
    }
}

/// Service descriptors carry what the RPC runtime and the gateway need.
@Suite struct ServiceDescriptorTests {
    @Test func methodsCarryPathsTypesAndStreaming() throws {
        let getBook = try #require(Shelves.descriptor.method(named: "GetBook"))
        #expect(getBook.path == "/weft.test.edge.Shelves/GetBook")
        #expect(getBook.inputType == "weft.test.edge.Named")
        #expect(!getBook.clientStreaming && !getBook.serverStreaming)
        #expect(getBook.idempotency == .noSideEffects)
        let watch = try #require(Shelves.descriptor.method(named: "WatchBooks"))
        #expect(watch.clientStreaming && watch.serverStreaming)
        #expect(watch.idempotency == .unknown)
    }

    @Test func httpRulesKeepEveryForm() throws {
        let rule = try #require(Shelves.descriptor.method(named: "GetBook")?.httpRule)
        #expect(rule.method == "GET")
        #expect(rule.path == "/v1/{display_name=shelves/*/books/*}")
        #expect(rule.additionalBindings == [
            HttpRuleDescriptor(method: "POST", path: "/v1/books:lookup", body: "*"),
            HttpRuleDescriptor(method: "HEAD", path: "/v1/books/{display_name}"),
        ])
        let watch = try #require(Shelves.descriptor.method(named: "WatchBooks")?.httpRule)
        #expect(watch.body == "*" && watch.responseBody == "display_name")
    }

    @Test func enumDescriptorsListAliases() {
        #expect(Priority.descriptor.fullName == "weft.test.edge.Priority")
        #expect(Priority.descriptor.values.map(\.name).last == "PRIORITY_URGENT")
        #expect(Priority.descriptor.values.map(\.number) == [0, 1, 2, 2])
    }
}

/// Names the reviewer found clashing: aliases that strip to the same case, a oneof named like a
/// codec local, and hostile packed input.
@Suite struct ClashingNameTests {
    @Test func aliasesThatStripToOneNameStayDistinct() throws {
        #expect(Shade.dark_1 == .dark)
        #expect(Shade(protoName: "DARK") == .dark)
        let message = Awkward(writer: .text("t"), shade: .dark_1)
        #expect(try Awkward(serializedBytes: message.serializedBytes()) == message)
        #expect(try Awkward(jsonString: try message.jsonString()) == message)
    }

    /// Many one-element packed runs of r_int32 (4 bytes each): each run appends to the values
    /// gathered so far, and the array must grow geometrically. Growing it to the exact size at
    /// every run (the bug this guards against) copies everything gathered each time: quadratic.
    /// Counted, not timed: merging run after run into one message, the array's storage moves a
    /// handful of times (doubling), not at nearly every run.
    @Test func manySmallPackedRunsDecodeInLinearTime() throws {
        let run: [UInt8] = [0xA2, 0x01, 0x01, 0x07]
        let runs = 100_000
        var message = KitchenSink()
        var moves = 0
        var storage: UInt = 0
        for _ in 0..<runs {
            try message.merge(serializedBytes: run)
            let address = message.rInt32.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
            if address != storage { (moves, storage) = (moves + 1, address) }
        }
        #expect(message.rInt32.count == runs && message.rInt32.allSatisfy { $0 == 7 })
        #expect(moves < 64, "the values moved \(moves) times in \(runs) runs: the array does not grow geometrically")
        // The same in one input, decoded at once.
        let bytes = Array([[UInt8]](repeating: run, count: 200_000).joined())
        let started = ContinuousClock.now
        let decoded = try KitchenSink(serializedBytes: bytes)
        #expect(decoded.rInt32.count == 200_000)
        #expect(ContinuousClock.now - started < hangGuard)  // a guard only; the count above is the proof
    }
}
