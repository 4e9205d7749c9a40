#!/usr/bin/env python3
"""Cross-checks the FileDescriptorProtos Weft encodes (for gRPC reflection) against protoc's.

Usage: descriptors.py WEFT_CODEGEN

For every good/**/*.proto of the corpus and the repository's own schemas, both protoc
(grpc_tools from the project's .venv) and `WEFT_CODEGEN --check --descriptor-set-out` write a
descriptor set; the two must be equal as parsed messages once protoc's custom option values
are set aside (Weft encodes built-in options and google.api.http only). The google.api.http
extension is registered, so the HTTP rules are compared too.
"""
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

from crosscheck import CORPUS, PYTHON, ROOT, export_google_api, grpc_tools_include

SCHEMAS = [
    (CORPUS, sorted(p.relative_to(CORPUS) for p in CORPUS.glob("good/**/*.proto"))),
    (ROOT / "Sources" / "WeftInterop", [Path("interop.proto")]),
    (ROOT / "Tests" / "CrossLanguage" / "CodecProbe", [Path("bench.proto")]),
    (ROOT / "schemas", sorted(p.relative_to(ROOT / "schemas") for p in (ROOT / "schemas").glob("**/*.proto"))),
    (ROOT / "Tests" / "WeftGeneratedCodeTests", [Path("edge_cases.proto")]),
]


def register_http_extension(google_api: Path) -> None:
    """Generates Python for the bundled google/api files and imports it, registering the extension."""
    subprocess.run(
        [str(PYTHON), "-m", "grpc_tools.protoc", "-I", str(google_api), "-I", grpc_tools_include(),
         "--python_out=" + str(google_api), "google/api/http.proto", "google/api/annotations.proto"],
        check=True,
    )
    sys.path.insert(0, str(google_api))
    importlib.import_module("google.api.annotations_pb2")


def normalized(file_set, discard_unknown):
    """Drops options left empty and, for protoc's side, unknown fields (custom options Weft leaves
    out). Weft's side keeps its unknown fields, so a field written under a wrong number shows."""

    def visit(message):
        for field, value in message.ListFields():
            if field.type != field.TYPE_MESSAGE:
                continue
            values = value if field.is_repeated else [value]
            for item in values:
                visit(item)
        for field, value in list(message.ListFields()):
            if field.name == "options" and value.ByteSize() == 0:
                message.ClearField("options")

    if discard_unknown:
        file_set.DiscardUnknownFields()
    visit(file_set)
    return file_set


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    weft = sys.argv[1]
    failures = 0
    checked = 0
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        export_google_api(weft, temp / "api")
        register_http_extension(temp / "api")
        from google.protobuf import descriptor_pb2, text_format

        for root, files in SCHEMAS:
            for relative in files:
                theirs_path, ours_path = temp / "protoc.pb", temp / "weft.pb"
                subprocess.run(
                    [str(PYTHON), "-m", "grpc_tools.protoc", "-I", str(root), "-I", grpc_tools_include(), "-I", str(temp / "api"),
                     "--descriptor_set_out=" + str(theirs_path), str(relative)],
                    cwd=root, check=True,
                )
                subprocess.run(
                    [weft, "--check", "--proto-path", str(root), "--descriptor-set-out", str(ours_path), str(relative)],
                    cwd=root, check=True,
                )
                theirs = normalized(descriptor_pb2.FileDescriptorSet.FromString(theirs_path.read_bytes()), discard_unknown=True)
                ours = normalized(descriptor_pb2.FileDescriptorSet.FromString(ours_path.read_bytes()), discard_unknown=False)
                checked += 1
                if theirs == ours:
                    print(f"ok        {relative}")
                    continue
                failures += 1
                print(f"DIFFERENT {relative}")
                theirs_lines = text_format.MessageToString(theirs).splitlines()
                ours_lines = text_format.MessageToString(ours).splitlines()
                import difflib
                for line in list(difflib.unified_diff(theirs_lines, ours_lines, "protoc", "weft", lineterm="", n=2))[:40]:
                    print("    " + line)
    print(f"\n{checked - failures}/{checked} descriptors equal protoc's")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
