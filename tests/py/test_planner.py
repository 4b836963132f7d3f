# SPDX-License-Identifier: MIT
# Model outputs survive the whole invocation: micro_speech with its subgraph outputs rewritten
# (the FULLY_CONNECTED result that SOFTMAX reads, the input itself, one tensor twice). Expected
# values: TFLM's vectors for the softmax, numpy's FULLY_CONNECTED (tflite_ref) for the rest.
import struct

import numpy as np
import pytest

import damage
import mmldata
import tflite_ref as ref

NAME = "micro_speech"
# micro_speech_quantized.tflite: 0 RESHAPE 3->4, 1 DEPTHWISE_CONV_2D 4->2, 2 FULLY_CONNECTED
# (2, weights 7, bias 1)->6, 3 SOFTMAX 6->9.
T_INPUT, T_RELU, T_FC_BIAS, T_FC, T_FC_W, T_SOFTMAX = 3, 2, 1, 6, 7, 9


def with_outputs(b, outputs):
    """Model bytes b with subgraph 0's outputs replaced by the tensor indices `outputs`: the new
    index vector is appended and the outputs field repointed at it (a forward uoffset)."""
    b = bytearray(b) + bytes(-len(b) % 4)
    sg = damage._tables(b, damage._u32(b, 0), damage.MODEL_SUBGRAPHS)[0]
    field = damage._field(b, sg, damage.SG_OUTPUTS)
    pos = len(b)
    b += struct.pack(f"<I{len(outputs)}i", len(outputs), *outputs)
    return damage._put32(bytes(b), field, pos - field)


def tensor_data(b, index, dtype):
    """Constant data of tensor `index` of subgraph 0, as a flat numpy array."""
    root = damage._u32(b, 0)
    sg = damage._tables(b, root, damage.MODEL_SUBGRAPHS)[0]
    t = damage._tables(b, sg, damage.SG_TENSORS)[index]
    buf = damage._tables(b, root, damage.MODEL_BUFFERS)[damage._u32(b, damage._field(
        b, t, damage.T_BUFFER))]
    v, n = damage._vector(b, buf, damage.BUF_DATA)
    return np.frombuffer(bytes(b[v + 4:v + 4 + n]), dtype)


def tensor_scale(b, index):
    root = damage._u32(b, 0)
    sg = damage._tables(b, root, damage.MODEL_SUBGRAPHS)[0]
    t = damage._tables(b, sg, damage.SG_TENSORS)[index]
    q = damage._deref(b, damage._field(b, t, damage.T_QUANT))
    v, n = damage._vector(b, q, damage.Q_SCALE)
    assert n == 1
    return struct.unpack_from("<f", b, v + 4)[0]


def numpy_fc(b, model, relu):
    """FULLY_CONNECTED int8 (reference_integer_ops::FullyConnected, no activation) of `relu`
    (tensor 2's int8 values), from the weights, bias and scales in model bytes b."""
    info = {t.index: t for t in model.outputs}
    x, y = info[T_RELU], info[T_FC]
    w = tensor_data(b, T_FC_W, np.int8).astype(np.int64).reshape(4, -1)
    bias = tensor_data(b, T_FC_BIAS, np.int32).astype(np.int64)
    # GetQuantizedConvolutionMultipler: in double, from the float32 scales.
    real = float(np.float32(x.scale)) * float(np.float32(tensor_scale(b, T_FC_W))) / float(
        np.float32(y.scale))
    q, shift = ref.quantize_multiplier(real)
    acc = (np.asarray(relu, np.int64).reshape(1, -1) - x.zero_point) @ w.T + bias
    return np.clip(ref.mul_by_qm(ref.wrap32(acc), q, shift) + y.zero_point, -128, 127)


def frames():
    out = []
    for vec in mmldata.vectors(NAME):
        for xs, ys in vec.frames():
            out.append((vec.id, np.frombuffer(xs[0], np.int8), np.frombuffer(ys[0], np.int8)))
    assert out, "no micro_speech vectors"
    return out


def predict_all(model, x):
    y = model.predict(x)
    return list(y) if isinstance(y, tuple) else [y]


def test_output_read_by_a_later_op(microml):
    # outputs = [FC result] only: SOFTMAX still reads it, and must not overwrite it.
    b = mmldata.model_bytes(NAME)
    full = microml.Model(with_outputs(b, [T_RELU, T_FC, T_SOFTMAX]))
    fc_only = microml.Model(with_outputs(b, [T_FC]))
    assert [t.index for t in fc_only.outputs] == [T_FC]
    for vid, x, want_softmax in frames():
        relu, fc, softmax = predict_all(full, x)
        assert bytes(softmax) == want_softmax.tobytes(), vid
        want_fc = numpy_fc(b, full, relu)
        np.testing.assert_array_equal(np.asarray(fc).reshape(want_fc.shape), want_fc, vid)
        (got,) = predict_all(fc_only, x)
        np.testing.assert_array_equal(np.asarray(got).reshape(want_fc.shape), want_fc, vid)


@pytest.mark.parametrize("order", [[T_FC, T_SOFTMAX], [T_SOFTMAX, T_FC]])
def test_two_outputs_one_feeding_the_other(microml, order):
    b = mmldata.model_bytes(NAME)
    full = microml.Model(with_outputs(b, [T_RELU, T_FC, T_SOFTMAX]))
    model = microml.Model(with_outputs(b, order))
    for vid, x, want_softmax in frames():
        got = dict(zip(order, predict_all(model, x)))
        assert bytes(got[T_SOFTMAX]) == want_softmax.tobytes(), vid
        relu = predict_all(full, x)[0]
        want_fc = numpy_fc(b, full, relu)
        np.testing.assert_array_equal(np.asarray(got[T_FC]).reshape(want_fc.shape), want_fc, vid)


def test_input_that_is_also_an_output(microml):
    b = mmldata.model_bytes(NAME)
    model = microml.Model(with_outputs(b, [T_INPUT, T_SOFTMAX]))
    for vid, x, want_softmax in frames():
        echo, softmax = predict_all(model, x)
        assert bytes(echo) == x.tobytes(), vid
        assert bytes(softmax) == want_softmax.tobytes(), vid


@pytest.mark.parametrize("tensor", [T_FC, T_SOFTMAX])
def test_tensor_that_is_an_output_twice(microml, tensor):
    b = mmldata.model_bytes(NAME)
    full = microml.Model(with_outputs(b, [T_RELU, T_FC, T_SOFTMAX]))
    model = microml.Model(with_outputs(b, [tensor, T_SOFTMAX, tensor]))
    for vid, x, want_softmax in frames():
        first, softmax, second = predict_all(model, x)
        assert bytes(softmax) == want_softmax.tobytes(), vid
        want = want_softmax if tensor == T_SOFTMAX else numpy_fc(b, full, predict_all(full, x)[0])
        np.testing.assert_array_equal(np.asarray(first).reshape(want.shape), want, vid)
        np.testing.assert_array_equal(np.asarray(second).reshape(want.shape), want, vid)
