import NIOCore
import Testing
@testable import WeftRPC

@Suite struct StatusTests {
    @Test func allSeventeenCodesHaveTheirCanonicalNames() {
        let names = (0...16).map { Status.Code(rawValue: $0).description }
        #expect(names.first == "OK" && names.last == "UNAUTHENTICATED")
        #expect(Set(names).count == 17)
        for (number, name) in names.enumerated() {
            #expect(Status.Code(name: name)?.rawValue == number)
        }
        #expect(Status.Code(rawValue: 42).description == "CODE_42")
    }

    @Test func nonGRPCHTTPStatusesMapAsTheProtocolSays() {
        #expect(Status(httpStatus: 400).code == .internal)
        #expect(Status(httpStatus: 401).code == .unauthenticated)
        #expect(Status(httpStatus: 403).code == .permissionDenied)
        #expect(Status(httpStatus: 404).code == .unimplemented)
        for http in [429, 502, 503, 504] { #expect(Status(httpStatus: http).code == .unavailable) }
        #expect(Status(httpStatus: 500).code == .unknown)
    }

    @Test func serverFaultsAreTheCodesThatNeedAnOperator() {
        let faults = (0...16).map { Status.Code(rawValue: $0) }.filter(\.isServerFault).map(\.description)
        #expect(faults == ["UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"])
    }

    @Test func messagesArePercentEncodedExactly() {
        let message = "héllo 100% \t\n 🌍 ~"
        let encoded = StatusMessageCoding.encode(message)
        #expect(encoded == "h%C3%A9llo 100%25 %09%0A %F0%9F%8C%8D ~")
        #expect(StatusMessageCoding.decode(encoded) == message)
        // Malformed escapes are kept as they are.
        #expect(StatusMessageCoding.decode("50%") == "50%")
        #expect(StatusMessageCoding.decode("%zz%4") == "%zz%4")
    }

    /// HTTP/2 refuses field values with surrounding whitespace (a stream carrying one is reset).
    @Test func surroundingSpacesAreEscaped() {
        #expect(StatusMessageCoding.encode(" no product products/ ") == "%20no product products/%20")
        #expect(StatusMessageCoding.encode(" ") == "%20")
        #expect(StatusMessageCoding.decode("%20no product products/%20") == " no product products/ ")
    }
}

@Suite struct MetadataTests {
    /// HTTP/2 refuses field values with surrounding whitespace; they are not part of the value.
    @Test func textValuesLoseSurroundingBlanksOnTheWire() {
        let metadata = Metadata(["x-padded": " a b\t", "x-blank": " \t ", "x-plain": "é"])
        #expect(metadata.headerFields.map(\.value) == ["a b", "", "é"])
    }

    @Test func binaryValuesTravelAsBase64AndAcceptBothPaddings() throws {
        var metadata = Metadata()
        metadata.add("X-Trace", "abc")
        metadata.add("x-blob-bin", binary: [0xFF, 0x00, 0x01, 0x02])
        let fields = metadata.headerFields
        #expect(fields.map(\.name) == ["x-trace", "x-blob-bin"])
        #expect(fields[1].value == "/wABAg==")
        let unpadded = try Metadata(headerFields: [("x-blob-bin", "/wABAg")])
        #expect(unpadded["x-blob-bin"] == [.binary([0xFF, 0x00, 0x01, 0x02])])
        #expect(try Metadata(headerFields: fields) == metadata)
    }

    @Test func headerListItemsLoseOnlyTheirOuterSpaces() {
        #expect("  gzip , identity ".split(separator: ",").map(\.trimmingSpaces) == ["gzip", "identity"])
        #expect("   ".trimmingSpaces == "")
        #expect(" é b\t ".trimmingSpaces == "é b\t")
        #expect("plain".trimmingSpaces == "plain")
    }

    @Test func reservedHeadersAreNotMetadataAndOrderIsKept() throws {
        let metadata = try Metadata(headerFields: [
            (":path", "/x"), ("content-type", "application/grpc"), ("grpc-timeout", "1S"), ("te", "trailers"),
            ("x-a", "1"), ("x-b", "2"), ("x-a", "3"),
        ])
        #expect(metadata.headerFields.map(\.name) == ["x-a", "x-b", "x-a"])
        #expect(metadata["x-a"] == [.text("1"), .text("3")])
        #expect(metadata.first("x-b") == "2")
    }

    @Test func everyReservedNameIsLeftOutAndOnlyBinSuffixesAreBinary() throws {
        let reserved = [":status", "grpc-status", "grpc-message", "content-type", "te", "user-agent", "content-length", "connection", "host", "transfer-encoding"]
        let metadata = try Metadata(headerFields: reserved.map { ($0, "x") } + [
            ("grpcx", "1"), ("tee", "2"), ("hosts", "3"), ("bin", "4"), ("x-binary", "5"), ("-bin", "/w=="), ("x-bin", "AA=="),
        ])
        #expect(metadata.headerFields.map(\.name) == ["grpcx", "tee", "hosts", "bin", "x-binary", "-bin", "x-bin"])
        #expect(metadata["bin"] == [.text("4")])
        #expect(metadata["x-binary"] == [.text("5")])
        #expect(metadata["-bin"] == [.binary([0xFF])])
        #expect(metadata["x-bin"] == [.binary([0])])
    }

    @Test func badBase64IsAnInternalError() {
        #expect(throws: Status.self) { try Metadata(headerFields: [("x-bin", "not base64!")]) }
    }
}

@Suite struct TimeoutTests {
    @Test func parsesEveryUnit() {
        #expect(GRPCTimeout.parse("500m") == .milliseconds(500))
        #expect(GRPCTimeout.parse("1S") == .seconds(1))
        #expect(GRPCTimeout.parse("100000u") == .milliseconds(100))
        #expect(GRPCTimeout.parse("7n") == .nanoseconds(7))
        #expect(GRPCTimeout.parse("2M") == .seconds(120))
        #expect(GRPCTimeout.parse("1H") == .seconds(3600))
        #expect(GRPCTimeout.parse("99999999S") == .seconds(99_999_999))
    }

    @Test func rejectsMalformedValues() {
        for bad in ["", "S", "123456789S", "1s", "-1S", "1.5S", "1 S"] {
            #expect(GRPCTimeout.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func formatsTheFinestUnitThatFitsRoundingUp() {
        #expect(GRPCTimeout.format(.milliseconds(25)) == "25000000n")
        #expect(GRPCTimeout.format(.milliseconds(250)) == "250000u")
        #expect(GRPCTimeout.format(.seconds(5)) == "5000000u")
        #expect(GRPCTimeout.format(.seconds(1000)) == "1000000m")
        #expect(GRPCTimeout.format(.seconds(200_000)) == "200000S")
        #expect(GRPCTimeout.format(.seconds(100_000_000)) == "1666667M")
        // Near the largest duration in nanoseconds, rounding up must not overflow.
        #expect(GRPCTimeout.format(.seconds(Int64.max)) == "2562048H")
        #expect(GRPCTimeout.format(.zero) == "0n")
        #expect(GRPCTimeout.format(.seconds(-3)) == "0n")
        // Round trip never shortens the deadline.
        for duration in [Duration.nanoseconds(1), .microseconds(1234567), .seconds(86_400 * 400)] {
            #expect(GRPCTimeout.parse(GRPCTimeout.format(duration))! >= duration)
        }
    }
}
