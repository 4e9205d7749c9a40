"""grpcio-health-checking (the Python package load balancers' and probes' libraries build on)
against `weft-interop server` over mutual TLS: Check for the server and its services, NOT_FOUND
for an unknown one, Watch seeing NOT_SERVING when SIGTERM starts the drain, and a server
started with --no-health answering UNIMPLEMENTED.

Usage: grpcio_health.py <weft-interop binary> <pki dir>
"""
import queue
import signal
import sys
import threading

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpcio_client import HANG_GUARD, credentials, start_server

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def start(binary, pki, *flags):
    server, target = start_server(binary, pki, *flags)
    return server, health_pb2_grpc.HealthStub(grpc.secure_channel(target, credentials(pki)))


def check(failures, name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


def main():
    binary, pki = sys.argv[1], sys.argv[2]
    failures = []
    server, health = start(binary, pki)
    try:
        overall = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=HANG_GUARD)
        check(failures, "check_server", overall.status == SERVING, overall)
        service = health.Check(health_pb2.HealthCheckRequest(service="weft.interop.v1.TestService"), timeout=HANG_GUARD)
        check(failures, "check_service", service.status == SERVING, service)
        try:
            health.Check(health_pb2.HealthCheckRequest(service="no.Such"), timeout=HANG_GUARD)
            check(failures, "check_unknown_service", False, "no error")
        except grpc.RpcError as error:
            check(failures, "check_unknown_service", error.code() == grpc.StatusCode.NOT_FOUND, error.code())

        seen = queue.Queue()

        def watch():
            try:
                for response in health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=HANG_GUARD):
                    seen.put(response.status)
            except grpc.RpcError as error:
                seen.put(error.code())

        threading.Thread(target=watch, daemon=True).start()
        first = seen.get(timeout=HANG_GUARD)
        check(failures, "watch_starts_serving", first == SERVING, first)
        server.send_signal(signal.SIGTERM)
        after = seen.get(timeout=HANG_GUARD)
        check(failures, "watch_sees_drain", after == NOT_SERVING, after)
        server.wait(timeout=HANG_GUARD)
        check(failures, "sigterm_drains_and_exits", server.returncode == 0, server.returncode)
    finally:
        if server.poll() is None:
            server.kill()

    quiet, health = start(binary, pki, "--no-health")
    try:
        health.Check(health_pb2.HealthCheckRequest(service=""), timeout=HANG_GUARD)
        check(failures, "no_health_flag", False, "no error")
    except grpc.RpcError as error:
        check(failures, "no_health_flag", error.code() == grpc.StatusCode.UNIMPLEMENTED, error.code())
    finally:
        quiet.kill()
    print(f"{7 - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
