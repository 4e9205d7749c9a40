import Testing
@testable import WeftSchema

/// Typed errors declared in a schema (`weft/api/errors.proto`): the domain and codes are read,
/// and each mistake is a diagnostic at its option.
@Suite struct ErrorEnumTests {
    @Test func domainAndCodesAreRead() {
        let (file, diagnostics) = checkedFile("""
            package shop.v1;
            import "weft/api/errors.proto";
            enum ShopError {
              option (weft.api.error_domain) = "shop.weft.dev";
              SHOP_ERROR_UNSPECIFIED = 0;
              ITEM_NOT_FOUND = 1 [(weft.api.error_code) = "NOT_FOUND"];
              SOLD_OUT = 2 [(weft.api.error_code) = "FAILED_PRECONDITION"];
            }
            enum Plain { PLAIN_UNSPECIFIED = 0; P = 1; }
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(file.enums[0].errorDomain == "shop.weft.dev")
        #expect(file.enums[0].values.map(\.errorCode) == [nil, "NOT_FOUND", "FAILED_PRECONDITION"])
        #expect(file.enums[1].errorDomain == nil)
    }

    @Test func mistakesAreNamedAtTheirOption() {
        let found = errors("""
            package shop.v1;
            import "weft/api/errors.proto";
            enum ShopError {
              option (weft.api.error_domain) = "shop.weft.dev";
              SHOP_ERROR_UNSPECIFIED = 0 [(weft.api.error_code) = "UNKNOWN"];
              ITEM_NOT_FOUND = 1 [(weft.api.error_code) = "NOT_FOND"];
              SOLD_OUT = 2;
              FINE = 3 [(weft.api.error_code) = "OK"];
            }
            enum Plain { PLAIN_UNSPECIFIED = 0; P = 1 [(weft.api.error_code) = "NOT_FOUND"]; }
            enum Empty { option (weft.api.error_domain) = ""; EMPTY_UNSPECIFIED = 0; }
            message M { enum Inner { option (weft.api.error_domain) = "x"; INNER_UNSPECIFIED = 0; } }
            """)
        #expect(found.contains("the first value of error enum ShopError means no error; it takes no (weft.api.error_code)"))
        #expect(found.contains("(weft.api.error_code) must be a gRPC status code name other than OK, e.g. \"NOT_FOUND\" (did you mean \"NOT_FOUND\"?)"))
        #expect(found.contains("reason SOLD_OUT of error enum ShopError needs (weft.api.error_code), e.g. [(weft.api.error_code) = \"NOT_FOUND\"]"))
        #expect(found.contains("(weft.api.error_code) must be a gRPC status code name other than OK, e.g. \"NOT_FOUND\""))
        #expect(found.contains("(weft.api.error_code) needs the enum to set (weft.api.error_domain)"))
        #expect(found.contains("(weft.api.error_domain) must be a non-empty string, e.g. \"catalog.example.com\""))
        #expect(found.contains("error enum Inner must be declared at the top level of its file"))
        #expect(found.count == 7, "\(found)")
    }
}
