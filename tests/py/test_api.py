# SPDX-License-Identifier: MIT
# The microml.Model API on the host: construction, arenas, tensor info, every input form,
# out= buffers, errors, and the lifetime of the borrowed model bytes.
import array
import gc
import math
import weakref

import numpy as np
import pytest

import damage
import mmldata
from models import SUPPORTED

INT8 = "hello_world_int8"
FLOAT = "hello_world_float"


def q_meta(name):
    t = mmldata.meta(name)["inputs"][0]
    return t["scale"][0], t["zero_point"][0]


def golden(name):
    """(input bytes, output bytes) of every public single-invocation vector."""
    return [(f[0][0], f[1][0]) for v in mmldata.vectors(name, single_only=True)
            for f in v.frames()]


def real_golden(name):
    return [(f[0][0], f[1][0]) for v in mmldata.vectors(name, single_only=True)
            if v.name.startswith("real_") for f in v.frames()]


@pytest.fixture(scope="module")
def int8_model(microml):
    return microml.Model(mmldata.model_bytes(INT8))


def test_version(microml):
    assert microml.__version__ == "0.1.0"


# --- arena -----------------------------------------------------------------------------------

def test_arena_size_and_caller_arena(microml):
    buf = mmldata.model_bytes(INT8)
    n = microml.Model(buf).arena_size
    assert isinstance(n, int) and n > 0
    arena = bytearray(n)
    m = microml.Model(buf, arena=arena)
    assert m.arena_size == n
    x, y = golden(INT8)[0]
    assert m.predict(x).tobytes() == y
    # The model holds the arena: it cannot be resized under it.
    with pytest.raises(BufferError):
        arena.append(0)
    # A larger arena is fine too.
    assert microml.Model(buf, arena=bytearray(n + 64)).predict(x).tobytes() == y


def test_arena_too_small(microml):
    buf = mmldata.model_bytes(INT8)
    n = microml.Model(buf).arena_size
    for size in (n - 1, n // 2, 0):
        with pytest.raises(MemoryError) as e:
            microml.Model(buf, arena=bytearray(size))
        assert f"needs {n} bytes" in str(e.value) and f"got {size}" in str(e.value), str(e.value)


def test_arena_bad(microml):
    buf = mmldata.model_bytes(INT8)
    n = microml.Model(buf).arena_size
    with pytest.raises(ValueError, match="aligned"):
        microml.Model(buf, arena=memoryview(bytearray(n + 8))[1:])
    with pytest.raises(ValueError, match="writable"):
        microml.Model(buf, arena=bytes(n))
    with pytest.raises(ValueError):
        microml.Model(buf, arena=n)


# --- tensor info -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", SUPPORTED)
def test_tensor_info_matches_meta(microml, name):
    meta = mmldata.meta(name)
    m = microml.Model(mmldata.model_bytes(name))
    assert isinstance(m.inputs, tuple) and isinstance(m.outputs, tuple)
    for got, want in ((m.inputs, meta["inputs"]), (m.outputs, meta["outputs"])):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert isinstance(g, microml.TensorInfo)
            assert g.index == w["index"]
            assert g.name == w["name"]
            assert g.shape == tuple(w["shape"])
            assert g.dtype == w["dtype"].lower()
            scale = w["scale"][0] if w["scale"] else 0.0
            zp = w["zero_point"][0] if w["zero_point"] else 0
            assert g.scale == pytest.approx(scale, rel=1e-6)
            assert g.zero_point == zp
            assert isinstance(g.zero_point, int) and isinstance(g.index, int)


def test_tensor_info_repr(int8_model):
    r = repr(int8_model.inputs[0])
    assert "TensorInfo" in r and "int8" in r and "serving_default_dense_input:0" in r, r
    with pytest.raises(AttributeError):
        int8_model.inputs[0].scale = 1.0
    r = repr(int8_model)
    assert "Model" in r and str(int8_model.arena_size) in r, r


def test_reset_restores_recurrent_state(microml):
    # mnist_lstm_int8 carries its LSTM state from one predict to the next; reset() clears it.
    name = "mnist_lstm_int8"
    m = microml.Model(mmldata.model_bytes(name))
    x, y = golden(name)[0]
    assert m.predict(x).tobytes() == y
    assert m.predict(x).tobytes() != y  # state carried over
    assert m.reset() is None
    assert m.predict(x).tobytes() == y
    microml.Model(mmldata.model_bytes(INT8)).reset()  # no state: a no-op


# --- predict: input forms --------------------------------------------------------------------

def test_predict_raw_input_forms(int8_model):
    for x, y in golden(INT8):
        forms = [x, bytearray(x), memoryview(x), array.array("b", x), np.frombuffer(x, np.int8),
                 memoryview(bytearray(x)).cast("b")]
        for form in forms:
            out = int8_model.predict(form)
            assert isinstance(out, array.array) and out.typecode == "b", type(form)
            assert out.tobytes() == y, type(form)


def test_predict_float_output_type(microml):
    m = microml.Model(mmldata.model_bytes(FLOAT))
    x, y = golden(FLOAT)[0]
    out = m.predict(x)
    assert isinstance(out, array.array) and out.typecode == "f"
    mmldata.assert_output_equal(out.tobytes(), y, mmldata.meta(FLOAT)["outputs"][0])
    # float values as a list for a float32 input are stored as they are
    v = float(np.frombuffer(x, np.float32)[0])
    assert m.predict([v]).tobytes() == out.tobytes()
    assert m.predict(np.frombuffer(x, np.float32)).tobytes() == out.tobytes()


def test_predict_float_values_are_quantized(int8_model):
    scale, zp = q_meta(INT8)
    cases = real_golden(INT8)
    assert cases, "no real_golden vectors"
    for x, y in cases:
        q = np.frombuffer(x, np.int8)[0]
        v = (int(q) - zp) * scale  # the float that quantizes to exactly q
        for form in ([v], (v,), array.array("f", [v]), np.array([v], np.float32)):
            assert int8_model.predict(form).tobytes() == y, (form, q)


def test_predict_quantization_rounding_and_clamp(int8_model):
    # TFLite's QUANTIZE: round half away from zero, then clamp to int8.
    scale, zp = q_meta(INT8)

    def quantize(v):
        r = v / scale
        r = math.floor(r + 0.5) if r >= 0 else -math.floor(-r + 0.5)
        return max(-128, min(127, r + zp))

    for v in (0.77, 1.57, 2.3, 3.14, -1.0, 1000.0, -1000.0):
        want = int8_model.predict(array.array("b", [quantize(v)])).tobytes()
        assert int8_model.predict([v]).tobytes() == want, v


# --- predict: out= ---------------------------------------------------------------------------

def test_predict_out_reused(int8_model):
    vecs = golden(INT8)
    for out in (bytearray(1), array.array("b", [0]), np.zeros(1, np.int8)):
        for x, y in vecs:
            r = int8_model.predict(x, out=out)
            assert r is out
            assert bytes(memoryview(out)) == y
    out = bytearray(1)
    x, y = vecs[-1]
    assert int8_model.predict(x, out) is out and out == y  # out may be positional


def test_predict_out_wrong(int8_model):
    x, _ = golden(INT8)[0]
    with pytest.raises(ValueError, match="needs 1 bytes, got 2"):
        int8_model.predict(x, out=bytearray(2))
    with pytest.raises(ValueError):
        int8_model.predict(x, out=bytearray(0))
    with pytest.raises(ValueError):
        int8_model.predict(x, out=bytes(1))  # read-only
    with pytest.raises(ValueError):
        int8_model.predict(x, out=(bytearray(1),))  # one output: a buffer, not a tuple
    with pytest.raises(ValueError):
        int8_model.predict(x, out=array.array("f", [0.0]))  # 4 bytes


# --- several outputs --------------------------------------------------------------------------

def test_two_outputs(microml):
    # hello_world_int8 with op 0's result as a second model output: the planner must keep it.
    m = microml.Model(damage.with_extra_output(mmldata.model_bytes(INT8)))
    assert len(m.outputs) == 2
    assert m.outputs[0].index == mmldata.meta(INT8)["outputs"][0]["index"]
    n1 = 1
    for d in m.outputs[1].shape:
        n1 *= d
    assert m.outputs[1].dtype == "int8" and n1 > 1
    for x, y in golden(INT8):
        y0, y1 = m.predict(x)
        assert y0.tobytes() == y and len(y1) == n1
        outs = (bytearray(1), array.array("b", bytes(n1)))
        assert m.predict(x, out=outs) is outs
        assert bytes(outs[0]) == y and outs[1] == y1
        lst = [bytearray(1), bytearray(n1)]
        assert m.predict(x, out=lst) is lst and bytes(lst[1]) == y1.tobytes()
    # op 0 is FULLY_CONNECTED + RELU: its output is never below its zero point
    assert min(y1) >= m.outputs[1].zero_point
    with pytest.raises(ValueError):
        m.predict(x, out=bytearray(1))  # a single buffer for two outputs
    with pytest.raises(ValueError):
        m.predict(x, out=(bytearray(1),))
    with pytest.raises(ValueError, match="output 1 needs"):
        m.predict(x, out=(bytearray(1), bytearray(n1 + 1)))


# --- predict: errors -------------------------------------------------------------------------

def test_predict_wrong_input(int8_model):
    with pytest.raises(ValueError, match="input 0 needs 1 bytes, got 2"):
        int8_model.predict(b"\x00\x00")
    with pytest.raises(ValueError, match="input 0 needs 1 bytes, got 0"):
        int8_model.predict(b"")
    with pytest.raises(ValueError, match="input 0 needs 1 values, got 2"):
        int8_model.predict([0.1, 0.2])
    with pytest.raises(ValueError, match="input 0 needs 1 values, got 2"):
        int8_model.predict(array.array("f", [0.1, 0.2]))
    with pytest.raises(ValueError):
        int8_model.predict([])
    with pytest.raises(ValueError):
        int8_model.predict(["a"])
    with pytest.raises(ValueError):
        int8_model.predict("a")
    with pytest.raises(ValueError):
        int8_model.predict(None)
    with pytest.raises(ValueError):
        int8_model.predict(np.zeros(1, np.float64))  # 8 raw bytes
    with pytest.raises(TypeError):
        int8_model.predict()
    # the model still works after errors
    x, y = golden(INT8)[0]
    assert int8_model.predict(x).tobytes() == y


def test_model_wrong_type(microml):
    for bad in (None, 123, "abc", [1, 2, 3]):
        with pytest.raises(ValueError):
            microml.Model(bad)


def test_model_errors_carry_the_core_message(microml):
    buf = mmldata.model_bytes(INT8)
    for bad in (b"", buf[:100], buf[:4] + b"XXXX" + buf[8:]):
        with pytest.raises(ValueError) as e:
            microml.Model(bad)
        msg = str(e.value)
        assert msg and "\n" not in msg and "internal" not in msg, msg


def test_unsupported_op_raises_not_implemented(microml):
    # FULLY_CONNECTED swapped for HASHTABLE (136), an op with no kernel here.
    with pytest.raises(NotImplementedError) as e:
        microml.Model(damage.with_builtin_op(mmldata.model_bytes(INT8), 136))
    assert "op 0" in str(e.value) and "HASHTABLE" in str(e.value), str(e.value)


def test_model_unaligned_buffer(microml):
    buf = mmldata.model_bytes(INT8)
    raw = bytearray(len(buf) + 4)
    raw[1:1 + len(buf)] = buf
    with pytest.raises(ValueError, match="aligned"):
        microml.Model(memoryview(raw)[1:1 + len(buf)])


# --- lifetime --------------------------------------------------------------------------------

def test_model_buffer_kept_alive(microml):
    x, y = golden(INT8)[0]
    buf = array.array("b", mmldata.model_bytes(INT8))  # array.array supports weak references
    ref = weakref.ref(buf)
    m = microml.Model(buf)
    del buf
    gc.collect()
    assert ref() is not None, "Model dropped its model buffer"
    junk = [bytes(4096) for _ in range(64)]  # churn the allocator
    assert m.predict(x).tobytes() == y
    del m, junk
    gc.collect()
    assert ref() is None, "Model leaked its model buffer"


def test_model_buffer_not_copied(microml):
    buf = bytearray(mmldata.model_bytes(INT8))
    m = microml.Model(memoryview(buf))
    with pytest.raises(BufferError):  # held, so it cannot move
        buf.extend(b"\0" * 4)
    del m
    gc.collect()
    buf.extend(b"\0" * 4)  # released with the model


def test_many_models(microml):
    buf = mmldata.model_bytes(INT8)
    x, y = golden(INT8)[0]
    models = [microml.Model(buf) for _ in range(50)]
    assert all(m.predict(x).tobytes() == y for m in models)
