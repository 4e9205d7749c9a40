"""grpcio (Python) as the client of a Weft interop server: every call kind, metadata echo,
statuses with unicode messages, unimplemented methods and services, deadlines, cancellation,
oversize and gzip requests, 100 concurrent calls.

Over mutual TLS with the certificates of `weft certs`; a client without a certificate and one
from a foreign CA must both be refused.

Usage: grpcio_client.py <weft-interop binary> <pki dir>  (starts `weft-interop server --port 0`)
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from grpc_tools import protoc

INTEROP_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "WeftInterop")
# Seconds to wait for an answer, a process or an event that should come: a guard against hangs
# only, never a measure of speed, so generous enough for a loaded 2-core machine.
HANG_GUARD = 120


def compile_protos(out_dir):
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    result = protoc.main(["protoc", f"-I{INTEROP_DIR}", f"-I{include}", f"--python_out={out_dir}",
                          f"--grpc_python_out={out_dir}", "interop.proto"])
    if result != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out_dir)


def start_server(binary, pki, *flags):
    tls = ["--tls-ca", f"{pki}/ca.pem", "--tls-cert", f"{pki}/interop.pem", "--tls-key", f"{pki}/interop.key"]
    server = subprocess.Popen([binary, "server", "--port", "0", *tls, *flags], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("LISTENING "):
        server.kill()
        sys.exit(f"server did not start: {line!r}")
    return server, line.split(" ", 1)[1]


def read(path):
    with open(path, "rb") as file:
        return file.read()


def credentials(pki, client="client", ca="ca"):
    """Channel credentials trusting the test CA, presenting `client`'s certificate (None: none)."""
    if client is None:
        return grpc.ssl_channel_credentials(root_certificates=read(f"{pki}/{ca}.pem"))
    return grpc.ssl_channel_credentials(root_certificates=read(f"{pki}/{ca}.pem"),
                                        private_key=read(f"{pki}/{client}.key"),
                                        certificate_chain=read(f"{pki}/{client}.pem"))


def main():
    binary, pki = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as out_dir:
        compile_protos(out_dir)
        import interop_pb2 as pb
        import interop_pb2_grpc as rpc

        server, target = start_server(binary, pki)
        failures = []
        try:
            options = [("grpc.max_receive_message_length", 8 * 1024 * 1024)]
            channel = grpc.secure_channel(target, credentials(pki), options=options)
            stub = rpc.TestServiceStub(channel)
            cases = make_cases(pb, rpc, stub, channel)

            def refused(client):
                def case():
                    intruder = rpc.TestServiceStub(grpc.secure_channel(target, credentials(pki, client)))
                    expect_code(lambda: intruder.EmptyCall(pb.Empty(), timeout=HANG_GUARD), grpc.StatusCode.UNAVAILABLE)
                return case

            def gzip_responses():
                # A server compressing its responses: grpcio must read them as they were.
                compressing, compressing_target = start_server(binary, pki, "--gzip-responses")
                try:
                    gzip_stub = rpc.TestServiceStub(grpc.secure_channel(compressing_target, credentials(pki)))
                    reply = gzip_stub.UnaryCall(pb.SimpleRequest(response_size=50_000), timeout=HANG_GUARD)
                    assert len(reply.payload.body) == 50_000, len(reply.payload.body)
                    sizes = [len(r.payload.body) for r in gzip_stub.StreamingOutputCall(pb.StreamingOutputCallRequest(
                        response_parameters=[pb.ResponseParameters(size=n) for n in (10, 20_000, 0)]), timeout=HANG_GUARD)]
                    assert sizes == [10, 20_000, 0], sizes
                finally:
                    compressing.terminate()
                    compressing.wait(timeout=HANG_GUARD)

            cases += [("client_without_certificate_refused", refused(None)),
                      ("client_from_foreign_ca_refused", refused("foreign-client")),
                      ("gzip_responses_read_by_grpcio", gzip_responses)]
            for name, case in cases:
                try:
                    case()
                    print(f"PASS {name}")
                except Exception as error:  # noqa: BLE001 - every failure is reported, then counted
                    failures.append(name)
                    print(f"FAIL {name}: {error!r}")
        finally:
            server.kill()
        print(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
        sys.exit(1 if failures else 0)


def expect_code(call, code, message=None):
    try:
        call()
    except grpc.RpcError as error:
        assert error.code() == code, f"expected {code}, got {error.code()} {error.details()!r}"
        if message is not None:
            assert error.details() == message, f"message {error.details()!r} != {message!r}"
        return
    raise AssertionError(f"expected {code}, the call succeeded")


def make_cases(pb, rpc, stub, channel):
    zeros = lambda n: pb.Payload(body=b"\0" * n)  # noqa: E731

    def empty_unary():
        assert stub.EmptyCall(pb.Empty()) == pb.Empty()

    def large_unary():
        response = stub.UnaryCall(pb.SimpleRequest(response_size=314159, payload=zeros(271828)))
        assert response.payload.body == b"\0" * 314159
        assert response.received_payload_size == 271828

    def client_streaming():
        requests = (pb.StreamingInputCallRequest(payload=zeros(n)) for n in [27182, 8, 1828, 45904])
        assert stub.StreamingInputCall(requests).aggregated_payload_size == 74922

    def server_streaming():
        sizes = [31415, 9, 2653, 58979]
        request = pb.StreamingOutputCallRequest(response_parameters=[pb.ResponseParameters(size=n) for n in sizes])
        assert [len(r.payload.body) for r in stub.StreamingOutputCall(request)] == sizes

    def ping_pong():
        sizes = [31415, 9, 2653, 58979]
        pending = list(sizes)
        condition = threading.Condition()
        sent = []

        def requests():
            for size in pending:
                with condition:
                    condition.wait_for(lambda: len(sent) == 0 or sent[-1] is None)
                    if sent:
                        sent.pop()
                sent.append(size)
                yield pb.StreamingOutputCallRequest(response_parameters=[pb.ResponseParameters(size=size)])

        got = []
        for response in stub.FullDuplexCall(requests()):
            got.append(len(response.payload.body))
            with condition:
                sent.append(None)
                condition.notify_all()
        assert got == sizes, got

    def empty_stream():
        assert list(stub.FullDuplexCall(iter([]))) == []

    def half_duplex():
        requests = [pb.StreamingOutputCallRequest(response_parameters=[pb.ResponseParameters(size=n)]) for n in [1, 2, 3]]
        assert [len(r.payload.body) for r in stub.HalfDuplexCall(iter(requests))] == [1, 2, 3]

    def custom_metadata():
        metadata = [("x-weft-echo-initial", "test_initial_metadata_value"), ("x-weft-echo-trailing-bin", b"\xab\xab\xab")]
        response, call = stub.UnaryCall.with_call(pb.SimpleRequest(response_size=1), metadata=metadata)
        assert ("x-weft-echo-initial", "test_initial_metadata_value") in call.initial_metadata()
        assert ("x-weft-echo-trailing-bin", b"\xab\xab\xab") in call.trailing_metadata()

    def status_with_unicode_message():
        message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n 100%"
        request = pb.SimpleRequest(response_status=pb.EchoStatus(code=2, message=message))
        expect_code(lambda: stub.UnaryCall(request), grpc.StatusCode.UNKNOWN, message)

    def status_details():
        # The echoed status carries a google.rpc.ErrorInfo in grpc-status-details-bin.
        request = pb.SimpleRequest(response_status=pb.EchoStatus(code=9, message="with details"))
        try:
            stub.UnaryCall(request)
            raise AssertionError("the call succeeded")
        except grpc.RpcError as error:
            status = rpc_status.from_call(error)
            assert status.code == 9 and status.message == "with details", status
            info = error_details_pb2.ErrorInfo()
            assert status.details[0].Unpack(info), status.details
            assert (info.reason, info.domain, dict(info.metadata)) == ("ECHOED_STATUS", "interop.weft.dev", {"code": "9"}), info

    def every_status_code():
        for code in grpc.StatusCode:
            if code == grpc.StatusCode.OK:
                continue
            request = pb.SimpleRequest(response_status=pb.EchoStatus(code=code.value[0], message=f"code {code.value[0]}"))
            expect_code(lambda: stub.UnaryCall(request), code, f"code {code.value[0]}")

    def unimplemented_method():
        expect_code(lambda: stub.UnimplementedCall(pb.Empty()), grpc.StatusCode.UNIMPLEMENTED)

    def unimplemented_service():
        expect_code(lambda: rpc.UnimplementedServiceStub(channel).UnimplementedCall(pb.Empty()), grpc.StatusCode.UNIMPLEMENTED)

    def deadline_exceeded():
        # The status is the proof: the server would answer (OK) after ten minutes. The bound is a
        # guard only, far below that.
        request = pb.StreamingOutputCallRequest(response_parameters=[pb.ResponseParameters(size=1, interval_us=600_000_000)])
        started = time.monotonic()
        expect_code(lambda: list(stub.StreamingOutputCall(request, timeout=0.3)), grpc.StatusCode.DEADLINE_EXCEEDED)
        assert time.monotonic() - started < HANG_GUARD

    def cancel_after_first_response():
        request = pb.StreamingOutputCallRequest(response_parameters=[
            pb.ResponseParameters(size=1), pb.ResponseParameters(size=1, interval_us=30_000_000)])
        responses = stub.StreamingOutputCall(request)
        next(responses)
        responses.cancel()
        expect_code(lambda: next(responses), grpc.StatusCode.CANCELLED)

    def oversize_request():
        expect_code(lambda: stub.UnaryCall(pb.SimpleRequest(payload=zeros(4 * 1024 * 1024 + 16))),
                    grpc.StatusCode.RESOURCE_EXHAUSTED)
        assert stub.EmptyCall(pb.Empty()) == pb.Empty()  # the connection still serves

    def max_size_response():
        assert len(stub.UnaryCall(pb.SimpleRequest(response_size=4 * 1024 * 1024)).payload.body) == 4 * 1024 * 1024

    def gzip_request():
        response = stub.UnaryCall(pb.SimpleRequest(response_size=10, payload=zeros(100_000)), compression=grpc.Compression.Gzip)
        assert response.received_payload_size == 100_000

    def echo_kitchen_sink():
        sink = pb.KitchenSink(f_int32=-1, f_int64=-(2**63), f_uint64=2**64 - 1, f_string="ünïcode 😈", f_bytes=b"\0\xff",
                              color=7, r_int32=[-1, 0, 1], m_string_int64={"": 0, "k": -1}, o_int32=0, c_string="",
                              f_max_tag=2**32 - 1)
        assert stub.EchoKitchenSink(sink) == sink

    def concurrent_100():
        futures = [stub.UnaryCall.future(pb.SimpleRequest(response_size=i)) for i in range(100)]
        assert sum(len(f.result().payload.body) for f in futures) == 4950

    return [(f.__name__, f) for f in [
        empty_unary, large_unary, client_streaming, server_streaming, ping_pong, empty_stream, half_duplex,
        custom_metadata, status_with_unicode_message, status_details, every_status_code, unimplemented_method, unimplemented_service,
        deadline_exceeded, cancel_after_first_response, oversize_request, max_size_response, gzip_request,
        echo_kitchen_sink, concurrent_100]]


if __name__ == "__main__":
    main()
