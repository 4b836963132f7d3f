# SPDX-License-Identifier: MIT
# Single-op models of the reductions MEAN, SUM, REDUCE_MAX and REDUCE_MIN, built with
# python/microml_tools/tflite_writer.py and run through the CLI: every axis combination of ranks
# 1-4 (negative and repeated axes too), keep_dims both ways, float32, int8 and int16, with equal
# and different input/output quantization. Expected values: numpy for float32 and for the picks
# (max, min); tests/py/tflite_ref.py's QuantizedMeanOrSum for quantized MEAN and SUM.
import itertools
import zlib

import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, run, run_fails

QRANGE = {"int8": (-128, 127), "int16": (-32768, 32767)}
# (input scale, zp), (output scale, zp) per dtype: equal, and two different ones.
QUANT = {
    "int8": {"same": ((0.0235, -7), (0.0235, -7)),
             "finer": ((0.0507913791, -128), (0.00932384469, -128)),
             "coarser": ((0.01, 5), (0.0375, 11))},
    "int16": {"same": ((0.0012, 0), (0.0012, 0)),
              "finer": ((0.004, 0), (0.0007, 0)),
              "coarser": ((0.0003, 0), (0.0021, 0))},
}


def seed_of(*args):
    return zlib.crc32(repr(args).encode())


def axis_cases():
    """(shape, axes) for every non-empty axis subset of ranks 1-4; every other case written
    with negative axes, and one per rank with a repeated axis."""
    cases = []
    for rank in range(1, 5):
        shape = tuple([2, 3, 4, 5][:rank][::-1] if rank % 2 else [3, 1, 4, 2][:rank])
        subsets = [s for k in range(1, rank + 1) for s in itertools.combinations(range(rank), k)]
        for i, sub in enumerate(subsets):
            axes = [a - rank for a in sub] if i % 2 else list(sub)
            cases.append((shape, axes))
        cases.append((shape, [0, -rank]))
    return cases


AXIS_CASES = axis_cases()
IDS = [f"{'x'.join(map(str, s))}-{'_'.join(map(str, a))}" for s, a in AXIS_CASES]


def build(op, shape, axes, dtype, keep_dims, out_shape, in_q=None, out_q=None):
    mb = ModelBuilder()
    iq = dict(scale=in_q[0], zero_point=in_q[1]) if in_q else {}
    oq = dict(scale=out_q[0], zero_point=out_q[1]) if out_q else {}
    x = mb.tensor(shape, dtype, **iq)
    a = mb.tensor([len(axes)], "int32", data=axes)
    y = mb.tensor(out_shape, dtype, **oq)
    mb.op(op, [x, a], [y], options=("ReducerOptions", {"keep_dims": keep_dims}))
    return mb, x, y


def reduced_shape(shape, axes, keep_dims):
    red = ref.resolve_axes(len(shape), axes)
    if keep_dims:
        return [1 if i in red else d for i, d in enumerate(shape)]
    return [d for i, d in enumerate(shape) if i not in red]


def run_reduce(op, xv, axes, keep_dims, in_q=None, out_q=None):
    out_shape = reduced_shape(xv.shape, axes, keep_dims)
    mb, x, y = build(op, xv.shape, axes, str(xv.dtype), keep_dims, out_shape, in_q, out_q)
    (got,) = run(mb, [x], [y], [xv])
    return got


# -- the MobileNetV2 case of issue 7 ----------------------------------------------------------

def test_mean_mobilenet_v2_same_quantization():
    """MEAN over axes [1,2] of [1,7,7,1280], keep_dims, input and output both (0.0705478862, -9):
    TFLite Micro takes its integer path (QuantizedMeanOrSum) here too; a truncating division of
    the raw sums (the same-quantization shortcut microml used) is 1 LSB off on many channels."""
    rng = np.random.default_rng(7)
    xv = rng.integers(-128, 127, (1, 7, 7, 1280), endpoint=True).astype(np.int8)
    qp = (0.0705478862, -9)
    want = ref.mean_or_sum_q(xv, [1, 2], *qp, *qp, -128, 127, compute_sum=False)
    want = want.reshape(1, 1, 1, 1280)
    s = xv.astype(np.int64).sum(axis=(1, 2), keepdims=True)
    truncated = np.sign(s) * (np.abs(s) // 49)
    assert np.count_nonzero(truncated != want) > 100  # the case tells the two apart
    got = run_reduce("MEAN", xv, [1, 2], True, qp, qp)
    np.testing.assert_array_equal(got, want)


# -- MEAN, SUM ---------------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["MEAN", "SUM"])
@pytest.mark.parametrize("shape,axes", AXIS_CASES, ids=IDS)
@pytest.mark.parametrize("keep_dims", [False, True])
def test_mean_sum_float32(op, shape, axes, keep_dims):
    rng = np.random.default_rng(seed_of(op, shape, axes, keep_dims))
    xv = rng.standard_normal(shape).astype(np.float32)
    red = ref.resolve_axes(len(shape), axes)
    f = np.mean if op == "MEAN" else np.sum
    want = f(xv.astype(np.float64), axis=red, keepdims=keep_dims)
    got = run_reduce(op, xv, axes, keep_dims)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("op", ["MEAN", "SUM"])
@pytest.mark.parametrize("dtype", ["int8", "int16"])
@pytest.mark.parametrize("quant", ["same", "finer", "coarser"])
@pytest.mark.parametrize("shape,axes", AXIS_CASES, ids=IDS)
@pytest.mark.parametrize("keep_dims", [False, True])
def test_mean_sum_quantized(op, dtype, quant, shape, axes, keep_dims):
    rng = np.random.default_rng(seed_of(op, dtype, quant, shape, axes, keep_dims))
    qmin, qmax = QRANGE[dtype]
    in_q, out_q = QUANT[dtype][quant]
    xv = rng.integers(qmin, qmax, shape, endpoint=True).astype(dtype)
    want = ref.mean_or_sum_q(xv, axes, *in_q, *out_q, qmin, qmax, compute_sum=op == "SUM")
    want = want.reshape(reduced_shape(shape, axes, keep_dims))
    got = run_reduce(op, xv, axes, keep_dims, in_q, out_q)
    np.testing.assert_array_equal(got, want)
    # Close to the real mean / sum (saturating at the output range).
    red = ref.resolve_axes(len(shape), axes)
    real = (xv.astype(np.float64) - in_q[1]) * in_q[0]
    real = (np.mean if op == "MEAN" else np.sum)(real, axis=red, keepdims=keep_dims)
    approx = np.clip(np.round(real / out_q[0]) + out_q[1], qmin, qmax)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


RANK5 = [((2, 2, 3, 2, 3), [1, 4]), ((2, 1, 3, 2, 2), [0, 1, 2, 3, 4])]


@pytest.mark.parametrize("op", ["MEAN", "SUM"])
@pytest.mark.parametrize("shape,axes", RANK5)
def test_mean_sum_rank5_int8(op, shape, axes):
    rng = np.random.default_rng(seed_of(op, shape, axes))
    in_q, out_q = QUANT["int8"]["coarser"]
    xv = rng.integers(-128, 127, shape, endpoint=True).astype(np.int8)
    want = ref.mean_or_sum_q(xv, axes, *in_q, *out_q, -128, 127, compute_sum=op == "SUM")
    got = run_reduce(op, xv, axes, False, in_q, out_q)
    np.testing.assert_array_equal(got, want.reshape(got.shape))


def test_sum_int8_saturates():
    """A sum far beyond the output range clamps to it."""
    xv = np.full((1, 40), 127, np.int8)
    got = run_reduce("SUM", xv, [1], False, (0.5, 0), (0.5, 0))
    assert got.tolist() == [127]
    got = run_reduce("SUM", -xv, [1], False, (0.5, 0), (0.5, 0))
    assert got.tolist() == [-128]


# -- REDUCE_MAX, REDUCE_MIN ----------------------------------------------------------------------

@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("dtype", ["float32", "int8", "int16"])
@pytest.mark.parametrize("shape,axes", AXIS_CASES, ids=IDS)
@pytest.mark.parametrize("keep_dims", [False, True])
def test_reduce_max_min(op, dtype, shape, axes, keep_dims):
    rng = np.random.default_rng(seed_of(op, dtype, shape, axes, keep_dims))
    if dtype == "float32":
        xv = rng.standard_normal(shape).astype(np.float32)
        qp = None
    else:
        qmin, qmax = QRANGE[dtype]
        xv = rng.integers(qmin, qmax, shape, endpoint=True).astype(dtype)
        qp = QUANT[dtype]["same"][0]
    red = ref.resolve_axes(len(shape), axes)
    want = (np.max if op == "REDUCE_MAX" else np.min)(xv, axis=red, keepdims=keep_dims)
    got = run_reduce(op, xv, axes, keep_dims, qp, qp)
    np.testing.assert_array_equal(got, want)


# -- refused at prepare ------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
def test_reduce_pick_requantization_refused(op):
    mb, x, y = build(op, [2, 3], [1], "int8", False, [2], (0.1, 0), (0.2, 0))
    (msg,) = run_fails(mb, [x], [y])
    assert "quantization must be equal" in msg


@pytest.mark.parametrize("op", ["MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN"])
def test_reduce_bad_models_refused(op):
    mb, x, y = build(op, [2, 3], [2], "float32", False, [2])
    (msg,) = run_fails(mb, [x], [y])
    assert "axis 2 out of range" in msg
    mb, x, y = build(op, [2, 3], [1], "float32", False, [3])
    (msg,) = run_fails(mb, [x], [y])
    assert "output has 3 elements, expected 2" in msg
    mb, x, y = build(op, [2, 3], [1], "float32", True, [2])
    (msg,) = run_fails(mb, [x], [y])
    assert "keep_dims output must have rank 2" in msg
    mb, x, y = build(op, [2, 3], [1], "int32", False, [2])
    (msg,) = run_fails(mb, [x], [y])
    assert "int32 unsupported" in msg
