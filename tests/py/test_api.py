# SPDX-License-Identifier: MIT
# The microml.Model API on the host, beyond tests/api (which runs the same checks on every face):
# tensor info of every supported model, numpy and memoryview input forms, numpy results of a model
# with two outputs and a model with an unsupported op (made with tests/py/damage.py), and the
# lifetime of the borrowed model bytes (weak references).
import array
import gc
import weakref

import numpy as np
import pytest

import damage
import mmldata
from models import SUPPORTED

INT8 = "hello_world_int8"


def golden(name):
    """(input bytes, output bytes) of every public single-invocation vector."""
    return [(f[0][0], f[1][0]) for v in mmldata.vectors(name, single_only=True)
            for f in v.frames()]


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


def test_predict_raw_input_forms(microml):
    m = microml.Model(mmldata.model_bytes(INT8))
    for x, y in golden(INT8):
        forms = [x, bytearray(x), memoryview(x), array.array("b", x), np.frombuffer(x, np.int8),
                 memoryview(bytearray(x)).cast("b"), np.frombuffer(x, np.int8).reshape(1, 1)]
        for form in forms:
            out = m.predict(form)
            # numpy is importable here: results are numpy arrays with the tensor's shape
            assert isinstance(out, np.ndarray) and out.dtype == np.int8, type(form)
            assert out.shape == (1, 1) and out.tobytes() == y, type(form)


def test_two_outputs_numpy(microml):
    # hello_world_int8 with op 0's result as a second model output (tests/api checks its values,
    # out= forms and errors on every face): here, the numpy results' shapes and top_k's order
    # against numpy's own sort of the dequantized values.
    m = microml.Model(damage.with_extra_output(mmldata.model_bytes(INT8)))
    assert len(m.outputs) == 2
    assert m.outputs[0].index == mmldata.meta(INT8)["outputs"][0]["index"]
    n1 = int(np.prod(m.outputs[1].shape))
    for x, y in golden(INT8):
        y0, y1 = m.predict(x)
        assert y0.tobytes() == y and y0.shape == m.outputs[0].shape
        assert y1.size == n1 and y1.shape == m.outputs[1].shape and y1.dtype == np.int8
        assert m.argmax(x, output=1) == int(np.argmax(y1.reshape(-1)))
        d = m.predict(x, dequantize=True)[1].reshape(-1)
        assert d.dtype == np.float32
        top = m.top_k(x, 3, output=1)
        assert [i for i, _ in top] == [int(i) for i in np.argsort(-d, kind="stable")[:3]]
        ys = m.predict(np.zeros((4, 1), np.int8))  # a batch: both outputs stacked
        assert ys[0].shape == (4, 1) and ys[1].shape == (4,) + m.outputs[1].shape[1:]


def test_unsupported_op_raises_not_implemented(microml):
    # FULLY_CONNECTED swapped for HASHTABLE (136), an op with no kernel here.
    with pytest.raises(NotImplementedError) as e:
        microml.Model(damage.with_builtin_op(mmldata.model_bytes(INT8), 136))
    assert "op 0" in str(e.value) and "HASHTABLE" in str(e.value), str(e.value)
    with pytest.raises(NotImplementedError):
        microml.load(damage.with_builtin_op(mmldata.model_bytes(INT8), 136))


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


def test_model_buffer_released(microml):
    buf = bytearray(mmldata.model_bytes(INT8))
    m = microml.Model(memoryview(buf))
    with pytest.raises(BufferError):  # held, so it cannot move
        buf.extend(b"\0" * 4)
    del m
    gc.collect()
    buf.extend(b"\0" * 4)  # released with the model
