#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# FlexBuffers encoded by an independent encoder (the flatbuffers package's flexbuffers module) and
# what each holds, written from the Python values encoded, for tests/c/test_flexbuf.c:
#   /usr/bin/python3 tests/c/test_flexbuf_gen.py > tests/c/test_flexbuf_data.h
# tests/py/test_flexbuf_gen.py checks that the committed header is this script's output.
import math
import struct

from flatbuffers import flexbuffers as fx

# Check kinds (tests/c/test_flexbuf.c): the value at `path` ("/key/3/key", "" = root) ...
KINDS = ["INT", "FLOAT", "BOOL", "STRING", "BLOB", "SIZE", "NULL", "ABSENT", "NOT_INT",
         "MAP_KEY"]


def dumps(value):
    return bytes(fx.Dumps(value))


def build(fn):
    b = fx.Builder()
    fn(b)
    return bytes(b.Finish())


def checks_of(value, path=""):
    """Checks implied by a Python value as Dumps encodes it (dict -> map, list -> vector, ...)."""
    out = []
    if value is None:
        out.append((path, "NULL"))
    elif isinstance(value, bool):
        out.append((path, "BOOL", int(value)))
    elif isinstance(value, int):
        out.append((path, "INT", value))
    elif isinstance(value, float):
        out.append((path, "FLOAT", value))
    elif isinstance(value, str):
        out.append((path, "STRING", value.encode()))
    elif isinstance(value, (bytes, bytearray)):
        out.append((path, "BLOB", bytes(value)))
    elif isinstance(value, dict):
        out.append((path, "SIZE", len(value)))
        for i, k in enumerate(sorted(value, key=lambda k: k.encode())):
            out.append((f"{path}#{i}", "MAP_KEY", k.encode()))
        for k, v in value.items():
            out += checks_of(v, f"{path}/{k}")
        out.append((f"{path}/no_such_key", "ABSENT"))
    elif isinstance(value, (list, tuple)):
        out.append((path, "SIZE", len(value)))
        for i, v in enumerate(value):
            out += checks_of(v, f"{path}/{i}")
    else:
        raise TypeError(value)
    return out


# TFLite's custom options as its converters write them (TFLite_Detection_PostProcess, an
# AudioSpectrogram-like op), and values of every type and width.
DETECTION = {"max_detections": 10, "max_classes_per_detection": 1, "detections_per_class": 100,
             "use_regular_nms": False, "nms_score_threshold": 0.30000001192092896,
             "nms_iou_threshold": 0.6000000238418579, "num_classes": 90, "y_scale": 10.0,
             "x_scale": 10.0, "h_scale": 5.0, "w_scale": 5.0}
INTS = [0, 1, -1, 127, -128, 128, -129, 255, 32767, -32768, 40000, -40000, 2**31 - 1, -2**31,
        2**31, 2**40, -2**40, 2**63 - 1, -2**63]
FLOATS = [0.0, 1.5, -0.25, 3.4028234663852886e38, 1e-300, 1e300, -2.5e-5, 0.1]

CASES = []


def case(name, data, checks):
    CASES.append((name, data, checks))


case("detection_options", dumps(DETECTION), checks_of(DETECTION))
# TFLite Micro's signal-library ops, with the options of TFLM's audio_preprocessor_int8.tflite
# (src/nn/kernels/signal_*.c read them) and of its other signal ops' tests.
SIGNAL = {
    "window": {"shift": 12},
    "rfft": {"T": 7, "fft_length": 512},
    "energy": {"end_index": 241, "start_index": 5},
    "filter_bank": {"num_channels": 40},
    "spectral_subtraction": {"alternate_one_minus_smoothing": 15401, "alternate_smoothing": 983,
                             "clamping": False, "min_signal_remaining": 819, "num_channels": 40,
                             "one_minus_smoothing": 15975, "smoothing": 409, "smoothing_bits": 10,
                             "spectral_subtraction_bits": 14},
    "pcan": {"snr_shift": 6},
    "filter_bank_log": {"input_correction_bits": 3, "output_scale": 64},
    "framer": {"frame_size": 400, "frame_step": 160, "prefill": True},
    "stacker": {"num_channels": 40, "stacker_left_context": 2, "stacker_right_context": 1,
                "stacker_step": 3},
    "delay": {"delay_length": 320},
    "overlap_add": {"T": 0, "frame_step": 160},
    "fft_auto_scale": {},
}
for name, opts in SIGNAL.items():
    case(f"signal_{name}", dumps(opts), checks_of(opts))
for v in INTS:
    case(f"int_{v}", dumps(v), checks_of(v))
for v in FLOATS:
    case(f"float_{v!r}", dumps(v), checks_of(v))
for v in (True, False, None, "", "hello", "h\u00e9llo w\u00f6rld " * 20, b"\x00\x01\xfe\xff",
          b"x" * 300):
    case(f"value_{v!r}"[:40], dumps(v), checks_of(v))
mixed = [1, "x", None, 2.5, True, [1, 2, [3]], {"a": -7, "b": [0.5]}, b"\x07", -300, 2**33]
case("mixed_vector", dumps(mixed), checks_of(mixed))
nested = {"options": {"alpha": 0.125, "modes": ["fast", "slow"], "on": True},
          "kernel": [[1, 2, 3], [4, 5, 6]], "name": "op", "count": 100000, "empty": [],
          "empty_map": {}, "neg": -2**62}
case("nested_map", dumps(nested), checks_of(nested))
many = {f"key{i:03d}": i * i - 500 for i in range(300)}  # 2-byte offsets and sizes
case("big_map", dumps(many), checks_of(many))
longvec = list(range(-1000, 1000, 7))
case("int16_vector", dumps(longvec), checks_of(longvec))

# Builder-only encodings: uints, indirect scalars, typed and fixed typed vectors, key vectors.
case("uint_small", build(lambda b: b.UInt(200)), [("", "INT", 200)])
case("uint_big", build(lambda b: b.UInt(2**64 - 1)), [("", "NOT_INT")])
case("uint_63", build(lambda b: b.UInt(2**63 - 1)), [("", "INT", 2**63 - 1)])
case("indirect_int", build(lambda b: b.IndirectInt(-123456)), [("", "INT", -123456)])
case("indirect_uint", build(lambda b: b.IndirectUInt(70000)), [("", "INT", 70000)])
case("indirect_float", build(lambda b: b.IndirectFloat(2.75)), [("", "FLOAT", 2.75)])
for elems, kind in (([1, -2, 300], "INT"), ([0.5, -1.25], "FLOAT"), ([True, False, True], "BOOL")):
    case(f"typed_{kind}", build(lambda b: b.TypedVectorFromElements(elems)),
         [("", "SIZE", len(elems))] + [(f"/{i}", kind, int(e) if kind == "BOOL" else e)
                                       for i, e in enumerate(elems)])
for elems, kind in (([7, -8], "INT"), ([1, 2, 3], "INT"), ([1.0, 2.0, 3.0, 4.5], "FLOAT"),
                    ([0.25, 0.5, 0.75], "FLOAT")):
    case(f"fixed_{kind}_{len(elems)}", build(lambda b: b.FixedTypedVectorFromElements(elems)),
         [("", "SIZE", len(elems))] + [(f"/{i}", kind, e) for i, e in enumerate(elems)])
uints = [1, 2, 2**40]
case("fixed_uint_3", build(lambda b: b.FixedTypedVectorFromElements(uints, fx.Type.UINT)),
     [("", "SIZE", 3)] + [(f"/{i}", "INT", e) for i, e in enumerate(uints)])


def keys(b):
    with b.TypedVector():
        for k in ("alpha", "beta"):
            b.Key(k)


case("key_vector", build(keys), [("", "SIZE", 2), ("/0", "STRING", b"alpha"),
                                  ("/1", "STRING", b"beta")])


def c_bytes(data):
    rows = []
    for i in range(0, len(data), 16):
        rows.append("    " + " ".join(f"0x{x:02x}," for x in data[i:i + 16]))
    return "\n".join(rows)


def c_str(b):
    """A C string literal of bytes b: printable ASCII as is, the rest as octal escapes."""
    out = []
    for x in b:
        ch = chr(x)
        out.append(ch if 32 <= x < 127 and ch not in '"\\?' else f"\\{x:03o}")
    return '"' + "".join(out) + '"'


def c_double(v):
    if v == 0:
        return "0.0"
    return repr(float(v)) if math.isfinite(v) else "0.0"


def check_row(c):
    path, kind = c[0], c[1]
    i, f, s, n = "0", "0.0", "NULL", 0
    if kind in ("INT", "SIZE", "BOOL"):
        v = c[2]
        i = f"INT64_C({v})" if v != -2**63 else "INT64_MIN"
    elif kind == "FLOAT":
        f = c_double(c[2])
    elif kind in ("STRING", "BLOB", "MAP_KEY"):
        s, n = c_str(c[2]), len(c[2])
    return f"    {{{c_str(path.encode())}, CHECK_{kind}, {i}, {f}, {s}, {n}u}},"


def main():
    print("// SPDX-License-Identifier: MIT")
    print("// Generated by tests/c/test_flexbuf_gen.py (flatbuffers' flexbuffers encoder): do not"
          " edit.")
    print("// FlexBuffers and the values they hold, for tests/c/test_flexbuf.c.")
    print("// clang-format off")
    for k, (name, data, checks) in enumerate(CASES):
        print(f"static const uint8_t case{k}_data[] = {{ // {name}")
        print(c_bytes(data))
        print("};")
        print(f"static const check_t case{k}_checks[] = {{")
        for c in checks:
            print(check_row(c))
        print("};")
    print("static const flex_case_t flex_cases[] = {")
    for k, (name, data, checks) in enumerate(CASES):
        print(f"    {{{c_str(name.encode())}, case{k}_data, sizeof(case{k}_data), case{k}_checks,"
              f" sizeof(case{k}_checks) / sizeof(case{k}_checks[0])}},")
    print("};")
    print("// clang-format on")


if __name__ == "__main__":
    main()
