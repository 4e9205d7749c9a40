"""The Python twins of the probe's samples (CodecProbe/KitchenSinkSamples.swift and
BenchSamples.swift): the same messages, built independently. Change both sides together."""

import math
import sys

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UINT32_MAX, UINT64_MAX = 2**32 - 1, 2**64 - 1
INF = math.inf
NAN = math.nan
FLOAT_LEAST_NONZERO = float.fromhex("0x1p-149")
FLOAT_LEAST_NORMAL = float.fromhex("0x1p-126")
DOUBLE_LEAST_NONZERO = 5e-324
DOUBLE_LEAST_NORMAL = sys.float_info.min
DOUBLE_MAX = sys.float_info.max

UNICODE_TEXT = (
    "accents: Ça va, naïve café, e\u0301 | CJK: 日本語 中文 한국어 | emoji: 😀 🇵🇹 👩\u200d👩\u200d👧 𝄞 | "
    + 'NUL:\x00 quote:" backslash:\\ slash:/ | controls:\t\n\r\x07\x08\x0c\x1b\x1f\x7f | '
    + "separators:\u2028\u2029 | BOM:\ufeff | last BMP:\ufffd"
)


def kitchen_sink_samples(pb):
    """name -> KitchenSink, in the probe's order. `pb` is the module protoc made of interop.proto."""
    K, Inner = pb.KitchenSink, pb.KitchenSink.Inner
    return {
        "empty": K(),
        "scalars_typical": K(
            f_int32=150, f_int64=1_234_567_890_123, f_uint32=3_000_000_000, f_uint64=10_000_000_000_000_000_000,
            f_sint32=-42, f_sint64=-4_200_000_000, f_fixed32=123_456, f_fixed64=9_876_543_210,
            f_sfixed32=-7, f_sfixed64=-9_000_000_000, f_float=1.5, f_double=3.141592653589793, f_bool=True,
            f_string="hello, weft", f_bytes=bytes([0xDE, 0xAD, 0xBE, 0xEF]), color=pb.COLOR_GREEN,
            inner=Inner(id=7, label="seven", marks=[1, -1, 2]),
            o_int32=42, o_string="optional", c_string="picked", f_max_tag=1,
        ),
        "extremes_high": K(
            f_int32=INT32_MAX, f_int64=INT64_MAX, f_uint32=UINT32_MAX, f_uint64=UINT64_MAX,
            f_sint32=INT32_MAX, f_sint64=INT64_MAX, f_fixed32=UINT32_MAX, f_fixed64=UINT64_MAX,
            f_sfixed32=INT32_MAX, f_sfixed64=INT64_MAX, f_float=INF, f_double=INF, f_bool=True, color=pb.COLOR_BLUE,
        ),
        "extremes_low": K(
            f_int32=INT32_MIN, f_int64=INT64_MIN, f_uint32=1, f_uint64=1, f_sint32=INT32_MIN, f_sint64=INT64_MIN,
            f_fixed32=1, f_fixed64=1, f_sfixed32=INT32_MIN, f_sfixed64=INT64_MIN,
            f_float=-INF, f_double=-INF, color=pb.COLOR_INFRARED,
        ),
        "floating_point": K(
            f_float=0.1, f_double=-0.0,
            r_float=[1.5, -2.5, 0.1, FLOAT_LEAST_NONZERO, FLOAT_LEAST_NORMAL, 1e38, -1e38],
            r_double=[
                DOUBLE_LEAST_NONZERO, DOUBLE_LEAST_NORMAL, DOUBLE_MAX, -DOUBLE_MAX,
                0.1, 1e-300, 1e300, 123_456_789.123_456_78, 1e15, 999_999_999_999_999.0, 4_503_599_627_370_497.0,
            ],
        ),
        "empty_strings": K(
            f_int32=1, f_bool=True, f_string="", f_bytes=b"",
            inner=Inner(id=1, label="", marks=[]),
            r_string=["", "x", ""], r_bytes=[b"", b"\x00", b""],
        ),
        "unicode": K(
            f_string=UNICODE_TEXT,
            inner=Inner(label="ünïcödé 🚀"),
            r_string=["日本", "😀", "\x00", '"\\'],
            m_string_int64={"clé": 1, "キー": 2, "🔑": 3},
            o_string="Ωmega",
        ),
        "all_bytes": K(
            f_bytes=bytes(range(256)),
            r_bytes=[bytes(reversed(range(256))), b"\xff", b"\x00"],
        ),
        "large_repeated": K(
            r_int32=[i * 104_729 - 500_000_000 for i in range(10_000)],
            r_string=[f"item {i} ✓" for i in range(1_000)],
        ),
        "repeated_kinds": K(
            r_int32=[INT32_MIN, -1, 0, 1, INT32_MAX],
            r_int64=[INT64_MIN, -1, 0, 1, INT64_MAX],
            r_uint64=[0, 1, UINT64_MAX],
            r_sint32=[INT32_MIN, -1, 0, 1, INT32_MAX],
            r_sint64=[INT64_MIN, -1, 0, 1, INT64_MAX],
            r_fixed32=[0, 1, UINT32_MAX],
            r_sfixed64=[INT64_MIN, -1, 0, INT64_MAX],
            r_float=[0, -1.5, 1.5, INF],
            r_double=[0, -2.5, 2.5, -INF],
            r_bool=[True, False, True],
            r_color=[pb.COLOR_UNSPECIFIED, pb.COLOR_RED, pb.COLOR_GREEN, pb.COLOR_BLUE, pb.COLOR_INFRARED],
            r_unpacked_int32=[-1, 0, 1, 300, INT32_MIN, INT32_MAX],
            r_string=["a", "", "ü"],
            r_bytes=[b"\x00", b"", b"\xff"],
            r_inner=[Inner(id=1), Inner()],
        ),
        "maps": K(
            m_string_int64={"": 0, "a": INT64_MAX, "é": INT64_MIN, "日本語": -1, "😀": 1},
            m_int32_string={INT32_MIN: "min", -1: "minus one", 0: "", INT32_MAX: "max"},
            m_string_inner={"": Inner(), "naïve 日本 😀": Inner(id=-1, label="v", marks=[INT32_MIN])},
        ),
        "optional_defaults": K(o_int32=0, o_string=""),
        "oneof_string_default": K(c_string=""),
        "oneof_int64_default": K(c_int64=0),
        "oneof_inner_empty": K(c_inner=Inner()),
        "oneof_int64": K(c_int64=INT64_MIN),
        "oneof_inner": K(c_inner=Inner(id=3, label="c", marks=[-3])),
        "max_tag": K(f_max_tag=UINT32_MAX),
        "nested_inner": K(
            inner=Inner(id=INT32_MIN, label="inner ✓", marks=[INT32_MIN, -1, 0, 1, INT32_MAX]),
            r_inner=[Inner(), Inner(id=1, label="one", marks=[-1]), Inner(id=-2, label="", marks=[])],
        ),
        # 7 and -100 are not in the schema's Color: proto3 enums are open and keep them.
        "unknown_enum": K(color=7, r_color=[pb.COLOR_RED, 7, pb.COLOR_INFRARED, -100]),
        "nan": K(f_int32=1, f_float=NAN, f_double=NAN, r_double=[1.5, NAN]),
    }


def bench_samples(pb):
    """The benchmark messages of ../shared/README.md, as Benchmarks/ builds them."""
    product = pb.Product(
        id="p-000123", name="Oak dining table",
        description=("Hand-made oak table, oiled finish. " * 6)[:200],
        price_cents=129_900, currency="EUR", tags=["furniture", "oak", "handmade", "dining", "eco"],
        attributes={"color": "natural", "material": "oak", "finish": "oil", "origin": "PT", "warranty": "5y"},
        stock=42, active=True, dimensions=pb.Dimensions(w=180, h=75, d=90), status=pb.STATUS_PUBLISHED,
    )
    order = pb.Order(
        id="o-000987", customer_id="c-000042",
        items=[pb.LineItem(sku=f"SKU-{n - 1:03d}", quantity=n, unit_price_cents=100 * n) for n in range(1, 51)],
        total_cents=sum(n * 100 * n for n in range(1, 51)),
        state=pb.ORDER_STATE_PAID, notes=["leave at the door", "gift wrap", "call before delivery"],
    )
    return {"bench_product": product, "bench_order": order}


def nan_problem(message):
    """The NaN sample cannot be compared with == (NaN != NaN): None when `message` has NaN where
    the sample has it, else what is wrong. The caller compares the rest with those cleared."""
    if math.isnan(message.f_float) and math.isnan(message.f_double) and len(message.r_double) == 2 \
            and math.isnan(message.r_double[1]):
        return None
    return f"expected NaN in f_float, f_double, r_double[1]; got {message.f_float}, {message.f_double}, " \
           f"{list(message.r_double)}"


def clear_nan(message):
    """A copy of the NaN sample with its NaN fields zeroed."""
    copy = type(message)()
    copy.CopyFrom(message)
    copy.f_float = copy.f_double = copy.r_double[1] = 0
    return copy
