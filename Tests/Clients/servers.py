"""The live stack the generated-client tests call: the catalog (`weft-demo serve`) and the
bookshop fixture (`weft-bookshop`) over mutual TLS, and `weft gateway` in front of both, each
a process on a loopback port. Used as a context manager; everything stops on exit."""

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import urllib.request

HANG_GUARD = 120  # seconds: only to stop a hang, never a speed bound
REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Process:
    """A child whose output is drained in a thread (a full pipe would block its event loop)."""

    def __init__(self, name, argv):
        self.name = name
        self.lines = queue.Queue()
        self.log = []
        self.child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.child.stdout:
            self.log.append(line)
            self.lines.put(line)

    def port(self):
        """The port of the process's `LISTENING host:port` line."""
        while True:
            try:
                line = self.lines.get(timeout=HANG_GUARD)
            except queue.Empty:
                sys.exit(f"FAIL {self.name} announced no port:\n{''.join(self.log)}")
            if line.startswith("LISTENING "):
                return int(line.rsplit(":", 1)[1])

    def stop(self):
        if self.child.poll() is None:
            self.child.terminate()
            try:
                self.child.wait(timeout=HANG_GUARD)
            except subprocess.TimeoutExpired:
                self.child.kill()


class Stack:
    """`with Stack(build) as stack:` gives `stack.base` (the gateway's URL) and `stack.config`."""

    def __init__(self, build):
        self.build = build
        self.processes = []

    def __enter__(self):
        self.work = tempfile.TemporaryDirectory()
        pki = os.path.join(self.work.name, "pki")
        subprocess.run(
            [f"{self.build}/weft", "certs", "--out", pki, "--service", "catalog", "--service", "bookshop", "--service", "gateway"],
            check=True, stdout=subprocess.DEVNULL)
        catalog = self._start("catalog", [f"{self.build}/weft-demo", "serve", pki]).port()
        bookshop = self._start("bookshop", [f"{self.build}/weft-bookshop", pki]).port()
        tls = {"ca": f"{pki}/ca.pem", "certificate": f"{pki}/gateway.pem", "key": f"{pki}/gateway.key", "serverName": "127.0.0.1"}
        self.config = os.path.join(self.work.name, "gateway.json")
        with open(self.config, "w") as file:
            json.dump({
                "listen": "127.0.0.1:0",
                "schemas": {
                    "includePaths": [f"{REPOSITORY}/schemas", f"{REPOSITORY}/Tests/Fixtures/Bookshop"],
                    "files": ["weft/platform/catalog/v1/catalog.proto", "bookshop.proto"],
                },
                "upstreams": {
                    "weft.platform.catalog.v1.CatalogService": {"address": f"127.0.0.1:{catalog}", "tls": tls},
                    "weft.gatewaytest.v1.Bookshop": {"address": f"127.0.0.1:{bookshop}", "tls": tls},
                },
            }, file)
        gateway = self._start("gateway", [f"{self.build}/weft", "gateway", "--config", self.config, "--quiet"]).port()
        self.base = f"http://127.0.0.1:{gateway}"
        return self

    def _start(self, name, argv):
        process = Process(name, argv)
        self.processes.append(process)
        return process

    def document(self):
        """The OpenAPI document the gateway serves."""
        with urllib.request.urlopen(f"{self.base}/openapi.json", timeout=HANG_GUARD) as answer:
            return answer.read()

    def __exit__(self, *exception):
        for process in reversed(self.processes):
            process.stop()
        self.work.cleanup()
