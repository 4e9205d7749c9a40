import Testing
@testable import WeftSwiftEmitter

@Suite struct NamingTests {
    @Test func fieldNamesBecomeLowerCamelCase() {
        #expect(SwiftNaming.propertyName("f_int32") == "fInt32")
        #expect(SwiftNaming.propertyName("r_unpacked_int32") == "rUnpackedInt32")
        #expect(SwiftNaming.propertyName("URLPath") == "urlPath")
        #expect(SwiftNaming.propertyName("id") == "id")
        #expect(SwiftNaming.propertyName("unknown_fields") == "unknownFields_")
    }

    @Test func keywordsAreEscaped() {
        #expect(SwiftNaming.escaped(SwiftNaming.propertyName("class")) == "`class`")
        #expect(SwiftNaming.escaped(SwiftNaming.propertyName("default")) == "`default`")
        #expect(SwiftNaming.escaped(SwiftNaming.propertyName("name")) == "name")
    }

    @Test func enumCasesDropTheEnumPrefix() {
        #expect(SwiftNaming.enumCaseName("COLOR_RED", enumName: "Color") == "red")
        #expect(SwiftNaming.enumCaseName("ORDER_STATE_PAID", enumName: "OrderState") == "paid")
        #expect(SwiftNaming.enumCaseName("STATUS_UNSPECIFIED", enumName: "Status") == "unspecified")
        // A value without the prefix, or one that would start with a digit, keeps its name.
        #expect(SwiftNaming.enumCaseName("RED", enumName: "Color") == "red")
        #expect(SwiftNaming.enumCaseName("COLOR_2D", enumName: "Color") == "color2D")
    }

    @Test func typeNamesThatClashWithSwiftGetASuffix() {
        #expect(SwiftNaming.typeName("String", suffix: "Message") == "StringMessage")
        #expect(SwiftNaming.typeName("Order", suffix: "Message") == "Order")
        // Names the service stubs use for themselves.
        #expect(SwiftNaming.typeName("Client", suffix: "Message") == "ClientMessage")
        #expect(SwiftNaming.typeName("Result", suffix: "Message") == "ResultMessage")
    }
}
