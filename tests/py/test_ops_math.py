# SPDX-License-Identifier: MIT
# Single-op models for PRELU, SQUARED_DIFFERENCE, the comparisons (EQUAL, NOT_EQUAL, LESS,
# LESS_EQUAL, GREATER, GREATER_EQUAL), LOGICAL_AND / OR / NOT, SELECT_V2, the float math ops (EXP,
# LOG, SQRT, RSQRT, ABS, NEG, FLOOR, SQUARE), int8 ABS / RSQRT, ZEROS_LIKE and FILL, built with
# python/microml_tools/tflite_writer.py and run through the CLI. Expected values: numpy's own
# semantics for float / integer / bool data and tests/py/tflite_ref.py's independent numpy
# re-implementation of TFLite's integer arithmetic, compared exactly; quantized results are also
# checked against the real-valued function.
import zlib

import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, run, run_fails

QRANGE = {"int8": (-128, 127), "int16": (-32768, 32767)}

BCAST = [
    ((2, 3, 4), (2, 3, 4)),
    ((2, 3, 4), (4,)),
    ((4,), (2, 3, 4)),
    ((2, 1, 4), (1, 3, 1)),
    ((3, 5), ()),
    ((2, 3, 1, 5), (3, 4, 1)),
    ((2, 1, 2, 1, 3, 2), (2, 1, 4, 1, 1)),
]


def seed_of(*args):
    return zlib.crc32(repr(args).encode())


def f32(v):
    return float(np.float32(v))


def qrandom(rng, shape, dtype):
    lo, hi = QRANGE[dtype]
    return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)


def values(rng, shape, dtype):
    if dtype == "float32":
        return (rng.standard_normal(shape) * 3).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(np.bool_)
    if dtype in ("int32", "int64"):
        # small values, so that equal pairs occur
        return rng.integers(-5, 6, shape).astype(dtype)
    return qrandom(rng, shape, dtype)


def binary(op, av, bv, dtype, out_dtype, out_shape, qa=None, qb=None, qo=None, const_b=False):
    mb = ModelBuilder()

    def t(shape, dt, q, data=None):
        kw = dict(scale=q[0], zero_point=q[1]) if q else {}
        return mb.tensor(list(shape), dt, data=data, **kw)
    a = t(av.shape, dtype, qa)
    b = t(bv.shape, dtype, qb, data=bv if const_b else None)
    y = t(out_shape, out_dtype, qo)
    mb.op(op, [a, b], [y])
    ins, vals = ([a], [av]) if const_b else ([a, b], [av, bv])
    (got,) = run(mb, ins, [y], vals)
    return got


def unary(op, xv, dtype, q_in=None, q_out=None, out_dtype=None):
    mb = ModelBuilder()
    iq = dict(scale=q_in[0], zero_point=q_in[1]) if q_in else {}
    oq = dict(scale=q_out[0], zero_point=q_out[1]) if q_out else {}
    x = mb.tensor(list(xv.shape), dtype, **iq)
    y = mb.tensor(list(xv.shape), out_dtype or dtype, **oq)
    mb.op(op, [x], [y])
    (got,) = run(mb, [x], [y], [xv])
    return got


# -- PRELU -------------------------------------------------------------------------------------

PRELU_SHAPES = [((1, 4, 4, 3), (3,)), ((1, 4, 4, 3), (1, 1, 3)), ((2, 5, 3), (2, 5, 3)),
                ((2, 3, 2, 4), (1, 3, 1, 4)), ((7,), ())]


@pytest.mark.parametrize("shapes", PRELU_SHAPES)
def test_prelu_int8(shapes):
    rng = np.random.default_rng(seed_of("prelu", shapes))
    xv, av = qrandom(rng, shapes[0], "int8"), qrandom(rng, shapes[1], "int8")
    qi = (f32(rng.uniform(0.02, 0.1)), int(rng.integers(-128, 128)))
    qa = (f32(rng.uniform(0.002, 0.02)), int(rng.integers(-128, 128)))
    qo = (f32(rng.uniform(0.02, 0.1)), int(rng.integers(-128, 128)))
    x2, a2 = np.broadcast_arrays(xv, av)
    want = ref.prelu_q(x2, a2, *qi, *qa, *qo)
    got = binary("PRELU", xv, av, "int8", "int8", xv.shape, qi, qa, qo, const_b=True)
    np.testing.assert_array_equal(got, want)
    real = (x2.astype(np.float64) - qi[1]) * qi[0]
    real = np.where(real >= 0, real, real * (a2.astype(np.float64) - qa[1]) * qa[0])
    approx = np.clip(np.round(real / qo[0]) + qo[1], -128, 127)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


@pytest.mark.parametrize("shapes", PRELU_SHAPES)
def test_prelu_int16(shapes):
    """int16 input and output with int8 alpha (TFLite Micro's 16x8 PRELU)."""
    rng = np.random.default_rng(seed_of("prelu16", shapes))
    xv, av = qrandom(rng, shapes[0], "int16"), qrandom(rng, shapes[1], "int8")
    qi = (f32(rng.uniform(1e-4, 1e-3)), 0)
    qa = (f32(rng.uniform(0.002, 0.02)), int(rng.integers(-128, 128)))
    qo = (f32(rng.uniform(1e-4, 1e-3)), 0)
    mb = ModelBuilder()
    x = mb.tensor(list(xv.shape), "int16", scale=qi[0], zero_point=qi[1])
    a = mb.tensor(list(av.shape), "int8", data=av, scale=qa[0], zero_point=qa[1])
    y = mb.tensor(list(xv.shape), "int16", scale=qo[0], zero_point=qo[1])
    mb.op("PRELU", [x, a], [y])
    (got,) = run(mb, [x], [y], [xv])
    x2, a2 = np.broadcast_arrays(xv, av)
    np.testing.assert_array_equal(got, ref.prelu_q(x2, a2, *qi, *qa, *qo, -32768, 32767))
    real = x2.astype(np.float64) * qi[0]
    real = np.where(real >= 0, real, real * (a2.astype(np.float64) - qa[1]) * qa[0])
    approx = np.clip(np.round(real / qo[0]), -32768, 32767)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


def test_prelu_dtypes_refused():
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "int8", scale=0.1, zero_point=0)
    a = mb.tensor([3], "int16", data=np.ones(3, np.int16), scale=0.1, zero_point=0)
    y = mb.tensor([2, 3], "int8", scale=0.1, zero_point=0)
    mb.op("PRELU", [x, a], [y])
    assert any("alpha int16" in r for r in run_fails(mb, [x], [y]))


@pytest.mark.parametrize("shapes", PRELU_SHAPES)
def test_prelu_float(shapes):
    rng = np.random.default_rng(seed_of("prelu_f", shapes))
    xv = values(rng, shapes[0], "float32")
    av = rng.uniform(0, 0.5, shapes[1]).astype(np.float32)
    got = binary("PRELU", xv, av, "float32", "float32", xv.shape, const_b=True)
    np.testing.assert_array_equal(got, np.where(xv >= 0, xv, xv * av))


# -- SQUARED_DIFFERENCE ------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", BCAST)
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_squared_difference_q(shapes, dtype):
    rng = np.random.default_rng(seed_of("sqd", shapes, dtype))
    av, bv = qrandom(rng, shapes[0], dtype), qrandom(rng, shapes[1], dtype)
    if dtype == "int8":
        qa = (f32(rng.uniform(0.01, 0.1)), int(rng.integers(-128, 128)))
        qb = (f32(rng.uniform(0.01, 0.1)), int(rng.integers(-128, 128)))
        qo = (f32(rng.uniform(0.05, 0.5)), int(rng.integers(-128, 0)))
        ls = 7
    else:
        qa = (f32(rng.uniform(1e-4, 1e-3)), 0)
        qb = (f32(rng.uniform(1e-4, 1e-3)), 0)
        qo = (f32(rng.uniform(0.05, 0.15)), 0)
        ls = 0
    out = np.broadcast_shapes(av.shape, bv.shape)
    a2, b2 = np.broadcast_arrays(av, bv)
    lo, hi = QRANGE[dtype]
    want = ref.squared_difference_q(a2, b2, *qa, *qb, *qo, lo, hi, ls)
    got = binary("SQUARED_DIFFERENCE", av, bv, dtype, dtype, out, qa, qb, qo)
    np.testing.assert_array_equal(got, want)
    real = ((a2.astype(np.float64) - qa[1]) * qa[0] - (b2.astype(np.float64) - qb[1]) * qb[0]) ** 2
    approx = np.clip(np.round(real / qo[0]) + qo[1], lo, hi)
    # int16 keeps no headroom bits (left shift 0): each input loses its lowest bit.
    slack = 2 + (1e-3 * np.abs(approx) if dtype == "int16" else 0)
    assert np.all(np.abs(got.astype(np.int64) - approx) <= slack)
    assert len(np.unique(got)) > 3


@pytest.mark.parametrize("shapes", BCAST)
@pytest.mark.parametrize("dtype", ["int32", "float32"])
def test_squared_difference_plain(shapes, dtype):
    rng = np.random.default_rng(seed_of("sqd_p", shapes, dtype))
    if dtype == "int32":
        av = rng.integers(-40000, 40000, shapes[0]).astype(np.int32)
        bv = rng.integers(-40000, 40000, shapes[1]).astype(np.int32)
        d = av.astype(np.int64) - bv.astype(np.int64)
        want = ref.wrap32(d * d).astype(np.int32)  # wraps past 2^31, as TFLite's int32 product
    else:
        av, bv = values(rng, shapes[0], dtype), values(rng, shapes[1], dtype)
        want = (av - bv) * (av - bv)
    out = np.broadcast_shapes(av.shape, bv.shape)
    got = binary("SQUARED_DIFFERENCE", av, bv, dtype, dtype, out)
    np.testing.assert_array_equal(got, want)


# -- comparisons -------------------------------------------------------------------------------

CMP = {"EQUAL": np.equal, "NOT_EQUAL": np.not_equal, "LESS": np.less, "LESS_EQUAL": np.less_equal,
       "GREATER": np.greater, "GREATER_EQUAL": np.greater_equal}


@pytest.mark.parametrize("op", sorted(CMP))
@pytest.mark.parametrize("dtype", ["float32", "int32", "int64", "bool"])
@pytest.mark.parametrize("shapes", BCAST[:5])
def test_comparison_plain(op, dtype, shapes):
    rng = np.random.default_rng(seed_of("cmp", op, dtype, shapes))
    av, bv = values(rng, shapes[0], dtype), values(rng, shapes[1], dtype)
    if dtype == "float32":  # some equal pairs
        bv = np.where(rng.integers(0, 3, bv.shape) == 0, 1.0, bv).astype(np.float32)
        av = np.where(rng.integers(0, 3, av.shape) == 0, 1.0, av).astype(np.float32)
    out = np.broadcast_shapes(av.shape, bv.shape)
    if dtype == "bool" and op not in ("EQUAL", "NOT_EQUAL"):
        mb = ModelBuilder()
        a = mb.tensor(list(av.shape), "bool")
        b = mb.tensor(list(bv.shape), "bool")
        y = mb.tensor(list(out), "bool")
        mb.op(op, [a, b], [y])
        assert any("dtype bool unsupported" in r for r in run_fails(mb, [a, b], [y]))
        return
    got = binary(op, av, bv, dtype, "bool", out)
    np.testing.assert_array_equal(got, CMP[op](av, bv))


@pytest.mark.parametrize("op", sorted(CMP))
@pytest.mark.parametrize("shapes", BCAST)
@pytest.mark.parametrize("same_q", [True, False])
def test_comparison_int8(op, shapes, same_q):
    rng = np.random.default_rng(seed_of("cmp8", op, shapes, same_q))
    av, bv = qrandom(rng, shapes[0], "int8"), qrandom(rng, shapes[1], "int8")
    qa = (f32(rng.uniform(0.01, 0.9)), int(rng.integers(-128, 128)))
    qb = qa if same_q else (f32(rng.uniform(0.01, 0.9)), int(rng.integers(-128, 128)))
    out = np.broadcast_shapes(av.shape, bv.shape)
    a2, b2 = np.broadcast_arrays(av, bv)
    want = CMP[op](ref.comparison_rescale(a2, *qa), ref.comparison_rescale(b2, *qb))
    got = binary(op, av, bv, "int8", "bool", out, qa, qb)
    np.testing.assert_array_equal(got, want)
    if same_q:  # same quantization: the raw values compare as the real ones
        np.testing.assert_array_equal(got, CMP[op](a2, b2))


@pytest.mark.parametrize("shapes", BCAST[:5])
def test_greater_int16(shapes):
    rng = np.random.default_rng(seed_of("gt16", shapes))
    av, bv = qrandom(rng, shapes[0], "int16"), qrandom(rng, shapes[1], "int16")
    qa = (f32(rng.uniform(1e-4, 1e-2)), int(rng.integers(-1000, 1000)))
    qb = (f32(rng.uniform(1e-4, 1e-2)), int(rng.integers(-1000, 1000)))
    a2, b2 = np.broadcast_arrays(av, bv)
    want = ref.comparison_rescale(a2, *qa) > ref.comparison_rescale(b2, *qb)
    got = binary("GREATER", av, bv, "int16", "bool", np.broadcast_shapes(av.shape, bv.shape),
                 qa, qb)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("op", ["EQUAL", "LESS", "GREATER_EQUAL"])
def test_comparison_int16_refused(op):
    """TFLite Micro compares int16 only in GREATER."""
    mb = ModelBuilder()
    a = mb.tensor([3], "int16", scale=0.01, zero_point=0)
    b = mb.tensor([3], "int16", scale=0.01, zero_point=0)
    y = mb.tensor([3], "bool")
    mb.op(op, [a, b], [y])
    assert any("dtype int16 unsupported" in r for r in run_fails(mb, [a, b], [y]))


def test_comparison_int8_scale_refused():
    mb = ModelBuilder()
    a = mb.tensor([3], "int8", scale=1.5, zero_point=0)
    b = mb.tensor([3], "int8", scale=0.5, zero_point=0)
    y = mb.tensor([3], "bool")
    mb.op("LESS", [a, b], [y])
    assert any("not in (0, 1)" in r for r in run_fails(mb, [a, b], [y]))


# -- logical ops and SELECT_V2 -----------------------------------------------------------------

@pytest.mark.parametrize("op,fn", [("LOGICAL_AND", np.logical_and), ("LOGICAL_OR", np.logical_or)])
@pytest.mark.parametrize("shapes", BCAST)
def test_logical_binary(op, fn, shapes):
    rng = np.random.default_rng(seed_of(op, shapes))
    av, bv = values(rng, shapes[0], "bool"), values(rng, shapes[1], "bool")
    got = binary(op, av, bv, "bool", "bool", np.broadcast_shapes(av.shape, bv.shape))
    np.testing.assert_array_equal(got, fn(av, bv))


def test_logical_not():
    xv = np.random.default_rng(5).integers(0, 2, (3, 7)).astype(np.bool_)
    np.testing.assert_array_equal(unary("LOGICAL_NOT", xv, "bool"), ~xv)


SELECT_SHAPES = [((2, 3), (2, 3), (2, 3)), ((2, 1), (1, 3), (2, 3)), ((), (4, 1), (1, 5)),
                 ((3, 1, 2), (2,), (4, 1)), ((1, 2, 1, 3, 1, 2), (2, 1, 1, 1, 2), (2, 1, 3, 1, 1))]


@pytest.mark.parametrize("shapes", SELECT_SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32", "int64", "bool"])
def test_select_v2(shapes, dtype):
    rng = np.random.default_rng(seed_of("sel", shapes, dtype))
    cv = values(rng, shapes[0], "bool")
    xv, yv = values(rng, shapes[1], dtype), values(rng, shapes[2], dtype)
    out = np.broadcast_shapes(*shapes)
    mb = ModelBuilder()
    q = dict(scale=0.1, zero_point=3) if dtype in ("int8", "int16") else {}
    c = mb.tensor(list(cv.shape), "bool")
    x = mb.tensor(list(xv.shape), dtype, **q)
    y = mb.tensor(list(yv.shape), dtype, **q)
    o = mb.tensor(list(out), dtype, **q)
    mb.op("SELECT_V2", [c, x, y], [o])
    (got,) = run(mb, [c, x, y], [o], [cv, xv, yv])
    np.testing.assert_array_equal(got, np.where(cv, xv, yv))


def test_select_v2_refused():
    mb = ModelBuilder()
    c = mb.tensor([2, 3], "bool")
    x = mb.tensor([2, 3], "float32")
    y = mb.tensor([2, 3], "int32")
    o = mb.tensor([2, 3], "float32")
    mb.op("SELECT_V2", [c, x, y], [o])
    assert any("dtypes differ" in r for r in run_fails(mb, [c, x, y], [o]))
    mb = ModelBuilder()
    c = mb.tensor([2, 3], "bool")
    x = mb.tensor([3, 3], "float32")
    y = mb.tensor([2, 3], "float32")
    o = mb.tensor([2, 3], "float32")
    mb.op("SELECT_V2", [c, x, y], [o])
    assert any("broadcast" in r for r in run_fails(mb, [c, x, y], [o]))


# -- float math ----------------------------------------------------------------------------------

FLOAT_OPS = {
    "EXP": (np.exp, lambda r: r.uniform(-20, 20, (4, 33))),
    "LOG": (np.log, lambda r: np.exp(r.uniform(-30, 30, (4, 33)))),
    "SQRT": (np.sqrt, lambda r: np.exp(r.uniform(-30, 30, (4, 33)))),
    "RSQRT": (lambda x: 1.0 / np.sqrt(x), lambda r: np.exp(r.uniform(-30, 30, (4, 33)))),
    "ABS": (np.abs, lambda r: r.standard_normal((4, 33)) * 10),
    "NEG": (np.negative, lambda r: r.standard_normal((4, 33)) * 10),
    "FLOOR": (np.floor, lambda r: np.concatenate([r.standard_normal(100) * 10,
                                                  r.integers(-5, 5, 20), [0.5, -0.5, 1e9, -1e9,
                                                                          -2.0, 8388607.5]])),
    "SQUARE": (np.square, lambda r: r.standard_normal((4, 33)) * 10),
}


@pytest.mark.parametrize("op", sorted(FLOAT_OPS))
def test_float_math(op):
    fn, gen = FLOAT_OPS[op]
    xv = np.asarray(gen(np.random.default_rng(seed_of(op))), np.float32)
    got = unary(op, xv, "float32")
    want = fn(xv.astype(np.float64))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)


def test_float_math_specials():
    xv = np.array([0.0, np.inf, -np.inf, np.nan], np.float32)
    with np.errstate(all="ignore"):
        for op, fn in [("EXP", np.exp), ("SQRT", np.sqrt), ("ABS", np.abs), ("FLOOR", np.floor)]:
            np.testing.assert_array_equal(unary(op, xv, "float32"), fn(xv))
    assert np.isneginf(unary("LOG", np.array([0.0], np.float32), "float32")[0])


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_neg_int(dtype):
    info = np.iinfo(dtype)
    xv = np.array([0, 1, -1, 12345, info.max, info.min], dtype)
    np.testing.assert_array_equal(unary("NEG", xv, dtype), -xv)  # numpy wraps min too


def test_neg_quantized_refused():
    mb = ModelBuilder()
    x = mb.tensor([3], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([3], "int8", scale=0.1, zero_point=0)
    mb.op("NEG", [x], [y])
    assert run_fails(mb, [x], [y])


@pytest.mark.parametrize("op", ["EXP", "LOG", "SQRT", "FLOOR", "SQUARE"])
def test_float_only_refused(op):
    mb = ModelBuilder()
    x = mb.tensor([3], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([3], "int8", scale=0.1, zero_point=0)
    mb.op(op, [x], [y])
    assert any("dtype int8 unsupported" in r for r in run_fails(mb, [x], [y]))


# -- int8 / int16 ABS, int8 RSQRT ----------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int8", "int16"])
@pytest.mark.parametrize("rescale", [False, True])
def test_abs_q(dtype, rescale):
    rng = np.random.default_rng(seed_of("abs", dtype, rescale))
    lo, hi = QRANGE[dtype]
    xv = np.arange(lo, hi + 1, 1 if dtype == "int8" else 97).astype(dtype)
    si = f32(rng.uniform(0.01, 0.1))
    so = f32(si * rng.uniform(0.6, 2.0)) if rescale else si
    zi, zo = (int(rng.integers(-100, 100)), int(rng.integers(-128, 0))) if dtype == "int8" \
        else (0, 0)
    got = unary("ABS", xv, dtype, (si, zi), (so, zo))
    np.testing.assert_array_equal(got, ref.abs_q(xv, si, zi, so, zo, lo, hi))
    real = np.abs((xv.astype(np.float64) - zi) * si)
    approx = np.clip(np.round(real / so) + zo, lo, hi)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


def test_abs_int16_unquantized():
    xv = np.array([0, 5, -5, 32767, -32767, -32768], np.int16)
    np.testing.assert_array_equal(unary("ABS", xv, "int16"), np.abs(xv))  # -32768 wraps


@pytest.mark.parametrize("seed", range(6))
def test_rsqrt_int8(seed):
    rng = np.random.default_rng(seed_of("rsqrt", seed))
    zi = int(rng.integers(-128, 60))
    si = f32(10.0 ** rng.uniform(-4, 0))
    xv = np.arange(zi, 128).astype(np.int8)  # every valid input
    real = 1.0 / np.sqrt(np.maximum(xv.astype(np.float64) - zi, 1e-30) * si)
    top = float(np.max(real[1:])) if len(real) > 1 else 1.0
    so = f32(top / rng.uniform(150, 250))
    zo = int(rng.integers(-128, -100))
    got = unary("RSQRT", xv, "int8", (si, zi), (so, zo))
    want = ref.rsqrt_q(xv, si, zi, so, zo)
    np.testing.assert_array_equal(got, want)
    approx = np.clip(np.round(real / so) + zo, -128, 127)
    assert np.max(np.abs(got[1:].astype(np.int64) - approx[1:])) <= 1
    assert got[0] == 127


def test_rsqrt_int8_negative_input_fails():
    mb = ModelBuilder()
    x = mb.tensor([2], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([2], "int8", scale=0.01, zero_point=-128)
    mb.op("RSQRT", [x], [y])
    with pytest.raises(AssertionError, match="eval failed"):
        run(mb, [x], [y], [np.array([4, -1], np.int8)])


# -- ZEROS_LIKE, FILL ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int32", "int64", "float32"])
def test_zeros_like(dtype):
    xv = values(np.random.default_rng(1), (3, 4), dtype) + 1
    got = unary("ZEROS_LIKE", xv, dtype)
    assert got.dtype == xv.dtype
    np.testing.assert_array_equal(got, np.zeros_like(xv))


@pytest.mark.parametrize("dtype", ["float32", "int32", "int8", "int16", "int64", "bool"])
@pytest.mark.parametrize("dims_dtype", ["int32", "int64"])
def test_fill(dtype, dims_dtype):
    rng = np.random.default_rng(seed_of("fill", dtype, dims_dtype))
    shape = [2, 3, 4]
    value = values(rng, (), dtype)
    mb = ModelBuilder()
    d = mb.tensor([3], dims_dtype, data=np.array(shape, dims_dtype))
    v = mb.tensor([], dtype)
    o = mb.tensor(shape, dtype)
    mb.op("FILL", [d, v], [o])
    (got,) = run(mb, [v], [o], [value])
    np.testing.assert_array_equal(got, np.full(shape, value, dtype))


def test_fill_refused():
    mb = ModelBuilder()
    d = mb.tensor([2], "int32", data=np.array([2, 5], np.int32))
    v = mb.tensor([], "float32")
    o = mb.tensor([2, 3], "float32")
    mb.op("FILL", [d, v], [o])
    assert any("dims differ" in r for r in run_fails(mb, [v], [o]))


# -- L2_NORMALIZATION ----------------------------------------------------------------------------

L2_SHAPES = [(1, 8), (3, 5), (2, 4, 4, 16), (7,), (2, 1, 300)]


def l2_model(shape, dtype, qi=None, qo=None, act=0):
    mb = ModelBuilder()
    iq = dict(scale=qi[0], zero_point=qi[1]) if qi else {}
    oq = dict(scale=qo[0], zero_point=qo[1]) if qo else {}
    x = mb.tensor(list(shape), dtype, **iq)
    y = mb.tensor(list(shape), dtype, **oq)
    mb.op("L2_NORMALIZATION", [x], [y],
          options=("L2NormOptions", {"fused_activation_function": act}))
    return mb, x, y


@pytest.mark.parametrize("shape", L2_SHAPES)
def test_l2_normalization_int8(shape):
    rng = np.random.default_rng(seed_of("l2", shape))
    zi = int(rng.integers(-20, 20))
    xv = qrandom(rng, shape, "int8")
    xv[..., 0] = zi  # a zero somewhere
    qi = (f32(rng.uniform(0.01, 0.1)), zi)
    mb, x, y = l2_model(shape, "int8", qi, (1.0 / 128, 0))
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, ref.l2norm_q(xv, zi))
    v = xv.astype(np.float64) - zi
    real = v / np.sqrt(np.sum(v * v, axis=-1, keepdims=True))
    approx = np.clip(np.round(real * 128), -128, 127)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


def test_l2_normalization_int8_all_zero_row():
    mb, x, y = l2_model((2, 4), "int8", (0.1, 3), (1.0 / 128, 0))
    xv = np.array([[3, 3, 3, 3], [3, 4, 3, 2]], np.int8)
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, ref.l2norm_q(xv, 3))
    np.testing.assert_array_equal(got[0], 0)


@pytest.mark.parametrize("shape", L2_SHAPES)
def test_l2_normalization_float(shape):
    rng = np.random.default_rng(seed_of("l2f", shape))
    xv = values(rng, shape, "float32")
    mb, x, y = l2_model(shape, "float32")
    (got,) = run(mb, [x], [y], [xv])
    v = xv.astype(np.float64)
    want = v / np.maximum(np.sqrt(np.sum(v * v, axis=-1, keepdims=True)), 1e-6)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    zero = np.zeros(shape, np.float32)
    (got0,) = run(mb, [x], [y], [zero])
    np.testing.assert_array_equal(got0, zero)


def test_l2_normalization_refused():
    mb, x, y = l2_model((2, 4), "int8", (0.1, 3), (1.0 / 64, 0))
    assert any("1/128" in r for r in run_fails(mb, [x], [y]))
    mb, x, y = l2_model((2, 4), "float32", act=1)
    assert any("activation" in r for r in run_fails(mb, [x], [y]))


# -- ELU -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_elu_int8(seed):
    rng = np.random.default_rng(seed_of("elu", seed))
    si, zi = f32(rng.uniform(0.01, 0.1)), int(rng.integers(-128, 128))
    so, zo = f32(si * rng.uniform(0.5, 1.5)), int(rng.integers(-128, 0))
    xv = np.arange(-128, 128).astype(np.int8)
    got = unary("ELU", xv, "int8", (si, zi), (so, zo))
    table = ref.lut_s8(lambda x: np.where(x < 0, np.exp(x) - np.float32(1), x), si, zi, so, zo)
    np.testing.assert_array_equal(got, table)
    real = (xv.astype(np.float64) - zi) * si
    real = np.where(real < 0, np.expm1(real), real)
    approx = np.clip(np.round(real / so) + zo, -128, 127)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


def test_elu_float():
    xv = np.concatenate([np.linspace(-20, 5, 200), [-1e-7, 0.0, 1e-7]]).astype(np.float32)
    got = unary("ELU", xv, "float32")
    x = xv.astype(np.float64)
    np.testing.assert_allclose(got, np.where(x < 0, np.expm1(x), x), rtol=1e-6, atol=0)


# -- LOG_SOFTMAX ---------------------------------------------------------------------------------

LOGSM_SHAPES = [(1, 10), (3, 7), (2, 3, 33), (5,), (2, 1, 1, 200)]


@pytest.mark.parametrize("shape", LOGSM_SHAPES)
@pytest.mark.parametrize("scale", [0.01, 0.05, 0.1, 0.3])
def test_log_softmax_int8(shape, scale):
    rng = np.random.default_rng(seed_of("logsm", shape, scale))
    zi = int(rng.integers(-50, 50))
    xv = qrandom(rng, shape, "int8")
    qi = (f32(scale * rng.uniform(0.8, 1.2)), zi)
    got = unary("LOG_SOFTMAX", xv, "int8", qi, (16.0 / 256, 127))
    np.testing.assert_array_equal(got, ref.log_softmax_q(xv, qi[0]))
    v = (xv.astype(np.float64) - zi) * qi[0]
    v = v - v.max(axis=-1, keepdims=True)
    real = v - np.log(np.sum(np.exp(v), axis=-1, keepdims=True))
    approx = np.clip(np.round(real / (16.0 / 256)) + 127, -128, 127)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


@pytest.mark.parametrize("shape", LOGSM_SHAPES)
def test_log_softmax_float(shape):
    rng = np.random.default_rng(seed_of("logsmf", shape))
    xv = (rng.standard_normal(shape) * 5).astype(np.float32)
    got = unary("LOG_SOFTMAX", xv, "float32")
    v = xv.astype(np.float64)
    v = v - v.max(axis=-1, keepdims=True)
    want = v - np.log(np.sum(np.exp(v), axis=-1, keepdims=True))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_log_softmax_refused():
    mb = ModelBuilder()
    x = mb.tensor([2, 4], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([2, 4], "int8", scale=1.0 / 256, zero_point=-128)
    mb.op("LOG_SOFTMAX", [x], [y])
    assert any("16/256" in r for r in run_fails(mb, [x], [y]))


# -- GELU ----------------------------------------------------------------------------------------

def _gelu(x, approximate):
    """TFLite's GeluTransform / GeluTransformApproximate (float64 here)."""
    from math import erfc, pi, sqrt, tanh
    x = np.asarray(x, np.float64)
    if approximate:
        return np.array([0.5 * v * (1 + tanh(sqrt(2 / pi) * (v + 0.044715 * v ** 3)))
                         for v in x.ravel()]).reshape(x.shape)
    return np.array([0.5 * v * erfc(-v / sqrt(2)) for v in x.ravel()]).reshape(x.shape)


def gelu_model(shape, dtype, approximate, qi=None, qo=None):
    mb = ModelBuilder()
    iq = dict(scale=qi[0], zero_point=qi[1]) if qi else {}
    oq = dict(scale=qo[0], zero_point=qo[1]) if qo else {}
    x = mb.tensor(list(shape), dtype, **iq)
    y = mb.tensor(list(shape), dtype, **oq)
    mb.op("GELU", [x], [y], options=("GeluOptions", {"approximate": approximate}))
    return mb, x, y


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_float(approximate):
    xv = np.concatenate([np.linspace(-12, 12, 301), [-1e-6, 0.0, 1e-6, 30.0, -30.0]])
    xv = xv.astype(np.float32)
    mb, x, y = gelu_model(xv.shape, "float32", approximate)
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_allclose(got, _gelu(xv, approximate), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("approximate", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_gelu_int8(approximate, seed):
    rng = np.random.default_rng(seed_of("gelu", approximate, seed))
    si, zi = f32(rng.uniform(0.01, 0.06)), int(rng.integers(-60, 60))
    so, zo = f32(si * rng.uniform(0.5, 1.2)), int(rng.integers(-128, -20))
    xv = np.arange(-128, 128).astype(np.int8)
    mb, x, y = gelu_model(xv.shape, "int8", approximate, (si, zi), (so, zo))
    (got,) = run(mb, [x], [y], [xv])
    # TFLite's table: the transform in float32 (float64 here, rounded to float32) of the
    # dequantized input, times 1 / output scale, rounded half away from zero.
    table = ref.lut_s8(lambda v: _gelu(v, approximate).astype(np.float32), si, zi, so, zo)
    np.testing.assert_array_equal(got, table)
