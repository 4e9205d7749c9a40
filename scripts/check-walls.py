#!/usr/bin/env python3
"""The layering walls, checked by reading each target's imports (`make test` runs this).

A wall is a set of modules a target's sources must not import. The walls keep the layers apart:
the code generator runs without the runtime, the message runtime and the RPC core without NIO
(generated code links neither the event loops nor the transport), HTTP/2 and TLS without
knowing about RPC, and the framework without any of the platform built on it.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*(?:(?:public|package|internal|private|fileprivate)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)", re.M)

RUNTIME = {"WeftMessages", "WeftRPC", "WeftRPCHTTP2", "WeftTLS", "WeftHTTP2", "WeftMesh", "WeftGateway", "WeftREST", "WeftInterop"}
NIO = {"NIO", "NIOCore", "NIOPosix", "NIOHTTP1", "NIOHTTP2", "NIOSSL", "NIOConcurrencyHelpers", "NIOFoundationCompat"}
TRANSPORT = NIO | {"CZlib", "CNGHTTP2", "COpenSSL", "CWeftOpenSSL", "WeftHTTP2", "WeftTLS", "WeftRPCHTTP2"}
PLATFORM = {"SQLKit", "SQLiteKit", "PostgresKit", "PostgresNIO", "SQLiteNIO", "AsyncKit", "CNATS", "CWeftNATS"}

# (what, source folders, modules they must not import, or a prefix no import may start with)
WALLS = [
    ("the code generator imports no runtime", ["codegen/Sources"], RUNTIME | NIO),
    ("WeftMessages imports no NIO and no other layer", ["Sources/WeftMessages"], RUNTIME - {"WeftMessages"} | TRANSPORT),
    ("the RPC core imports no NIO and no transport", ["Sources/WeftRPC"], TRANSPORT | {"WeftMesh", "WeftGateway"}),
    ("HTTP/2 imports no RPC and no TLS", ["Sources/WeftHTTP2"], {"WeftRPC", "WeftRPCHTTP2", "WeftMessages", "WeftTLS", "WeftMesh", "WeftGateway"}),
    ("TLS imports no RPC and no HTTP/2", ["Sources/WeftTLS"], {"WeftRPC", "WeftRPCHTTP2", "WeftMessages", "WeftHTTP2", "WeftMesh", "WeftGateway"}),
    ("the framework imports no platform code", ["Sources", "codegen/Sources"], PLATFORM | {"Platform*"}),
]


def imports(folder):
    for path in sorted((ROOT / folder).rglob("*.swift")):
        for match in IMPORT.finditer(path.read_text(encoding="utf-8")):
            yield path.relative_to(ROOT), match.group(1)


def forbidden(module, wall):
    return module in wall or any(entry.endswith("*") and module.startswith(entry[:-1]) for entry in wall)


def main():
    breaches = 0
    for what, folders, wall in WALLS:
        found = [(path, module) for folder in folders for path, module in imports(folder) if forbidden(module, wall)]
        checked = sum(1 for folder in folders for _ in (ROOT / folder).rglob("*.swift"))
        if checked == 0:
            print(f"FAIL {what}: no sources under {', '.join(folders)} (a moved folder?)")
            breaches += 1
        for path, module in found:
            print(f"FAIL {what}: {path} imports {module}")
        breaches += len(found)
        if not found and checked:
            print(f"PASS {what} ({checked} files)")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
