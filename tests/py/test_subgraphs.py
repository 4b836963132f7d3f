# SPDX-License-Identifier: MIT
# Several subgraphs and resource variables (CALL_ONCE, VAR_HANDLE, READ_VARIABLE,
# ASSIGN_VARIABLE), SPLIT_V and QUANTIZE int8 <-> uint8: small models built with
# python/microml_tools/tflite_writer.py, run through the CLI (state carried over the frames of one
# `run`) and the CPython binding (reset), with expected values from numpy; `info` on the
# microWakeWord models against the op counts TFLM's reference run recorded in meta.json.
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

import mmldata
import tflite_ref as ref
from tflite_ops import ModelBuilder, cli, info, run, run_fails


def run_frames(mb, x, y, frames):
    """Runs mb's model (input tensor x, output y) once per frame on ONE interpreter."""
    t_in, t_out = mb.tensors[x], mb.tensors[y]
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "m.tflite").write_bytes(mb.build([x], [y]))
        (d / "in.bin").write_bytes(np.ascontiguousarray(frames, t_in.np_dtype).tobytes())
        p = subprocess.run([cli(), "run", str(d / "m.tflite"), str(d / "in.bin"),
                            str(d / "out.bin")], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        raw = (d / "out.bin").read_bytes()
    return np.frombuffer(raw, t_out.np_dtype).reshape((len(frames), *t_out.shape))


def run_error(mb, inputs, outputs):
    """`microml run` of a model that must be refused: its one-line message."""
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "m.tflite").write_bytes(mb.build(inputs, outputs))
        (d / "in.bin").write_bytes(bytes(sum(mb.tensors[i].nbytes for i in inputs)))
        p = subprocess.run([cli(), "run", str(d / "m.tflite"), str(d / "in.bin"),
                            str(d / "out.bin")], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and p.stderr.count("\n") == 1, (p.returncode, p.stderr)
    return p.stderr


INIT = np.array([0.5, -1.0, 2.0, 8.0], np.float32)


def accumulator(init=INIT, name="acc", calls=1, init_index=1, init_inputs=False):
    """y = acc + x; acc = y, with acc set to `init` by an init subgraph CALL_ONCE runs."""
    mb = ModelBuilder()
    _, sub = mb.subgraph()
    h = sub.tensor([], "resource")
    c = sub.tensor([4], "float32", data=init)
    sub.op("VAR_HANDLE", [], [h], options=("VarHandleOptions", {"shared_name": name}))
    sub.op("ASSIGN_VARIABLE", [h, c], [])
    if init_inputs:
        sub.sg_inputs = [c]
    x = mb.tensor([4], "float32", name="x")
    r = mb.tensor([4], "float32")
    y = mb.tensor([4], "float32", name="y")
    v = mb.tensor([], "resource")
    for _ in range(calls):
        mb.op("CALL_ONCE", [], [], options=("CallOnceOptions",
                                             {"init_subgraph_index": init_index}))
    mb.op("VAR_HANDLE", [], [v], options=("VarHandleOptions", {"shared_name": name}))
    mb.op("READ_VARIABLE", [v], [r])
    mb.op("ADD", [r, x], [y], options=("AddOptions", {}))
    mb.op("ASSIGN_VARIABLE", [v, y], [])
    return mb, x, y


def cumulative(init, frames):
    acc, out = init.copy(), []
    for f in frames:
        acc = (acc + f).astype(np.float32)
        out.append(acc)
    return np.array(out)


def test_call_once_and_variable_carry_state():
    mb, x, y = accumulator()
    frames = np.random.default_rng(7).standard_normal((6, 4)).astype(np.float32)
    np.testing.assert_array_equal(run_frames(mb, x, y, frames), cumulative(INIT, frames))
    j = info(mb.build([x], [y]))
    assert j["subgraphs"] == 2 and j["ops_all_subgraphs"] == 7
    assert j["op_counts_all"] == {"CALL_ONCE": 1, "VAR_HANDLE": 2, "ASSIGN_VARIABLE": 2,
                                  "READ_VARIABLE": 1, "ADD": 1}
    assert [o["subgraph"] for o in j["subgraph_ops"]] == [1, 1]
    assert j["resource_variables"] == 1 and j["state_bytes"] >= INIT.nbytes


def test_reset_runs_call_once_again(microml):
    mb, x, y = accumulator()
    m = microml.Model(mb.build([x], [y]))
    frames = np.random.default_rng(8).standard_normal((3, 4)).astype(np.float32)
    want = cumulative(INIT, frames)
    first = [np.asarray(m.predict(f), np.float32) for f in frames]
    np.testing.assert_array_equal(first, want)
    # Without reset the sum goes on; after it, the init subgraph sets acc to INIT again (not to
    # the zero fill a variable starts from), so the same frames give the same outputs.
    np.testing.assert_array_equal(np.asarray(m.predict(frames[0]), np.float32),
                                  (want[-1] + frames[0]).astype(np.float32))
    assert m.reset() is None
    np.testing.assert_array_equal([np.asarray(m.predict(f), np.float32) for f in frames], want)


def test_variable_starts_at_fill_without_init():
    # No init subgraph: the first READ_VARIABLE sees the variable's fill (the first assigned
    # value's zero point, 0 for float32), as TFLM allocates it.
    mb = ModelBuilder()
    x = mb.tensor([4], "float32")
    r = mb.tensor([4], "float32")
    y = mb.tensor([4], "float32")
    v = mb.tensor([], "resource")
    mb.op("VAR_HANDLE", [], [v], options=("VarHandleOptions", {"shared_name": "s"}))
    mb.op("READ_VARIABLE", [v], [r])
    mb.op("ADD", [r, x], [y], options=("AddOptions", {}))
    mb.op("ASSIGN_VARIABLE", [v, y], [])
    frames = np.random.default_rng(9).standard_normal((4, 4)).astype(np.float32)
    np.testing.assert_array_equal(run_frames(mb, x, y, frames),
                                  cumulative(np.zeros(4, np.float32), frames))


def test_int8_variable_fill_is_zero_point():
    # int8 state: the fill is the zero point of the first ASSIGN_VARIABLE's value (-5), so the
    # first frame adds x to a real 0.
    mb = ModelBuilder()
    qa = dict(scale=0.1, zero_point=-5)
    x = mb.tensor([6], "int8", **qa)
    r = mb.tensor([6], "int8", **qa)
    y = mb.tensor([6], "int8", **qa)
    v = mb.tensor([], "resource")
    mb.op("VAR_HANDLE", [], [v], options=("VarHandleOptions", {"shared_name": "q"}))
    mb.op("READ_VARIABLE", [v], [r])
    mb.op("ADD", [r, x], [y], options=("AddOptions", {}))
    mb.op("ASSIGN_VARIABLE", [v, y], [])
    frames = np.random.default_rng(10).integers(-30, 30, (3, 6)).astype(np.int8)
    acc, want = np.full(6, -5, np.int64), []
    for f in frames:
        acc = ref.add_sub_q(acc, f, 0.1, -5, 0.1, -5, 0.1, -5, 0, -128, 127)
        want.append(acc)
    np.testing.assert_array_equal(run_frames(mb, x, y, frames), np.array(want, np.int8))


def test_variables_shared_by_name_across_subgraphs():
    # Two variables; the init subgraph's handles find sg0's by shared_name.
    mb = ModelBuilder()
    _, sub = mb.subgraph()
    ha, hb = sub.tensor([], "resource"), sub.tensor([], "resource")
    ca = sub.tensor([2], "float32", data=[1.0, 2.0])
    cb = sub.tensor([2], "float32", data=[10.0, 20.0])
    sub.op("VAR_HANDLE", [], [hb], options=("VarHandleOptions", {"shared_name": "b"}))
    sub.op("VAR_HANDLE", [], [ha], options=("VarHandleOptions", {"shared_name": "a"}))
    sub.op("ASSIGN_VARIABLE", [ha, ca], [])
    sub.op("ASSIGN_VARIABLE", [hb, cb], [])
    x = mb.tensor([2], "float32")
    ra, rb = mb.tensor([2], "float32"), mb.tensor([2], "float32")
    y = mb.tensor([2], "float32")
    va, vb = mb.tensor([], "resource"), mb.tensor([], "resource")
    mb.op("CALL_ONCE", [], [], options=("CallOnceOptions", {"init_subgraph_index": 1}))
    mb.op("VAR_HANDLE", [], [va], options=("VarHandleOptions", {"shared_name": "a"}))
    mb.op("VAR_HANDLE", [], [vb], options=("VarHandleOptions", {"shared_name": "b"}))
    mb.op("READ_VARIABLE", [va], [ra])
    mb.op("READ_VARIABLE", [vb], [rb])
    mb.op("SUB", [rb, ra], [y], options=("SubOptions", {}))  # b - a
    mb.op("ASSIGN_VARIABLE", [va, x], [])                   # a = x
    frames = np.array([[0.0, 0.0], [3.0, 4.0], [-1.0, 1.0]], np.float32)
    want = [[9.0, 18.0], [10.0, 20.0], [7.0, 16.0]]
    np.testing.assert_array_equal(run_frames(mb, x, y, frames), want)
    assert info(mb.build([x], [y]))["resource_variables"] == 2


def test_init_subgraph_tensors_do_not_clobber_live_ones():
    # The init subgraph computes its value in the arena (t = c1 + c2, the largest buffer, then u =
    # the first n of t) while the model's input, written before the invoke, must survive it: the
    # planner puts the init subgraph's ops inside the CALL_ONCE's time step (placed after subgraph
    # 0, t would take x's place). A nested CALL_ONCE (subgraph 1 runs subgraph 2, which sets the
    # second variable) runs once too.
    n = 64
    rng = np.random.default_rng(11)
    c1v, c2v = (rng.standard_normal(4 * n).astype(np.float32) for _ in range(2))
    bv = rng.standard_normal(n).astype(np.float32)
    mb = ModelBuilder()
    _, sub = mb.subgraph()
    _, sub2 = mb.subgraph()
    h = sub.tensor([], "resource")
    c1 = sub.tensor([4 * n], "float32", data=c1v)
    c2 = sub.tensor([4 * n], "float32", data=c2v)
    t = sub.tensor([4 * n], "float32")
    u = sub.tensor([n], "float32")
    begin, end, stride = (sub.tensor([1], "int32", data=[v]) for v in (0, n, 1))
    sub.op("CALL_ONCE", [], [], options=("CallOnceOptions", {"init_subgraph_index": 2}))
    sub.op("ADD", [c1, c2], [t], options=("AddOptions", {}))
    sub.op("STRIDED_SLICE", [t, begin, end, stride], [u], options=("StridedSliceOptions", {}))
    sub.op("VAR_HANDLE", [], [h], options=("VarHandleOptions", {"shared_name": "a"}))
    sub.op("ASSIGN_VARIABLE", [h, u], [])
    h2 = sub2.tensor([], "resource")
    b = sub2.tensor([n], "float32", data=bv)
    sub2.op("VAR_HANDLE", [], [h2], options=("VarHandleOptions", {"shared_name": "b"}))
    sub2.op("ASSIGN_VARIABLE", [h2, b], [])
    x = mb.tensor([n], "float32")
    ra, rb, s1 = (mb.tensor([n], "float32") for _ in range(3))
    y = mb.tensor([n], "float32")
    va, vb = mb.tensor([], "resource"), mb.tensor([], "resource")
    mb.op("CALL_ONCE", [], [], options=("CallOnceOptions", {"init_subgraph_index": 1}))
    mb.op("VAR_HANDLE", [], [va], options=("VarHandleOptions", {"shared_name": "a"}))
    mb.op("VAR_HANDLE", [], [vb], options=("VarHandleOptions", {"shared_name": "b"}))
    mb.op("READ_VARIABLE", [va], [ra])
    mb.op("READ_VARIABLE", [vb], [rb])
    mb.op("ADD", [ra, x], [s1], options=("AddOptions", {}))
    mb.op("ADD", [s1, rb], [y], options=("AddOptions", {}))
    mb.op("ASSIGN_VARIABLE", [vb, y], [])  # b = y: the nested init must not run again
    frames = rng.standard_normal((3, n)).astype(np.float32)
    a = (c1v + c2v).astype(np.float32)[:n]
    want, bs = [], bv
    for f in frames:
        bs = ((a + f).astype(np.float32) + bs).astype(np.float32)
        want.append(bs)
    np.testing.assert_array_equal(run_frames(mb, x, y, frames), want)
    j = info(mb.build([x], [y]))
    assert j["subgraphs"] == 3 and j["resource_variables"] == 2
    assert [o["subgraph"] for o in j["subgraph_ops"]] == [1] * 5 + [2] * 2
    assert not j["unsupported"]


def test_variable_containers():
    # TFLM's FindId: (container, shared_name) names a variable; a handle without a container
    # takes the first variable of that shared name. So h3 is h1's variable, h2 another one.
    mb = ModelBuilder()
    x = mb.tensor([3], "float32")
    r = mb.tensor([3], "float32")
    k = mb.tensor([3], "float32", data=[7, 8, 9])
    h1, h2, h3 = (mb.tensor([], "resource") for _ in range(3))
    mb.op("VAR_HANDLE", [], [h1], options=("VarHandleOptions",
                                           {"container": "a", "shared_name": "v"}))
    mb.op("VAR_HANDLE", [], [h2], options=("VarHandleOptions",
                                           {"container": "b", "shared_name": "v"}))
    mb.op("VAR_HANDLE", [], [h3], options=("VarHandleOptions", {"shared_name": "v"}))
    mb.op("READ_VARIABLE", [h3], [r])
    mb.op("ASSIGN_VARIABLE", [h1, x], [])
    mb.op("ASSIGN_VARIABLE", [h2, k], [])
    frames = np.array([[1, 2, 3], [4, 5, 6], [-1, -2, -3]], np.float32)
    np.testing.assert_array_equal(run_frames(mb, x, r, frames), [[0, 0, 0], [1, 2, 3], [4, 5, 6]])
    assert info(mb.build([x], [r]))["resource_variables"] == 2


@pytest.mark.parametrize("cycle", [False, True])
def test_subgraphs_nothing_runs(cycle):
    # Subgraph 0 runs no other; subgraph 2 runs subgraph 1 (or they run each other). Like TFLM,
    # the unreached subgraphs are still checked and prepared; a cycle is refused.
    mb = ModelBuilder()
    _, sub1 = mb.subgraph()
    _, sub2 = mb.subgraph()
    if cycle:
        sub1.op("CALL_ONCE", [], [], options=("CallOnceOptions", {"init_subgraph_index": 2}))
    sub2.op("CALL_ONCE", [], [], options=("CallOnceOptions", {"init_subgraph_index": 1}))
    for sub in (sub1, sub2):
        a = sub.tensor([3], "float32", data=[1, 2, 3])
        b = sub.tensor([3], "float32")
        sub.op("RELU", [a], [b])
    x = mb.tensor([3], "float32")
    y = mb.tensor([3], "float32")
    mb.op("RELU", [x], [y])
    if cycle:
        assert "CALL_ONCE" in run_error(mb, [x], [y])
        return
    (got,) = run(mb, [x], [y], [np.array([-1.0, 0.5, 2.0], np.float32)])
    np.testing.assert_array_equal(got, [0.0, 0.5, 2.0])
    j = info(mb.build([x], [y]))
    assert j["subgraphs"] == 3 and j["ops_all_subgraphs"] == 4 and j["state_bytes"] == 4


@pytest.mark.parametrize("case", ["twice", "self", "zero", "range", "inputs"])
def test_bad_call_once_refused(case):
    if case == "twice":
        mb, x, y = accumulator(calls=2)
        assert "run by another op" in run_error(mb, [x], [y])
        return
    if case == "self":  # the init subgraph runs itself
        mb, x, y = accumulator()
        mb.subgraphs[0].op("CALL_ONCE", [], [], options=("CallOnceOptions",
                                                         {"init_subgraph_index": 1}))
        assert "recursion" in run_error(mb, [x], [y])
        return
    mb, x, y = accumulator(init_index={"zero": 0, "range": 5}.get(case, 1),
                           init_inputs=case == "inputs")
    reasons = run_fails(mb, [x], [y])
    assert len(reasons) == 1 and "CALL_ONCE" in reasons[0], reasons
    assert ("inputs" if case == "inputs" else "init subgraph") in reasons[0], reasons
    assert "CALL_ONCE" in run_error(mb, [x], [y])


def test_bad_variables_refused():
    # Read but never assigned.
    mb = ModelBuilder()
    y = mb.tensor([4], "float32")
    v = mb.tensor([], "resource")
    x = mb.tensor([4], "float32")
    mb.op("VAR_HANDLE", [], [v], options=("VarHandleOptions", {"shared_name": "n"}))
    mb.op("READ_VARIABLE", [v], [y])
    assert "never assigned" in run_error(mb, [x], [y])
    # Assigned with two sizes.
    mb, x, y = accumulator()
    v = mb.tensor([], "resource")
    big = mb.tensor([8], "float32", data=np.zeros(8))
    mb.op("VAR_HANDLE", [], [v], options=("VarHandleOptions", {"shared_name": "acc"}))
    mb.op("ASSIGN_VARIABLE", [v, big], [])
    assert "assigns 32 bytes to a variable of 16 bytes" in run_error(mb, [x], [y])
    # READ_VARIABLE of a tensor no VAR_HANDLE made, and a read of the wrong size.
    mb, x, y = accumulator()
    orphan, out2 = mb.tensor([], "resource"), mb.tensor([4], "float32")
    mb.op("READ_VARIABLE", [orphan], [out2])
    assert "VAR_HANDLE" in run_error(mb, [x], [y])
    mb, x, y = accumulator()
    v, out3 = mb.tensor([], "resource"), mb.tensor([3], "float32")
    mb.op("VAR_HANDLE", [], [v], options=("VarHandleOptions", {"shared_name": "acc"}))
    mb.op("READ_VARIABLE", [v], [out3])
    assert "12 bytes" in run_error(mb, [x], [y])


@pytest.mark.parametrize("op", ["IF", "WHILE"])
def test_control_flow_refused_by_name(op):
    mb = ModelBuilder()
    x = mb.tensor([1], "float32")
    y = mb.tensor([1], "float32")
    mb.op(op, [x], [y])
    reasons = run_fails(mb, [x], [y])
    assert len(reasons) == 1 and op in reasons[0], reasons


# -- the microWakeWord models: info against TFLM's reference run ----------------------------------

@pytest.mark.parametrize("name", ["mww_okay_nabu_v2", "mww_vad_v2"])
def test_info_of_streaming_models(name):
    meta = mmldata.meta(name)
    j = info(mmldata.model_path(name).read_bytes())
    assert j["subgraphs"] == meta["subgraphs"] == 2
    assert j["op_counts_all"] == meta["ops_all_subgraphs"]
    assert j["ops_all_subgraphs"] == sum(meta["ops_all_subgraphs"].values())
    assert [o["name"] for o in j["ops"]] == meta["op_sequence"]
    assert [o["name"] for o in j["subgraph_ops"]] == meta["op_sequence_by_subgraph"][1]
    # The init subgraph assigns each variable once.
    assert j["resource_variables"] == meta["op_sequence_by_subgraph"][1].count("ASSIGN_VARIABLE")
    assert 0 < j["state_bytes"] and j["arena_bytes"] <= meta["reference"]["arena_used_bytes_x86_64"]
    assert not j["unsupported"]


# -- SPLIT_V ----------------------------------------------------------------------------------

QPARAMS = {"int8": dict(scale=0.05, zero_point=3), "int16": dict(scale=0.001, zero_point=0),
           "float32": {}}


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
@pytest.mark.parametrize("shape,sizes,axis", [
    ((2, 7, 3), [2, 4, 1], 1),
    ((2, 7, 3), [2, -1, 1], 1),
    ((6, 5), [1, 4], -1),
    ((6, 5), [3, 3], 0),
    ((1, 4, 1, 24), [8, 16], 3),
    ((5,), [5], 0),
])
def test_split_v(dtype, shape, sizes, axis):
    rng = np.random.default_rng(len(shape) * 31 + len(sizes))
    xv = (rng.standard_normal(shape) * 50).astype(np.float32) if dtype == "float32" else \
        rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max, shape, endpoint=True).astype(dtype)
    ax = axis % len(shape)
    real = list(sizes)
    if -1 in real:
        real[real.index(-1)] = shape[ax] - sum(s for s in real if s != -1)
    mb = ModelBuilder()
    x = mb.tensor(list(shape), dtype, **QPARAMS[dtype])
    s = mb.tensor([len(sizes)], "int32", data=sizes)
    a = mb.tensor([], "int32", data=[axis])
    outs = []
    for n in real:
        oshape = list(shape)
        oshape[ax] = n
        outs.append(mb.tensor(oshape, dtype, **QPARAMS[dtype]))
    mb.op("SPLIT_V", [x, s, a], outs, options=("SplitVOptions", {"num_splits": len(outs)}))
    got = run(mb, [x], outs, [xv])
    want = np.split(xv, np.cumsum(real)[:-1], axis=ax)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("case", ["sizes", "total", "num", "axis"])
def test_split_v_refused(case):
    mb = ModelBuilder()
    x = mb.tensor([4, 6], "int8", scale=0.1, zero_point=0)
    sizes = {"sizes": [2, 3], "total": [3, 4], "num": [2, 4], "axis": [2, 4]}[case]
    s = mb.tensor([2], "int32", data=sizes)
    a = mb.tensor([], "int32", data=[5 if case == "axis" else 1])
    widths = [3, 4] if case == "total" else [2, 4]
    outs = [mb.tensor([4, w], "int8", scale=0.1, zero_point=0) for w in widths]
    mb.op("SPLIT_V", [x, s, a], outs,
          options=("SplitVOptions", {"num_splits": 3 if case == "num" else 2}))
    reasons = run_fails(mb, [x], outs)
    assert len(reasons) == 1 and "SPLIT_V" in reasons[0], reasons


# -- QUANTIZE between int8 and uint8 (requantize) -------------------------------------------------

@pytest.mark.parametrize("in_dtype,out_dtype,q_in,q_out", [
    ("int8", "uint8", (0.00390625, -128), (0.00390625, 0)),  # microWakeWord's output stage
    ("int8", "uint8", (0.02, 7), (0.05, 120)),
    ("int8", "uint8", (0.05, -3), (0.01, 200)),
    ("uint8", "int8", (0.00390625, 0), (0.00390625, -128)),
    ("uint8", "int8", (0.03, 100), (0.02, -10)),
])
def test_quantize_int8_uint8(in_dtype, out_dtype, q_in, q_out):
    info_ = np.iinfo(in_dtype)
    xv = np.arange(info_.min, info_.max + 1).astype(in_dtype).reshape(16, 16)
    mb = ModelBuilder()
    x = mb.tensor([16, 16], in_dtype, scale=q_in[0], zero_point=q_in[1])
    y = mb.tensor([16, 16], out_dtype, scale=q_out[0], zero_point=q_out[1])
    mb.op("QUANTIZE", [x], [y])
    (got,) = run(mb, [x], [y], [xv])
    lo, hi = np.iinfo(out_dtype).min, np.iinfo(out_dtype).max
    np.testing.assert_array_equal(got, ref.requantize(xv, *q_in, *q_out, lo, hi))
