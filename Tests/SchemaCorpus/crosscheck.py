#!/usr/bin/env python3
"""Cross-checks Weft's schema checker against protoc on the corpus in this directory.

Usage: crosscheck.py WEFT_CODEGEN

For every good/**/*.proto and bad/**/*.proto, runs protoc (grpc_tools from the project's
.venv, with grpc_tools' bundled google/protobuf files and Weft's bundled google/api files)
and `WEFT_CODEGEN --check --proto-path <this dir> FILE`. Fails unless both accept or both
reject each file, and unless good/ files are accepted and bad/ files rejected.

Weft's bundled google/api files come from `WEFT_CODEGEN --export-google-api`, so protoc sees
exactly what Weft ships.
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
ROOT = CORPUS.parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def export_google_api(weft: str, directory: Path) -> None:
    """Writes the bundled google/api/*.proto files out with `weft-codegen --export-google-api`
    (what a grpcio user runs too), so protoc sees exactly what Weft ships."""
    result = subprocess.run([weft, "--export-google-api", str(directory)], capture_output=True, text=True)
    if result.returncode != 0 or not (directory / "google" / "api" / "annotations.proto").exists():
        sys.exit(f"weft-codegen --export-google-api failed: {result.stderr}")


def grpc_tools_include() -> str:
    return subprocess.run(
        [str(PYTHON), "-c", "import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), '_proto'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    weft = sys.argv[1]
    files = sorted(CORPUS.glob("good/**/*.proto")) + sorted(CORPUS.glob("bad/**/*.proto"))
    failures = []
    with tempfile.TemporaryDirectory() as temp:
        export_google_api(weft, Path(temp))
        includes = ["-I", str(CORPUS), "-I", grpc_tools_include(), "-I", temp]
        for path in files:
            relative = path.relative_to(CORPUS)
            protoc = subprocess.run(
                [str(PYTHON), "-m", "grpc_tools.protoc", *includes, "--descriptor_set_out=" + os.devnull, str(relative)],
                cwd=CORPUS, capture_output=True, text=True,
            )
            ours = subprocess.run(
                [weft, "--check", "--proto-path", str(CORPUS), str(path)], capture_output=True, text=True,
            )
            protoc_ok, ours_ok = protoc.returncode == 0, ours.returncode == 0
            expected_ok = relative.parts[0] == "good"
            verdict = "ok"
            if protoc_ok != ours_ok:
                verdict = "DISAGREE"
            elif ours_ok != expected_ok:
                verdict = "WRONG DIRECTORY"
            print(f"{verdict:15} protoc={'accept' if protoc_ok else 'reject':6} weft={'accept' if ours_ok else 'reject':6} {relative}")
            if verdict != "ok":
                failures.append((relative, protoc.stderr.strip(), ours.stderr.strip()))
    for relative, protoc_err, ours_err in failures:
        print(f"\n--- {relative}\nprotoc: {protoc_err or '(no output)'}\nweft:   {ours_err or '(no output)'}")
    print(f"\n{len(files) - len(failures)}/{len(files)} files agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
