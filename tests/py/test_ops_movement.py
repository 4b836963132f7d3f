# SPDX-License-Identifier: MIT
# Single-op models of the data-movement ops (SLICE, TILE, BROADCAST_TO, SPACE_TO_DEPTH,
# DEPTH_TO_SPACE, GATHER, BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND), built with
# python/microml_tools/tflite_writer.py and run through the CLI on random shapes and values of
# every dtype; expected values from numpy's own indexing (byte-exact), written from TensorFlow's
# definitions of the ops, not from the C code.
import zlib

import numpy as np
import pytest

from tflite_ops import ModelBuilder, info, random_values, run, run_fails

DTYPES = ["int8", "int16", "int32", "float32", "bool"]


def seed_of(*args):
    return zlib.crc32(repr(args).encode())


def q(dtype):
    if dtype == "int8":
        return dict(scale=0.05, zero_point=3)
    if dtype == "int16":
        return dict(scale=0.001, zero_point=0)
    return {}


def run_op(op, xv, consts, out_shape, options=None, out_dtype=None):
    """One op: input 0 is xv (a model input), then constant int vectors (values, dtype)."""
    mb = ModelBuilder()
    dtype = str(xv.dtype)
    x = mb.tensor(xv.shape, dtype, **q(dtype))
    ins = [x] + [mb.tensor([len(v)], t, data=v) for v, t in consts]
    od = out_dtype or dtype
    y = mb.tensor(out_shape, od, **q(od))
    mb.op(op, ins, [y], options=options)
    (got,) = run(mb, [x], [y], [xv])
    return got


def fails(op, shape, dtype, consts, out_shape, options=None):
    mb = ModelBuilder()
    x = mb.tensor(shape, dtype, **q(dtype))
    ins = [x] + [mb.tensor([len(v)], t, data=v) for v, t in consts]
    y = mb.tensor(out_shape, dtype, **q(dtype))
    mb.op(op, ins, [y], options=options)
    return run_fails(mb, [x], [y])


# -- SLICE -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("index_dtype", ["int32", "int64"])
def test_slice(dtype, rank, index_dtype):
    rng = np.random.default_rng(seed_of("slice", dtype, rank, index_dtype))
    shape = tuple(int(d) for d in rng.integers(1, 6, rank))
    xv = random_values(rng, shape, dtype)
    begin = [int(rng.integers(0, d)) for d in shape]
    size = [int(rng.integers(1, d - b + 1)) for d, b in zip(shape, begin)]
    size[int(rng.integers(0, rank))] = -1
    want = xv[tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))]
    got = run_op("SLICE", xv, [(begin, index_dtype), (size, index_dtype)], want.shape,
                 ("SliceOptions", {}))
    np.testing.assert_array_equal(got, want)


def test_slice_after_op_may_share_memory():
    """SLICE of an intermediate tensor: the planner may place the output over its input."""
    rng = np.random.default_rng(3)
    xv = rng.standard_normal((4, 6, 5)).astype(np.float32)
    mb = ModelBuilder()
    x = mb.tensor(xv.shape, "float32")
    r = mb.tensor(xv.shape, "float32")
    y = mb.tensor([2, 4, 3], "float32")
    mb.op("RELU", [x], [r])
    mb.op("SLICE", [r, mb.tensor([3], "int32", data=[1, 2, 1]),
                    mb.tensor([3], "int32", data=[2, -1, 3])], [y], options=("SliceOptions", {}))
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, np.maximum(xv, 0)[1:3, 2:, 1:4])
    # RELU runs in place and the slice's 96 bytes lie inside its input's 480.
    assert info(mb.build([x], [y]))["arena_head_bytes"] == 480


def test_slice_refused():
    assert "outside dimension" in fails("SLICE", [3, 4], "int8", [([0, 2], "int32"),
                                        ([3, 3], "int32")], [3, 3], ("SliceOptions", {}))[0]
    assert "begin and size need 2 values" in fails("SLICE", [3, 4], "int8", [([0], "int32"),
                                                   ([3], "int32")], [3, 4])[0]
    assert "output dimension 1 is 4, expected 2" in fails(
        "SLICE", [3, 4], "int8", [([0, 1], "int32"), ([3, 2], "int32")], [3, 4])[0]


# -- TILE --------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_tile(dtype, rank):
    rng = np.random.default_rng(seed_of("tile", dtype, rank))
    shape = tuple(int(d) for d in rng.integers(1, 4, rank))
    mult = [int(m) for m in rng.integers(1, 4, rank)]
    xv = random_values(rng, shape, dtype)
    want = np.tile(xv, mult)
    got = run_op("TILE", xv, [(mult, "int32")], want.shape, ("TileOptions", {}))
    np.testing.assert_array_equal(got, want)


def test_tile_refused():
    assert "not 3 x multiple 2" in fails("TILE", [3], "int8", [([2], "int32")], [5])[0]
    assert "input's rank 2" in fails("TILE", [3, 1], "int8", [([2], "int32")], [6, 1])[0]


# -- BROADCAST_TO ------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", [((3,), (2, 3)), ((1,), (4,)), ((2, 1), (2, 5)),
                                  ((1, 3, 1), (2, 4, 3, 2)), ((2, 1, 3), (2, 2, 3)),
                                  ((), (2, 2)), ((1, 1, 1, 4), (3, 1, 2, 4))])
def test_broadcast_to(dtype, case):
    shape, target = case
    rng = np.random.default_rng(seed_of("bcast", dtype, case))
    xv = random_values(rng, shape, dtype)
    want = np.broadcast_to(xv, target)
    got = run_op("BROADCAST_TO", xv, [(list(target), "int32")], target)
    np.testing.assert_array_equal(got, want)


def test_broadcast_to_refused():
    assert "cannot broadcast dimension 1 (3) to 4" in fails(
        "BROADCAST_TO", [2, 3], "float32", [([2, 4], "int32")], [2, 4])[0]


# -- SPACE_TO_DEPTH, DEPTH_TO_SPACE ------------------------------------------------------------

def space_to_depth(x, b):
    n, h, w, c = x.shape
    return x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(
        n, h // b, w // b, b * b * c)


def depth_to_space(x, b):
    n, h, w, c = x.shape
    return x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5).reshape(
        n, h * b, w * b, c // (b * b))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("b", [1, 2, 3])
def test_space_to_depth(dtype, b):
    rng = np.random.default_rng(seed_of("s2d", dtype, b))
    shape = (2, b * 2, b * 3, 3)
    xv = random_values(rng, shape, dtype)
    want = space_to_depth(xv, b)
    got = run_op("SPACE_TO_DEPTH", xv, [], want.shape, ("SpaceToDepthOptions", {"block_size": b}))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("b", [1, 2, 3])
def test_depth_to_space(dtype, b):
    rng = np.random.default_rng(seed_of("d2s", dtype, b))
    shape = (2, 3, 2, b * b * 2)
    xv = random_values(rng, shape, dtype)
    want = depth_to_space(xv, b)
    got = run_op("DEPTH_TO_SPACE", xv, [], want.shape, ("DepthToSpaceOptions", {"block_size": b}))
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(space_to_depth(want, b), xv)  # the model is its own check


def test_space_depth_refused():
    assert "must divide height 3" in fails("SPACE_TO_DEPTH", [1, 3, 4, 1], "int8", [], [1, 1, 2, 4],
                                           ("SpaceToDepthOptions", {"block_size": 2}))[0]
    assert "squared must divide depth 6" in fails(
        "DEPTH_TO_SPACE", [1, 1, 1, 6], "int8", [], [1, 2, 2, 1],
        ("DepthToSpaceOptions", {"block_size": 2}))[0]


# -- GATHER ------------------------------------------------------------------------------------

def gather_ref(params, indices, axis, batch_dims):
    """tf.gather(params, indices, axis, batch_dims) in numpy."""
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    lead = params.shape[:batch_dims]
    n = int(np.prod(lead))
    pf = params.reshape((n,) + params.shape[batch_dims:])
    idf = indices.reshape((n,) + indices.shape[batch_dims:])
    parts = [np.take(pf[b], idf[b], axis=axis - batch_dims) for b in range(n)]
    return np.stack(parts).reshape(lead + parts[0].shape)


GATHER_CASES = [  # params shape, indices shape, axis, batch_dims
    ((5,), (3,), 0, 0), ((4, 3), (2,), 0, 0), ((4, 3), (2, 2), 1, 0), ((2, 3, 4), (5,), -1, 0),
    ((2, 3, 4), (), 1, 0), ((3, 4, 2), (3, 2), 1, 1), ((2, 3, 4, 2), (2, 3, 2), 2, 2),
    ((2, 5, 3), (2, 4), -2, -1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", GATHER_CASES)
@pytest.mark.parametrize("index_dtype,const", [("int32", False), ("int64", True)])
def test_gather(dtype, case, index_dtype, const):
    pshape, ishape, axis, batch_dims = case
    rng = np.random.default_rng(seed_of("gather", dtype, case, index_dtype))
    pv = random_values(rng, pshape, dtype)
    a = axis % len(pshape)
    iv = rng.integers(0, pshape[a], ishape).astype(index_dtype)
    bd = batch_dims % len(ishape) if batch_dims < 0 else batch_dims
    want = gather_ref(pv, iv, a, bd)
    mb = ModelBuilder()
    x = mb.tensor(pshape, dtype, **q(dtype))
    i = mb.tensor(ishape, index_dtype, data=iv if const else None)
    y = mb.tensor(want.shape, dtype, **q(dtype))
    mb.op("GATHER", [x, i], [y],
          options=("GatherOptions", {"axis": axis, "batch_dims": batch_dims}))
    ins, vals = ([x], [pv]) if const else ([x, i], [pv, iv])
    (got,) = run(mb, ins, [y], vals)
    np.testing.assert_array_equal(got, want)


def test_gather_index_out_of_range_fails_at_run_time():
    import subprocess
    import tempfile
    from pathlib import Path
    from tflite_ops import cli
    mb = ModelBuilder()
    x = mb.tensor([4, 2], "float32")
    i = mb.tensor([2], "int32")
    y = mb.tensor([2, 2], "float32")
    mb.op("GATHER", [x, i], [y], options=("GatherOptions", {"axis": 0}))
    model = mb.build([x, i], [y])
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "m.tflite").write_bytes(model)
        for idx, ok in [([3, 0], True), ([1, 4], False), ([-1, 0], False)]:
            blob = np.arange(8, dtype=np.float32).tobytes() + np.array(idx, np.int32).tobytes()
            (d / "in.bin").write_bytes(blob)
            p = subprocess.run([cli(), "run", str(d / "m.tflite"), str(d / "in.bin"),
                                str(d / "out.bin")], capture_output=True, text=True, timeout=60)
            assert (p.returncode == 0) == ok, p.stderr
            if ok:
                got = np.frombuffer((d / "out.bin").read_bytes(), np.float32).reshape(2, 2)
                np.testing.assert_array_equal(got, [[6, 7], [0, 1]])
            else:
                assert "GATHER" in p.stderr


def test_gather_refused():
    mb = ModelBuilder()
    x = mb.tensor([4, 3], "int8", **q("int8"))
    i = mb.tensor([2], "int32", data=[0, 1])
    y = mb.tensor([2, 3], "int8", **q("int8"))
    mb.op("GATHER", [x, i], [y], options=("GatherOptions", {"axis": 2}))
    assert "axis 2 out of range" in run_fails(mb, [x], [y])[0]
    mb = ModelBuilder()
    x = mb.tensor([4, 3], "int8", **q("int8"))
    i = mb.tensor([2], "float32", data=[0, 1])
    y = mb.tensor([2, 3], "int8", **q("int8"))
    mb.op("GATHER", [x, i], [y], options=("GatherOptions", {"axis": 0}))
    assert "indices must be int32 or int64" in run_fails(mb, [x], [y])[0]


# -- BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND ------------------------------------------------------

def batch_to_space(x, block, crops):
    """TensorFlow's definition for 4-D input (3-D: one spatial dimension, W = 1)."""
    three = x.ndim == 3
    if three:
        x = x[:, :, None, :]
        block, crops = [block[0], 1], [crops[0], [0, 0]]
    bh, bw = block
    nb, h, w, c = x.shape
    b = nb // (bh * bw)
    y = x.reshape(bh, bw, b, h, w, c).transpose(2, 3, 0, 4, 1, 5).reshape(b, h * bh, w * bw, c)
    y = y[:, crops[0][0]:h * bh - crops[0][1], crops[1][0]:w * bw - crops[1][1], :]
    return y[:, :, 0, :] if three else y


def space_to_batch(x, block, pads, pad_value):
    three = x.ndim == 3
    if three:
        x = x[:, :, None, :]
        block, pads = [block[0], 1], [pads[0], [0, 0]]
    bh, bw = block
    x = np.pad(x, [(0, 0), tuple(pads[0]), tuple(pads[1]), (0, 0)], constant_values=pad_value)
    b, h, w, c = x.shape
    y = x.reshape(b, h // bh, bh, w // bw, bw, c).transpose(2, 4, 0, 1, 3, 5)
    y = y.reshape(bh * bw * b, h // bh, w // bw, c)
    return y[:, :, 0, :] if three else y


B2S_CASES = [((4, 2, 3, 2), [2, 2], [[0, 0], [0, 0]]), ((6, 2, 2, 1), [3, 2], [[1, 2], [0, 1]]),
             ((4, 3, 2), [2], [[1, 0]]), ((8, 1, 3, 3), [2, 4], [[0, 1], [2, 3]])]


def run_pairs(op, xv, block, pairs, out_shape, qp=None, out_qp=None):
    mb = ModelBuilder()
    dtype = str(xv.dtype)
    iq = dict(scale=qp[0], zero_point=qp[1]) if qp else q(dtype)
    oq = dict(scale=out_qp[0], zero_point=out_qp[1]) if out_qp else iq
    x = mb.tensor(xv.shape, dtype, **iq)
    bl = mb.tensor([len(block)], "int32", data=block)
    pr = mb.tensor([len(pairs), 2], "int32", data=np.array(pairs, np.int32))
    y = mb.tensor(out_shape, dtype, **oq)
    mb.op(op, [x, bl, pr], [y])
    return mb, x, y


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", B2S_CASES)
def test_batch_to_space_nd(dtype, case):
    shape, block, crops = case
    rng = np.random.default_rng(seed_of("b2s-crops", dtype, case))
    xv = random_values(rng, shape, dtype)
    want = batch_to_space(xv, block, crops)
    mb, x, y = run_pairs("BATCH_TO_SPACE_ND", xv, block, crops, want.shape)
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)


S2B_CASES = [((1, 4, 4, 2), [2, 2], [[0, 0], [0, 0]]), ((2, 3, 2, 1), [2, 2], [[1, 0], [0, 2]]),
             ((2, 3, 3), [2], [[0, 1]]), ((1, 2, 5, 3), [3, 2], [[1, 0], [0, 1]])]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", S2B_CASES)
def test_space_to_batch_nd(dtype, case):
    shape, block, pads = case
    rng = np.random.default_rng(seed_of("s2b", dtype, case))
    xv = random_values(rng, shape, dtype)
    pad_value = q(dtype).get("zero_point", 0)
    want = space_to_batch(xv, block, pads, pad_value)
    mb, x, y = run_pairs("SPACE_TO_BATCH_ND", xv, block, pads, want.shape)
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(batch_to_space(want, block, pads), xv)  # round trip


def test_space_batch_refused():
    xv = np.zeros((2, 3, 2, 1), np.int8)
    mb, x, y = run_pairs("SPACE_TO_BATCH_ND", xv, [2, 2], [[1, 0], [0, 2]], [8, 2, 2, 1],
                         qp=(0.1, 3), out_qp=(0.2, 3))
    assert "quantization must be equal" in run_fails(mb, [x], [y])[0]
    mb, x, y = run_pairs("SPACE_TO_BATCH_ND", xv, [2, 2], [[0, 0], [0, 0]], [8, 2, 1, 1])
    assert "must divide the padded height 3" in run_fails(mb, [x], [y])[0]
    xv = np.zeros((3, 2, 2, 1), np.float32)
    mb, x, y = run_pairs("BATCH_TO_SPACE_ND", xv, [2, 1], [[0, 0], [0, 0]], [1, 4, 2, 1])
    assert "must divide the batch 3" in run_fails(mb, [x], [y])[0]
