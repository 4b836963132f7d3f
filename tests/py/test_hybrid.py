# SPDX-License-Identifier: MIT
# Hybrid (dynamic-range) CONV_2D: float input and output, int8 weights. Expected values: an
# independent numpy model of TFLite's hybrid conv (conv.cc EvalHybrid / EvalHybridPerChannel and
# tensor_utils' SymmetricQuantizeFloats / AsymmetricQuantizeFloats, docs/quantization.md): each
# batch quantized to int8 at run time, integer accumulation, then acc * scales + bias.
import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, info, run

F = np.float32


def round_away(v):
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def quantize_symmetric(x):
    """SymmetricQuantizeFloats over one batch: (q, factor), float32 arithmetic."""
    rng_ = max(abs(F(x.min())), abs(F(x.max())))
    if rng_ == 0:
        return np.zeros(x.shape, np.int64), F(1)
    inv = F(F(127) / rng_)
    q = np.clip(round_away((x * inv).astype(np.float32)), -127, 127).astype(np.int64)
    return q, F(rng_ / F(127))


def quantize_asymmetric(x):
    """AsymmetricQuantizeFloats over one batch: (q, factor, offset); the range math in double."""
    rmin, rmax = min(0.0, float(x.min())), max(0.0, float(x.max()))
    if rmin == rmax:
        return np.zeros(x.shape, np.int64), F(1), 0
    scale = (rmax - rmin) / 255.0
    zp_min, zp_max = -128.0 - rmin / scale, 127.0 - rmax / scale
    err_min, err_max = 128.0 + abs(rmin / scale), 127.0 + abs(rmax / scale)
    zp = zp_min if err_min < err_max else zp_max
    offset = -128 if zp <= -128 else 127 if zp >= 127 else int(round_away(zp))
    factor = F(scale)
    inv = F(1.0 / float(factor))
    q = np.clip(round_away((F(offset) + x * inv).astype(np.float32)), -128, 127)
    return q.astype(np.int64), factor, offset


def hybrid_conv(xv, wv, ws, bv, stride, padding, act, groups):
    """The numpy model: per batch quantization, int accumulation, float scaling."""
    cout = wv.shape[0]
    per_channel = (len(ws) > 1 and len(set(ws)) > 1) or groups != 1
    lo, hi = ref.act_range_f(act)
    outs = []
    for b in range(xv.shape[0]):
        xb = xv[b:b + 1]
        if per_channel:
            q, factor, offset = quantize_asymmetric(xb)
        else:
            q, factor = quantize_symmetric(xb)
            offset = 0
            factor = F(factor * F(ws[0]))
        acc = ref.conv_acc(q - offset, wv.astype(np.int64), None, stride, stride, 1, 1, padding)
        accf = acc.astype(np.float32)
        if per_channel:
            y = (accf * np.array(ws, np.float32)) * factor
        else:
            y = accf * factor
        y = (y + bv).astype(np.float32)
        outs.append(np.minimum(np.maximum(y, F(lo)), F(hi)))
    return np.concatenate(outs)


CASES = [
    # n, h, w, cin, cout, k, stride, padding, act, weight scales, groups
    (2, 6, 5, 3, 4, 3, 1, ref.PAD_SAME, ref.ACT_NONE, "tensor", 1),
    (1, 7, 7, 2, 3, 3, 2, ref.PAD_VALID, ref.ACT_RELU, "tensor", 1),
    (2, 6, 5, 3, 4, 3, 1, ref.PAD_SAME, ref.ACT_NONE, "channel", 1),
    (1, 5, 6, 4, 5, 2, 1, ref.PAD_VALID, ref.ACT_RELU6, "channel", 1),
    (1, 4, 4, 4, 4, 3, 1, ref.PAD_SAME, ref.ACT_NONE, "same", 1),  # per-channel, equal scales
    (1, 5, 5, 4, 6, 3, 1, ref.PAD_SAME, ref.ACT_NONE, "tensor", 2),  # grouped: per-channel path
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[9]}-g{c[10]}-{i}" for i, c in enumerate(CASES)])
def test_hybrid_conv(case):
    n, h, w, cin, cout, k, stride, padding, act, kind, groups = case
    rng = np.random.default_rng(1000 + CASES.index(case))
    xv = (rng.standard_normal((n, h, w, cin)) * 3 + 0.5).astype(np.float32)
    if n > 1:
        xv[1] = np.abs(xv[1])  # an all-positive batch: its own range and offset
    wv = rng.integers(-127, 128, (cout, k, k, cin // groups)).astype(np.int8)
    if kind == "tensor":
        ws = [float(F(0.02))]
    elif kind == "same":
        ws = [float(F(0.015))] * cout
    else:
        ws = [float(F(s)) for s in rng.uniform(0.005, 0.05, cout)]
    bv = rng.standard_normal(cout).astype(np.float32)
    oh, ow, _, _ = ref.windows((n, h, w, cin), k, k, stride, stride, 1, 1, padding)
    mb = ModelBuilder()
    x = mb.tensor([n, h, w, cin], "float32")
    wt = mb.tensor([cout, k, k, cin // groups], "int8", data=wv, scale=ws if len(ws) > 1 else ws[0],
                   zero_point=[0] * len(ws) if len(ws) > 1 else 0)
    bt = mb.tensor([cout], "float32", data=bv)
    y = mb.tensor([n, oh, ow, cout], "float32")
    mb.op("CONV_2D", [x, wt, bt], [y], options=("Conv2DOptions", dict(
        padding=padding, stride_w=stride, stride_h=stride, fused_activation_function=act)))
    (got,) = run(mb, [x], [y], [xv])
    want = hybrid_conv(xv, wv, ws, bv, stride, padding, act, groups)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # Not the dequantized-weights float conv: the input's quantization shows.
    deq = ref.conv_acc(xv.astype(np.float64), wv.astype(np.float64) * np.array(ws).reshape(
        -1 if len(ws) > 1 else 1, 1, 1, 1), None, stride, stride, 1, 1, padding)
    assert not np.allclose(got, np.clip(deq + bv, *ref.act_range_f(act)), rtol=1e-5, atol=1e-6)


def test_zero_input_gives_bias():
    mb = ModelBuilder()
    x = mb.tensor([1, 3, 3, 2], "float32")
    wt = mb.tensor([2, 1, 1, 2], "int8", data=np.array([[1, 2], [3, -4]], np.int8).reshape(
        2, 1, 1, 2), scale=0.5)
    bt = mb.tensor([2], "float32", data=np.array([0.25, -1.5], np.float32))
    y = mb.tensor([1, 3, 3, 2], "float32")
    mb.op("CONV_2D", [x, wt, bt], [y], options=("Conv2DOptions", dict(
        padding=ref.PAD_VALID, stride_w=1, stride_h=1)))
    (got,) = run(mb, [x], [y], [np.zeros((1, 3, 3, 2), np.float32)])
    np.testing.assert_array_equal(got.reshape(-1, 2), np.tile([0.25, -1.5], (9, 1)))


def test_info_says_hybrid():
    mb = ModelBuilder()
    x = mb.tensor([1, 3, 3, 2], "float32")
    wt = mb.tensor([2, 1, 1, 2], "int8", data=np.ones((2, 1, 1, 2), np.int8), scale=0.5)
    y = mb.tensor([1, 3, 3, 2], "float32")
    mb.op("CONV_2D", [x, wt], [y], options=("Conv2DOptions", dict(padding=ref.PAD_VALID,
                                                                   stride_w=1, stride_h=1)))
    j = info(mb.build([x], [y]))
    assert j["hybrid"] is True and j["ops"][0]["hybrid"] is True
    mb2 = ModelBuilder()
    x = mb2.tensor([1, 3, 3, 2], "float32")
    wt = mb2.tensor([2, 1, 1, 2], "float32", data=np.ones((2, 1, 1, 2), np.float32))
    y = mb2.tensor([1, 3, 3, 2], "float32")
    mb2.op("CONV_2D", [x, wt], [y], options=("Conv2DOptions", dict(padding=ref.PAD_VALID,
                                                                    stride_w=1, stride_h=1)))
    j = info(mb2.build([x], [y]))
    assert j["hybrid"] is False and j["ops"][0]["hybrid"] is False


def hybrid_fc(xv, wv, ws, bv, asymmetric, act):
    """The numpy model of TFLite's hybrid FULLY_CONNECTED (EvalHybrid, per-tensor weights)."""
    lo, hi = ref.act_range_f(act)
    out = []
    for row in xv.reshape(-1, wv.shape[1]):
        if asymmetric:
            q, factor, offset = quantize_asymmetric(row)
        else:
            (q, factor), offset = quantize_symmetric(row), 0
        factor = F(factor * F(ws))
        dot = wv.astype(np.int64) @ q
        if asymmetric:  # TFLite: int32 dot -= row_sum * float offset, back to int32
            dot = np.trunc((dot.astype(np.float32) - wv.astype(np.int64).sum(1).astype(np.float32)
                            * F(offset)).astype(np.float32)).astype(np.int64)
        y = (bv + (dot.astype(np.float32) * factor).astype(np.float32)).astype(np.float32)
        out.append(np.minimum(np.maximum(y, F(lo)), F(hi)))
    return np.stack(out)


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("act", [ref.ACT_NONE, ref.ACT_RELU])
def test_hybrid_fully_connected(asymmetric, act):
    rng = np.random.default_rng(7 + asymmetric + 2 * act)
    batches, depth, units = 3, 40, 6
    xv = (rng.standard_normal((batches, depth)) * 2 + 0.7).astype(np.float32)
    xv[1] = np.abs(xv[1])
    xv[2] = 0  # an all-zero row: the bias
    wv = rng.integers(-127, 128, (units, depth)).astype(np.int8)
    ws = float(F(0.013))
    bv = rng.standard_normal(units).astype(np.float32)
    mb = ModelBuilder()
    x = mb.tensor([batches, depth], "float32")
    wt = mb.tensor([units, depth], "int8", data=wv, scale=ws)
    bt = mb.tensor([units], "float32", data=bv)
    y = mb.tensor([batches, units], "float32")
    mb.op("FULLY_CONNECTED", [x, wt, bt], [y], options=("FullyConnectedOptions", dict(
        fused_activation_function=act, asymmetric_quantize_inputs=asymmetric)))
    assert info(mb.build([x], [y]))["hybrid"] is True
    (got,) = run(mb, [x], [y], [xv])
    want = hybrid_fc(xv, wv, ws, bv, asymmetric, act)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got[2], np.clip(bv, *ref.act_range_f(act)).astype(np.float32))
    deq = xv.astype(np.float64) @ (wv.astype(np.float64) * ws).T + bv
    assert not np.allclose(got, np.clip(deq, *ref.act_range_f(act)), rtol=1e-5, atol=1e-6)


def test_other_hybrid_ops_refused_by_name():
    # DEPTHWISE_CONV_2D has no hybrid kernel yet, nor FULLY_CONNECTED with per-channel weights:
    # refused, never run with another semantics (docs/quantization.md).
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "float32")
    wt = mb.tensor([3, 4], "int8", data=np.ones((3, 4), np.int8), scale=[0.5, 0.25, 0.5],
                   zero_point=[0, 0, 0])
    y = mb.tensor([1, 3], "float32")
    mb.op("FULLY_CONNECTED", [x, wt, -1], [y])
    (why,) = info(mb.build([x], [y]))["unsupported"]
    assert "FULLY_CONNECTED" in why["reason"] and "per-tensor" in why["reason"]
    mb = ModelBuilder()
    x = mb.tensor([1, 3, 3, 2], "float32")
    wt = mb.tensor([1, 1, 1, 2], "int8", data=np.ones((1, 1, 1, 2), np.int8), scale=[0.5, 0.5],
                   zero_point=[0, 0], quantized_dimension=3)
    y = mb.tensor([1, 3, 3, 2], "float32")
    mb.op("DEPTHWISE_CONV_2D", [x, wt, -1], [y], options=("DepthwiseConv2DOptions", dict(
        padding=ref.PAD_VALID, stride_w=1, stride_h=1, depth_multiplier=1)))
    (why,) = info(mb.build([x], [y]))["unsupported"]
    assert "DEPTHWISE_CONV_2D" in why["reason"] and "int8" in why["reason"]
