# SPDX-License-Identifier: MIT
# Single-op TRANSPOSE_CONV models (int8, 16x8 with int64 or int16 bias, float32), built with
# python/microml_tools/tflite_writer.py and run through the CLI. Expected values: TFLite's
# scattering reference re-done in numpy (tests/py/tflite_ref.py), exact for the integer types,
# float64 within float32 rounding for float32.
import zlib

import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, run, run_fails

OPTS = "TransposeConvOptions"


def f32(v):
    return float(np.float32(v))


def out_dim(padding, n, f, s, extra=0):
    """An output size whose conv maps back to n: n * s (SAME) or (n - 1) * s + f + extra with
    extra < s (VALID; what Keras calls output_padding)."""
    return n * s if padding == ref.PAD_SAME else (n - 1) * s + f + extra


def run_tconv(rng, *, dtype, n, h, w, cin, cout, fh, fw, sh, sw, padding, extra=(0, 0),
              per_channel=True, bias="const", bias_dtype=None, act=ref.ACT_NONE,
              shape_const=False):
    oh, ow = out_dim(padding, h, fh, sh, extra[0]), out_dim(padding, w, fw, sw, extra[1])
    mb = ModelBuilder()
    shape_v = np.array([n, oh, ow, cout], np.int32)
    shape = mb.tensor([4], "int32", data=shape_v if shape_const else None)
    if dtype == "float32":
        xv = rng.standard_normal((n, h, w, cin)).astype(np.float32)
        wv = rng.standard_normal((cout, fh, fw, cin)).astype(np.float32)
        bv = rng.standard_normal(cout).astype(np.float32)
        x = mb.tensor([n, h, w, cin], "float32")
        wt = mb.tensor(wv.shape, "float32", data=wv)
        bt = mb.tensor([cout], "float32", data=bv)
        y = mb.tensor([n, oh, ow, cout], "float32")
        xa, wa, ba = xv.astype(np.float64), wv.astype(np.float64), bv.astype(np.float64)
    else:
        s16 = dtype == "int16"
        bias_dtype = bias_dtype or ("int64" if s16 else "int32")
        lo, hi = (-32768, 32768) if s16 else (-128, 128)
        xv = rng.integers(lo, hi, (n, h, w, cin)).astype(dtype)
        wv = rng.integers(-127, 128, (cout, fh, fw, cin)).astype(np.int8)
        blim = {"int64": 1 << 24, "int32": 6000, "int16": 30000}[bias_dtype]
        bv = rng.integers(-blim, blim, cout).astype(bias_dtype)
        if s16:
            in_s, in_zp = f32(rng.uniform(1e-4, 1e-3)), 0
            out_s, out_zp = f32(rng.uniform(2e-4, 4e-3)), 0
        else:
            in_s, in_zp = f32(rng.uniform(0.005, 0.1)), int(rng.integers(-128, 128))
            out_s, out_zp = f32(rng.uniform(0.02, 0.5)), int(rng.integers(-128, 128))
        ws = [f32(rng.uniform(0.002, 0.05)) for _ in range(cout if per_channel else 1)]
        x = mb.tensor([n, h, w, cin], dtype, scale=in_s, zero_point=in_zp)
        wt = mb.tensor(wv.shape, "int8", data=wv, scale=ws, zero_point=[0] * len(ws),
                       quantized_dimension=0)
        bt = mb.tensor([cout], bias_dtype, data=bv, scale=[in_s * s for s in ws],
                       zero_point=[0] * len(ws), quantized_dimension=0)
        y = mb.tensor([n, oh, ow, cout], dtype, scale=out_s, zero_point=out_zp)
        xa, wa, ba = xv.astype(np.int64) - in_zp, wv.astype(np.int64), bv.astype(np.int64)
    ins = {"const": [shape, wt, x, bt], "absent": [shape, wt, x, -1],
           "omitted": [shape, wt, x]}[bias]
    if bias != "const":
        ba = None
    mb.op("TRANSPOSE_CONV", ins, [y], options=(OPTS, dict(
        padding=padding, stride_w=sw, stride_h=sh, fused_activation_function=act)))
    acc = ref.transpose_conv_acc(xa, wa, ba, sh, sw, padding, oh, ow)
    if dtype == "float32":
        want = np.clip(acc, *ref.act_range_f(act))
    else:
        qs = [ref.quantize_multiplier(in_s * ws[c if per_channel else 0] / out_s)
              for c in range(cout)]
        mult = np.array([q for q, _ in qs])
        shift = np.array([e for _, e in qs])
        if s16:
            want = np.clip(ref.mul_by_qm64(acc, mult, shift), -32768, 32767)
        else:
            want = np.clip(ref.mul_by_qm(ref.wrap32(acc), mult, shift) + out_zp, -128, 127)
    model_ins = [x] if shape_const else [shape, x]
    values = [xv] if shape_const else [shape_v, xv]
    (got,) = run(mb, model_ins, [y], values)
    return got, want


def check(got, want, dtype):
    if dtype == "float32":
        np.testing.assert_allclose(got, want.astype(np.float32), rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_array_equal(got, want)


DTYPES = ["int8", "int16", "float32"]

# (n, h, w, cin, cout, fh, fw, sh, sw, padding, extra)
CASES = [
    (1, 3, 3, 2, 3, 3, 3, 1, 1, ref.PAD_SAME, (0, 0)),
    (1, 3, 4, 2, 2, 3, 3, 2, 2, ref.PAD_SAME, (0, 0)),
    (1, 3, 4, 3, 2, 3, 3, 2, 2, ref.PAD_VALID, (0, 0)),
    (2, 2, 5, 2, 4, 3, 4, 1, 2, ref.PAD_SAME, (0, 0)),      # seanet-like 3x4 filter, stride 1x2
    (1, 4, 3, 1, 2, 2, 2, 2, 2, ref.PAD_VALID, (1, 1)),     # output_padding
    (1, 2, 2, 3, 1, 1, 1, 3, 3, ref.PAD_VALID, (0, 2)),     # filter smaller than the stride
    (1, 2, 3, 2, 2, 2, 1, 3, 2, ref.PAD_SAME, (0, 0)),
    (1, 1, 6, 2, 3, 1, 5, 1, 3, ref.PAD_SAME, (0, 0)),      # 1-D like
    (1, 3, 3, 2, 2, 5, 5, 1, 1, ref.PAD_SAME, (0, 0)),      # filter larger than the input
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_transpose_conv_windows(dtype, case):
    n, h, w, cin, cout, fh, fw, sh, sw, padding, extra = case
    rng = np.random.default_rng(zlib.crc32(repr((case, dtype)).encode()))
    got, want = run_tconv(rng, dtype=dtype, n=n, h=h, w=w, cin=cin, cout=cout, fh=fh, fw=fw,
                          sh=sh, sw=sw, padding=padding, extra=extra)
    check(got, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(10))
def test_transpose_conv_random(dtype, seed):
    rng = np.random.default_rng(4000 + seed)
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    padding = int(rng.integers(0, 2))
    kw = dict(n=int(rng.integers(1, 3)), h=int(rng.integers(1, 6)), w=int(rng.integers(1, 6)),
              cin=int(rng.integers(1, 6)), cout=int(rng.integers(1, 6)),
              fh=int(rng.integers(1, 5)), fw=int(rng.integers(1, 5)), sh=sh, sw=sw,
              padding=padding, per_channel=bool(rng.random() < 0.7),
              bias=str(rng.choice(["const", "const", "absent", "omitted"])),
              shape_const=bool(rng.random() < 0.5))
    if padding == ref.PAD_VALID:
        kw["extra"] = (int(rng.integers(0, sh)), int(rng.integers(0, sw)))
    if dtype == "int16":
        kw["bias_dtype"] = str(rng.choice(["int64", "int16"]))
    if dtype == "float32":
        kw["act"] = int(rng.choice([ref.ACT_NONE, ref.ACT_RELU, ref.ACT_RELU6]))
    got, want = run_tconv(rng, dtype=dtype, **kw)
    check(got, want, dtype)


def test_transpose_conv_refused_cases():
    # A fused activation on a quantized TRANSPOSE_CONV (TFLM's kernel takes none) and an int32
    # bias on int16 are refused at prepare, naming the op.
    for dtype, bias_dtype, act in (("int8", "int32", ref.ACT_RELU), ("int16", "int32", 0)):
        mb = ModelBuilder()
        shape = mb.tensor([4], "int32", data=np.array([1, 4, 4, 2], np.int32))
        x = mb.tensor([1, 4, 4, 2], dtype, scale=0.01, zero_point=0)
        wt = mb.tensor([2, 3, 3, 2], "int8", data=np.ones((2, 3, 3, 2), np.int8), scale=[0.1],
                       zero_point=[0])
        bt = mb.tensor([2], bias_dtype, data=np.zeros(2, bias_dtype), scale=[0.001],
                       zero_point=[0])
        y = mb.tensor([1, 4, 4, 2], dtype, scale=0.02, zero_point=0)
        mb.op("TRANSPOSE_CONV", [shape, wt, x, bt], [y], options=(OPTS, dict(
            padding=ref.PAD_SAME, stride_w=1, stride_h=1, fused_activation_function=act)))
        reasons = run_fails(mb, [x], [y])
        assert len(reasons) == 1 and "TRANSPOSE_CONV" in reasons[0], reasons
