# SPDX-License-Identifier: MIT
# Single-op models for the elementwise ops and activations (ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
# RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH, SOFTMAX, QUANTIZE, DEQUANTIZE, CAST), built
# with python/microml_tools/tflite_writer.py and run through the CLI. Expected values: numpy's own
# float32 / integer semantics, and for quantized ops tests/py/tflite_ref.py, an independent numpy
# re-implementation of TFLite's reference integer arithmetic (gemmlowp fixed point included),
# compared for exact equality. Quantized results are also checked to lie within one step of the
# real-valued function, which keeps the re-implementation itself honest.
import zlib

import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, run, tflite_writer

ACTS = [ref.ACT_NONE, ref.ACT_RELU, ref.ACT_RELU_N1_TO_1, ref.ACT_RELU6]
QRANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}


def seed_of(*args):
    """A stable seed from test parameters (str hashes vary between runs)."""
    return zlib.crc32(repr(args).encode())


def f32(v):
    return float(np.float32(v))


def qrandom(rng, shape, dtype):
    lo, hi = QRANGE[dtype]
    return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)


def run_unary(op, xv, in_dtype, out_dtype, in_q=None, out_q=None, options=None,
              out_shape=None):
    mb = ModelBuilder()
    iq = dict(scale=in_q[0], zero_point=in_q[1]) if in_q else {}
    oq = dict(scale=out_q[0], zero_point=out_q[1]) if out_q else {}
    x = mb.tensor(xv.shape, in_dtype, **iq)
    y = mb.tensor(out_shape or xv.shape, out_dtype, **oq)
    mb.op(op, [x], [y], options=options)
    (got,) = run(mb, [x], [y], [xv])
    return got


def dequant(q, scale, zp):
    return (np.asarray(q, np.float64) - zp) * f32(scale)


def assert_within_one_step(got, real, scale, zp, lo, hi):
    """The integer result is the real value's quantization, give or take one step."""
    approx = np.clip(np.round(real / scale) + zp, lo, hi)
    assert np.max(np.abs(got.astype(np.int64) - approx)) <= 1


# -- ADD / SUB / MUL / DIV ---------------------------------------------------------------------

BCAST_SHAPES = [
    ((2, 3, 4), (2, 3, 4)),
    ((2, 3, 4), (4,)),
    ((4,), (2, 3, 4)),
    ((2, 1, 4), (1, 3, 1)),
    ((1,), (3, 5)),
    ((3, 5), ()),
    ((4, 1), (1, 5)),
    ((2, 3, 1, 5), (3, 4, 1)),
    ((2, 1, 2, 1, 3, 2), (2, 1, 4, 1, 1)),   # rank 6
    ((6,), (2, 3)),                          # same element count, different shapes
]


def bshape(a, b):
    if np.prod(a, dtype=np.int64) == np.prod(b, dtype=np.int64) and len(a) != len(b):
        return max(a, b, key=len)  # TFLite's flat path when the sizes match
    return np.broadcast_shapes(a, b)


def binary_model(op, av, bv, dtype, out_shape, qa=None, qb=None, qo=None, act=None,
                 const_b=False, swap=False):
    """Builds and runs op(a, b); const_b makes b a constant tensor; returns the output."""
    opts = {"ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions",
            "DIV": "DivOptions"}.get(op)
    mb = ModelBuilder()

    def t(shape, q, data=None):
        kw = dict(scale=q[0], zero_point=q[1]) if q else {}
        return mb.tensor(list(shape), dtype, data=data, **kw)
    a = t(av.shape, qa)
    b = t(bv.shape, qb, data=bv if const_b else None)
    y = t(out_shape, qo)
    if opts is None:
        options = ("MaximumMinimumOptions", {})
    else:
        options = (opts, {} if act is None else {"fused_activation_function": act})
    mb.op(op, [a, b], [y], options=options)
    ins, vals = ([a], [av]) if const_b else ([a, b], [av, bv])
    (got,) = run(mb, ins, [y], vals)
    return got


def operands(av, bv):
    if av.size == bv.size and av.shape != bv.shape:
        out = bshape(av.shape, bv.shape)
        return av.reshape(out), bv.reshape(out), out
    out = np.broadcast_shapes(av.shape, bv.shape)
    return av, bv, out


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("shapes", BCAST_SHAPES)
@pytest.mark.parametrize("act", ACTS)
def test_binary_int8(op, shapes, act):
    rng = np.random.default_rng(seed_of(op, shapes, act))
    av, bv = qrandom(rng, shapes[0], "int8"), qrandom(rng, shapes[1], "int8")
    qa = (f32(rng.uniform(0.01, 0.1)), int(rng.integers(-128, 128)))
    qb = (f32(rng.uniform(0.01, 0.1)), int(rng.integers(-128, 128)))
    if op == "MUL":
        qo = (f32(rng.uniform(0.02, 0.1)), int(rng.integers(-128, 128)))
    else:
        qo = (f32(rng.uniform(0.02, 0.2)), int(rng.integers(-128, 128)))
    a2, b2, out = operands(av, bv)
    if op == "MUL":
        want = ref.mul_q(a2, b2, *qa, *qb, *qo, act, -128, 127)
        real = dequant(a2, *qa) * dequant(b2, *qb)
    else:
        want = ref.add_sub_q(a2, b2, *qa, *qb, *qo, act, -128, 127, sub=op == "SUB")
        real = dequant(a2, *qa) + (-1 if op == "SUB" else 1) * dequant(b2, *qb)
    got = binary_model(op, av, bv, "int8", out, qa, qb, qo, act,
                       const_b=len(shapes[1]) < len(shapes[0]))
    np.testing.assert_array_equal(got, want)
    lo, hi = ref.act_range_q(act, qo[0], qo[1])
    assert_within_one_step(got, np.clip(real, dequant(lo, *qo), dequant(hi, *qo)), qo[0],
                           qo[1], lo, hi)


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
def test_binary_int8_all_pairs(op):
    """Every int8 pair (a [256,1] broadcast against b [1,256]). The scales are ones where SUB's
    multipliers computed in float (TFLite Micro's sub_common.cc) and in double (as ADD does)
    differ: SUB(-55, -108) is 55 with float multipliers, 54 with double ones."""
    qa, qb, qo = (0.17860350012779236, -116), (0.049295730888843536, -107), (0.126521497964859, -32)
    av = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    bv = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    a2, b2 = np.broadcast_arrays(av, bv)
    if op == "MUL":
        qo = (2.5, 3)
        want = ref.mul_q(a2, b2, *qa, *qb, *qo, ref.ACT_NONE, -128, 127)
    else:
        want = ref.add_sub_q(a2, b2, *qa, *qb, *qo, ref.ACT_NONE, -128, 127, sub=op == "SUB")
    got = binary_model(op, av, bv, "int8", (256, 256), qa, qb, qo, ref.ACT_NONE)
    np.testing.assert_array_equal(got, want)
    if op == "SUB":
        assert got[-55 + 128, -108 + 128] == 55


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("shapes", BCAST_SHAPES[:5])
@pytest.mark.parametrize("act", [ref.ACT_NONE, ref.ACT_RELU, ref.ACT_RELU6])
def test_binary_int16(op, shapes, act):
    rng = np.random.default_rng(seed_of(op, shapes, act, 16))
    av, bv = qrandom(rng, shapes[0], "int16"), qrandom(rng, shapes[1], "int16")
    # int16: symmetric (zero points 0), as TFLite requires.
    qa, qb = (f32(rng.uniform(1e-4, 5e-4)), 0), (f32(rng.uniform(1e-4, 5e-4)), 0)
    qo = (f32(rng.uniform(2e-4, 1e-3)), 0)
    a2, b2, out = operands(av, bv)
    if op == "MUL":
        qo = (f32(rng.uniform(0.5, 2.0)), 0)  # products of two int16 steps: a coarse output
        want = ref.mul_q(a2, b2, *qa, *qb, *qo, act, -32768, 32767)
    else:
        want = ref.add_sub_q(a2, b2, *qa, *qb, *qo, act, -32768, 32767, sub=op == "SUB")
    got = binary_model(op, av, bv, "int16", out, qa, qb, qo, act)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "DIV"])
@pytest.mark.parametrize("shapes", BCAST_SHAPES)
def test_binary_int32(op, shapes):
    rng = np.random.default_rng(seed_of(op, shapes, 32))
    lim = 46000 if op == "MUL" else 10 ** 9
    av = rng.integers(-lim, lim, shapes[0]).astype(np.int32)
    bv = rng.integers(-lim, lim, shapes[1]).astype(np.int32)
    if op == "DIV":
        bv = rng.integers(1, 1000, shapes[1]).astype(np.int32) * rng.choice([-1, 1], shapes[1])
        bv = bv.astype(np.int32)
    a2, b2, out = operands(av, bv)
    a64, b64 = a2.astype(np.int64), b2.astype(np.int64)
    want = {"ADD": lambda: a64 + b64, "SUB": lambda: a64 - b64, "MUL": lambda: a64 * b64,
            "DIV": lambda: np.sign(a64) * np.sign(b64) * (np.abs(a64) // np.abs(b64))}[op]()
    got = binary_model(op, av, bv, "int32", out, act=ref.ACT_NONE)
    np.testing.assert_array_equal(got, ref.wrap32(want))


@pytest.mark.parametrize("op", ["SUB", "MUL", "DIV"])
@pytest.mark.parametrize("act", ACTS[1:])
def test_binary_int32_activation(op, act):
    # TFLite applies CalculateActivationRange<int32> to SUB, MUL and DIV (not to int32 ADD).
    rng = np.random.default_rng(seed_of(op, act))
    av = rng.integers(-20, 20, (3, 7)).astype(np.int32)
    bv = rng.integers(1, 5, (7,)).astype(np.int32) * rng.choice([-1, 1], 7).astype(np.int32)
    a64, b64 = av.astype(np.int64), bv.astype(np.int64)
    want = {"SUB": a64 - b64, "MUL": a64 * b64,
            "DIV": np.sign(a64) * np.sign(b64) * (np.abs(a64) // np.abs(b64))}[op]
    got = binary_model(op, av, bv, "int32", (3, 7), act=act)
    np.testing.assert_array_equal(got, ref.clamp_act(want, *ref.act_range_i32(act)))


def test_add_int32_wraps():
    av = np.array([2 ** 31 - 1, -2 ** 31, 5], np.int32)
    bv = np.array([1, -1, -7], np.int32)
    got = binary_model("ADD", av, bv, "int32", (3,), act=ref.ACT_NONE)
    np.testing.assert_array_equal(got, [-2 ** 31, 2 ** 31 - 1, -2])


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "DIV"])
@pytest.mark.parametrize("shapes", BCAST_SHAPES)
@pytest.mark.parametrize("act", ACTS)
def test_binary_float32(op, shapes, act):
    rng = np.random.default_rng(seed_of(op, shapes, act, "f"))
    av = (rng.standard_normal(shapes[0]) * 3).astype(np.float32)
    bv = (rng.standard_normal(shapes[1]) * 3).astype(np.float32)
    if op == "DIV":
        bv = (np.sign(bv) * (np.abs(bv) + 0.1)).astype(np.float32)
    a2, b2, out = operands(av, bv)
    want = {"ADD": np.add, "SUB": np.subtract, "MUL": np.multiply, "DIV": np.divide}[op](a2, b2)
    want = np.clip(want, *ref.act_range_f(act)).astype(np.float32)
    got = binary_model(op, av, bv, "float32", out, act=act)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)


# -- MAXIMUM / MINIMUM -------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "float32"])
@pytest.mark.parametrize("shapes", BCAST_SHAPES)
def test_maximum_minimum(op, dtype, shapes):
    rng = np.random.default_rng(seed_of(op, dtype, shapes))
    if dtype == "float32":
        av = rng.standard_normal(shapes[0]).astype(np.float32)
        bv = rng.standard_normal(shapes[1]).astype(np.float32)
        q = None
    elif dtype == "int32":
        av = rng.integers(-2 ** 31, 2 ** 31, shapes[0]).astype(np.int32)
        bv = rng.integers(-2 ** 31, 2 ** 31, shapes[1]).astype(np.int32)
        q = None
    else:
        av, bv = qrandom(rng, shapes[0], dtype), qrandom(rng, shapes[1], dtype)
        q = (0.05, 3 if dtype != "int16" else 0)
    a2, b2, out = operands(av, bv)
    want = (np.maximum if op == "MAXIMUM" else np.minimum)(a2, b2)
    got = binary_model(op, av, bv, dtype, out, q, q, q)
    np.testing.assert_array_equal(got, want)


# -- RELU / RELU6 / LEAKY_RELU -----------------------------------------------------------------

SHAPES = [(7,), (3, 4, 5), (1, 2, 3, 2, 2)]


@pytest.mark.parametrize("shape", SHAPES)
def test_relu_relu6_float32(shape):
    rng = np.random.default_rng(seed_of(shape))
    xv = (rng.standard_normal(shape) * 5).astype(np.float32)
    np.testing.assert_array_equal(run_unary("RELU", xv, "float32", "float32"),
                                  np.maximum(xv, 0))
    np.testing.assert_array_equal(run_unary("RELU6", xv, "float32", "float32"),
                                  np.clip(xv, 0, 6))


RELU_QUANT = [  # (in scale, in zp), (out scale, out zp)
    ((0.05, 0), (0.05, 0)),
    ((0.05, -20), (0.05, -20)),
    ((0.05, 10), (0.025, -128)),     # requantized to a finer, unsigned-like output
    ((0.02, 100), (0.07, -5)),
    ((0.1, -128), (0.3, 50)),
]


@pytest.mark.parametrize("q", RELU_QUANT)
@pytest.mark.parametrize("shape", SHAPES)
def test_relu_int8(q, shape):
    rng = np.random.default_rng(seed_of(q, shape))
    xv = qrandom(rng, shape, "int8")
    (si, zi), (so, zo) = q
    got = run_unary("RELU", xv, "int8", "int8", q[0], q[1])
    np.testing.assert_array_equal(got, ref.relu_q(xv, si, zi, so, zo, -128, 127))
    assert_within_one_step(got, np.maximum(dequant(xv, si, zi), 0), so, zo, max(zo, -128), 127)


def test_relu_int16():
    rng = np.random.default_rng(5)
    xv = qrandom(rng, (4, 9), "int16")
    got = run_unary("RELU", xv, "int16", "int16", (0.001, 0), (0.0007, 0))
    np.testing.assert_array_equal(got, ref.relu_q(xv, 0.001, 0, 0.0007, 0, -32768, 32767))


@pytest.mark.parametrize("dtype,q", [("int8", (0.05, 0)), ("int8", (0.03, -100)),
                                     ("int8", (0.1, 40)), ("int8", (0.01, -128)),
                                     ("int16", (0.0005, 0))])
def test_relu6_integer(dtype, q):
    rng = np.random.default_rng(seed_of(dtype, q))
    xv = qrandom(rng, (5, 6, 7), dtype)
    got = run_unary("RELU6", xv, dtype, dtype, q, q)
    np.testing.assert_array_equal(got, ref.relu6_q(xv, *q, *QRANGE[dtype]))
    real = np.clip(dequant(xv, *q), 0, 6)
    assert_within_one_step(got, real, q[0], q[1], *QRANGE[dtype])


@pytest.mark.parametrize("alpha", [0.2, 0.01, -0.5, 1.7])
@pytest.mark.parametrize("shape", SHAPES[:2])
def test_leaky_relu_float32(alpha, shape):
    rng = np.random.default_rng(seed_of(alpha, shape))
    xv = (rng.standard_normal(shape) * 4).astype(np.float32)
    got = run_unary("LEAKY_RELU", xv, "float32", "float32",
                    options=("LeakyReluOptions", {"alpha": alpha}))
    want = np.where(xv > 0, xv, xv * np.float32(alpha))
    np.testing.assert_array_equal(got, want)


# Negative alpha needs a negative quantized multiplier (TFLite's QuantizeMultiplier keeps the
# sign): this once flushed to 0.
LEAKY_ALPHAS = [0.2, 0.01, -0.5, 1.7]


@pytest.mark.parametrize("alpha", LEAKY_ALPHAS)
@pytest.mark.parametrize("q", [((0.05, 0), (0.05, 0)), ((0.05, 10), (0.03, -30)),
                               ((0.02, -100), (0.06, 60))])
def test_leaky_relu_int8(alpha, q):
    rng = np.random.default_rng(seed_of(alpha, q))
    xv = qrandom(rng, (6, 11), "int8")
    (si, zi), (so, zo) = q
    got = run_unary("LEAKY_RELU", xv, "int8", "int8", q[0], q[1],
                    options=("LeakyReluOptions", {"alpha": alpha}))
    np.testing.assert_array_equal(got, ref.leaky_relu_q(xv, si, zi, so, zo, alpha, -128, 127))
    r = dequant(xv, si, zi)
    assert_within_one_step(got, np.where(r > 0, r, alpha * r), so, zo, -128, 127)


@pytest.mark.parametrize("alpha", [0.3, -0.25])
def test_leaky_relu_int16(alpha):
    rng = np.random.default_rng(8)
    xv = qrandom(rng, (50,), "int16")
    got = run_unary("LEAKY_RELU", xv, "int16", "int16", (0.001, 0), (0.002, 0),
                    options=("LeakyReluOptions", {"alpha": alpha}))
    np.testing.assert_array_equal(got, ref.leaky_relu_q(xv, 0.001, 0, 0.002, 0, alpha,
                                                        -32768, 32767))


# -- HARD_SWISH --------------------------------------------------------------------------------

def test_hard_swish_float32():
    xv = np.concatenate([np.linspace(-8, 8, 161), [-3, 3, 0, -0.0]]).astype(np.float32)
    got = run_unary("HARD_SWISH", xv, "float32", "float32")
    want = xv * np.clip(xv + np.float32(3), 0, 6) / np.float32(6)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("q", [((0.05, 3), (0.04, -10)), ((0.1, -128), (0.05, -100)),
                               ((0.0078125, 0), (0.0078125, 0)), ((0.03, 20), (0.2, -120)),
                               ((0.005, -5), (0.01, -20)), ((0.06, 0), (0.025, -128))])
def test_hard_swish_int8(q):
    # Every int8 input value once.
    xv = np.arange(-128, 128, dtype=np.int8).reshape(4, 64)
    (si, zi), (so, zo) = q
    got = run_unary("HARD_SWISH", xv, "int8", "int8", q[0], q[1])
    np.testing.assert_array_equal(got, ref.hard_swish_q(xv, si, zi, so, zo))
    r = dequant(xv, si, zi)
    assert_within_one_step(got, r * np.clip(r + 3, 0, 6) / 6, so, zo, -128, 127)


# -- LOGISTIC / TANH ---------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
def test_logistic_tanh_float32(op):
    xv = np.concatenate([np.linspace(-20, 20, 401), [-9.5, -9.0, 16.6, 16.7, 0.0]])
    xv = xv.astype(np.float32).reshape(-1, 1)
    got = run_unary(op, xv, "float32", "float32")
    x64 = xv.astype(np.float64)
    want = 1 / (1 + np.exp(-x64)) if op == "LOGISTIC" else np.tanh(x64)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("q_in", [(0.1, 0), (0.05, -10), (0.0625, 0), (0.02, 100),
                                  (0.25, -128), (0.008, 5), (0.15, 30)])
def test_logistic_tanh_int8(op, q_in):
    """Exact against gemmlowp's fixed-point logistic / tanh (tflite_ref), and within one
    output step of the float function."""
    xv = np.arange(-128, 128, dtype=np.int8).reshape(2, 128)
    q_out = (1 / 256, -128) if op == "LOGISTIC" else (1 / 128, 0)
    got = run_unary(op, xv, "int8", "int8", q_in, q_out)
    if op == "LOGISTIC":
        want = ref.logistic_q(xv, *q_in)
        real = 1 / (1 + np.exp(-dequant(xv, *q_in)))
    else:
        want = ref.tanh_q(xv, *q_in)
        real = np.tanh(dequant(xv, *q_in))
    np.testing.assert_array_equal(got, want)
    assert_within_one_step(got, real, q_out[0], q_out[1], -128, 127)


# -- SOFTMAX -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(10,), (3, 7), (2, 3, 16), (1, 1, 1, 5), (4, 1)])
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.5])
def test_softmax_float32(shape, beta):
    rng = np.random.default_rng(seed_of(shape, beta))
    xv = (rng.standard_normal(shape) * 3).astype(np.float32)
    got = run_unary("SOFTMAX", xv, "float32", "float32", options=("SoftmaxOptions",
                                                                  {"beta": beta}))
    z = (xv.astype(np.float64) - xv.max(axis=-1, keepdims=True)) * beta
    want = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape", [(10,), (3, 7), (2, 3, 16), (1, 1, 1, 5), (2, 300)])
@pytest.mark.parametrize("beta,q_in", [(1.0, (0.1, 0)), (1.0, (0.0625, -20)), (0.5, (0.2, 10)),
                                       (2.0, (0.03, -128)), (1.0, (0.5, 0))])
@pytest.mark.parametrize("out_dtype", ["int8", "int16"])
def test_softmax_int8(shape, beta, q_in, out_dtype):
    """Exact against TFLite's gemmlowp softmax (tflite_ref), within one output step of float."""
    rng = np.random.default_rng(seed_of(shape, beta, q_in, out_dtype))
    xv = qrandom(rng, shape, "int8")
    if shape[-1] > 100:  # many equal maxima: the sum of exps grows large
        xv[..., ::3] = 127
    q_out = (1 / 256, -128) if out_dtype == "int8" else (1 / 65536, -32768)
    got = run_unary("SOFTMAX", xv, "int8", out_dtype, q_in, q_out,
                    options=("SoftmaxOptions", {"beta": beta}))
    bits = 8 if out_dtype == "int8" else 16
    np.testing.assert_array_equal(got, ref.softmax_q(xv, beta, q_in[0], bits))
    z = (dequant(xv, *q_in) - dequant(xv, *q_in).max(axis=-1, keepdims=True)) * beta
    real = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    assert_within_one_step(got, real, q_out[0], q_out[1], *QRANGE[out_dtype])


@pytest.mark.parametrize("shape", [(10,), (3, 7), (2, 3, 16), (1, 1, 1, 5), (2, 300)])
@pytest.mark.parametrize("beta,si", [(1.0, 0.001), (1.0, 0.0003), (0.5, 0.002), (2.0, 1e-4),
                                     (1.0, 0.01)])
def test_softmax_int16(shape, beta, si):
    """Exact against TFLite's int16 softmax (tflite_ref.softmax_s16: interpolated exp and
    reciprocal tables), and close to the real softmax (the tables are coarse: 5e-4)."""
    rng = np.random.default_rng(seed_of(shape, beta, si, "int16"))
    xv = qrandom(rng, shape, "int16")
    if shape[-1] > 100:  # many equal maxima: a large sum of exps
        xv[..., ::3] = 32767
    q_out = (1 / 32768, 0)
    got = run_unary("SOFTMAX", xv, "int16", "int16", (si, 0), q_out,
                    options=("SoftmaxOptions", {"beta": beta}))
    np.testing.assert_array_equal(got, ref.softmax_s16(xv, beta, si))
    z = (dequant(xv, si, 0) - dequant(xv, si, 0).max(axis=-1, keepdims=True)) * beta
    real = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    assert np.abs(got / 32768.0 - real).max() < 2e-3


# -- QUANTIZE / DEQUANTIZE ---------------------------------------------------------------------

@pytest.mark.parametrize("out_dtype,q", [("int8", (0.05, 0)), ("int8", (0.1, -7)),
                                         ("int8", (0.0123, 100)), ("int16", (0.001, 0)),
                                         ("int16", (0.0003, 0))])
def test_quantize_float32(out_dtype, q):
    rng = np.random.default_rng(seed_of(out_dtype, q))
    xv = (rng.standard_normal((4, 25)) * 4).astype(np.float32)
    # Exact halves: round half away from zero.
    xv[0, :6] = np.float32(q[0]) * np.float32([0.5, -0.5, 1.5, -1.5, 2.5, -2.5])
    got = run_unary("QUANTIZE", xv, "float32", out_dtype, out_q=q)
    # TFLite AffineQuantize: round(x / scale) with the division in float32.
    want = np.clip(ref.round_away(xv / np.float32(q[0])) + q[1], *QRANGE[out_dtype])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("in_dtype,out_dtype,q_in,q_out", [
    ("int8", "int8", (0.05, 3), (0.08, -10)),
    ("int8", "int8", (0.05, 3), (0.01, -10)),      # saturates
    ("int8", "uint8", (0.05, 0), (0.05, 128)),     # the xor-0x80 case
    ("uint8", "int8", (0.05, 128), (0.05, 0)),
    ("int8", "int16", (0.05, -4), (0.001, 0)),
    ("int8", "int32", (0.05, 7), (0.0005, 0)),
    ("int16", "int8", (0.001, 0), (0.05, 5)),
    ("int16", "int16", (0.001, 0), (0.0004, 0)),
    ("int16", "int32", (0.001, 0), (0.0001, 0)),
    ("int32", "int8", (0.0005, 0), (0.05, -3)),
    ("int32", "int16", (0.0001, 0), (0.001, 0)),
])
def test_requantize(in_dtype, out_dtype, q_in, q_out):
    rng = np.random.default_rng(seed_of(in_dtype, out_dtype))
    if in_dtype == "int32":
        xv = rng.integers(-50000, 50000, (3, 40)).astype(np.int32)
    else:
        xv = qrandom(rng, (3, 40), in_dtype)
    got = run_unary("QUANTIZE", xv, in_dtype, out_dtype, q_in, q_out)
    lo, hi = QRANGE.get(out_dtype, (ref.INT32_MIN, ref.INT32_MAX))
    np.testing.assert_array_equal(got, ref.requantize(xv, *q_in, *q_out, lo, hi))
    assert_within_one_step(got, dequant(xv, *q_in), q_out[0], q_out[1], lo, hi)


@pytest.mark.parametrize("in_dtype,q", [("int8", (0.05, 3)), ("int8", (0.0123, -128)),
                                        ("uint8", (0.1, 128)), ("int16", (0.001, 0)),
                                        ("int16", (3.5e-5, 0))])
def test_dequantize(in_dtype, q):
    rng = np.random.default_rng(seed_of(in_dtype, q))
    xv = qrandom(rng, (2, 3, 20), in_dtype)
    got = run_unary("DEQUANTIZE", xv, in_dtype, "float32", in_q=q)
    # TFLite: static_cast<float>(double(scale) * (x - zero_point)).
    want = (np.float64(np.float32(q[0])) * (xv.astype(np.int64) - q[1])).astype(np.float32)
    np.testing.assert_array_equal(got, want)


def test_quantize_dequantize_round_trip():
    rng = np.random.default_rng(9)
    xv = rng.uniform(-6, 6, (64,)).astype(np.float32)
    mb = ModelBuilder()
    x = mb.tensor([64], "float32")
    q = mb.tensor([64], "int8", scale=0.05, zero_point=2)
    y = mb.tensor([64], "float32")
    mb.op("QUANTIZE", [x], [q])
    mb.op("DEQUANTIZE", [q], [y])
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_allclose(got, xv, atol=0.025 + 1e-6)


# -- CAST --------------------------------------------------------------------------------------

CAST_TYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "bool"]


def cast_source(rng, dtype, shape, target):
    if dtype == "float32":
        # In range of the target, fractional: float -> integer truncates toward zero.
        lim = {"int8": 127, "uint8": 255, "int16": 32767, "uint16": 65535, "int32": 10 ** 6,
               "uint32": 10 ** 6, "float32": 10 ** 6, "bool": 3}[target]
        lo = 0 if target.startswith("u") else -lim
        v = rng.uniform(lo, lim, shape).astype(np.float32)
        v.flat[0] = 0.0
        return v
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(np.bool_)
    info = np.iinfo(dtype)
    v = rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)
    v.flat[0] = 0
    return v


@pytest.mark.parametrize("src,dst", [(s, d) for s in CAST_TYPES for d in CAST_TYPES if s != d])
def test_cast(src, dst):
    """static_cast semantics: integers wrap modulo 2^bits, floats truncate (in-range values),
    anything -> bool is != 0."""
    rng = np.random.default_rng(seed_of(src, dst))
    xv = cast_source(rng, src, (3, 17), dst)
    got = run_unary("CAST", xv, src, dst,
                    options=("CastOptions", {"in_data_type": tflite_writer.DTYPES[src],
                                             "out_data_type": tflite_writer.DTYPES[dst]}))
    if dst == "bool":
        want = xv != 0
    elif src == "float32" and dst != "float32":
        want = np.trunc(xv).astype(np.int64).astype(dst)
    else:
        want = xv.astype(np.int64).astype(dst) if dst != "float32" else xv.astype(np.float32)
    np.testing.assert_array_equal(got, want)
