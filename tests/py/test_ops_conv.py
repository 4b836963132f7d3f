# SPDX-License-Identifier: MIT
# Single-op models for the sliding-window ops and padding (CONV_2D, DEPTHWISE_CONV_2D,
# AVERAGE_POOL_2D, MAX_POOL_2D, PAD, PADV2), built with python/microml_tools/tflite_writer.py and
# run through the CLI. Expected values: numpy float64 for float32 (tight tolerance), and for int8
# tests/py/tflite_ref.py, an independent numpy re-implementation of TFLite's reference integer
# arithmetic (exact equality).
import zlib

import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, run

CONV_OPTS = "Conv2DOptions"
DW_OPTS = "DepthwiseConv2DOptions"


def seed_of(*args):
    """A stable seed from test parameters (str hashes vary between runs)."""
    return zlib.crc32(repr(args).encode())


def f32(v):
    return float(np.float32(v))


def assert_close_f32(got, want):
    np.testing.assert_allclose(got, want.astype(np.float32), rtol=1e-5, atol=1e-5)


# -- CONV_2D / DEPTHWISE_CONV_2D ---------------------------------------------------------------

def run_conv(rng, *, depthwise, dtype, n, h, w, cin, fh, fw, sh=1, sw=1, dh=1, dw=1,
             padding=ref.PAD_SAME, act=ref.ACT_NONE, dm=1, groups=1, cout=None,
             per_channel=True, bias="const", bias_dtype="int64"):
    """Builds and runs one CONV_2D / DEPTHWISE_CONV_2D; returns (got, want).

    bias: 'const' (a constant bias tensor), 'absent' (input index -1) or 'omitted' (two inputs).
    dtype int16 is 16x8 (int16 activations with zero points 0, int8 filter) with a bias_dtype
    ('int64' or 'int32') bias.
    """
    if depthwise:
        cout = cin * dm
        wshape, qdim = [1, fh, fw, cout], 3
    else:
        cout = cout or groups * 2
        wshape, qdim = [cout, fh, fw, cin // groups], 0
    oh, ow, _, _ = ref.windows((n, h, w, cin), fh, fw, sh, sw, dh, dw, padding)
    assert oh > 0 and ow > 0
    mb = ModelBuilder()
    if dtype == "float32":
        xv = rng.standard_normal((n, h, w, cin)).astype(np.float32)
        wv = rng.standard_normal(wshape).astype(np.float32)
        bv = rng.standard_normal(cout).astype(np.float32)
        x = mb.tensor([n, h, w, cin], "float32")
        wt = mb.tensor(wshape, "float32", data=wv)
        bt = mb.tensor([cout], "float32", data=bv)
        y = mb.tensor([n, oh, ow, cout], "float32")
        xa, wa, ba = xv.astype(np.float64), wv.astype(np.float64), bv.astype(np.float64)
    elif dtype == "int16":
        xv = rng.integers(-32768, 32768, (n, h, w, cin)).astype(np.int16)
        wv = rng.integers(-127, 128, wshape).astype(np.int8)
        bv = rng.integers(-(1 << 24), 1 << 24, cout).astype(bias_dtype)
        in_s, in_zp = f32(rng.uniform(1e-4, 1e-3)), 0
        out_s, out_zp = f32(rng.uniform(2e-4, 4e-3)), 0
        ws = [f32(rng.uniform(0.002, 0.05)) for _ in range(cout if per_channel else 1)]
        x = mb.tensor([n, h, w, cin], "int16", scale=in_s, zero_point=0)
        wt = mb.tensor(wshape, "int8", data=wv, scale=ws, zero_point=[0] * len(ws),
                       quantized_dimension=qdim)
        bt = mb.tensor([cout], bias_dtype, data=bv, scale=[in_s * s for s in ws],
                       zero_point=[0] * len(ws), quantized_dimension=0)
        y = mb.tensor([n, oh, ow, cout], "int16", scale=out_s, zero_point=0)
        xa, wa, ba = xv.astype(np.int64), wv.astype(np.int64), bv.astype(np.int64)
    else:
        xv = rng.integers(-128, 128, (n, h, w, cin)).astype(np.int8)
        wv = rng.integers(-127, 128, wshape).astype(np.int8)
        bv = rng.integers(-6000, 6000, cout).astype(np.int32)
        in_s, in_zp = f32(rng.uniform(0.005, 0.1)), int(rng.integers(-128, 128))
        out_s, out_zp = f32(rng.uniform(0.02, 0.5)), int(rng.integers(-128, 128))
        ws = [f32(rng.uniform(0.002, 0.05)) for _ in range(cout if per_channel else 1)]
        x = mb.tensor([n, h, w, cin], "int8", scale=in_s, zero_point=in_zp)
        wt = mb.tensor(wshape, "int8", data=wv, scale=ws, zero_point=[0] * len(ws),
                       quantized_dimension=qdim)
        bt = mb.tensor([cout], "int32", data=bv, scale=[in_s * s for s in ws],
                       zero_point=[0] * len(ws), quantized_dimension=0)
        y = mb.tensor([n, oh, ow, cout], "int8", scale=out_s, zero_point=out_zp)
        xa, wa, ba = xv.astype(np.int64) - in_zp, wv.astype(np.int64), bv.astype(np.int64)
    ins = {"const": [x, wt, bt], "absent": [x, wt, -1], "omitted": [x, wt]}[bias]
    if bias != "const":
        ba = None
    if depthwise:
        acc = ref.dwconv_acc(xa, wa, ba, sh, sw, dh, dw, padding, dm)
        mb.op("DEPTHWISE_CONV_2D", ins, [y], options=(DW_OPTS, dict(
            padding=padding, stride_w=sw, stride_h=sh, depth_multiplier=dm,
            fused_activation_function=act, dilation_w_factor=dw, dilation_h_factor=dh)))
    else:
        acc = ref.conv_acc(xa, wa, ba, sh, sw, dh, dw, padding)
        mb.op("CONV_2D", ins, [y], options=(CONV_OPTS, dict(
            padding=padding, stride_w=sw, stride_h=sh, fused_activation_function=act,
            dilation_w_factor=dw, dilation_h_factor=dh)))
    if dtype == "float32":
        want = np.clip(acc, *ref.act_range_f(act))
    elif dtype == "int16":
        qs = [ref.quantize_multiplier(in_s * ws[c if per_channel else 0] / out_s)
              for c in range(cout)]
        mult = np.array([q for q, _ in qs])
        shift = np.array([e for _, e in qs])
        # TFLite's CONV_2D sums in the bias' type (int32 without one) and requantizes with the
        # matching MultiplyByQuantizedMultiplier; DEPTHWISE_CONV_2D always in int64.
        if depthwise or (bias == "const" and bias_dtype == "int64"):
            v = ref.mul_by_qm64(acc, mult, shift)
        else:
            v = ref.mul_by_qm(ref.wrap32(acc), mult, shift)
        want = ref.clamp_act(v, *ref.act_range_q(act, out_s, 0, -32768, 32767))
    else:
        qs = [ref.quantize_multiplier(in_s * ws[c if per_channel else 0] / out_s)
              for c in range(cout)]
        mult = np.array([q for q, _ in qs])
        shift = np.array([e for _, e in qs])
        want = ref.clamp_act(ref.mul_by_qm(ref.wrap32(acc), mult, shift) + out_zp,
                             *ref.act_range_q(act, out_s, out_zp))
    (got,) = run(mb, [x], [y], [xv])
    return got, want


def check(got, want, dtype):
    if dtype == "float32":
        assert_close_f32(got, want)
    else:
        np.testing.assert_array_equal(got, want)


ACTS = [ref.ACT_NONE, ref.ACT_RELU, ref.ACT_RELU_N1_TO_1, ref.ACT_RELU6]

# (n, h, w, cin, fh, fw, sh, sw, dh, dw, padding)
WINDOW_CASES = [
    (1, 5, 5, 3, 3, 3, 1, 1, 1, 1, ref.PAD_SAME),
    (1, 5, 5, 3, 3, 3, 1, 1, 1, 1, ref.PAD_VALID),
    (2, 7, 6, 2, 3, 2, 2, 2, 1, 1, ref.PAD_SAME),     # batch 2, strides, even filter
    (1, 8, 9, 4, 3, 3, 2, 3, 1, 1, ref.PAD_VALID),
    (1, 9, 9, 2, 3, 3, 1, 1, 2, 2, ref.PAD_SAME),     # dilation
    (1, 10, 7, 3, 2, 3, 1, 2, 3, 1, ref.PAD_VALID),   # unequal dilation and strides
    (1, 4, 4, 5, 1, 1, 1, 1, 1, 1, ref.PAD_VALID),    # 1x1
    (1, 1, 12, 2, 1, 5, 1, 2, 1, 1, ref.PAD_SAME),    # 1-D like (audio)
    (1, 3, 3, 2, 5, 5, 1, 1, 1, 1, ref.PAD_SAME),     # filter larger than the input
    (1, 6, 6, 1, 3, 3, 3, 3, 1, 1, ref.PAD_SAME),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", WINDOW_CASES)
def test_conv2d_windows(dtype, case):
    n, h, w, cin, fh, fw, sh, sw, dh, dw, padding = case
    rng = np.random.default_rng(seed_of(case))
    got, want = run_conv(rng, depthwise=False, dtype=dtype, n=n, h=h, w=w, cin=cin, fh=fh,
                         fw=fw, sh=sh, sw=sw, dh=dh, dw=dw, padding=padding, cout=4)
    check(got, want, dtype)


# per_channel: per-output-channel filter scales or one scale (an int8 distinction).
DTYPE_QUANT = [("int8", True), ("int8", False), ("float32", True)]


@pytest.mark.parametrize("dtype,per_channel", DTYPE_QUANT)
@pytest.mark.parametrize("act", ACTS)
def test_conv2d_activation_quantization(dtype, per_channel, act):
    rng = np.random.default_rng(20 + act)
    got, want = run_conv(rng, depthwise=False, dtype=dtype, n=1, h=6, w=5, cin=3, fh=3, fw=3,
                         act=act, per_channel=per_channel, cout=5)
    check(got, want, dtype)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("bias", ["absent", "omitted"])
def test_conv2d_without_bias(dtype, bias):
    rng = np.random.default_rng(30)
    got, want = run_conv(rng, depthwise=False, dtype=dtype, n=1, h=5, w=4, cin=2, fh=2, fw=3,
                         bias=bias, cout=3)
    check(got, want, dtype)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("groups,fc,cout", [(2, 3, 4), (3, 2, 6), (4, 1, 8)])
def test_conv2d_grouped(dtype, groups, fc, cout):
    rng = np.random.default_rng(40 + groups)
    got, want = run_conv(rng, depthwise=False, dtype=dtype, n=1, h=5, w=5, cin=groups * fc,
                         fh=3, fw=3, groups=groups, cout=cout, act=ref.ACT_RELU)
    check(got, want, dtype)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("seed", range(12))
def test_conv2d_random(dtype, seed):
    rng = np.random.default_rng(1000 + seed)
    while True:
        n, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10))
        fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        sh, sw, dh, dw = (int(v) for v in rng.integers(1, 4, 4))
        padding = int(rng.integers(0, 2))
        oh, ow, _, _ = ref.windows((n, h, w, 1), fh, fw, sh, sw, dh, dw, padding)
        if oh > 0 and ow > 0:
            break
    groups = int(rng.choice([1, 1, 2, 3]))
    fc = int(rng.integers(1, 5))
    got, want = run_conv(rng, depthwise=False, dtype=dtype, n=n, h=h, w=w, cin=fc * groups,
                         fh=fh, fw=fw, sh=sh, sw=sw, dh=dh, dw=dw, padding=padding,
                         act=int(rng.choice(ACTS)), groups=groups,
                         cout=groups * int(rng.integers(1, 4)),
                         per_channel=bool(rng.random() < 0.7),
                         bias=str(rng.choice(["const", "const", "absent"])))
    check(got, want, dtype)


@pytest.mark.parametrize("case", WINDOW_CASES)
@pytest.mark.parametrize("bias_dtype", ["int64", "int32"])
def test_conv2d_int16_windows(case, bias_dtype):
    n, h, w, cin, fh, fw, sh, sw, dh, dw, padding = case
    rng = np.random.default_rng(seed_of(case, bias_dtype))
    got, want = run_conv(rng, depthwise=False, dtype="int16", n=n, h=h, w=w, cin=cin, fh=fh,
                         fw=fw, sh=sh, sw=sw, dh=dh, dw=dw, padding=padding, cout=4,
                         bias_dtype=bias_dtype)
    check(got, want, "int16")


@pytest.mark.parametrize("seed", range(16))
def test_conv2d_int16_random(seed):
    rng = np.random.default_rng(3000 + seed)
    while True:
        n, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10))
        fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        sh, sw, dh, dw = (int(v) for v in rng.integers(1, 4, 4))
        padding = int(rng.integers(0, 2))
        oh, ow, _, _ = ref.windows((n, h, w, 1), fh, fw, sh, sw, dh, dw, padding)
        if oh > 0 and ow > 0:
            break
    groups = int(rng.choice([1, 1, 2]))
    fc = int(rng.integers(1, 6))
    got, want = run_conv(rng, depthwise=False, dtype="int16", n=n, h=h, w=w, cin=fc * groups,
                         fh=fh, fw=fw, sh=sh, sw=sw, dh=dh, dw=dw, padding=padding,
                         act=int(rng.choice(ACTS)), groups=groups,
                         cout=groups * int(rng.integers(1, 4)),
                         per_channel=bool(rng.random() < 0.7),
                         bias=str(rng.choice(["const", "const", "absent", "omitted"])),
                         bias_dtype=str(rng.choice(["int64", "int32"])))
    check(got, want, "int16")


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", WINDOW_CASES)
@pytest.mark.parametrize("dm", [1, 2])
def test_depthwise_windows(dtype, case, dm):
    n, h, w, cin, fh, fw, sh, sw, dh, dw, padding = case
    rng = np.random.default_rng(seed_of(case, dm))
    got, want = run_conv(rng, depthwise=True, dtype=dtype, n=n, h=h, w=w, cin=cin, fh=fh,
                         fw=fw, sh=sh, sw=sw, dh=dh, dw=dw, padding=padding, dm=dm)
    check(got, want, dtype)


@pytest.mark.parametrize("case", WINDOW_CASES)
@pytest.mark.parametrize("dm", [1, 3])
def test_depthwise_int16_windows(case, dm):
    n, h, w, cin, fh, fw, sh, sw, dh, dw, padding = case
    rng = np.random.default_rng(seed_of(case, dm, "int16"))
    got, want = run_conv(rng, depthwise=True, dtype="int16", n=n, h=h, w=w, cin=cin, fh=fh,
                         fw=fw, sh=sh, sw=sw, dh=dh, dw=dw, padding=padding, dm=dm)
    check(got, want, "int16")


@pytest.mark.parametrize("seed", range(12))
def test_depthwise_int16_random(seed):
    rng = np.random.default_rng(5000 + seed)
    while True:
        n, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10))
        fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        sh, sw, dh, dw = (int(v) for v in rng.integers(1, 4, 4))
        padding = int(rng.integers(0, 2))
        oh, ow, _, _ = ref.windows((n, h, w, 1), fh, fw, sh, sw, dh, dw, padding)
        if oh > 0 and ow > 0:
            break
    got, want = run_conv(rng, depthwise=True, dtype="int16", n=n, h=h, w=w,
                         cin=int(rng.integers(1, 6)), fh=fh, fw=fw, sh=sh, sw=sw, dh=dh, dw=dw,
                         padding=padding, act=int(rng.choice(ACTS)), dm=int(rng.integers(1, 4)),
                         per_channel=bool(rng.random() < 0.7),
                         bias=str(rng.choice(["const", "const", "absent", "omitted"])))
    check(got, want, "int16")


@pytest.mark.parametrize("dtype,per_channel", DTYPE_QUANT)
@pytest.mark.parametrize("act", ACTS)
def test_depthwise_activation_quantization(dtype, per_channel, act):
    rng = np.random.default_rng(50 + act)
    got, want = run_conv(rng, depthwise=True, dtype=dtype, n=1, h=7, w=6, cin=4, fh=3, fw=3,
                         sh=2, sw=1, act=act, per_channel=per_channel, dm=1)
    check(got, want, dtype)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("cin,dm", [(1, 3), (1, 8), (3, 4), (2, 1)])
@pytest.mark.parametrize("bias", ["const", "absent", "omitted"])
def test_depthwise_multiplier(dtype, cin, dm, bias):
    rng = np.random.default_rng(60 + cin * 10 + dm)
    got, want = run_conv(rng, depthwise=True, dtype=dtype, n=1, h=6, w=5, cin=cin, fh=3, fw=2,
                         dm=dm, bias=bias, padding=ref.PAD_VALID)
    check(got, want, dtype)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("seed", range(12))
def test_depthwise_random(dtype, seed):
    rng = np.random.default_rng(2000 + seed)
    while True:
        n, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10))
        fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        sh, sw, dh, dw = (int(v) for v in rng.integers(1, 4, 4))
        padding = int(rng.integers(0, 2))
        oh, ow, _, _ = ref.windows((n, h, w, 1), fh, fw, sh, sw, dh, dw, padding)
        if oh > 0 and ow > 0:
            break
    got, want = run_conv(rng, depthwise=True, dtype=dtype, n=n, h=h, w=w,
                         cin=int(rng.integers(1, 6)), fh=fh, fw=fw, sh=sh, sw=sw, dh=dh, dw=dw,
                         padding=padding, act=int(rng.choice(ACTS)), dm=int(rng.integers(1, 4)),
                         per_channel=bool(rng.random() < 0.7),
                         bias=str(rng.choice(["const", "const", "absent"])))
    check(got, want, dtype)


def test_conv2d_int8_accumulator_extremes():
    # All inputs at -128 with zero point 127 (offset -255) and filters at +-127: the largest
    # accumulator magnitudes, and outputs saturating at both ends.
    rng = np.random.default_rng(70)
    n, h, w, cin, cout = 1, 4, 4, 8, 4
    xv = np.full((n, h, w, cin), -128, np.int8)
    wv = np.where(rng.random((cout, 3, 3, cin)) < 0.5, -127, 127).astype(np.int8)
    wv[0] = 127
    wv[1] = -127
    mb = ModelBuilder()
    x = mb.tensor([n, h, w, cin], "int8", scale=0.1, zero_point=127)
    wt = mb.tensor(wv.shape, "int8", data=wv, scale=[0.01, 0.02, 0.001, 0.0001],
                   zero_point=[0] * 4)
    y = mb.tensor([n, h, w, cout], "int8", scale=0.05, zero_point=-3)
    mb.op("CONV_2D", [x, wt, -1], [y], options=(CONV_OPTS, dict(padding=ref.PAD_SAME,
                                                              stride_w=1, stride_h=1)))
    acc = ref.conv_acc(xv.astype(np.int64) - 127, wv.astype(np.int64), None, 1, 1, 1, 1,
                       ref.PAD_SAME)
    qs = [ref.quantize_multiplier(f32(0.1) * f32(s) / f32(0.05))
          for s in [0.01, 0.02, 0.001, 0.0001]]
    want = np.clip(ref.mul_by_qm(acc, [q for q, _ in qs], [e for _, e in qs]) - 3, -128, 127)
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)
    assert (got[..., 0] == -128).all() and (got[..., 1] == 127).all()


# -- AVERAGE_POOL_2D / MAX_POOL_2D -------------------------------------------------------------

def run_pool(rng, op, dtype, n, h, w, c, fh, fw, sh, sw, padding, act):
    oh, ow, _, _ = ref.windows((n, h, w, c), fh, fw, sh, sw, 1, 1, padding)
    mb = ModelBuilder()
    if dtype == "float32":
        xv = rng.standard_normal((n, h, w, c)).astype(np.float32) * 4
        q = {}
    elif dtype == "int16":
        xv = rng.integers(-32768, 32768, (n, h, w, c)).astype(np.int16)
        q = dict(scale=f32(rng.uniform(2e-4, 1e-3)), zero_point=0)
    else:
        xv = rng.integers(-128, 128, (n, h, w, c)).astype(np.int8)
        s, zp = f32(rng.uniform(0.01, 0.1)), int(rng.integers(-100, 100))
        q = dict(scale=s, zero_point=zp)
    x = mb.tensor([n, h, w, c], dtype, **q)
    y = mb.tensor([n, oh, ow, c], dtype, **q)
    mb.op(op, [x], [y], options=("Pool2DOptions", dict(
        padding=padding, stride_w=sw, stride_h=sh, filter_width=fw, filter_height=fh,
        fused_activation_function=act)))
    kind = "max" if op == "MAX_POOL_2D" else ("avg_f" if dtype == "float32" else "avg_q")
    r = ref.pool(xv, fh, fw, sh, sw, padding, kind)
    if dtype == "float32":
        want = np.clip(r, *ref.act_range_f(act))
    else:
        qmin, qmax = (-32768, 32767) if dtype == "int16" else (-128, 127)
        want = ref.clamp_act(r.astype(np.int64), *ref.act_range_q(act, q["scale"],
                                                                  q["zero_point"], qmin, qmax))
    (got,) = run(mb, [x], [y], [xv])
    return got, want


# (n, h, w, c, fh, fw, sh, sw, padding)
POOL_CASES = [
    (1, 4, 4, 2, 2, 2, 2, 2, ref.PAD_VALID),
    (1, 5, 5, 3, 3, 3, 2, 2, ref.PAD_SAME),      # padded windows: count excludes padding
    (2, 7, 5, 1, 3, 2, 1, 1, ref.PAD_SAME),
    (1, 6, 9, 4, 2, 3, 3, 2, ref.PAD_VALID),
    (1, 3, 3, 2, 3, 3, 1, 1, ref.PAD_VALID),     # global
    (1, 5, 4, 2, 5, 4, 1, 1, ref.PAD_SAME),
    (1, 1, 10, 3, 1, 4, 1, 3, ref.PAD_SAME),
]


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
@pytest.mark.parametrize("case", POOL_CASES)
def test_pool_windows(op, dtype, case):
    rng = np.random.default_rng(seed_of(op, case))
    got, want = run_pool(rng, op, dtype, *case, act=ref.ACT_NONE)
    check(got, want, dtype)


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
@pytest.mark.parametrize("act", ACTS[1:])
def test_pool_activation(op, dtype, act):
    rng = np.random.default_rng(80 + act)
    got, want = run_pool(rng, op, dtype, 1, 6, 6, 3, 3, 3, 2, 2, ref.PAD_SAME, act)
    check(got, want, dtype)


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
@pytest.mark.parametrize("seed", range(8))
def test_pool_random(op, dtype, seed):
    rng = np.random.default_rng(3000 + seed)
    while True:
        n, h, w, c = (int(v) for v in rng.integers(1, [3, 11, 11, 6]))
        fh, fw, sh, sw = (int(v) for v in rng.integers(1, [5, 5, 4, 4]))
        padding = int(rng.integers(0, 2))
        oh, ow, _, _ = ref.windows((n, h, w, c), fh, fw, sh, sw, 1, 1, padding)
        if oh > 0 and ow > 0:
            break
    got, want = run_pool(rng, op, dtype, n, h, w, c, fh, fw, sh, sw, padding,
                         int(rng.choice(ACTS)))
    check(got, want, dtype)


def test_average_pool_int8_rounds_half_away_from_zero():
    # Windows of 2 with sums +-1, +-3: exact halves, rounded away from zero (TFLite), not to even.
    xv = np.array([0, 1, 1, 2, 0, -1, -1, -2], np.int8).reshape(1, 1, 8, 1)
    mb = ModelBuilder()
    x = mb.tensor([1, 1, 8, 1], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([1, 1, 4, 1], "int8", scale=0.1, zero_point=0)
    mb.op("AVERAGE_POOL_2D", [x], [y], options=("Pool2DOptions", dict(
        padding=ref.PAD_VALID, stride_w=2, stride_h=1, filter_width=2, filter_height=1)))
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got.ravel(), [1, 2, -1, -2])


# -- PAD / PADV2 -------------------------------------------------------------------------------

PAD_DTYPES = ["int8", "int16", "int32", "float32"]


def run_pad(rng, dtype, shape, pads, v2, value_shape=(1,)):
    if dtype == "float32":
        xv = rng.standard_normal(shape).astype(np.float32)
    else:
        xv = rng.integers(-100, 100, shape).astype(dtype)
    q = dict(scale=0.05, zero_point=int(rng.integers(-128, 128))) if dtype == "int8" else {}
    want_shape = [s + a + b for s, (a, b) in zip(shape, pads)]
    mb = ModelBuilder()
    x = mb.tensor(shape, dtype, **q)
    p = mb.tensor([len(shape), 2], "int32", data=pads)
    y = mb.tensor(want_shape, dtype, **q)
    ins = [x, p]
    if v2:
        cv = np.float32(1.5) if dtype == "float32" else np.dtype(dtype).type(-7)
        ins.append(mb.tensor(list(value_shape), dtype, data=np.full(value_shape, cv), **q))
        fill = cv
    else:
        fill = q["zero_point"] if dtype == "int8" else 0
    mb.op("PADV2" if v2 else "PAD", ins, [y])
    (got,) = run(mb, [x], [y], [xv])
    return got, np.pad(xv, pads, constant_values=fill)


@pytest.mark.parametrize("dtype", PAD_DTYPES)
@pytest.mark.parametrize("v2", [False, True])
@pytest.mark.parametrize("shape,pads", [
    ((3,), [[1, 2]]),
    ((2, 3), [[0, 1], [2, 0]]),
    ((1, 4, 4, 3), [[0, 0], [1, 1], [2, 1], [0, 0]]),   # spatial, the common case
    ((1, 2, 2, 2), [[1, 0], [0, 0], [0, 0], [1, 2]]),   # batch and channels
    ((2, 1, 3, 2, 2), [[0, 1], [1, 0], [2, 2], [0, 1], [1, 0]]),  # rank 5
    ((2, 3), [[0, 0], [0, 0]]),                         # no padding at all
])
def test_pad(dtype, v2, shape, pads):
    rng = np.random.default_rng(90)
    got, want = run_pad(rng, dtype, shape, pads, v2)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_padv2_scalar_value(dtype):
    rng = np.random.default_rng(91)
    got, want = run_pad(rng, dtype, (1, 3, 3, 2), [[0, 0], [1, 2], [2, 1], [0, 0]], True,
                        value_shape=())
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", range(10))
def test_pad_random(seed):
    rng = np.random.default_rng(4000 + seed)
    rank = int(rng.integers(1, 6))
    shape = tuple(int(v) for v in rng.integers(1, 5, rank))
    pads = [[int(a), int(b)] for a, b in rng.integers(0, 3, (rank, 2))]
    dtype = str(rng.choice(PAD_DTYPES))
    got, want = run_pad(rng, dtype, shape, pads, bool(rng.random() < 0.5))
    np.testing.assert_array_equal(got, want)
