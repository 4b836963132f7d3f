# SPDX-License-Identifier: MIT
# Single-op models for the shape / data-movement / matmul kernels (reductions: test_ops_reduce.py),
# built with python/microml_tools/tflite_writer.py and run through the CLI; expected values from numpy's own
# semantics (reshape, squeeze, concatenate, slicing, transpose, stack, split, matmul) and, for
# quantized BATCH_MATMUL, an independent numpy re-implementation of TFLite Micro's
# integer algorithms.
import numpy as np
import pytest

from tflite_ops import ModelBuilder, info, mul_by_qm, quantize_multiplier, random_values, run

DTYPES = ["int8", "int16", "int32", "float32"]


def q(dtype):
    """Quantization keywords for a tensor of dtype (int8/int16 quantized, others not)."""
    if dtype == "int8":
        return dict(scale=0.05, zero_point=3)
    if dtype == "int16":
        return dict(scale=0.001, zero_point=0)
    return {}


# -- writer ------------------------------------------------------------------------------

def test_writer_round_trip():
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "int8", scale=0.5, zero_point=-1, name="x")
    c = mb.tensor([2, 1], "int8", data=[[7], [-9]], scale=0.5, zero_point=-1, name="c")
    w = mb.tensor([4, 1, 1, 2], "int8", data=np.arange(8), scale=[0.1, 0.2, 0.3, 0.4],
                  zero_point=[0, 0, 0, 0], quantized_dimension=0, name="w")
    f = mb.tensor([3], "float32", data=[1.5, -2.0, 0.25], name="f")
    y = mb.tensor([2, 4], "int8", scale=0.5, zero_point=-1, name="y")
    mb.op("CONCATENATION", [x, c], [y], options=("ConcatenationOptions", {"axis": 1}))
    j = info(mb.build([x], [y]))
    t = {d["name"]: d for d in j["tensors"]}
    assert t["x"]["shape"] == [2, 3] and t["x"]["dtype"] == "int8" and not t["x"]["constant"]
    assert t["x"]["scale"] == 0.5 and t["x"]["zero_point"] == -1 and t["x"]["n_scales"] == 1
    assert t["c"]["constant"] and t["c"]["bytes"] == 2
    assert t["w"]["n_scales"] == 4 and t["w"]["shape"] == [4, 1, 1, 2]
    assert t["f"]["dtype"] == "float32" and t["f"]["constant"]
    assert [o["name"] for o in j["ops"]] == ["CONCATENATION"] and not j["unsupported"]
    assert [i["name"] for i in j["inputs"]] == ["x"] and [o["name"] for o in j["outputs"]] == ["y"]
    # The constant's bytes and the axis option arrive intact.
    xv = np.array([[1, 2, 3], [4, 5, 6]], np.int8)
    (out,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(out, [[1, 2, 3, 7], [4, 5, 6, -9]])


# -- RESHAPE, SQUEEZE, EXPAND_DIMS, SHAPE ----------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("source", ["tensor", "option", "output"])
@pytest.mark.parametrize("in_place", [True, False])
def test_reshape(dtype, source, in_place):
    rng = np.random.default_rng(1)
    xv = random_values(rng, (2, 3, 4), dtype)
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 4], dtype, **q(dtype))
    y = mb.tensor([4, 6], dtype, **q(dtype))
    ins = [x]
    opts = None
    if source == "tensor":
        ins.append(mb.tensor([2], "int32", data=[-1, 6]))
    elif source == "option":
        opts = ("ReshapeOptions", {"new_shape": [4, -1]})
    mb.op("RESHAPE", ins, [y], options=opts)
    # Also returning x keeps it alive after the op: then the kernel must copy.
    outs = [y] if in_place else [y, x]
    got = run(mb, [x], outs, [xv])
    np.testing.assert_array_equal(got[0], xv.reshape(4, 6))
    if not in_place:
        np.testing.assert_array_equal(got[1], xv)


def test_reshape_rejects_wrong_count():
    mb = ModelBuilder()
    x = mb.tensor([2, 3], "float32")
    y = mb.tensor([5], "float32")
    mb.op("RESHAPE", [x], [y])
    assert info(mb.build([x], [y]))["unsupported"]


def test_reshape_chain_after_op():
    # RESHAPE of an intermediate tensor (shares memory with it), then another op reads it.
    rng = np.random.default_rng(2)
    a, b = random_values(rng, (3, 4), "float32"), random_values(rng, (3, 4), "float32")
    mb = ModelBuilder()
    x0 = mb.tensor([3, 4], "float32")
    x1 = mb.tensor([3, 4], "float32")
    c = mb.tensor([3, 8], "float32")
    r = mb.tensor([24], "float32")
    t = mb.tensor([6, 4], "float32")
    mb.op("CONCATENATION", [x0, x1], [c], options=("ConcatenationOptions", {"axis": 1}))
    mb.op("RESHAPE", [c], [r], options=("ReshapeOptions", {"new_shape": [24]}))
    mb.op("RESHAPE", [r, mb.tensor([2], "int32", data=[6, 4])], [t])
    (got,) = run(mb, [x0, x1], [t], [a, b])
    np.testing.assert_array_equal(got, np.concatenate([a, b], 1).reshape(6, 4))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dims", [None, [1], [-1, 1], [3]])
def test_squeeze(dtype, dims):
    shape = (2, 1, 3, 1)
    rng = np.random.default_rng(3)
    xv = random_values(rng, shape, dtype)
    want = np.squeeze(xv, axis=None if dims is None else tuple(dims))
    mb = ModelBuilder()
    x = mb.tensor(shape, dtype, **q(dtype))
    y = mb.tensor(want.shape, dtype, **q(dtype))
    mb.op("SQUEEZE", [x], [y], options=("SqueezeOptions", {"squeeze_dims": dims})
          if dims is not None else None)
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis,axis_dtype", [(0, "int32"), (2, "int32"), (3, "int64"),
                                              (-1, "int32"), (-4, "int64")])
def test_expand_dims(dtype, axis, axis_dtype):
    rng = np.random.default_rng(4)
    xv = random_values(rng, (2, 3, 5), dtype)
    want = np.expand_dims(xv, axis)
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 5], dtype, **q(dtype))
    a = mb.tensor([1], axis_dtype, data=[axis])
    y = mb.tensor(want.shape, dtype, **q(dtype))
    mb.op("EXPAND_DIMS", [x, a], [y], options=("ExpandDimsOptions", {}))
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("out_dtype", ["int32", "int64"])
@pytest.mark.parametrize("shape", [(7,), (2, 3, 4), (1, 2, 1, 3, 1)])
def test_shape(out_dtype, shape):
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32")
    y = mb.tensor([len(shape)], out_dtype)
    mb.op("SHAPE", [x], [y], options=("ShapeOptions", {"out_type": 2 if out_dtype == "int32"
                                                       else 4}))
    (got,) = run(mb, [x], [y], [np.zeros(shape, np.float32)])
    assert got.dtype == np.dtype(out_dtype)
    np.testing.assert_array_equal(got, shape)


# -- CONCATENATION, PACK, UNPACK, SPLIT ------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_concatenation(dtype, axis):
    rng = np.random.default_rng(5)
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    ax = axis % 3
    for i, s in enumerate(shapes):
        s[ax] = i + 1
    xs = [random_values(rng, s, dtype) for s in shapes]
    want = np.concatenate(xs, axis=axis)
    mb = ModelBuilder()
    ins = [mb.tensor(s, dtype, **q(dtype)) for s in shapes]
    # One input is a constant.
    const = mb.tensor(shapes[1], dtype, data=xs[1], **q(dtype))
    y = mb.tensor(want.shape, dtype, **q(dtype))
    mb.op("CONCATENATION", [ins[0], const, ins[2]], [y],
          options=("ConcatenationOptions", {"axis": axis}))
    (got,) = run(mb, [ins[0], ins[2]], [y], [xs[0], xs[2]])
    np.testing.assert_array_equal(got, want)


def test_concatenation_int16_audio_like():
    # The audio preprocessor's pattern: int32 [236] slice joined with a constant int32 [21].
    rng = np.random.default_rng(6)
    a = random_values(rng, (236,), "int32")
    z = np.zeros(21, np.int32)
    mb = ModelBuilder()
    x = mb.tensor([236], "int32")
    c = mb.tensor([21], "int32", data=z)
    y = mb.tensor([257], "int32")
    mb.op("CONCATENATION", [c, x], [y], options=("ConcatenationOptions", {"axis": 0}))
    (got,) = run(mb, [x], [y], [a])
    np.testing.assert_array_equal(got, np.concatenate([z, a]))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_pack(dtype, axis):
    rng = np.random.default_rng(7)
    xs = [random_values(rng, (3, 4), dtype) for _ in range(3)]
    want = np.stack(xs, axis=axis)
    mb = ModelBuilder()
    ins = [mb.tensor([3, 4], dtype, **q(dtype)) for _ in xs]
    y = mb.tensor(want.shape, dtype, **q(dtype))
    mb.op("PACK", ins, [y], options=("PackOptions", {"values_count": 3, "axis": axis}))
    (got,) = run(mb, ins, [y], xs)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, 2, -2])
def test_unpack(dtype, axis):
    rng = np.random.default_rng(8)
    xv = random_values(rng, (2, 3, 4), dtype)
    n = xv.shape[axis]
    want = [np.take(xv, i, axis=axis) for i in range(n)]
    mb = ModelBuilder()
    x = mb.tensor(xv.shape, dtype, **q(dtype))
    outs = [mb.tensor(w.shape, dtype, **q(dtype)) for w in want]
    mb.op("UNPACK", [x], outs, options=("UnpackOptions", {"num": n, "axis": axis}))
    got = run(mb, [x], outs, [xv])
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis,n", [(0, 2), (1, 3), (2, 4), (-1, 2), (-2, 1)])
def test_split(dtype, axis, n):
    rng = np.random.default_rng(9)
    xv = random_values(rng, (4, 6, 8), dtype)
    want = np.split(xv, n, axis=axis)
    mb = ModelBuilder()
    a = mb.tensor([], "int32", data=[axis])
    x = mb.tensor(xv.shape, dtype, **q(dtype))
    outs = [mb.tensor(w.shape, dtype, **q(dtype)) for w in want]
    mb.op("SPLIT", [a, x], outs, options=("SplitOptions", {"num_splits": n}))
    got = run(mb, [x], outs, [xv])
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


# -- STRIDED_SLICE ---------------------------------------------------------------------------

def numpy_index(begin, end, strides, begin_mask=0, end_mask=0, ellipsis_mask=0,
                new_axis_mask=0, shrink_mask=0):
    """The Python index tuple equal to TensorFlow's strided_slice spec."""
    idx = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if ellipsis_mask >> i & 1:
            idx.append(Ellipsis)
        elif new_axis_mask >> i & 1:
            idx.append(None)
        elif shrink_mask >> i & 1:
            idx.append(b)
        else:
            idx.append(slice(None if begin_mask >> i & 1 else b,
                             None if end_mask >> i & 1 else e, s))
    return tuple(idx)


def run_slice(xv, dtype, begin, end, strides, **masks):
    want = xv[numpy_index(begin, end, strides, **masks)]
    names = dict(begin_mask="begin_mask", end_mask="end_mask", ellipsis_mask="ellipsis_mask",
                 new_axis_mask="new_axis_mask", shrink_mask="shrink_axis_mask",
                 offset="offset")
    mb = ModelBuilder()
    x = mb.tensor(xv.shape, dtype, **q(dtype))
    n = len(begin)
    bt = mb.tensor([n], "int32", data=begin)
    et = mb.tensor([n], "int32", data=end)
    st = mb.tensor([n], "int32", data=strides)
    y = mb.tensor(want.shape, dtype, **q(dtype))
    mb.op("STRIDED_SLICE", [x, bt, et, st], [y],
          options=("StridedSliceOptions", {names[k]: v for k, v in masks.items()}))
    (got,) = run(mb, [x], [y], [xv])
    return got, want


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(12))
def test_strided_slice_random(dtype, seed):
    rng = np.random.default_rng(100 + seed)
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.integers(1, 6, rank))
    xv = random_values(rng, shape, dtype)
    begin, end, strides = [], [], []
    bm = em = sm = 0
    for i, d in enumerate(shape):
        s = int(rng.choice([-2, -1, 1, 1, 2, 3]))
        kind = rng.integers(0, 5)
        if kind == 0:  # shrink to one index
            begin.append(int(rng.integers(-d, d)))
            end.append(0)
            s = 1
            sm |= 1 << i
        else:
            begin.append(int(rng.integers(-d - 2, d + 2)))
            end.append(int(rng.integers(-d - 2, d + 2)))
            bm |= int(rng.integers(0, 2)) << i if kind == 1 else 0
            em |= int(rng.integers(0, 2)) << i if kind == 2 else 0
        strides.append(s)
    got, want = run_slice(xv, dtype, begin, end, strides, begin_mask=bm, end_mask=em,
                          shrink_mask=sm)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", [
    # (shape, begin, end, strides, masks)
    ((4, 5, 6), [1, 0], [3, 0], [1, 1], dict(ellipsis_mask=2)),              # x[1:3, ...]
    ((4, 5, 6), [0, 1], [0, 4], [1, 2], dict(ellipsis_mask=1)),              # x[..., 1:4:2]
    ((4, 5, 6), [0, 1, 0], [0, 3, 0], [1, 1, 1], dict(new_axis_mask=1, end_mask=4,
                                                       begin_mask=4)),       # x[None, 1:3, :]
    ((4, 5), [0, 2, 0], [0, 3, 0], [1, 1, 1], dict(new_axis_mask=4, shrink_mask=2,
                                                   ellipsis_mask=1)),        # x[..., 2, None]
    ((3, 4, 5), [-1, 0, 4], [0, 0, 0], [1, 1, -1], dict(shrink_mask=1, begin_mask=2,
                                                         end_mask=6)),       # x[-1, :, 4::-1]
    ((257,), [21], [257], [1], {}),                                          # audio preprocessor
    ((2, 3, 4, 5, 6), [1, 0, 1, 0, 5], [2, 3, 4, 5, 0], [1, 2, 1, 3, -2], {}),  # 5-D
])
def test_strided_slice_cases(case):
    shape, begin, end, strides, masks = case
    for dtype in DTYPES:
        xv = random_values(np.random.default_rng(11), shape, dtype)
        got, want = run_slice(xv, dtype, begin, end, strides, **masks)
        np.testing.assert_array_equal(got, want)


def test_strided_slice_offset():
    # offset: end holds sizes relative to begin, x[1:1+2, 2:2+3].
    xv = np.arange(30, dtype=np.float32).reshape(5, 6)
    mb = ModelBuilder()
    x = mb.tensor([5, 6], "float32")
    y = mb.tensor([2, 3], "float32")
    ins = [x] + [mb.tensor([2], "int32", data=v) for v in ([1, 2], [2, 3], [1, 1])]
    mb.op("STRIDED_SLICE", ins, [y], options=("StridedSliceOptions", {"offset": True}))
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, xv[1:3, 2:5])


def test_strided_slice_rejects_wrong_output_shape():
    mb = ModelBuilder()
    x = mb.tensor([5], "float32")
    y = mb.tensor([3], "float32")
    ins = [x] + [mb.tensor([1], "int32", data=v) for v in ([0], [2], [1])]
    mb.op("STRIDED_SLICE", ins, [y], options=("StridedSliceOptions", {}))
    assert info(mb.build([x], [y]))["unsupported"]


# -- TRANSPOSE -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5, 6])
def test_transpose(dtype, rank):
    rng = np.random.default_rng(rank)
    shape = tuple(int(d) for d in rng.integers(1, 5, rank))
    perm = [int(p) for p in rng.permutation(rank)]
    xv = random_values(rng, shape, dtype)
    want = np.transpose(xv, perm)
    mb = ModelBuilder()
    x = mb.tensor(shape, dtype, **q(dtype))
    p = mb.tensor([rank], "int32", data=perm)
    y = mb.tensor(want.shape, dtype, **q(dtype))
    mb.op("TRANSPOSE", [x, p], [y], options=("TransposeOptions", {}))
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)


# -- BATCH_MATMUL ----------------------------------------------------------------------------

BMM_CASES = [  # lhs shape, rhs shape (before adj transposes)
    ((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((1, 3, 4), (2, 4, 2)),
    ((2, 1, 3, 4), (1, 3, 4, 2)), ((2, 2, 1, 2, 3), (1, 2, 2, 3, 2)), ((5, 1), (1, 6)),
]


def bmm_operands(rng, lshape, rshape, adj_x, adj_y, dtype):
    if dtype == "float32":
        lv = rng.standard_normal(lshape).astype(np.float32)
        rv = rng.standard_normal(rshape).astype(np.float32)
    else:
        lv = rng.integers(-128, 127, lshape, endpoint=True).astype(np.int8)
        rv = rng.integers(-128, 127, rshape, endpoint=True).astype(np.int8)
    # Stored transposed when adj_*: the op transposes them back.
    lt = np.ascontiguousarray(np.swapaxes(lv, -1, -2)) if adj_x else lv
    rt = np.ascontiguousarray(np.swapaxes(rv, -1, -2)) if adj_y else rv
    return lv, rv, lt, rt


@pytest.mark.parametrize("lshape,rshape", BMM_CASES)
@pytest.mark.parametrize("adj_x", [False, True])
@pytest.mark.parametrize("adj_y", [False, True])
def test_batch_matmul_float32(lshape, rshape, adj_x, adj_y):
    rng = np.random.default_rng(14)
    lv, rv, lt, rt = bmm_operands(rng, lshape, rshape, adj_x, adj_y, "float32")
    want = np.matmul(lv.astype(np.float64), rv.astype(np.float64))
    mb = ModelBuilder()
    lx = mb.tensor(lt.shape, "float32")
    rx = mb.tensor(rt.shape, "float32")
    y = mb.tensor(want.shape, "float32")
    mb.op("BATCH_MATMUL", [lx, rx], [y],
          options=("BatchMatMulOptions", {"adj_x": adj_x, "adj_y": adj_y}))
    (got,) = run(mb, [lx, rx], [y], [lt, rt])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("lshape,rshape", BMM_CASES)
@pytest.mark.parametrize("adj_x", [False, True])
@pytest.mark.parametrize("adj_y", [False, True])
@pytest.mark.parametrize("const_rhs", [False, True])
def test_batch_matmul_int8(lshape, rshape, adj_x, adj_y, const_rhs):
    rng = np.random.default_rng(15)
    lv, rv, lt, rt = bmm_operands(rng, lshape, rshape, adj_x, adj_y, "int8")
    lq, rq, oq = (0.02, -5), (0.015, 7), (0.09, 3)
    acc = np.matmul(lv.astype(np.int64) - lq[1], rv.astype(np.int64) - rq[1])
    mult, shift = quantize_multiplier(float(np.float32(lq[0])) * float(np.float32(rq[0])) /
                                      float(np.float32(oq[0])))
    want = np.clip(mul_by_qm(acc, mult, shift) + oq[1], -128, 127)
    mb = ModelBuilder()
    lx = mb.tensor(lt.shape, "int8", scale=lq[0], zero_point=lq[1])
    rx = mb.tensor(rt.shape, "int8", data=rt if const_rhs else None, scale=rq[0],
                   zero_point=rq[1])
    y = mb.tensor(want.shape, "int8", scale=oq[0], zero_point=oq[1])
    mb.op("BATCH_MATMUL", [lx, rx], [y],
          options=("BatchMatMulOptions", {"adj_x": adj_x, "adj_y": adj_y}))
    ins, vals = ([lx], [lt]) if const_rhs else ([lx, rx], [lt, rt])
    (got,) = run(mb, ins, [y], vals)
    np.testing.assert_array_equal(got, want)
    # Close to the real product.
    real = np.matmul((lv.astype(np.float64) - lq[1]) * lq[0],
                     (rv.astype(np.float64) - rq[1]) * rq[0])
    assert np.max(np.abs(np.clip(np.round(real / oq[0]) + oq[1], -128, 127) - got)) <= 1
