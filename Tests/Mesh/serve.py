"""`weft serve` as a process: a JSON mesh configuration with mutual TLS, an authorization rule
and an admin listener, WEFT_* environment overrides, grpcio calling the built-in TestService,
health and reflection answering, /metrics counting the calls, SIGTERM draining a call in flight
(it finishes; the process exits 0), and bad configurations refused naming the key.

Usage: serve.py <weft binary> <pki dir>   (the PKI has interop, client and other certificates)
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Interop"))
import grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase  # noqa: E402
from grpcio_client import HANG_GUARD, compile_protos, credentials  # noqa: E402

TEST_SERVICE = "weft.interop.v1.TestService"
failures = []


def check(name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


def wait_for(condition, interval=0.05):
    """Polls `condition` until it holds; whether it did within HANG_GUARD seconds (a guard
    against hangs, never a measure of speed)."""
    deadline = time.monotonic() + HANG_GUARD
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def get_metrics(admin):
    return urllib.request.urlopen(f"http://{admin}/metrics", timeout=HANG_GUARD).read().decode()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(directory, pki, **extra):
    config = {
        "service": "interop",
        "listen": "127.0.0.1:0",
        "tls": {"ca": f"{pki}/ca.pem", "certificate": f"{pki}/interop.pem", "key": f"{pki}/interop.key"},
        "admin": "127.0.0.1:0",
        "authorization": {"rules": {f"{TEST_SERVICE}/EmptyCall": ["spiffe://weft.local/service/client"]}},
        **extra,
    }
    config = {key: value for key, value in config.items() if value is not None}
    path = Path(directory) / "mesh.json"
    path.write_text(json.dumps(config))
    return path


def start(weft, config, environment=None):
    server = subprocess.Popen([weft, "serve", "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, **(environment or {})})
    line = server.stdout.readline().strip()
    if not line.startswith("LISTENING "):
        server.kill()
        sys.exit(f"weft serve did not start: {line!r} {server.stderr.read()}")
    # Keep reading what it logs: a full pipe would block the server's writes, event loops included.
    for stream in (server.stdout, server.stderr):
        threading.Thread(target=lambda s=stream: [None for _ in s], daemon=True).start()
    words = line.split(" ")
    return server, words[1], words[3]


def refuses_to_start(weft, config, expected):
    """Whether `weft serve` exits with status 1 and one line on standard error containing
    `expected` (no crash report)."""
    result = subprocess.run([weft, "serve", "--config", str(config)], capture_output=True, text=True, timeout=HANG_GUARD)
    lines = result.stderr.strip().splitlines()
    return result.returncode == 1 and len(lines) == 1 and expected in lines[0], (result.returncode, result.stderr)


def check_start_failures(weft, work, pki):
    """A service that cannot start says why in one line and exits 1."""
    bad_json = Path(work) / "bad.json"
    bad_json.write_text('{"service": "a",\n  "insecure": true,\n  "limits": {"drainSeconds": 3,}\n}')
    check("json_syntax_error_names_line_and_column", *refuses_to_start(weft, bad_json, "bad.json:3:32: not valid JSON"))
    typo = write_config(work, pki, limts={})
    check("misspelt_key_gets_a_suggestion", *refuses_to_start(weft, typo, "configuration key limts is not a known setting; did you mean limits?"))
    missing = write_config(work, pki, tls={"ca": f"{pki}/ca.pem", "certificate": f"{work}/nowhere.pem", "key": f"{pki}/interop.key"})
    check("missing_certificate_names_the_file", *refuses_to_start(weft, missing, f"cannot load TLS file {work}/nowhere.pem"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = write_config(work, pki, listen=f"127.0.0.1:{port}")
        check("busy_port_names_the_address", *refuses_to_start(weft, busy, f"cannot listen on 127.0.0.1:{port}: Address already in use"))
    check("missing_configuration_file_named", *refuses_to_start(weft, Path(work) / "none.json", "cannot read the configuration file"))


def main():
    weft, pki = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        compile_protos(work)
        import interop_pb2 as pb
        import interop_pb2_grpc as pb_grpc

        port = free_port()
        # A drain grace period ten times what the in-flight call below needs (and well inside the
        # wait for the process to exit, should a connection outlast the drain).
        config = write_config(work, pki, limits={"drainSeconds": 30})
        server, address, admin = start(weft, config, {"WEFT_LISTEN": f"127.0.0.1:{port}"})
        try:
            check("environment_overrides_listen", address == f"127.0.0.1:{port}", address)
            channel = grpc.secure_channel(address, credentials(pki))
            stub = pb_grpc.TestServiceStub(channel)
            reply = stub.UnaryCall(pb.SimpleRequest(response_size=5), timeout=HANG_GUARD)
            check("unary_call", len(reply.payload.body) == 5, reply)
            stub.EmptyCall(pb.Empty(), timeout=HANG_GUARD)
            check("allowed_caller", True)
            other = pb_grpc.TestServiceStub(grpc.secure_channel(address, credentials(pki, client="other")))
            try:
                other.EmptyCall(pb.Empty(), timeout=HANG_GUARD)
                check("caller_outside_allow_list_denied", False, "the call succeeded")
            except grpc.RpcError as error:
                check("caller_outside_allow_list_denied", error.code() == grpc.StatusCode.PERMISSION_DENIED, error.code())

            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=TEST_SERVICE), timeout=HANG_GUARD)
            check("health_serving", health.status == health_pb2.HealthCheckResponse.SERVING, health)
            services = set(ProtoReflectionDescriptorDatabase(channel).get_services())
            check("reflection_lists_the_service", TEST_SERVICE in services, sorted(services))
            metrics = get_metrics(admin)
            check("metrics_count_calls",
                  f'method="/{TEST_SERVICE}/UnaryCall",code="OK"' in metrics and 'code="PERMISSION_DENIED"' in metrics,
                  metrics[:400])

            # A call taking a few seconds is in flight when SIGTERM arrives (the admin port's
            # in-flight gauge says it reached the server): it must finish, and the process must
            # exit cleanly after the drain.
            slow = pb.StreamingOutputCallRequest(response_parameters=[pb.ResponseParameters(size=3, interval_us=3_000_000)])
            result = {}
            thread = threading.Thread(target=lambda: result.update(
                replies=[len(r.payload.body) for r in stub.StreamingOutputCall(slow, timeout=HANG_GUARD)]))
            thread.start()
            in_flight = f'weft_rpc_server_calls_in_flight{{method="/{TEST_SERVICE}/StreamingOutputCall"}} 1'
            check("slow_call_in_flight", wait_for(lambda: in_flight in get_metrics(admin)), get_metrics(admin)[-600:])
            server.send_signal(signal.SIGTERM)
            thread.join(timeout=HANG_GUARD)
            check("in_flight_call_finishes_during_drain", result.get("replies") == [3], result)
            code = server.wait(timeout=HANG_GUARD)
            check("exit_status_after_drain", code == 0, code)
        finally:
            if server.poll() is None:
                server.kill()

        broken = write_config(work, pki, tls=None)
        refused = subprocess.run([weft, "serve", "--config", str(broken)], capture_output=True, text=True, timeout=HANG_GUARD)
        check("bad_configuration_names_the_key", refused.returncode != 0 and "configuration key tls" in refused.stderr,
              (refused.returncode, refused.stderr))
        unknown = subprocess.run([weft, "serve", "--config", str(broken), "no.Such"], capture_output=True, text=True,
                                 timeout=HANG_GUARD)
        check("unknown_service_refused", unknown.returncode != 0 and "not a built-in service" in unknown.stderr,
              (unknown.returncode, unknown.stderr))
        check_start_failures(weft, work, pki)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
