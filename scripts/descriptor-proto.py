#!/usr/bin/env python3
"""Writes Sources/WeftMessages/SchemaFileDescriptor+DescriptorProto.swift: protoc's encoding of
google/protobuf/descriptor.proto (proto2, which weft-codegen does not read), taken from the
Python protobuf package pinned in Tests/requirements.txt. Run with the project's .venv python."""
import base64
import sys
from pathlib import Path

from google.protobuf import __version__, descriptor_pb2

encoded = base64.b64encode(descriptor_pb2.DESCRIPTOR.serialized_pb).decode()
lines = [encoded[i:i + 96] for i in range(0, len(encoded), 96)]
body = "\\\n".join("        " + line for line in lines)
target = Path(__file__).resolve().parent.parent / "Sources/WeftMessages/SchemaFileDescriptor+DescriptorProto.swift"
target.write_text(f'''// DO NOT EDIT. Written by scripts/descriptor-proto.py from Python protobuf {__version__}.

extension SchemaFileDescriptor {{
    /// `google/protobuf/descriptor.proto` as protoc encodes it: the file every custom option's
    /// `extend` imports, served by reflection when a schema depends on it.
    public static let googleProtobufDescriptor = SchemaFileDescriptor(
        name: "google/protobuf/descriptor.proto",
        base64: """
{body}
        """
    )
}}
''')
print(f"wrote {target} ({len(descriptor_pb2.DESCRIPTOR.serialized_pb)} bytes encoded)", file=sys.stderr)
