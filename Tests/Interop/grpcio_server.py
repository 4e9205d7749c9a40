"""A grpcio (Python) TestService as Sources/WeftInterop/interop.proto specifies, for running
`weft-interop client` against a gRPC implementation Weft did not write.

Usage: grpcio_server.py <pki dir>  (mutual TLS; prints LISTENING 127.0.0.1:<port>, serves until killed)
"""
import os
import sys
import tempfile
import time
from concurrent import futures

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from grpc_tools import protoc

INTEROP_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "WeftInterop")


def main():
    out_dir = tempfile.mkdtemp()
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    if protoc.main(["protoc", f"-I{INTEROP_DIR}", f"-I{include}", f"--python_out={out_dir}",
                    f"--grpc_python_out={out_dir}", "interop.proto"]) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out_dir)
    import interop_pb2 as pb
    import interop_pb2_grpc as rpc

    def echo(context):
        metadata = dict(context.invocation_metadata())
        if "x-weft-echo-initial" in metadata:
            context.send_initial_metadata([("x-weft-echo-initial", metadata["x-weft-echo-initial"])])
        if "x-weft-echo-trailing-bin" in metadata:
            context.set_trailing_metadata([("x-weft-echo-trailing-bin", metadata["x-weft-echo-trailing-bin"])])

    def fail_if_asked(status, context):
        # As Weft's TestService does: the echoed status carries a google.rpc.ErrorInfo detail.
        if status.code != 0:
            detail = any_pb2.Any()
            detail.Pack(error_details_pb2.ErrorInfo(reason="ECHOED_STATUS", domain="interop.weft.dev", metadata={"code": str(status.code)}))
            context.abort_with_status(rpc_status.to_status(status_pb2.Status(code=status.code, message=status.message, details=[detail])))

    def responses(parameters):
        for parameter in parameters:
            if parameter.interval_us:
                time.sleep(parameter.interval_us / 1e6)
            yield pb.StreamingOutputCallResponse(payload=pb.Payload(body=b"\0" * parameter.size))

    class TestService(rpc.TestServiceServicer):
        def EmptyCall(self, request, context):
            echo(context)
            return pb.Empty()

        def UnaryCall(self, request, context):
            echo(context)
            fail_if_asked(request.response_status, context)
            return pb.SimpleResponse(payload=pb.Payload(body=b"\0" * request.response_size),
                                     received_payload_size=len(request.payload.body))

        def StreamingOutputCall(self, request, context):
            echo(context)
            yield from responses(request.response_parameters)
            fail_if_asked(request.response_status, context)

        def StreamingInputCall(self, request_iterator, context):
            echo(context)
            return pb.StreamingInputCallResponse(aggregated_payload_size=sum(len(r.payload.body) for r in request_iterator))

        def FullDuplexCall(self, request_iterator, context):
            echo(context)
            for request in request_iterator:
                fail_if_asked(request.response_status, context)
                yield from responses(request.response_parameters)

        def HalfDuplexCall(self, request_iterator, context):
            echo(context)
            for request in list(request_iterator):
                fail_if_asked(request.response_status, context)
                yield from responses(request.response_parameters)

        def EchoKitchenSink(self, request, context):
            echo(context)
            return request

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=120),
                         options=[("grpc.max_send_message_length", 8 * 1024 * 1024)])
    rpc.add_TestServiceServicer_to_server(TestService(), server)
    pki = sys.argv[1]

    def read(path):
        with open(path, "rb") as file:
            return file.read()

    credentials = grpc.ssl_server_credentials(
        [(read(f"{pki}/interop.key"), read(f"{pki}/interop.pem"))], root_certificates=read(f"{pki}/ca.pem"),
        require_client_auth=True)
    port = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()
    print(f"LISTENING 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
