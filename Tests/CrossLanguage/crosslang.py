"""Cross-language codec test: Weft's generated Swift against the Python `protobuf` package.

usage: crosslang.py PROBE      (PROBE: the built weft-codec-probe executable)

Both sides build the same samples independently (CodecProbe/*Samples.swift, samples.py).
Swift → Python: the probe writes <case>.swift.bin/.json; each must decode here to the Python
sample, and the JSON text must look like Python's own proto3 JSON. Python → Swift: this writes
<case>.py.bin/.json and `probe verify` decodes them and compares with its samples.
Exits 1 when any check fails and keeps the work directory for inspection.
"""

import base64
import importlib
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from google.protobuf import json_format
from grpc_tools import protoc

import samples

ROOT = Path(__file__).resolve().parents[2]
ABSENT = object()


def compile_schemas(out):
    """protoc's Python classes for interop.proto and bench.proto, imported from `out`."""
    out.mkdir()
    args = ["protoc", f"-I{ROOT / 'Sources' / 'WeftInterop'}", f"-I{ROOT / 'Tests' / 'CrossLanguage' / 'CodecProbe'}", f"--python_out={out}",
            "interop.proto", "bench.proto"]
    if protoc.main(args) != 0:
        sys.exit("protoc failed on interop.proto or bench.proto")
    sys.path.insert(0, str(out))
    return importlib.import_module("interop_pb2"), importlib.import_module("bench_pb2")


class Report:
    def __init__(self):
        self.checks = 0
        self.failures = 0

    def record(self, case, what, problem):
        self.checks += 1
        if problem is None:
            print(f"PASS {case} {what}")
        else:
            self.failures += 1
            print(f"FAIL {case} {what}: {problem}")


# ---- Message comparison ----

def clip(value):
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 160 else text[:160] + "…"


def describe(expected, actual):
    """Points at the first difference: repeated fields hold up to 10,000 elements and the
    unicode sample is one long string."""
    if isinstance(expected, dict):
        keys = sorted((k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)), key=repr)
        return "; ".join(f"[{k!r}] expected {clip(expected.get(k))}, got {clip(actual.get(k))}" for k in keys)
    if isinstance(expected, (list, str)) and type(actual) is type(expected):
        index = next((i for i, (e, a) in enumerate(zip(expected, actual)) if e != a), min(len(expected), len(actual)))
        if isinstance(expected, str):
            # ascii() shows code points, so "é" and "e" + U+0301 look different.
            return f"from character {index}: expected {ascii(expected[index:index + 16])}, " \
                   f"got {ascii(actual[index:index + 16])}"
        if index < min(len(expected), len(actual)):
            return f"[{index}] expected {clip(expected[index])}, got {clip(actual[index])}"
        return f"expected {len(expected)} elements, got {len(actual)}"
    return f"expected {clip(expected)}, got {clip(actual)}"


def message_difference(expected, actual):
    """None when the messages are equal, else the fields that differ (presence included)."""
    if expected == actual:
        return None
    lines = []
    for field in expected.DESCRIPTOR.fields:
        e, a = getattr(expected, field.name), getattr(actual, field.name)
        if field.message_type and field.message_type.GetOptions().map_entry:
            e, a = dict(e), dict(a)
        elif field.is_repeated:
            e, a = list(e), list(a)
        if field.has_presence and expected.HasField(field.name) != actual.HasField(field.name):
            state = {True: "set", False: "unset"}
            lines.append(f"{field.name}: expected {state[expected.HasField(field.name)]}, "
                         f"got {state[actual.HasField(field.name)]}")
        elif e != a:
            lines.append(f"{field.name}: {describe(e, a)}")
    return "; ".join(lines) or "messages differ, no field does"


def sample_difference(case, expected, actual):
    """Like message_difference; the NaN sample is checked with isnan first (NaN != NaN)."""
    if case == "nan":
        problem = samples.nan_problem(actual)
        if problem:
            return problem
        expected, actual = samples.clear_nan(expected), samples.clear_nan(actual)
    problem = message_difference(expected, actual)
    if problem is None and case == "unknown_enum":
        # Implied by equality; spelled out because losing unknown numbers is the classic bug.
        if actual.color != 7 or list(actual.r_color) != [1, 7, -1, -100]:  # RED, 7, INFRARED, -100
            problem = f"unknown enum numbers lost: color {actual.color}, r_color {list(actual.r_color)}"
    return problem


# ---- JSON text ----

def same_number(a, b):
    """Float fields may be printed with different digits that round to the same float32
    (Python writes 1.4013e-45 where Swift writes 1e-45); the values were already compared
    exactly through json_format.Parse, so here only the float32 value must agree. Integers
    (both sides print int32/uint32 as plain integers) must match exactly."""
    if a == b:
        return True
    if isinstance(a, int) and isinstance(b, int):
        return False
    try:
        return struct.pack("<f", a) == struct.pack("<f", b)
    except OverflowError:
        return False


def json_difference(swift, python, path="$"):
    """None when Swift's JSON value has the shape Python's own proto3 JSON has: the same keys
    (names, omitted defaults), the same JSON types (int64 as strings, enums as names) and values."""
    if isinstance(python, dict):
        if not isinstance(swift, dict):
            return f"{path}: expected an object, got {clip(swift)}"
        if swift.keys() != python.keys():
            return f"{path}: keys differ: {sorted(swift.keys() ^ python.keys())}"
        children = [(swift[key], python[key], f"{path}.{key}") for key in python]
    elif isinstance(python, list):
        if not isinstance(swift, list) or len(swift) != len(python):
            return f"{path}: expected a list of {len(python)}, got {clip(swift)}"
        children = [(s, p, f"{path}[{i}]") for i, (s, p) in enumerate(zip(swift, python))]
    else:
        def is_number(value):
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_number(python):
            same = is_number(swift) and same_number(swift, python)
        else:
            same = type(swift) is type(python) and swift == python
        return None if same else f"{path}: {describe(python, swift)}"
    for child in children:
        if problem := json_difference(*child):
            return problem
    return None


# The proto3 JSON rules, asserted directly on Swift's text: (case, path, expected value).
JSON_SPOT_CHECKS = [
    ("empty", (), {}),
    ("optional_defaults", (), {"oInt32": 0, "oString": ""}),
    ("oneof_int64_default", (), {"cInt64": "0"}),
    ("oneof_inner_empty", (), {"cInner": {}}),
    ("empty_strings", ("fString",), ABSENT),
    ("empty_strings", ("fBytes",), ABSENT),
    ("empty_strings", ("rString",), ["", "x", ""]),
    ("scalars_typical", ("f_int32",), ABSENT),
    ("scalars_typical", ("fInt32",), 150),
    ("scalars_typical", ("fUint32",), 3_000_000_000),
    ("scalars_typical", ("fInt64",), "1234567890123"),
    ("scalars_typical", ("fUint64",), "10000000000000000000"),
    ("scalars_typical", ("fSint64",), "-4200000000"),
    ("scalars_typical", ("fFixed64",), "9876543210"),
    ("scalars_typical", ("fSfixed64",), "-9000000000"),
    ("scalars_typical", ("color",), "COLOR_GREEN"),
    ("scalars_typical", ("fBytes",), "3q2+7w=="),
    ("scalars_typical", ("fMaxTag",), 1),
    ("scalars_typical", ("inner", "marks"), [1, -1, 2]),
    ("extremes_high", ("fUint64",), "18446744073709551615"),
    ("extremes_high", ("fFloat",), "Infinity"),
    ("extremes_low", ("fInt64",), "-9223372036854775808"),
    ("extremes_low", ("fDouble",), "-Infinity"),
    ("extremes_low", ("color",), "COLOR_INFRARED"),
    ("all_bytes", ("fBytes",), base64.b64encode(bytes(range(256))).decode()),
    ("maps", ("mInt32String", "-2147483648"), "min"),
    ("maps", ("mStringInt64", ""), "0"),
    ("unknown_enum", ("color",), 7),
    ("unknown_enum", ("rColor",), ["COLOR_RED", 7, "COLOR_INFRARED", -100]),
    ("nan", ("fDouble",), "NaN"),
    ("bench_product", ("description",), ("Hand-made oak table, oiled finish. " * 6)[:200]),
    ("bench_product", ("priceCents",), "129900"),
    ("bench_product", ("status",), "STATUS_PUBLISHED"),
    ("bench_order", ("customerId",), "c-000042"),
    ("bench_order", ("state",), "ORDER_STATE_PAID"),
    ("bench_order", ("items", 0), {"sku": "SKU-000", "quantity": 1, "unitPriceCents": "100"}),
]


def lookup(value, path):
    for key in path:
        if isinstance(value, dict) and key in value or isinstance(value, list) and key < len(value):
            value = value[key]
        else:
            return ABSENT
    return value


def spot_check_problems(case, swift_json):
    problems = []
    for spot_case, path, expected in JSON_SPOT_CHECKS:
        if spot_case != case:
            continue
        actual = lookup(swift_json, path)
        # `type` too: 1 == True and 150 == "150" must not pass for each other.
        if actual is not expected and (type(actual) is not type(expected) or actual != expected):
            where = ".".join(map(str, path)) or "the whole object"
            shown = "absent" if expected is ABSENT else clip(expected)
            problems.append(f"{where}: expected {shown}, got {'absent' if actual is ABSENT else clip(actual)}")
    return "; ".join(problems) or None


# ---- The two directions ----

def check_swift_output(work, cases, report):
    written = {p.name.removesuffix(".swift.bin") for p in work.glob("*.swift.bin")}
    report.record("-", "swift wrote exactly the Python cases",
                  None if written == cases.keys() else f"only in Swift: {sorted(written - cases.keys())}, "
                                                       f"only in Python: {sorted(cases.keys() - written)}")
    for case, expected in cases.items():
        message_type = type(expected)
        try:
            decoded = message_type.FromString((work / f"{case}.swift.bin").read_bytes())
            report.record(case, "swift->py binary", sample_difference(case, expected, decoded))
        except Exception as error:  # a decode error is this check's failure, not the run's
            report.record(case, "swift->py binary", f"{type(error).__name__}: {error}")
        try:
            text = (work / f"{case}.swift.json").read_text(encoding="utf-8")
            decoded = json_format.Parse(text, message_type())
            report.record(case, "swift->py json", sample_difference(case, expected, decoded))
            swift_json = json.loads(text)
            python_json = json.loads(json_format.MessageToJson(expected))
            report.record(case, "swift json text",
                          json_difference(swift_json, python_json) or spot_check_problems(case, swift_json))
        except Exception as error:
            report.record(case, "swift->py json", f"{type(error).__name__}: {error}")


def write_python_output(work, cases):
    # Python escapes non-ASCII as \uXXXX (surrogate pairs beyond the BMP); the probe's own
    # re-encoding round trip feeds its reader raw UTF-8, so both paths are exercised.
    for case, message in cases.items():
        (work / f"{case}.py.bin").write_bytes(message.SerializeToString())
        (work / f"{case}.py.json").write_text(json_format.MessageToJson(message), encoding="utf-8")


VERDICT = re.compile(r"(PASS|FAIL) (\S+) (binary|json)(?:: )?")


def run_probe_verify(probe, work, cases, report):
    result = subprocess.run([probe, "verify", str(work)], capture_output=True, text=True)
    seen, failed = set(), False
    for line in result.stdout.splitlines():
        verdict = VERDICT.match(line)
        if not verdict:
            print(line)
            continue
        status, case, fmt = verdict.groups()
        seen.add((case, fmt))
        failed |= status == "FAIL"
        report.record(case, f"py->swift {fmt}", None if status == "PASS" else line[verdict.end():])
    # A probe that skips a case or dies half-way must not look like a pass.
    missing = [f"{c} {f}" for c in cases for f in ("binary", "json") if (c, f) not in seen]
    consistent = not missing and result.returncode == (1 if failed else 0)
    report.record("-", "probe verify covered every case", None if consistent else
                  f"exit status {result.returncode}, {len(missing)} checks without a verdict {missing[:4]}, "
                  f"stderr: {result.stderr.strip()[:400]}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    probe = str(Path(sys.argv[1]).resolve())
    work = Path(tempfile.mkdtemp(prefix="weft-crosslang-"))
    interop_pb2, bench_pb2 = compile_schemas(work / "python")
    cases = {**samples.kitchen_sink_samples(interop_pb2), **samples.bench_samples(bench_pb2)}
    report = Report()

    written = subprocess.run([probe, "write", str(work)], capture_output=True, text=True)
    report.record("-", "probe write", None if written.returncode == 0 else
                  f"exit status {written.returncode}: {written.stderr.strip()[:400]}")
    if written.returncode == 0:
        check_swift_output(work, cases, report)
    write_python_output(work, cases)
    run_probe_verify(probe, work, cases, report)

    print(f"\n{report.checks} checks, {report.failures} failed")
    if report.failures:
        print(f"work directory kept: {work}")
        sys.exit(1)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
