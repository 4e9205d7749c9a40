"""`weft-platform` refuses a mistaken configuration before it serves: each mistake in
`settings` (a service's keys, the events transport, identity's password cost, a database URL)
stops the start with a failing exit status and one line naming the file and the key; a YAML
file reads like its JSON, mistakes included, and a YAML syntax error names its line and column.

Usage: settings.py <weft binary> <weft-platform binary>
"""
import json
import subprocess
import tempfile
from pathlib import Path

from harness import HANG_GUARD, check, failures, main

INSECURE = {"service": "platform", "listen": "127.0.0.1:0", "insecure": True}

MISTAKES = [
    ("a misspelt service key", ["catalog"], {"catalog": {"pageTokenKy": "k"}},
     "configuration key settings.catalog.pageTokenKy is not a known setting; did you mean pageTokenKey?"),
    ("an unknown events transport", ["catalog"], {"catalog": {"pageTokenKey": "k"}, "events": {"transport": "kafka"}},
     'configuration key settings.events.transport must be "embedded" or "nats"'),
    ("nats without its URL", ["catalog"], {"catalog": {"pageTokenKey": "k"}, "events": {"transport": "nats"}},
     "configuration key settings.events.url is required with the nats transport"),
    ("a password cost out of range", ["identity"], {"identity": {"passwordCost": {"log2N": 30}}},
     "configuration key settings.identity.passwordCost.log2N must be between 10 and 24"),
    # Found when the database is opened: the storage layer names the URL, not the file.
    ("a database URL of another engine", ["catalog"], {"catalog": {"pageTokenKey": "k", "database": "mysql://db/catalog"}},
     "cannot start: database URL scheme mysql is not postgres:// or a SQLite file path"),
]


def refused(runner, directory, file, services):
    """Exit status and standard error of a start that is expected to fail."""
    result = subprocess.run([str(runner), "--config", file] + services, cwd=directory, capture_output=True, text=True,
                            timeout=HANG_GUARD)
    return result.returncode, result.stderr


def run(weft, runner, backend):
    if backend != "sqlite":
        return  # the configuration is read before any database is opened
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        for what, services, settings, message in MISTAKES:
            (directory / "platform.json").write_text(json.dumps(INSECURE | {"settings": settings}))
            status, stderr = refused(runner, directory, "platform.json", services)
            named = message if message.startswith("cannot start") else f"platform.json: {message}"
            check(f"{what} stops the start, named", status != 0 and named in stderr, f"status {status}: {stderr[-400:]}")
        (directory / "platform.yaml").write_text(
            "service: platform\nlisten: 127.0.0.1:0\ninsecure: true\nsettings:\n  catalog:\n    pageTokenKy: k\n")
        status, stderr = refused(runner, directory, "platform.yaml", ["catalog"])
        check("a YAML configuration's mistake is named as its JSON's", status != 0
              and "platform.yaml: configuration key settings.catalog.pageTokenKy is not a known setting; did you mean pageTokenKey?" in stderr,
              stderr[-400:])
        (directory / "broken.yaml").write_text("service: platform\nsettings: [unclosed\n")
        status, stderr = refused(runner, directory, "broken.yaml", ["catalog"])
        check("a YAML syntax error names its line and column", status != 0 and "broken.yaml:3:1: not valid YAML" in stderr, stderr[-400:])


if __name__ == "__main__":
    main(run)
