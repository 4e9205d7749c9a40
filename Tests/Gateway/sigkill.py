"""An upstream endpoint SIGKILLed under gateway load loses no idempotent call: `weft gateway` in
front of two catalog processes (`weft-demo serve`) over mutual TLS, clients sending
ListProducts (NO_SIDE_EFFECTS) as REST all along, one endpoint killed in the middle. Every
request must get 200: calls that never reached the dead endpoint move to the other, and calls
in flight there when it died are retried within the retry budget.

Usage: sigkill.py <build directory with weft and weft-demo>
"""
import http.client
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HANG_GUARD = 60  # seconds; a guard against hangs, never a measure of speed
CLIENTS = 8
REQUESTS_BEFORE_KILL = 400  # across all clients
REQUESTS_AFTER_KILL = 400


def start(command, log):
    """Starts `command` with output in `log` and returns (process, port) once it announces
    its port with a LISTENING line."""
    process = subprocess.Popen(command, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        found = re.search(r"^LISTENING .*:(\d+)$", Path(log).read_text(), re.MULTILINE)
        if found:
            return process, int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    sys.exit(f"no LISTENING line from {command}:\n{Path(log).read_text()}")


def main():
    build = Path(sys.argv[1])
    root = Path(__file__).resolve().parent.parent.parent
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        subprocess.run([build / "weft", "certs", "--out", work / "pki", "--service", "catalog", "--service", "gateway"],
                       check=True, stdout=subprocess.DEVNULL)
        processes = []
        try:
            ports = []
            for name in ("first", "second"):
                process, port = start([build / "weft-demo", "serve", work / "pki"], work / f"{name}.log")
                processes.append(process)
                ports.append(port)
            config = {
                "listen": "127.0.0.1:0",
                "schemas": {"includePaths": [str(root / "schemas")], "files": ["weft/platform/catalog/v1/catalog.proto"]},
                "upstreams": {"weft.platform.catalog.v1.CatalogService": {
                    "endpoints": [f"127.0.0.1:{port}" for port in ports],
                    "tls": {"ca": "pki/ca.pem", "certificate": "pki/gateway.pem", "key": "pki/gateway.key",
                            "serverName": "127.0.0.1"}}},
            }
            (work / "gateway.json").write_text(json.dumps(config))
            gateway, gateway_port = start([build / "weft", "gateway", "--config", work / "gateway.json"], work / "gateway.log")
            processes.append(gateway)

            answered = []  # status codes, in any order
            lock = threading.Lock()
            stop = threading.Event()

            def client():
                connection = http.client.HTTPConnection("127.0.0.1", gateway_port, timeout=HANG_GUARD)
                while not stop.is_set():
                    try:
                        connection.request("GET", "/v1/products?pageSize=5")
                        response = connection.getresponse()
                        body = response.read()
                        code = response.status if response.status == 200 else f"{response.status} {body[:200]!r}"
                    except (OSError, http.client.HTTPException) as error:
                        code = f"client error {error!r}"
                        connection = http.client.HTTPConnection("127.0.0.1", gateway_port, timeout=HANG_GUARD)
                    with lock:
                        answered.append(code)

            def count():
                with lock:
                    return len(answered)

            def wait_for(total):
                deadline = time.monotonic() + HANG_GUARD
                while count() < total and time.monotonic() < deadline:
                    time.sleep(0.01)

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            for thread in threads:
                thread.start()
            wait_for(REQUESTS_BEFORE_KILL)
            processes[0].send_signal(signal.SIGKILL)
            processes[0].wait(timeout=HANG_GUARD)
            killed_at = count()
            wait_for(killed_at + REQUESTS_AFTER_KILL)
            stop.set()
            for thread in threads:
                thread.join(timeout=HANG_GUARD)
            failed = [code for code in answered if code != 200]
            served_after = count() - killed_at
            print(f"{len(answered)} requests, {served_after} after the kill, {len(failed)} not 200")
            if failed or served_after < REQUESTS_AFTER_KILL:
                print("FAIL an endpoint SIGKILLed under gateway load lost calls:", failed[:5])
                print(Path(work / "gateway.log").read_text()[-3000:])
                return 1
            print("PASS an endpoint SIGKILLed under gateway load loses no idempotent call")
            return 0
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=HANG_GUARD)
                    except subprocess.TimeoutExpired:
                        process.kill()


if __name__ == "__main__":
    sys.exit(main())
