import Foundation

/// The well-known schema files that ship inside the compiler, so `import "google/protobuf/…"`,
/// `import "google/rpc/…"`, `import "google/api/annotations.proto"` and `import
/// "weft/api/errors.proto"` (typed errors) resolve with no download. These literals are the only
/// copy: `write(to:)` exports them for other tools (the protoc cross-check reads the google/api
/// ones from here too).
public enum BundledSchemas {
    /// Import path → source text.
    public static let files: [String: String] = [
        "google/protobuf/empty.proto": #"""
            // A generic empty message, used as the request or response type of methods that need none.
            syntax = "proto3";

            package google.protobuf;

            option go_package = "google.golang.org/protobuf/types/known/emptypb";
            option java_package = "com.google.protobuf";
            option java_outer_classname = "EmptyProto";
            option java_multiple_files = true;
            option objc_class_prefix = "GPB";
            option csharp_namespace = "Google.Protobuf.WellKnownTypes";
            option cc_enable_arenas = true;

            // A generic empty message. Its JSON form is `{}`.
            message Empty {}
            """#,

        "google/protobuf/timestamp.proto": #"""
            // A point in time independent of any time zone or calendar.
            syntax = "proto3";

            package google.protobuf;

            option cc_enable_arenas = true;
            option go_package = "google.golang.org/protobuf/types/known/timestamppb";
            option java_package = "com.google.protobuf";
            option java_outer_classname = "TimestampProto";
            option java_multiple_files = true;
            option objc_class_prefix = "GPB";
            option csharp_namespace = "Google.Protobuf.WellKnownTypes";

            // A point in time: seconds and nanoseconds since the Unix epoch, UTC. Its JSON form is an
            // RFC 3339 string such as "1972-01-01T10:00:20.021Z".
            message Timestamp {
              // Seconds since 1970-01-01T00:00:00Z; 0001-01-01 to 9999-12-31 inclusive.
              int64 seconds = 1;
              // Non-negative fractions of a second at nanosecond resolution, 0 to 999,999,999.
              int32 nanos = 2;
            }
            """#,

        "google/protobuf/duration.proto": #"""
            // A signed, fixed-length span of time.
            syntax = "proto3";

            package google.protobuf;

            option cc_enable_arenas = true;
            option go_package = "google.golang.org/protobuf/types/known/durationpb";
            option java_package = "com.google.protobuf";
            option java_outer_classname = "DurationProto";
            option java_multiple_files = true;
            option objc_class_prefix = "GPB";
            option csharp_namespace = "Google.Protobuf.WellKnownTypes";

            // A span of time as seconds and nanoseconds. Its JSON form is a string such as "1.5s".
            message Duration {
              // Signed seconds, -315,576,000,000 to +315,576,000,000 inclusive.
              int64 seconds = 1;
              // Signed fractions of a second at nanosecond resolution; same sign as `seconds`.
              int32 nanos = 2;
            }
            """#,

        "google/protobuf/wrappers.proto": #"""
            // Wrappers for scalar types, giving them presence. Their JSON form is the wrapped value.
            syntax = "proto3";

            package google.protobuf;

            option cc_enable_arenas = true;
            option go_package = "google.golang.org/protobuf/types/known/wrapperspb";
            option java_package = "com.google.protobuf";
            option java_outer_classname = "WrappersProto";
            option java_multiple_files = true;
            option objc_class_prefix = "GPB";
            option csharp_namespace = "Google.Protobuf.WellKnownTypes";

            // Wrapper message for `double`.
            message DoubleValue {
              double value = 1;
            }

            // Wrapper message for `float`.
            message FloatValue {
              float value = 1;
            }

            // Wrapper message for `int64`.
            message Int64Value {
              int64 value = 1;
            }

            // Wrapper message for `uint64`.
            message UInt64Value {
              uint64 value = 1;
            }

            // Wrapper message for `int32`.
            message Int32Value {
              int32 value = 1;
            }

            // Wrapper message for `uint32`.
            message UInt32Value {
              uint32 value = 1;
            }

            // Wrapper message for `bool`.
            message BoolValue {
              bool value = 1;
            }

            // Wrapper message for `string`.
            message StringValue {
              string value = 1;
            }

            // Wrapper message for `bytes`.
            message BytesValue {
              bytes value = 1;
            }
            """#,

        "google/protobuf/struct.proto": #"""
            // Dynamically typed values: the protobuf form of arbitrary JSON.
            syntax = "proto3";

            package google.protobuf;

            option cc_enable_arenas = true;
            option go_package = "google.golang.org/protobuf/types/known/structpb";
            option java_package = "com.google.protobuf";
            option java_outer_classname = "StructProto";
            option java_multiple_files = true;
            option objc_class_prefix = "GPB";
            option csharp_namespace = "Google.Protobuf.WellKnownTypes";

            // A JSON object.
            message Struct {
              // Unordered map of dynamically typed values.
              map<string, Value> fields = 1;
            }

            // A JSON value: null, a number, a string, a boolean, an object or a list.
            message Value {
              // The kind of value.
              oneof kind {
                NullValue null_value = 1;
                double number_value = 2;
                string string_value = 3;
                bool bool_value = 4;
                Struct struct_value = 5;
                ListValue list_value = 6;
              }
            }

            // The JSON `null`.
            enum NullValue {
              NULL_VALUE = 0;
            }

            // A JSON array.
            message ListValue {
              repeated Value values = 1;
            }
            """#,

        "google/protobuf/descriptor.proto": #"""
            // The option messages of descriptor.proto that schemas extend with custom options, with
            // the built-in options Weft reads. The full file is proto2 and declares
            // `extensions 1000 to max;` in each of these messages; the checker knows that rule,
            // so this reduced copy can stay proto3.
            syntax = "proto3";

            package google.protobuf;

            option go_package = "google.golang.org/protobuf/types/descriptorpb";
            option java_package = "com.google.protobuf";
            option java_outer_classname = "DescriptorProtos";

            message FileOptions {
              string java_package = 1;
              string java_outer_classname = 8;
              bool java_multiple_files = 10;
              string go_package = 11;
              bool deprecated = 23;
              bool cc_enable_arenas = 31;
              string objc_class_prefix = 36;
              string csharp_namespace = 37;
              string swift_prefix = 39;
              string php_namespace = 41;
              string ruby_package = 45;
            }

            message MessageOptions {
              bool deprecated = 3;
              bool map_entry = 7;
            }

            message FieldOptions {
              bool packed = 2;
              bool deprecated = 3;
              bool lazy = 5;
            }

            message OneofOptions {}

            message EnumOptions {
              bool allow_alias = 2;
              bool deprecated = 3;
            }

            message EnumValueOptions {
              bool deprecated = 1;
            }

            message ServiceOptions {
              bool deprecated = 33;
            }

            message MethodOptions {
              bool deprecated = 33;

              // Whether a method has side effects; lets clients retry and servers cache.
              enum IdempotencyLevel {
                IDEMPOTENCY_UNKNOWN = 0;
                NO_SIDE_EFFECTS = 1;
                IDEMPOTENT = 2;
              }
              IdempotencyLevel idempotency_level = 34;
            }
            """#,

        "google/api/http.proto": #"""
            // HTTP mappings for RPC methods (google.api.HttpRule), field numbers as published by Google.
            syntax = "proto3";

            package google.api;

            option cc_enable_arenas = true;
            option go_package = "google.golang.org/genproto/googleapis/api/annotations;annotations";
            option java_multiple_files = true;
            option java_outer_classname = "HttpProto";
            option java_package = "com.google.api";
            option objc_class_prefix = "GAPI";

            // The HTTP rules of a service.
            message Http {
              // The rules; the first one whose selector matches a method applies.
              repeated HttpRule rules = 1;
              // Whether reserved characters in path parameters are escaped as `%2F`-style sequences.
              bool fully_decode_reserved_expansion = 2;
            }

            // How one RPC method maps to an HTTP verb and path template, and which request fields
            // form the HTTP body.
            message HttpRule {
              // The method this rule applies to (used in service configuration, not in options).
              string selector = 1;

              // The verb and path template.
              oneof pattern {
                string get = 2;
                string put = 3;
                string post = 4;
                string delete = 5;
                string patch = 6;
                // Any other verb, e.g. HEAD or a custom one.
                CustomHttpPattern custom = 8;
              }

              // The request field mapped to the HTTP body: "*" for every field not bound by the path.
              string body = 7;

              // The response field mapped to the HTTP response body; the whole response when empty.
              string response_body = 12;

              // More bindings for the same method; these may not nest further.
              repeated HttpRule additional_bindings = 11;
            }

            // A verb not covered by HttpRule's named patterns.
            message CustomHttpPattern {
              // The verb, e.g. "HEAD".
              string kind = 1;
              // The path template.
              string path = 2;
            }
            """#,

        "google/protobuf/any.proto": #"""
            // A message of any type, with the URL that names its type.
            syntax = "proto3";

            package google.protobuf;

            option go_package = "google.golang.org/protobuf/types/known/anypb";
            option java_package = "com.google.protobuf";
            option java_outer_classname = "AnyProto";
            option java_multiple_files = true;
            option objc_class_prefix = "GPB";
            option csharp_namespace = "Google.Protobuf.WellKnownTypes";

            // A serialized message and its type. Its JSON form is the message's own JSON object with
            // an "@type" member (`{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": …}`),
            // or `{"@type": …, "value": …}` for a well-known type whose JSON is not an object.
            message Any {
              // "type.googleapis.com/" followed by the message's full name.
              string type_url = 1;
              // The message, in protobuf binary.
              bytes value = 2;
            }
            """#,

        "google/protobuf/field_mask.proto": #"""
            // A set of field paths.
            syntax = "proto3";

            package google.protobuf;

            option java_package = "com.google.protobuf";
            option java_outer_classname = "FieldMaskProto";
            option java_multiple_files = true;
            option objc_class_prefix = "GPB";
            option csharp_namespace = "Google.Protobuf.WellKnownTypes";
            option go_package = "google.golang.org/protobuf/types/known/fieldmaskpb";
            option cc_enable_arenas = true;

            // Field paths such as "title" or "price.currency" (proto names), e.g. the fields an update
            // sets. Its JSON form is one string of lowerCamelCase paths joined by commas:
            // "title,price.currency".
            message FieldMask {
              repeated string paths = 1;
            }
            """#,

        "google/rpc/status.proto": #"""
            // The error model of gRPC and of Google's APIs.
            syntax = "proto3";

            package google.rpc;

            import "google/protobuf/any.proto";

            option cc_enable_arenas = true;
            option go_package = "google.golang.org/genproto/googleapis/rpc/status;status";
            option java_multiple_files = true;
            option java_outer_classname = "StatusProto";
            option java_package = "com.google.rpc";
            option objc_class_prefix = "RPC";

            // A call's outcome: its gRPC code, a message for developers and typed details (e.g.
            // google.rpc.ErrorInfo). gRPC carries it in the `grpc-status-details-bin` trailer.
            message Status {
              // The gRPC status code.
              int32 code = 1;
              // A message for developers, in English.
              string message = 2;
              // Details a client can act on.
              repeated google.protobuf.Any details = 3;
            }
            """#,

        "google/rpc/error_details.proto": #"""
            // Standard details of an error (a subset of Google's error_details.proto, same numbers).
            syntax = "proto3";

            package google.rpc;

            import "google/protobuf/duration.proto";

            option go_package = "google.golang.org/genproto/googleapis/rpc/errdetails;errdetails";
            option java_multiple_files = true;
            option java_outer_classname = "ErrorDetailsProto";
            option java_package = "com.google.rpc";
            option objc_class_prefix = "RPC";

            // Why a call failed, as a machine-readable reason within a domain.
            message ErrorInfo {
              // UPPER_SNAKE_CASE, unique within the domain, e.g. "PRODUCT_NOT_FOUND".
              string reason = 1;
              // The service or component that defines the reason, e.g. "catalog.weft.dev".
              string domain = 2;
              // Facts about this occurrence, e.g. {"product": "products/x"}.
              map<string, string> metadata = 3;
            }

            // When a client may retry.
            message RetryInfo {
              google.protobuf.Duration retry_delay = 1;
            }

            // Which fields of a request are invalid.
            message BadRequest {
              // One invalid field.
              message FieldViolation {
                // The field's path, e.g. "product.title".
                string field = 1;
                // What is wrong with it.
                string description = 2;
                // A machine-readable reason, e.g. "EMPTY".
                string reason = 3;
              }
              repeated FieldViolation field_violations = 1;
            }

            // What the caller had to set up first.
            message PreconditionFailure {
              // One unmet precondition.
              message Violation {
                // A type of precondition, e.g. "TOS".
                string type = 1;
                // What it is about.
                string subject = 2;
                // What is wrong.
                string description = 3;
              }
              repeated Violation violations = 1;
            }

            // The resource a call was about.
            message ResourceInfo {
              // e.g. "weft.platform.catalog.v1.Product".
              string resource_type = 1;
              string resource_name = 2;
              string owner = 3;
              string description = 4;
            }
            """#,

        "weft/api/errors.proto": #"""
            // Error reasons declared in a schema: a top-level enum with an error domain is a service's
            // list of typed errors; each reason (a value other than 0) names the gRPC code it is sent with.
            //
            //   enum CatalogError {
            //     option (weft.api.error_domain) = "catalog.weft.dev";
            //     CATALOG_ERROR_UNSPECIFIED = 0;
            //     PRODUCT_NOT_FOUND = 1 [(weft.api.error_code) = "NOT_FOUND"];
            //   }
            //
            // A failure is sent as a google.rpc.Status whose details hold a google.rpc.ErrorInfo
            // (reason: the value's name, domain: the enum's) and, when given, a google.rpc.BadRequest.
            syntax = "proto3";

            package weft.api;

            import "google/protobuf/descriptor.proto";

            extend google.protobuf.EnumOptions {
              // The google.rpc.ErrorInfo domain of the enum's reasons, e.g. "catalog.weft.dev".
              string error_domain = 51001;
            }

            extend google.protobuf.EnumValueOptions {
              // The gRPC status code a reason is sent with, by its canonical name ("NOT_FOUND").
              string error_code = 51002;
            }
            """#,

        "google/api/annotations.proto": #"""
            // The `google.api.http` method option.
            syntax = "proto3";

            package google.api;

            import "google/api/http.proto";
            import "google/protobuf/descriptor.proto";

            option go_package = "google.golang.org/genproto/googleapis/api/annotations;annotations";
            option java_multiple_files = true;
            option java_outer_classname = "AnnotationsProto";
            option java_package = "com.google.api";
            option objc_class_prefix = "GAPI";

            extend google.protobuf.MethodOptions {
              // How the method is exposed over HTTP/JSON.
              HttpRule http = 72295728;
            }
            """#,
    ]

    /// Writes every bundled file under `directory` (creating `google/...` folders), e.g. so protoc
    /// can be pointed at the same files.
    public static func write(to directory: String) throws {
        let root = URL(fileURLWithPath: directory)
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }
}
