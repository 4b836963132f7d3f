# SPDX-License-Identifier: MIT
# Single-op models of the 16x8 paths (int16 activations) not covered beside their int8 versions:
# FULLY_CONNECTED (int8 weights, int64 or int32 bias). Built with
# python/microml_tools/tflite_writer.py, run through the CLI, compared byte for byte with TFLite's
# reference integer arithmetic re-done in numpy (tests/py/tflite_ref.py).
import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, run, run_fails

FC_OPTS = "FullyConnectedOptions"
ACTS = [ref.ACT_NONE, ref.ACT_RELU, ref.ACT_RELU_N1_TO_1, ref.ACT_RELU6]


def f32(v):
    return float(np.float32(v))


def run_fc(rng, *, batches, depth, units, per_channel, bias, bias_dtype, act, w_zp=0):
    xv = rng.integers(-32768, 32768, (batches, depth)).astype(np.int16)
    wv = rng.integers(-127, 128, (units, depth)).astype(np.int8)
    bv = rng.integers(-(1 << 22), 1 << 22, units).astype(bias_dtype)
    in_s, out_s = f32(rng.uniform(1e-4, 1e-3)), f32(rng.uniform(0.01, 0.08))
    ws = [f32(rng.uniform(0.002, 0.05)) for _ in range(units if per_channel else 1)]
    mb = ModelBuilder()
    x = mb.tensor([batches, depth], "int16", scale=in_s, zero_point=0)
    wt = mb.tensor([units, depth], "int8", data=wv, scale=ws, zero_point=[w_zp] * len(ws),
                   quantized_dimension=0)
    bt = mb.tensor([units], bias_dtype, data=bv, scale=[in_s * s for s in ws],
                   zero_point=[0] * len(ws))
    y = mb.tensor([batches, units], "int16", scale=out_s, zero_point=0)
    ins = {"const": [x, wt, bt], "absent": [x, wt, -1], "omitted": [x, wt]}[bias]
    mb.op("FULLY_CONNECTED", ins, [y], options=(FC_OPTS, dict(fused_activation_function=act)))
    # TFLite: acc = sum((w + w_offset) * x) (+ bias) in the bias' type (int32 without one); the
    # weights offset only in the per-tensor kernel.
    w_off = -w_zp if not per_channel else 0
    acc = xv.astype(np.int64) @ (wv.astype(np.int64) + w_off).T
    if bias == "const":
        acc = acc + bv.astype(np.int64)
    qs = [ref.quantize_multiplier(in_s * ws[o if per_channel else 0] / out_s) for o in range(units)]
    mult, shift = np.array([q for q, _ in qs]), np.array([e for _, e in qs])
    if bias == "const" and bias_dtype == "int64":
        v = ref.mul_by_qm64(acc, mult, shift)
    else:
        v = ref.mul_by_qm(ref.wrap32(acc), mult, shift)
    want = ref.clamp_act(v, *ref.act_range_q(act, out_s, 0, -32768, 32767))
    (got,) = run(mb, [x], [y], [xv])
    return got, want


@pytest.mark.parametrize("bias_dtype", ["int64", "int32"])
@pytest.mark.parametrize("per_channel", [True, False])
@pytest.mark.parametrize("act", ACTS)
def test_fully_connected_int16(bias_dtype, per_channel, act):
    rng = np.random.default_rng(100 + act * 4 + per_channel * 2 + (bias_dtype == "int64"))
    got, want = run_fc(rng, batches=3, depth=17, units=6, per_channel=per_channel, bias="const",
                       bias_dtype=bias_dtype, act=act)
    np.testing.assert_array_equal(got, want)
    if act in (ref.ACT_NONE, ref.ACT_RELU):
        assert len(np.unique(got)) > 6  # not all saturated


@pytest.mark.parametrize("seed", range(12))
def test_fully_connected_int16_random(seed):
    rng = np.random.default_rng(6000 + seed)
    per_channel = bool(rng.random() < 0.5)
    got, want = run_fc(rng, batches=int(rng.integers(1, 4)), depth=int(rng.integers(1, 40)),
                       units=int(rng.integers(1, 9)), per_channel=per_channel,
                       bias=str(rng.choice(["const", "const", "absent", "omitted"])),
                       bias_dtype=str(rng.choice(["int64", "int32"])),
                       act=int(rng.choice(ACTS)),
                       w_zp=0 if per_channel else int(rng.integers(-3, 4)))
    np.testing.assert_array_equal(got, want)


def test_fully_connected_int16_refuses_zero_point():
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int16", scale=0.001, zero_point=3)
    wt = mb.tensor([2, 4], "int8", data=np.ones((2, 4), np.int8), scale=[0.1], zero_point=[0])
    y = mb.tensor([1, 2], "int16", scale=0.01, zero_point=0)
    mb.op("FULLY_CONNECTED", [x, wt], [y], options=(FC_OPTS, dict(fused_activation_function=0)))
    reasons = run_fails(mb, [x], [y])
    assert len(reasons) == 1 and "FULLY_CONNECTED" in reasons[0] and "zero point" in reasons[0]
