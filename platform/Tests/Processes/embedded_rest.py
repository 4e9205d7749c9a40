"""`weft-platform` serves the REST routes of its services on its own port when its
configuration has a `rest` object: the catalog's `GET /v1/products` over HTTP/1.1 (urllib) and
HTTP/2 (curl, prior knowledge) with no gateway process, its typed 404, and `/openapi.json`; a
misspelt `rest` key stops the start, naming the file and the key.

Usage: embedded_rest.py <weft binary> <weft-platform binary>
"""
import json
import subprocess
import tempfile
from pathlib import Path

from harness import HANG_GUARD, HTTP, Process, check, database_url, main

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def config(directory, backend, rest):
    return {
        "service": "catalog", "listen": "127.0.0.1:0", "insecure": True, "rest": rest,
        "settings": {"catalog": {"database": database_url(backend, directory, "catalog"), "pageTokenKey": "test-page-token-key"}},
    }


def run(weft, runner, backend):
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        (directory / "data").mkdir()
        rest = {"schemas": {"includePaths": [str(SCHEMAS)], "files": ["weft/platform/catalog/v1/catalog.proto"]}}
        (directory / "catalog.json").write_text(json.dumps(config(directory, backend, rest)))
        catalog = Process("catalog", [str(runner), "--config", "catalog.json", "catalog"], directory)
        try:
            http = HTTP(catalog.port)
            status, body = http.call("GET", "/v1/products")
            check(f"{backend}: GET /v1/products on the catalog's own port over HTTP/1.1", status == 200 and isinstance(body, dict), f"{status} {body}")
            status, body = http.call("GET", "/v1/products/no-such-product")
            check(f"{backend}: a missing product is a JSON 404 there", status == 404 and body.get("code") == 5, f"{status} {body}")
            status, body = http.call("GET", "/openapi.json")
            check(f"{backend}: /openapi.json there", status == 200 and "/v1/products" in json.dumps(body), f"{status}")
            answer = subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{http_version}", "--http2-prior-knowledge",
                 f"http://127.0.0.1:{catalog.port}/v1/products"], capture_output=True, text=True, timeout=HANG_GUARD)
            check(f"{backend}: the same over HTTP/2", answer.stdout == "200 2", answer.stdout + answer.stderr)
        finally:
            check(f"{backend}: the catalog drains and exits 0", catalog.stop() == 0)
        if backend != "sqlite":
            return
        (directory / "mistaken.json").write_text(json.dumps(config(directory, backend, rest | {"limts": {}})))
        result = subprocess.run([str(runner), "--config", "mistaken.json", "catalog"], cwd=directory, capture_output=True, text=True,
                                timeout=HANG_GUARD)
        check("a misspelt rest key stops the start, named", result.returncode != 0 and
              "mistaken.json: configuration key rest.limts is not a known setting; did you mean limits?" in result.stderr,
              result.stderr[-400:])


if __name__ == "__main__":
    main(run)
