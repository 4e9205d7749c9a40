"""Platform services and the gateway as processes, as an operator runs them: certificates from
`weft certs`, one JSON mesh configuration per service process (`weft-platform`), a gateway
configuration with the platform's schemas, and HTTP calls through the gateway.

Databases: SQLite files in the run's directory, or new databases on the PostgreSQL server that
WEFT_TEST_POSTGRES_URL names (created with psql).
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PLATFORM = ROOT / "platform"
# A guard against hangs on a loaded machine, never a measure of speed.
HANG_GUARD = 120

failures = []


def check(name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


class Process:
    """A server that prints `LISTENING host:port` once it serves."""

    def __init__(self, name, arguments, directory):
        self.name = name
        self.log_path = directory / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(arguments, stdout=self.log, stderr=subprocess.STDOUT, cwd=directory)
        deadline = time.monotonic() + HANG_GUARD
        self.port = None
        while time.monotonic() < deadline and self.port is None:
            for line in self.log_path.read_text().splitlines():
                if line.startswith("LISTENING "):
                    self.port = int(line.split()[1].rsplit(":", 1)[1])
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError(f"{name} did not start:\n{self.log_path.read_text()}")

    def stop(self):
        """SIGTERM, then the exit status (it drains and exits 0)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        self.log.close()
        return status


def database_url(backend, directory, service):
    """A new database for `service`: a SQLite path, or a new PostgreSQL database."""
    if backend == "sqlite":
        return str(directory / "data" / f"{service}.sqlite")
    server = os.environ["WEFT_TEST_POSTGRES_URL"]
    name = f"p_{service}_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", server, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return server.rsplit("/", 1)[0] + "/" + name


def certificates(weft, directory, services):
    pki = directory / "pki"
    arguments = [str(weft), "certs", "--out", str(pki)]
    for service in services:
        arguments += ["--service", service]
    subprocess.run(arguments, check=True, stdout=subprocess.DEVNULL)
    return pki


def start_platform(runner, directory, name, settings, rules, upstreams=None):
    """`weft-platform --config <name>.json <service>…` over mutual TLS with the certificate of
    `name`: the services `settings` configures (by short name), `rules` saying who may call
    which service (`{full service name: [callers' service names]}`, the mesh's SPIFFE allow-list)."""
    config = {
        "service": name,
        "listen": "127.0.0.1:0",
        "tls": {"ca": "pki/ca.pem", "certificate": f"pki/{name}.pem", "key": f"pki/{name}.key"},
        "authorization": {"rules": {target: [f"spiffe://weft.local/service/{caller}" for caller in callers] for target, callers in rules.items()}},
        "upstreams": upstreams or {},
        "settings": settings,
    }
    (directory / f"{name}.json").write_text(json.dumps(config, indent=2))
    return Process(name, [str(runner), "--config", f"{name}.json"] + [service for service in settings if service != "events"], directory)


def upstream(port, service, client="gateway"):
    return {"address": f"127.0.0.1:{port}",
            "tls": {"ca": "pki/ca.pem", "certificate": f"pki/{client}.pem", "key": f"pki/{client}.key", "serverName": "127.0.0.1"}}


def start_gateway(weft, directory, schemas, upstreams, jwt):
    config = {
        "listen": "127.0.0.1:0",
        "schemas": {"includePaths": [str(path) for path, _ in schemas], "files": [file for _, file in schemas]},
        "upstreams": upstreams,
        "jwt": jwt,
    }
    (directory / "gateway.json").write_text(json.dumps(config, indent=2))
    return Process("gateway", [str(weft), "gateway", "--config", "gateway.json"], directory)


class HTTP:
    """JSON over HTTP/1.1 to the gateway; answers are (status, body as JSON or text)."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method, path, body=None, token=None, headers=None):
        request = urllib.request.Request(self.base + path, method=method)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            request.add_header("content-type", "application/json")
        if token:
            request.add_header("authorization", "Bearer " + token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, data=data, timeout=HANG_GUARD) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")


def reason(body):
    """The ErrorInfo reason in an error body's details."""
    for detail in body.get("details", []) if isinstance(body, dict) else []:
        if detail.get("@type", "").endswith("google.rpc.ErrorInfo"):
            return detail.get("reason")
    return None


def main(run):
    """`run(weft, runner, backend)` on SQLite, then on PostgreSQL when WEFT_TEST_POSTGRES_URL
    is set; arguments: <weft binary> <weft-platform binary>. Exits 1 when a check failed."""
    weft, runner = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    for backend in ["sqlite"] + (["postgres"] if os.environ.get("WEFT_TEST_POSTGRES_URL") else []):
        run(weft, runner, backend)
    if failures:
        print(f"{len(failures)} failed: {', '.join(failures)}")
        sys.exit(1)
