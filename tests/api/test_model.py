# SPDX-License-Identifier: MIT
# The microml Python API (docs/python-api.md) as one executable test for every face: CPython
# (numpy or not), the MicroPython unix port, the .mpy modules and the QEMU boards. Run it from
# this folder: `python3 test_model.py` (the extension on sys.path / PYTHONPATH) or
# `micropython test_model.py`. Data: files of that name in the current directory (a board: staged
# by tests/api/run), else $MICROML_DATA (default ../../../shared/data) and its sibling vectors/.
# Prints one line per case, "ok <case>", "FAIL <case>: <why>" or "skip <case>: <why>" (a generated
# model missing: tests/api/run makes it), and the values it checked; a
# line starting with "#" belongs to one face only (numpy, borrowing rules) and is not compared.
# Every other line must be identical on every face (tests/api/run compares them).
import gc
import os
import sys
from array import array

import microml

IS_CPYTHON = sys.implementation.name == "cpython"
try:
    import numpy as np
except ImportError:
    np = None

# name -> path under $MICROML_DATA ("v:" paths under its sibling vectors/)
HW_VECS = ("1", "2", "3", "narrow_1", "real_golden_x0.77", "real_golden_x3.14")
F32_VECS = ("1", "2", "3", "narrow_1", "real_golden_x0", "real_golden_x3")
FILES = {
    "hw_int8.tflite": "models/tflite-micro/hello_world_int8.tflite",
    "hw_float.tflite": "models/tflite-micro/hello_world_float.tflite",
    "lstm.tflite": "models/tflite-micro/mnist_lstm_int8.tflite",
    "wand.tflite": "models/mltk/tflite_micro_magic_wand.tflite",
    "add2.tflite": "models/tflite-micro-seanet/add0.tflite",
    "add2_1.in": "v:seanet_add0/public/1.in.bin",
    "add2_1.out": "v:seanet_add0/public/1.out.bin",
    # hello_world_int8 with op 0's result as a second output, made by tests/api/run (with
    # tests/py/damage.py) under build/api-test/
    "hw2out.tflite": "b:api-test/hw_two_outputs.tflite",
    # a scikit-learn Pipeline (StandardScaler + LogisticRegression on iris) converted by
    # microml_tools.sklearn, 12 samples and scikit-learn's labels and probabilities for them:
    # made by tests/api/run under build/api-test/
    "classic.mml": "b:api-test/classic.mml",
    "classic_x.bin": "b:api-test/classic_x.bin",
    "classic_ref.txt": "b:api-test/classic_ref.txt",
    "lstm_1.in": "v:mnist_lstm_int8/public/1.in.bin",
    "lstm_1.out": "v:mnist_lstm_int8/public/1.out.bin",
}
for _k, _d, _vs in (("i8", "hello_world_int8", HW_VECS), ("f32", "hello_world_float", F32_VECS)):
    for _v in _vs:
        FILES["%s_%s.in" % (_k, _v)] = "v:%s/public/%s.in.bin" % (_d, _v)
        FILES["%s_%s.out" % (_k, _v)] = "v:%s/public/%s.out.bin" % (_d, _v)


def path(name):
    try:
        os.stat(name)
        return name
    except OSError:
        pass
    root = os.getenv("MICROML_DATA") if hasattr(os, "getenv") else None
    root = root or "../../../shared/data"
    rel = FILES[name]
    if rel.startswith("b:"):
        return "../../build/" + rel[2:]
    if rel.startswith("v:"):
        return root + "/../vectors/" + rel[2:]
    return root + "/" + rel


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def model_bytes(name):
    """A model's bytes; on a board a zero-copy view of the file (run-on-qemu's file_view): the
    Cortex-M0's heap has no room for copies."""
    try:
        return file_view(name)
    except NameError:
        return read(name)


HW_I8 = read("hw_int8.tflite")
HW_F32 = read("hw_float.tflite")
FLOAT_ERRORS = (ValueError, NotImplementedError, MemoryError)


def vector(kind, name):
    return read("%s_%s.in" % (kind, name)), read("%s_%s.out" % (kind, name))


def flat(a):
    """The elements of a result as Python numbers: numpy arrays (CPython) and array.array
    (everywhere) are the documented representations of one result."""
    if hasattr(a, "reshape"):
        a = a.reshape(-1).tolist()
    return [x for x in a]


def raw(a):
    """The bytes of a result (numpy array or array.array)."""
    return a.tobytes() if hasattr(a, "tobytes") else bytes(a)


def fmt(values):
    return "[" + ", ".join(("%.4f" % v) if isinstance(v, float) else str(v) for v in values) + "]"


def close(got, want):
    for g, w in zip(got, want):
        d = abs(g - w)
        if d > 1e-6 and d > 1e-4 * abs(w):
            return False
    return len(got) == len(want)


def expect(exc, fn, text=None, show=True):
    """Runs fn, which must raise exc (with text in its message); prints the message."""
    try:
        fn()
    except exc as e:
        msg = str(e)
        if text is not None and text not in msg:
            raise AssertionError("%s message %r lacks %r" % (type(e).__name__, msg, text))
        if show:
            print("  %s: %s" % (type(e).__name__, msg))
        return msg
    raise AssertionError("%s not raised" % exc.__name__)


failed = 0


class Skip(Exception):
    pass


def case(fn):
    global failed
    name = fn.__name__[5:]
    try:
        fn()
        print("ok", name)
    except Skip as e:
        print("skip %s: %s" % (name, e))
    except Exception as e:
        failed += 1
        print("FAIL %s: %s %s" % (name, type(e).__name__, e))
    gc.collect()
    return fn


def face_case(fn):
    """A case whose checks differ by face (documented differences): its lines start with "#"."""
    global failed
    name = fn.__name__[5:]
    try:
        r = fn()
        print("# %s %s" % ("ok" if r is None else r, name))
    except Exception as e:
        failed += 1
        print("FAIL %s: %s %s" % (name, type(e).__name__, e))
    gc.collect()
    return fn


@case
def test_module():
    assert microml.__version__ == "0.1.0", microml.__version__
    for name in ("Model", "TensorInfo", "load"):
        assert hasattr(microml, name), name


@case
def test_tensor_info():
    m = microml.Model(HW_I8)
    assert isinstance(m.arena_size, int) and m.arena_size > 0, m.arena_size
    assert isinstance(m.inputs, tuple) and len(m.inputs) == 1
    assert isinstance(m.outputs, tuple) and len(m.outputs) == 1
    for t in m.inputs + m.outputs:
        assert isinstance(t, microml.TensorInfo)
        assert isinstance(t.index, int) and t.index >= 0
        assert isinstance(t.name, str) and t.name
        assert t.shape == (1, 1), t.shape
        assert t.dtype == "int8", t.dtype
        assert isinstance(t.zero_point, int)
        assert isinstance(t.scale, float) and t.scale > 0
        print("  %d %s %s %s %.8f %d" % (t.index, t.name, t.shape, t.dtype, t.scale, t.zero_point))
    assert m.inputs[0].index != m.outputs[0].index
    # A record that also unpacks and indexes like a tuple.
    index, name, shape, dtype, scale, zp = m.inputs[0]
    assert (index, name, shape, dtype, scale, zp) == (m.inputs[0].index, m.inputs[0].name,
        m.inputs[0].shape, m.inputs[0].dtype, m.inputs[0].scale, m.inputs[0].zero_point)
    assert m.inputs[0][2] == (1, 1) and m.inputs[0][-1] == -128
    f = microml.Model(HW_F32)
    assert f.inputs[0].dtype == "float32" and f.outputs[0].dtype == "float32"
    assert f.inputs[0].scale == 0.0 and f.inputs[0].zero_point == 0
    try:
        m.inputs[0].scale = 1.0
        raise AssertionError("TensorInfo is writable")
    except AttributeError:
        pass


@case
def test_repr():
    t = microml.Model(HW_I8).inputs[0]
    r = repr(t)
    head = "microml.TensorInfo(index=0, name='serving_default_dense_input:0', shape=(1, 1), "
    assert r.startswith(head + "dtype='int8', scale=0.02448"), r
    assert r.endswith(", zero_point=-128)") and str(t) == r, r
    assert repr(microml.Model(HW_F32).outputs[0]).endswith("scale=0.0, zero_point=0)")
    m = microml.Model(HW_I8)
    r = repr(m)
    assert r == "<microml.Model int8[1,1] -> int8[1,1], 3 ops, arena %d bytes>" % m.arena_size, r
    print("  " + repr(microml.Model(model_bytes("lstm.tflite"))).split(", arena")[0])


@case
def test_int8_vectors():
    m = microml.Model(HW_I8)
    for name in HW_VECS:
        x, y = vector("i8", name)
        r = m.predict(x)
        assert raw(r) == y, "vector %s: got %r want %r" % (name, raw(r), y)
        for form in (bytearray(x), memoryview(x), array("b", x), memoryview(bytearray(x))):
            assert raw(m.predict(form)) == y, (name, form)
        print("  %s -> %s" % (name, fmt(flat(r))))
    if not IS_CPYTHON or np is None:
        assert isinstance(r, array) and str(r).startswith("array('b'"), r
    else:
        assert isinstance(r, np.ndarray) and r.dtype == np.int8 and r.shape == (1, 1), r


@case
def test_float_vectors():
    m = microml.Model(HW_F32)
    for name in F32_VECS:
        x, y = vector("f32", name)
        want = array("f", y)
        r = m.predict(x)
        assert close(flat(r), want), "vector %s: got %r want %r" % (name, r, want)
        assert close(flat(m.predict(array("f", x))), want)
        assert close(flat(m.predict(list(array("f", x)))), want)
        assert close(flat(m.predict(tuple(array("f", x)))), want)
        print("  %s -> %s" % (name, fmt(flat(r))))
    if not IS_CPYTHON or np is None:
        assert isinstance(r, array) and str(r).startswith("array('f'"), r
    else:
        assert isinstance(r, np.ndarray) and r.dtype == np.float32 and r.shape == (1, 1), r


@case
def test_borrowed_view():
    # A model used where it lies, as from a device's flash: on boards, run-on-qemu's
    # file_view() gives a zero-copy memoryview of a file in the board's memory.
    try:
        buf = file_view("hw_int8.tflite")
    except NameError:
        buf = memoryview(bytearray(HW_I8))
    assert isinstance(buf, memoryview) and bytes(buf) == HW_I8
    m = microml.Model(buf)
    x, y = vector("i8", HW_VECS[0])
    assert raw(m.predict(x)) == y
    expect(ValueError, lambda: microml.Model(buf[1:]), "4-byte aligned")


@case
def test_float_input_quantized():
    m = microml.Model(HW_I8)
    t = m.inputs[0]
    for name in HW_VECS:
        x, y = vector("i8", name)
        q = array("b", x)[0]
        v = (q - t.zero_point) * t.scale  # the float that quantizes to exactly q
        for form in ([v], (v,), array("f", [v]), memoryview(array("f", [v]))):
            assert raw(m.predict(form)) == y, (name, form)
    # TFLite's QUANTIZE: round half away from zero, then clamp to the int8 range.
    for v in (0.77, 1.57, 2.3, 3.14, -1.0, 1000.0, -1000.0):
        r = v / t.scale
        r = int(r + 0.5) if r >= 0 else -int(-r + 0.5)
        q = max(-128, min(127, r + t.zero_point))
        assert raw(m.predict([v])) == raw(m.predict(array("b", [q]))), v
    assert raw(m.predict([-1000.0])) == raw(m.predict(array("b", [-128])))
    assert raw(m.predict([True])) == raw(m.predict([1.0])) == raw(m.predict([1]))


@case
def test_predict_out():
    m = microml.Model(HW_I8)
    for out in (bytearray(1), array("b", [0])):
        for name in HW_VECS:
            x, y = vector("i8", name)
            assert m.predict(x, out=out) is out and bytes(out) == y
    out = bytearray(1)
    x, y = vector("i8", HW_VECS[-1])
    assert m.predict(x, out) is out and out == y  # out may be positional
    expect(ValueError, lambda: m.predict(x, out=bytearray(2)), "output 0 needs 1 bytes, got 2")
    expect(ValueError, lambda: m.predict(x, out=bytearray(0)), "needs 1 bytes, got 0")
    expect(ValueError, lambda: m.predict(x, out=b"\0"), "writable")
    expect(ValueError, lambda: m.predict(x, out=(bytearray(1),)))  # one output: a buffer
    expect(ValueError, lambda: m.predict(x, out=array("f", [0.0])), "needs 1 bytes, got 4")
    f = microml.Model(HW_F32)
    x, y = vector("f32", F32_VECS[0])
    out = array("f", [0.0])
    assert f.predict(x, out=out) is out and close(out, array("f", y))


@case
def test_predict_out_forms():
    # Every container predict(x, out=y) takes gives the same bytes (MicroPython reads byte
    # containers straight from the object): bytes, bytearray, memoryviews at an offset, int8
    # arrays, x and out one buffer; anything else still takes the general path and its checks.
    m = microml.Model(HW_I8)
    for name in HW_VECS:
        x, y = vector("i8", name)
        want = raw(m.predict(x))
        assert want == y, name
        pad = bytearray(b"\x55\x55") + bytearray(x) + bytearray(b"\x55")
        outpad = bytearray(b"\xaa\xaa\xaa\xaa")
        for form in (bytes(x), bytearray(x), memoryview(bytes(x)), memoryview(pad)[2:3],
                     array("b", x), memoryview(array("b", x))):
            out = bytearray(1)
            assert m.predict(form, out=out) is out and bytes(out) == want, (name, form)
            view = memoryview(outpad)[1:2]
            assert m.predict(form, out=view) is view and bytes(outpad) == b"\xaa" + want + b"\xaa\xaa"
            outpad[1] = 0xAA
        both = bytearray(x)
        assert m.predict(both, out=both) is both and bytes(both) == want, name
        assert m.predict(x, out=bytearray(1), dequantize=False) == want  # the general path
    x, y = vector("i8", HW_VECS[0])
    expect(ValueError, lambda: m.predict(x, out=memoryview(b"\0")), "writable")
    expect(ValueError, lambda: m.predict(x, out=memoryview(bytearray(3))[1:]), "needs 1 bytes, got 2")
    expect(ValueError, lambda: m.predict(bytes(x) * 2, out=bytearray(1)), "1 bytes, got 2")
    expect(TypeError, lambda: m.predict(array("h", [0]), out=bytearray(1)), "int8")
    expect(ValueError, lambda: m.predict("a", out=bytearray(1)))
    expect(TypeError, lambda: m.predict(x, out=bytearray(1), nope=1), None, False)
    buf = bytearray(HW_I8)
    mv = memoryview(bytes(8) + bytes(HW_I8))[8:]
    for b in (buf, mv):
        assert microml.Model(b).predict(x, out=bytearray(1)) == y


@case
def test_dequantize():
    m = microml.Model(HW_I8)
    o = m.outputs[0]
    for name in HW_VECS:
        x, y = vector("i8", name)
        want = [(q - o.zero_point) * o.scale for q in array("b", y)]
        r = m.predict(x, dequantize=True)
        assert close(flat(r), want), (name, r, want)
        out = array("f", [0.0])
        assert m.predict(x, out=out, dequantize=True) is out and close(out, want)
        print("  %s -> %s" % (name, fmt(flat(r))))
    expect(ValueError, lambda: m.predict(x, out=bytearray(1), dequantize=True),
           "needs 4 bytes, got 1")
    # A float model's outputs are already floats.
    f = microml.Model(HW_F32)
    x, y = vector("f32", F32_VECS[0])
    assert raw(f.predict(x, dequantize=True)) == raw(f.predict(x))


@case
def test_argmax_top_k():
    w = microml.Model(model_bytes("wand.tflite"))
    n = 1
    for d in w.outputs[0].shape:
        n *= d
    print("  labels %s, %d classes" % (w.labels, n))
    # As the model's MLTK summary lists them ("Classes: wing, ring, slope, negative").
    assert w.labels == ("wing", "ring", "slope", "negative"), w.labels
    assert len(w.labels) == n
    assert microml.Model(HW_I8).labels is None
    k = 1
    for d in w.inputs[0].shape:
        k *= d
    print("  input %s %s" % (w.inputs[0].dtype, w.inputs[0].shape))
    xs = [[0.0] * k, [((7 * i) % 19 - 9) * 0.1 for i in range(k)],
          [((131 * i + 5) % 23 - 11) * 0.05 for i in range(k)]]
    for x in xs:
        y = flat(w.predict(x, dequantize=True))
        best = 0
        for i in range(n):
            if y[i] > y[best]:
                best = i
        assert w.argmax(x) == best
        top = w.top_k(x, n)
        assert [i for i, _ in top] == sorted(range(n), key=lambda i: (-y[i], i)), (top, y)
        assert close([s for _, s in top], [y[i] for i, _ in top])
        assert w.top_k(x) == top[:1] and w.top_k(x, 2) == top[:2]
        idx, score = array("i", [0, 0]), array("f", [0.0, 0.0])
        out = (idx, score)
        assert w.top_k(x, 2, out=out) is out
        assert list(idx) == [i for i, _ in top[:2]] and close(score, [s for _, s in top[:2]])
        print("  argmax %d (%s), top_k %s" % (best, w.labels[best],
              ", ".join("%d:%.4f" % p for p in top)))
    x = xs[0]
    expect(ValueError, lambda: w.top_k(x, 0), "k must be 1..%d, got 0" % n)
    expect(ValueError, lambda: w.top_k(x, n + 1), "got %d" % (n + 1))
    expect(ValueError, lambda: w.argmax(x, output=1), "output 1 out of range")
    expect(ValueError, lambda: w.top_k(x, 1, output=-1), "output -1 out of range")
    expect(ValueError, lambda: w.top_k(x, 2, out=(array("i", [0]), array("f", [0.0, 0.0]))))
    expect(ValueError, lambda: w.top_k(x, 1, out=(array("f", [0.0]), array("f", [0.0]))))
    expect(ValueError, lambda: w.top_k(x, 1, out=[array("i", [0]), array("f", [0.0])]))
    expect(ValueError, lambda: w.argmax(b"123"), "needs %d bytes" % (4 * k))


@case
def test_two_inputs():
    # seanet's ADD layer: two int16 inputs of (1, 1, 5, 64), one output.
    m = microml.Model(model_bytes("add2.tflite"))
    assert len(m.inputs) == 2 and len(m.outputs) == 1
    assert [t.dtype for t in m.inputs + m.outputs] == ["int16"] * 3
    x, y = read("add2_1.in"), read("add2_1.out")
    n = len(x) // 2
    x0, x1 = x[:n], x[n:]
    assert raw(m.predict((x0, x1))) == y and raw(m.predict([x0, x1])) == y
    assert raw(m.predict((array("h", x0), memoryview(x1)))) == y
    out = array("h", bytes(len(y)))
    assert m.predict((x0, x1), out=out) is out and bytes(out) == y
    print("  %s -> %s" % (repr(m).split(", arena")[0], fmt(flat(array("h", y))[:4])))
    o = m.outputs[0]
    d = flat(m.predict((x0, x1), dequantize=True))
    assert close(d, [(q - o.zero_point) * o.scale for q in array("h", y)])
    best = 0
    for i, q in enumerate(array("h", y)):
        if q > array("h", y)[best]:
            best = i
    assert m.argmax((x0, x1)) == best and m.top_k([x0, x1])[0][0] == best
    expect(ValueError, lambda: m.predict(x0), "model has 2 inputs: x must be a tuple or list of 2")
    expect(ValueError, lambda: m.predict((x0,)), "model has 2 inputs, got 1")
    expect(ValueError, lambda: m.predict((x0, x1, x1)), "model has 2 inputs, got 3")
    expect(ValueError, lambda: m.predict((x0, b"")), "input 1 needs %d bytes, got 0" % n)
    expect(TypeError, lambda: m.predict((x0, array("b", x1))), "input 1 is int16: got an array of int8")
    expect(ValueError, lambda: m.argmax([x0]), "model has 2 inputs, got 1")


@case
def test_two_outputs():
    try:
        buf = model_bytes("hw2out.tflite")
    except (OSError, KeyError):
        raise Skip("no %s: tests/api/run makes it" % path("hw2out.tflite"))
    m = microml.Model(buf)
    assert len(m.outputs) == 2 and m.outputs[1].dtype == "int8"
    n1 = 1
    for d in m.outputs[1].shape:
        n1 *= d
    assert n1 > 1
    for name in HW_VECS:
        x, y = vector("i8", name)
        r = m.predict(x)
        assert isinstance(r, tuple) and len(r) == 2 and raw(r[0]) == y, r
        y1 = raw(r[1])
        outs = (bytearray(1), array("b", bytes(n1)))
        assert m.predict(x, out=outs) is outs and bytes(outs[0]) == y and bytes(outs[1]) == y1
        lst = [bytearray(1), bytearray(n1)]
        assert m.predict(x, lst) is lst and bytes(lst[1]) == y1
        q = array("b", y1)
        best = 0
        for i in range(n1):
            if q[i] > q[best]:
                best = i
        assert m.argmax(x, output=1) == best and m.top_k(x, 1, output=1)[0][0] == best
        # op 0 is FULLY_CONNECTED + RELU: never below its zero point
        assert min(q) >= m.outputs[1].zero_point
    print("  %s" % repr(m).split(", arena")[0])
    expect(ValueError, lambda: m.predict(x, out=bytearray(1)),
           "model has 2 outputs: out must be a tuple or list of 2 buffers")
    expect(ValueError, lambda: m.predict(x, out=(bytearray(1),)), "out needs 2 buffers, got 1")
    expect(ValueError, lambda: m.predict(x, out=(bytearray(1), bytearray(n1 + 1))),
           "output 1 needs %d bytes, got %d" % (n1, n1 + 1))
    expect(ValueError, lambda: m.predict(x, out=(bytearray(1), bytes(n1))), "out 1 must be a writable")
    expect(ValueError, lambda: m.argmax(x, output=2), "output 2 out of range (model has 2)")


@case
def test_reset():
    m = microml.Model(model_bytes("lstm.tflite"))
    x, y = read("lstm_1.in"), read("lstm_1.out")
    assert raw(m.predict(x)) == y
    assert raw(m.predict(x)) != y  # the LSTM state carried over
    assert m.reset() is None
    assert raw(m.predict(x)) == y
    assert microml.Model(HW_I8).reset() is None  # no state: nothing to do


@case
def test_arena():
    m = microml.Model(HW_I8)
    n = m.arena_size
    x, y = vector("i8", HW_VECS[0])
    a = microml.Model(HW_I8, arena=bytearray(n))
    assert a.arena_size == n and raw(a.predict(x)) == y
    big = bytearray(n + 64)
    assert raw(microml.Model(HW_I8, arena=memoryview(big)[16:]).predict(x)) == y
    assert raw(microml.Model(HW_I8, arena=bytearray(n + 64)).predict(x)) == y
    for size in (n - 1, n // 2, 0):
        expect(MemoryError, lambda: microml.Model(HW_I8, arena=bytearray(size)),
               "arena needs %d bytes, got %d" % (n, size), show=False)
    # (arena sizes differ between 64- and 32-bit targets: messages with them are not printed)
    expect(ValueError, lambda: microml.Model(HW_I8, arena=memoryview(big)[1:]), "8-byte aligned")
    expect(ValueError, lambda: microml.Model(HW_I8, arena=memoryview(big)[4:]), "8-byte aligned")
    expect(ValueError, lambda: microml.Model(HW_I8, arena=bytes(n)), "writable")
    expect(ValueError, lambda: microml.Model(HW_I8, arena=5), "writable")


@case
def test_wrong_input():
    m = microml.Model(HW_I8)
    expect(ValueError, lambda: m.predict(b""), "input 0 needs 1 bytes, got 0")
    expect(ValueError, lambda: m.predict(b"12"), "input 0 needs 1 bytes, got 2")
    expect(ValueError, lambda: m.predict([0.1, 0.2]), "input 0 needs 1 values, got 2")
    expect(ValueError, lambda: m.predict(array("f", [0.1, 0.2])), "input 0 needs 1 values, got 2")
    expect(ValueError, lambda: m.predict([]), "needs 1 values, got 0")
    expect(ValueError, lambda: m.predict(["a"]), "item 0 is not a number")
    expect(ValueError, lambda: m.predict([None]), "item 0 is not a number")
    for bad in ("a", None, 5, 1.5, {}):
        expect(ValueError, lambda: m.predict(bad), "input 0 must be a buffer", show=False)
    # An integer array of another dtype is ambiguous (raw values or real values?): refused.
    expect(TypeError, lambda: m.predict(array("B", [1])), "input 0 is int8: got an array of uint8")
    expect(TypeError, lambda: m.predict(array("h", [1])), "got an array of int16")
    expect(TypeError, lambda: m.predict(array("i", [1])), "got an array of int32")
    expect(TypeError, lambda: m.predict(), show=False)  # the interpreter's own message
    f = microml.Model(HW_F32)
    expect(ValueError, lambda: f.predict(b"123"), "input 0 needs 4 bytes, got 3")
    expect(ValueError, lambda: f.predict(b"12345"), "needs 4 bytes")
    # A float tensor takes integer arrays as values.
    assert raw(f.predict(array("h", [2]))) == raw(f.predict([2.0]))
    x, y = vector("i8", HW_VECS[0])
    assert raw(m.predict(x)) == y  # still works after errors


@case
def test_wrong_model():
    for bad in (None, 5, "abc", [1, 2, 3], 1.5):
        expect(ValueError, lambda: microml.Model(bad), "model must be a bytes-like object",
               show=False)
    expect(TypeError, lambda: microml.Model(), show=False)
    for bad in (b"", bytearray(0), HW_I8[:100], HW_I8[:4] + b"XXXX" + HW_I8[8:], bytes(64)):
        msg = expect(ValueError, lambda: microml.Model(bad))
        assert msg and "\n" not in msg and "internal" not in msg, msg
    raw_ = bytearray(len(HW_I8) + 8)
    raw_[4:4 + len(HW_I8)] = HW_I8
    assert raw(microml.Model(memoryview(raw_)[4:4 + len(HW_I8)]).predict(b"\0")) == \
        raw(microml.Model(HW_I8).predict(b"\0"))
    raw_[1:1 + len(HW_I8)] = HW_I8
    expect(ValueError, lambda: microml.Model(memoryview(raw_)[1:1 + len(HW_I8)]), "4-byte aligned")


@case
def test_load():
    m = microml.load(HW_I8)
    assert type(m) is microml.Model and raw(m.predict(b"\0")) == raw(microml.Model(HW_I8).predict(b"\0"))
    n = m.arena_size
    assert microml.load(HW_I8, arena=bytearray(n)).arena_size == n
    expect(MemoryError, lambda: microml.load(HW_I8, arena=bytearray(n - 1)),
           "arena needs %d bytes, got %d" % (n, n - 1), show=False)
    expect(ValueError, lambda: microml.load("models/hello_world_int8.tflite"), "got a str")
    expect(ValueError, lambda: microml.load(b"PK\x03\x04" + bytes(60)), "zip")
    expect(ValueError, lambda: microml.load(b"TFL3"), "too short")
    expect(ValueError, lambda: microml.load(b"\x89HDF\r\n\x1a\n" + bytes(8)), "HDF5")
    expect(ValueError, lambda: microml.load(b'{"model": 1}'), "text")
    expect(ValueError, lambda: microml.load(bytes(64)), "TFL3")
    expect(ValueError, lambda: microml.load(None), "bytes-like")
    expect(TypeError, lambda: microml.load(HW_I8, bytearray(n)), show=False)  # arena: keyword
    expect(TypeError, lambda: microml.load(HW_I8, area=bytearray(n)), show=False)
    expect(TypeError, lambda: microml.load(), show=False)
    # Valid identifier, broken inside: the family's own loader explains.
    expect(ValueError, lambda: microml.load(HW_I8[:200]))


@face_case
def test_borrowing():
    # The model bytes and a caller's arena are borrowed. CPython holds them (resizing is refused
    # with BufferError); MicroPython re-checks them on every call and raises ValueError.
    x, y = vector("i8", HW_VECS[0])
    b = bytearray(HW_I8)
    m = microml.Model(b)
    arena = bytearray(m.arena_size)
    a = microml.Model(HW_I8, arena=arena)
    assert raw(m.predict(x)) == y and raw(a.predict(x)) == y
    if IS_CPYTHON:
        for buf in (b, arena):
            try:
                buf.extend(bytes(4096))
                raise AssertionError("resize allowed")
            except BufferError:
                pass
        assert raw(m.predict(x)) == y and raw(a.predict(x)) == y
        return "ok (CPython: BufferError on resize)"
    b.extend(bytes(256))  # moves (or grows) the bytes: the model would read freed memory
    for call in (lambda: m.predict(x), lambda: m.predict(x, out=bytearray(1)), m.reset,
                 lambda: m.argmax(x), lambda: m.top_k(x)):
        expect(ValueError, call, "model buffer was resized or moved after Model(): keep it "
               "unchanged", show=False)
    arena.extend(bytes(256))
    expect(ValueError, lambda: a.predict(x), "arena was resized or moved", show=False)
    return "ok (MicroPython: ValueError after resize)"


@case
def test_buffer_kept_alive():
    m = microml.Model(bytes(HW_I8))  # the only reference to this copy is the model's
    x, y = vector("i8", HW_VECS[0])
    for i in range(20):
        junk = [bytes(range(i % 64, 64)) for _ in range(40)]
        gc.collect()
    del junk
    assert raw(m.predict(x)) == y
    models = [microml.Model(HW_I8) for _ in range(50)]
    assert all(raw(k.predict(x)) == y for k in models)


@face_case
def test_numpy():
    if np is None:
        return "skip (no numpy on this face)"
    m = microml.Model(HW_I8)
    # A float64 batch of 8 (numpy's default dtype): 8 rows equal to 8 single calls.
    xs = np.linspace(0.0, 6.0, 8).reshape(8, 1)
    ys = m.predict(xs)
    assert ys.shape == (8, 1) and ys.dtype == np.int8, ys
    for k in range(8):
        assert np.array_equal(ys[k], m.predict(xs[k:k + 1])[0]), k
        assert np.array_equal(ys[k], m.predict([float(xs[k, 0])])[0]), k
    assert np.array_equal(m.predict(xs.astype(np.float32)), ys)
    d = m.predict(xs, dequantize=True)
    assert d.shape == (8, 1) and d.dtype == np.float32
    out = np.zeros((8, 1), np.int8)
    assert m.predict(xs, out=out) is out and np.array_equal(out, ys)
    expect(ValueError, lambda: m.predict(xs, out=np.zeros(1, np.int8)), "needs 8 bytes", False)
    # Integers of the tensor's dtype are taken as is; uint8 for an int8 tensor is refused.
    q = np.array([[5]], np.int8)
    assert np.array_equal(m.predict(q), m.predict(q.tobytes()))
    expect(TypeError, lambda: m.predict(np.array([[5]], np.uint8)), "got an array of uint8", False)
    expect(ValueError, lambda: m.predict(np.zeros((3, 2))), "needs 1 values, got 6", False)
    expect(ValueError, lambda: m.argmax(xs), "argmax takes one input, not a batch", False)
    expect(ValueError, lambda: m.top_k(xs), "top_k takes one input, not a batch", False)
    # numpy arrays as top_k's out (their formats carry a byte-order prefix).
    idx, score = np.zeros(1, np.int32), np.zeros(1, np.float32)
    assert m.top_k(xs[:1], 1, out=(idx, score))[0] is idx
    assert (int(idx[0]), float(score[0])) == m.top_k(xs[:1], 1)[0]
    expect(ValueError, lambda: m.top_k(xs[:1], 1, out=(np.zeros(1, np.int64), score)), None, False)
    # Several inputs: batches must agree.
    a = microml.Model(model_bytes("add2.tflite"))
    z2, z3 = np.zeros((2, 1, 5, 64), np.int16), np.zeros((3, 1, 5, 64), np.int16)
    assert a.predict((z2, z2)).shape == (2, 1, 5, 64)
    expect(ValueError, lambda: a.predict((z2, z3)), "input 1 has a batch of 3, input 0 of 2", False)
    # A float model takes any numeric dtype as values; outputs have the tensor's shape.
    f = microml.Model(HW_F32)
    assert np.allclose(f.predict(np.array([[1]], np.int64)), f.predict([1.0]))
    assert f.predict(np.float64([[1.0]])).shape == (1, 1)
    # float16 values (exact in float32), and strided views (taken as a contiguous copy).
    for v in np.array([0.0, 1.0, -2.5, 6.1e-5, 3e-7, 65504.0, 1 / 3, -0.0], np.float16):
        assert f.predict(np.array([[v]], np.float16)).tobytes() == f.predict([float(v)]).tobytes()
    grid = np.arange(16, dtype=np.float32).reshape(4, 4)
    col = grid[:, 1:2]
    assert not col.flags["C_CONTIGUOUS"]
    assert np.array_equal(f.predict(col), f.predict(np.ascontiguousarray(col)))


@face_case
def test_heap_lock():
    # predict(x, out=y) and argmax allocate nothing (MicroPython: works under heap_lock).
    try:
        import micropython
        micropython.heap_lock
    except (ImportError, AttributeError):
        return "skip (no heap_lock on this face)"
    m = microml.Model(HW_I8)
    x, y = vector("i8", HW_VECS[0])
    out = bytearray(1)
    fout = array("f", [0.0])
    micropython.heap_lock()
    try:
        for _ in range(100):
            m.predict(x, out=out)
            m.predict(x, out=fout, dequantize=True)
            m.predict(x, out)
    finally:
        micropython.heap_unlock()
    assert out == y


def load_any(buf, run=False):
    # A damaged model may load (e.g. a flipped weight); then it must also run. Returns the outcome.
    try:
        m = microml.Model(buf)
        if run and len(m.inputs) == 1 and m.inputs[0].dtype == "int8":
            n = 1
            for d in m.inputs[0].shape:
                n *= d
            if 0 < n < 4096:
                m.predict(bytes(n))
        return "ok"
    except FLOAT_ERRORS as e:
        return type(e).__name__


SLOW = sys.platform in ("qemu", "linux") and not IS_CPYTHON and sys.platform == "qemu"


@case
def test_damaged_truncated():
    n = len(HW_I8)
    for cut in (1, 3, 4, 7, 8, 12, 16, 24, 32, 64, 100, 200, n // 4, n // 2, 3 * n // 4):
        expect(ValueError, lambda: microml.Model(HW_I8[:cut]), show=False)
    for cut in (n - 64, n - 16, n - 4, n - 1):
        load_any(HW_I8[:cut], True)


@case
def test_damaged_identifier():
    for ident in (b"TFL2", b"XXXX", b"\0\0\0\0", b"tfl3"):
        bad = HW_I8[:4] + ident + HW_I8[8:]
        expect(ValueError, lambda: microml.Model(bad), show=False)


@case
def test_damaged_offsets():
    n = len(HW_I8)
    for root in (0, 4, n, n - 4, n + 4, 0x7FFFFFFC, 0xFFFFFFFC):
        bad = bytes([root & 255, root >> 8 & 255, root >> 16 & 255, root >> 24]) + HW_I8[4:]
        expect(ValueError, lambda: microml.Model(bad), show=False)
    # Every aligned word in turn set to a wild value: no crash, no hang.
    seen = {}
    for pos in range(8, n - 4, 12 if SLOW else 4):
        for word in (b"\xff\xff\xff\x7f", b"\xfc\xff\xff\xff", b"\x00\x00\x01\x00"):
            r = load_any(HW_I8[:pos] + word + HW_I8[pos + 4:], True)
            seen[r] = seen.get(r, 0) + 1
    assert "ValueError" in seen, seen


@case
def test_damaged_flipped_bytes():
    n = len(HW_I8)
    seen = {}
    for pos in range(0, n, 3 if SLOW else 1):
        for mask in (0xFF, 0x80):
            b = bytearray(HW_I8)
            b[pos] ^= mask
            r = load_any(b, True)
            seen[r] = seen.get(r, 0) + 1
    assert "ValueError" in seen, seen


@case
def test_classic():
    # A classical model (docs/classic-format.md): load() gives a ClassicModel whose predict and
    # predict_proba equal scikit-learn's, one sample or a batch (n=), with or without out=.
    try:
        blob = model_bytes("classic.mml")
        xs = array("f", read("classic_x.bin"))
        ref = [line.split() for line in read("classic_ref.txt").decode().split("\n") if line]
    except OSError:
        raise Skip("build/api-test/classic.mml missing (tests/api/run makes it)")
    labels = [int(r[0]) for r in ref]
    probas = [[float(v) for v in r[1:]] for r in ref]
    m = microml.load(blob)
    assert isinstance(m, microml.ClassicModel), type(m)
    assert m.n_features == 4 and m.classes == (0, 1, 2), (m.n_features, m.classes)
    nf, n = m.n_features, len(ref)
    assert len(xs) == n * nf
    print("  %s: %d features, classes %s, %d samples" % (m.kind, nf, m.classes, n))
    for k in range(n):
        row = xs[k * nf:(k + 1) * nf]
        got = m.predict(row)
        assert isinstance(got, int) and got == labels[k], (k, got, labels[k])
        assert m.predict([float(v) for v in row]) == got  # a list of floats
        assert m.predict(bytes(row)) == got  # raw float32 bytes
        p = flat(m.predict_proba(row))
        assert close(p, probas[k]), (k, p, probas[k])
    assert flat(m.predict(xs, n=n)) == labels
    out = array("i", bytes(4 * n))
    assert m.predict(xs, out, n=n) is out and list(out) == labels
    pout = array("f", bytes(4 * 3 * n))
    assert m.predict_proba(xs, out=pout, n=n) is pout
    assert close(list(pout), [v for p in probas for v in p])
    print("  labels %s" % fmt(labels))
    one = xs[:nf]
    expect(ValueError, lambda: m.predict([1.0] * 5), "X has 5 features, the model takes 4")
    expect(ValueError, lambda: m.predict(xs, n=n + 1), "not n=%d samples" % (n + 1))
    expect(ValueError, lambda: m.predict(xs, array("i", bytes(4)), n=n), "out needs %d bytes" % (4 * n))
    expect(TypeError, lambda: m.predict(one, array("f", bytes(4))), "out must hold 'i'")
    expect(TypeError, lambda: m.predict("abcd"))
    expect(TypeError, lambda: m.predict([1.0, "a", 2.0, 3.0]), "item 1")
    expect(ValueError, lambda: m.transform(one), "has no transform")
    expect(ValueError, lambda: microml.load(bytes(blob)[:len(blob) - 4]))


# Which microml ran: tests/api/run checks that .mpy faces really loaded the .mpy.
print("# module: %s" % getattr(microml, "__file__", "built-in"))
print("%d failed" % failed)
