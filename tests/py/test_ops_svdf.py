# SPDX-License-Identifier: MIT
# Single-op SVDF models (int8 with int16 or int8 state, float32), built with
# python/microml_tools/tflite_writer.py and invoked several times on one instance so that the
# activation state (a variable tensor) carries over. Expected values: tests/py/tflite_ref.py's
# numpy SVDF, written from TFLite Micro's reference kernel; integers must match exactly.
import zlib

import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, run_fails, run_frames

# (batch, input size, filters, memory, rank)
SHAPES = [(1, 5, 4, 3, 1), (2, 7, 6, 4, 2), (1, 16, 12, 8, 3), (3, 3, 2, 1, 1), (1, 33, 8, 10, 4)]


def seed_of(*args):
    return zlib.crc32(repr(args).encode())


def f32(v):
    return float(np.float32(v))


def svdf_model(dtype, state_dtype, shape, rng, act=0, with_bias=True, qp=None, bias_lim=20000):
    batch, n_in, n_filter, n_mem, rank = shape
    n_unit = n_filter // rank
    mb = ModelBuilder()
    if dtype == "int8":
        si, zi, sf, ss, zs, swt, so, zo = qp
        wf = rng.integers(-127, 128, (n_filter, n_in)).astype(np.int8)
        tlim = 32767 if state_dtype == "int16" else 127
        wt = rng.integers(-tlim, tlim + 1, (n_filter, n_mem)).astype(state_dtype)
        bias = rng.integers(-bias_lim, bias_lim, n_unit).astype(np.int32)
        x = mb.tensor([batch, n_in], "int8", scale=si, zero_point=zi)
        f = mb.tensor([n_filter, n_in], "int8", data=wf, scale=sf, zero_point=0)
        t = mb.tensor([n_filter, n_mem], state_dtype, data=wt, scale=swt, zero_point=0)
        b = mb.tensor([n_unit], "int32", data=bias, scale=f32(np.float32(ss) * np.float32(swt)),
                      zero_point=0) if with_bias else -1
        s = mb.tensor([batch, n_filter * n_mem], state_dtype, scale=ss, zero_point=zs,
                      is_variable=True)
        y = mb.tensor([batch, n_unit], "int8", scale=so, zero_point=zo)
    else:
        wf = rng.standard_normal((n_filter, n_in)).astype(np.float32)
        wt = rng.standard_normal((n_filter, n_mem)).astype(np.float32)
        bias = rng.standard_normal(n_unit).astype(np.float32)
        x = mb.tensor([batch, n_in], "float32")
        f = mb.tensor([n_filter, n_in], "float32", data=wf)
        t = mb.tensor([n_filter, n_mem], "float32", data=wt)
        b = mb.tensor([n_unit], "float32", data=bias) if with_bias else -1
        s = mb.tensor([batch, n_filter * n_mem], "float32", is_variable=True)
        y = mb.tensor([batch, n_unit], "float32")
    mb.op("SVDF", [x, f, t, b, s], [y], version=3 if dtype == "int8" else 1,
          options=("SVDFOptions", {"rank": rank, "fused_activation_function": act}))
    return mb, x, y, wf, wt, (bias if with_bias else None)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("state_dtype", ["int16", "int8"])
@pytest.mark.parametrize("with_bias", [True, False])
def test_svdf_int8(shape, state_dtype, with_bias):
    rng = np.random.default_rng(seed_of(shape, state_dtype, with_bias))
    batch, n_in, n_filter, n_mem, rank = shape
    zs = 0 if state_dtype == "int16" else int(rng.integers(-20, 20))
    # Scales that put the state's and the output's spread well inside their ranges.
    smax, tlim = (32767, 32767) if state_dtype == "int16" else (127, 127)
    si, zi = f32(rng.uniform(0.01, 0.05)), int(rng.integers(-128, 128))
    sf = f32(rng.uniform(0.002, 0.01))
    feat_std = 74.0 * 73.0 * np.sqrt(n_in)  # of the int32 feature dot products
    ss = f32(si * sf * feat_std / (smax / 8.0) * rng.uniform(0.7, 1.4))
    swt = f32(rng.uniform(0.001, 0.01))
    acc_std = np.sqrt(n_mem * rank) * (smax / 8.0) * (tlim / 1.7)
    so = f32(ss * swt * acc_std / 40.0)
    zo = int(rng.integers(-50, 50))
    qp = (si, zi, sf, ss, zs, swt, so, zo)
    mb, x, y, wf, wt, bias = svdf_model("int8", state_dtype, shape, rng, with_bias=with_bias,
                                        qp=qp, bias_lim=int(acc_std))
    frames = [rng.integers(-128, 128, (batch, n_in)).astype(np.int8) for _ in range(6)]
    got = run_frames(mb, [x], [y], [[v] for v in frames])
    smin = -smax - 1
    state = np.full((batch, n_filter * n_mem), zs, np.int64)
    outs = []
    for k, v in enumerate(frames):
        want, state = ref.svdf_step_q(v, state, wf, wt, bias, rank, si, zi, sf, ss, zs, swt, so,
                                      zo, smin, smax)
        np.testing.assert_array_equal(got[k][0], want, err_msg=f"frame {k}")
        outs.append(want)
    # The outputs vary: the test exercises more than saturation.
    assert len(np.unique(np.concatenate([o.ravel() for o in outs]))) > 3


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("act", [ref.ACT_NONE, ref.ACT_RELU, ref.ACT_RELU6])
def test_svdf_float(shape, act):
    rng = np.random.default_rng(seed_of(shape, act, "f"))
    batch, n_in, n_filter, n_mem, rank = shape
    mb, x, y, wf, wt, bias = svdf_model("float32", "float32", shape, rng, act=act)
    frames = [rng.standard_normal((batch, n_in)).astype(np.float32) for _ in range(5)]
    got = run_frames(mb, [x], [y], [[v] for v in frames])
    state = np.zeros((batch, n_filter * n_mem))
    for k, v in enumerate(frames):
        want, state = ref.svdf_step_f(v, state, wf, wt, bias, rank, act)
        np.testing.assert_allclose(got[k][0], want, rtol=1e-4, atol=1e-5, err_msg=f"frame {k}")


def test_svdf_refused():
    rng = np.random.default_rng(1)
    # rank that does not divide the filters
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "float32")
    f = mb.tensor([6, 4], "float32", data=rng.standard_normal((6, 4)))
    t = mb.tensor([6, 3], "float32", data=rng.standard_normal((6, 3)))
    s = mb.tensor([1, 18], "float32", is_variable=True)
    y = mb.tensor([1, 1], "float32")
    mb.op("SVDF", [x, f, t, -1, s], [y], options=("SVDFOptions", {"rank": 4}))
    assert any("rank 4" in r for r in run_fails(mb, [x], [y]))
    # a state that is not a variable tensor
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "float32")
    f = mb.tensor([6, 4], "float32", data=rng.standard_normal((6, 4)))
    t = mb.tensor([6, 3], "float32", data=rng.standard_normal((6, 3)))
    s = mb.tensor([1, 18], "float32")
    y = mb.tensor([1, 3], "float32")
    mb.op("SVDF", [x, f, t, -1, s], [y], options=("SVDFOptions", {"rank": 2}))
    assert any("variable" in r for r in run_fails(mb, [x, s], [y]))
