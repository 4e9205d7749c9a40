"""grpcio-reflection (the Python package grpcurl-style tools build on) against Weft servers over
mutual TLS: the descriptor database lists the services and resolves their schema files,
dependencies included, into a descriptor pool; a request built from those descriptors alone is
sent and its response decoded. grpc.reflection.v1 answers the same on the wire; unknown names
get NOT_FOUND error responses; --no-reflection turns the service off.

Usage: grpcio_reflection.py <weft-interop binary> <weft-demo binary> <pki dir>
"""
import subprocess
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, unknown_fields
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from grpcio_client import HANG_GUARD, credentials, start_server

V1_METHOD = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
V1ALPHA_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"


def start(command, pki):
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("LISTENING "):
        server.kill()
        sys.exit(f"server did not start: {line!r}")
    return server, grpc.secure_channel(line.split(" ", 1)[1], credentials(pki))


def interop_server(binary, pki, *flags):
    server, target = start_server(binary, pki, *flags)
    return server, grpc.secure_channel(target, credentials(pki))


def check(failures, name, condition, detail=""):
    check.count += 1
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


check.count = 0


def ask(channel, method, *requests):
    """One reflection stream carrying `requests`; returns the responses."""
    call = channel.stream_stream(
        method, request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    return list(call(iter(requests), timeout=HANG_GUARD))


def interop_cases(failures, channel):
    database = ProtoReflectionDescriptorDatabase(channel)
    services = set(database.get_services())
    expected = {"weft.interop.v1.TestService", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}
    check(failures, "list_services", services == expected, sorted(services))

    pool = descriptor_pool.DescriptorPool(database)
    service = pool.FindServiceByName("weft.interop.v1.TestService")
    methods = {method.name: method for method in service.methods}
    check(failures, "service_methods", {"EmptyCall", "UnaryCall", "StreamingOutputCall", "StreamingInputCall",
                                        "FullDuplexCall", "HalfDuplexCall"} <= set(methods), sorted(methods))
    unary = methods["UnaryCall"]
    streaming = methods["FullDuplexCall"]
    check(failures, "streaming_flags", streaming.client_streaming and streaming.server_streaming
          and not unary.client_streaming and not unary.server_streaming)

    # A call built from the reflected descriptors only: no generated Python for interop.proto.
    request_class = message_factory.GetMessageClass(unary.input_type)
    response_class = message_factory.GetMessageClass(unary.output_type)
    request = request_class(response_size=7)
    request.payload.body = b"reflected"
    call = channel.unary_unary(
        "/weft.interop.v1.TestService/UnaryCall", request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString)
    response = call(request, timeout=HANG_GUARD)
    check(failures, "call_from_reflected_descriptors",
          len(response.payload.body) == 7 and response.received_payload_size == len(b"reflected"), response)

    health = pool.FindServiceByName("grpc.health.v1.Health")
    check(failures, "health_described", [m.name for m in health.methods] == ["Check", "Watch"], health.methods)

    # grpc.reflection.v1: the same messages under the newer service name.
    v1 = ask(channel, V1_METHOD,
             reflection_pb2.ServerReflectionRequest(list_services=""),
             reflection_pb2.ServerReflectionRequest(file_containing_symbol="weft.interop.v1.TestService.UnaryCall"),
             reflection_pb2.ServerReflectionRequest(file_by_filename="no/such.proto"),
             reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.Such"),
             reflection_pb2.ServerReflectionRequest(all_extension_numbers_of_type="weft.interop.v1.SimpleRequest"))
    names = {entry.name for entry in v1[0].list_services_response.service}
    check(failures, "v1_list_services", names == expected, sorted(names))
    files = v1[1].file_descriptor_response.file_descriptor_proto
    check(failures, "v1_file_containing_method", len(files) >= 1 and b"interop.proto" in files[0], v1[1])
    check(failures, "v1_unknown_file", v1[2].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], v1[2])
    check(failures, "v1_unknown_symbol", v1[3].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], v1[3])
    numbers = v1[4].all_extension_numbers_response
    check(failures, "v1_extension_numbers", numbers.base_type_name == "weft.interop.v1.SimpleRequest"
          and list(numbers.extension_number) == [], v1[4])
    check(failures, "v1_original_request_echoed", v1[3].original_request.file_containing_symbol == "no.Such", v1[3])


def catalog_cases(failures, channel):
    """CatalogService imports google/api/annotations.proto, which imports descriptor.proto."""
    database = ProtoReflectionDescriptorDatabase(channel)
    pool = descriptor_pool.DescriptorPool(database)
    service = pool.FindServiceByName("weft.platform.catalog.v1.CatalogService")
    file = service.file
    check(failures, "catalog_dependencies",
          {"google/api/annotations.proto", "google/protobuf/timestamp.proto"} <= {d.name for d in file.dependencies},
          [d.name for d in file.dependencies])
    http = pool.FindExtensionByName("google.api.http")
    check(failures, "http_extension_resolved", http.containing_type.full_name == "google.protobuf.MethodOptions", http)
    # The rule is an extension of the reflected MethodOptions, which is not the Python runtime's own
    # class: read its bytes from the file's method options and decode them as the reflected HttpRule.
    proto = database.FindFileByName(file.name)
    options = next(m.options for m in proto.service[0].method if m.name == "GetProduct")
    raw = [field.data for field in unknown_fields.UnknownFieldSet(options) if field.field_number == http.number]
    rule_class = message_factory.GetMessageClass(pool.FindMessageTypeByName("google.api.HttpRule"))
    rule = rule_class.FromString(raw[0]) if raw else None
    check(failures, "http_rule_in_options", rule is not None and rule.get == "/v1/{name=products/*}", rule)
    get = service.methods_by_name["GetProduct"]
    answers = ask(channel, V1_METHOD,
                  reflection_pb2.ServerReflectionRequest(all_extension_numbers_of_type="google.protobuf.MethodOptions"),
                  reflection_pb2.ServerReflectionRequest(file_containing_extension=reflection_pb2.ExtensionRequest(
                      containing_type="google.protobuf.MethodOptions", extension_number=72295728)))
    numbers = list(answers[0].all_extension_numbers_response.extension_number)
    check(failures, "extension_numbers_of_method_options", numbers == [72295728], answers[0])
    files = answers[1].file_descriptor_response.file_descriptor_proto
    check(failures, "file_containing_the_http_extension",
          len(files) >= 1 and descriptor_pb2.FileDescriptorProto.FromString(files[0]).name == "google/api/annotations.proto",
          answers[1])
    product = message_factory.GetMessageClass(get.output_type)
    check(failures, "timestamp_field_resolved",
          any(f.message_type and f.message_type.full_name == "google.protobuf.Timestamp" for f in product.DESCRIPTOR.fields),
          [f.name for f in product.DESCRIPTOR.fields])


def main():
    interop, demo, pki = sys.argv[1], sys.argv[2], sys.argv[3]
    failures = []
    server, channel = interop_server(interop, pki)
    try:
        interop_cases(failures, channel)
    finally:
        server.terminate()
        server.wait(timeout=HANG_GUARD)

    server, channel = start([demo, "serve", pki, "0"], pki)
    try:
        catalog_cases(failures, channel)
    finally:
        server.terminate()
        server.wait(timeout=HANG_GUARD)

    server, channel = interop_server(interop, pki, "--no-reflection")
    try:
        ask(channel, V1ALPHA_METHOD, reflection_pb2.ServerReflectionRequest(list_services=""))
        check(failures, "no_reflection_flag", False, "the call succeeded")
    except grpc.RpcError as error:
        check(failures, "no_reflection_flag", error.code() == grpc.StatusCode.UNIMPLEMENTED, error.code())
    finally:
        server.terminate()
        server.wait(timeout=HANG_GUARD)

    print(f"{check.count - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
