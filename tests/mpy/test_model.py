# SPDX-License-Identifier: MIT
# microml.Model on MicroPython: reference vectors, the API contract and damaged models.
# Runs in a directory holding the files staged by tests/mpy/run (index.txt lists them):
#   hw_int8.tflite, hw_float.tflite, <kind>_<name>.in / .out  (kind: i8, f32),
#   lstm.tflite, lstm_1.in / .out  (mnist_lstm_int8, a model with recurrent state)
# Prints one line per case, "ok <case>" or "FAIL <case>: <why>".
import gc
import sys
from array import array

import microml

ALLOWED = (ValueError, NotImplementedError, MemoryError)


def read(name):
    with open(name, "rb") as f:
        return f.read()


VECTORS = {"i8": [], "f32": []}
for line in read("index.txt").decode().split("\n"):
    if line:
        kind, name = line.split()
        VECTORS[kind].append(name)
HW_I8 = read("hw_int8.tflite")
HW_F32 = read("hw_float.tflite")


def vector(kind, name):
    return read("%s_%s.in" % (kind, name)), read("%s_%s.out" % (kind, name))


def floats(b):
    return array("f", b)


def close(got, want):
    for g, w in zip(got, want):
        d = abs(g - w)
        if d > 1e-6 and d > 1e-4 * abs(w):
            return False
    return len(got) == len(want)


def expect(exc, fn, text=None):
    try:
        fn()
    except exc as e:
        if text is not None and text not in str(e):
            raise AssertionError("%s message %r lacks %r" % (type(e).__name__, str(e), text))
        return
    raise AssertionError("%s not raised" % exc.__name__)


failed = 0


def case(fn):
    global failed
    name = fn.__name__[5:]
    try:
        fn()
        print("ok", name)
    except Exception as e:
        failed += 1
        print("FAIL %s: %s %s" % (name, type(e).__name__, e))
    gc.collect()
    return fn


@case
def test_api():
    assert microml.__version__ == "0.1.0", microml.__version__
    m = microml.Model(HW_I8)
    assert isinstance(m.arena_size, int) and m.arena_size > 0, m.arena_size
    assert isinstance(m.inputs, tuple) and len(m.inputs) == 1
    assert isinstance(m.outputs, tuple) and len(m.outputs) == 1
    for t in m.inputs + m.outputs:
        assert isinstance(t.index, int) and t.index >= 0
        assert isinstance(t.name, str) and t.name
        assert t.shape == (1, 1), t.shape
        assert t.dtype == "int8", t.dtype
        assert isinstance(t.zero_point, int)
        assert isinstance(t.scale, float) and t.scale > 0
    assert m.inputs[0].index != m.outputs[0].index
    f = microml.Model(HW_F32)
    assert f.inputs[0].dtype == "float32" and f.outputs[0].dtype == "float32"
    assert f.inputs[0].scale == 0.0 and f.inputs[0].zero_point == 0


@case
def test_tensorinfo_repr():
    t = microml.Model(HW_I8).inputs[0]
    r = repr(t)
    head = "microml.TensorInfo(index=0, name='serving_default_dense_input:0', shape=(1, 1), "
    assert r.startswith(head + "dtype='int8', scale=0.02448"), r
    assert r.endswith(", zero_point=-128)") and str(t) == r, r
    assert repr(microml.Model(HW_F32).outputs[0]).endswith("scale=0.0, zero_point=0)")


@case
def test_reset():
    m = microml.Model(read("lstm.tflite"))
    x, y = read("lstm_1.in"), read("lstm_1.out")
    assert bytes(m.predict(x)) == y
    assert bytes(m.predict(x)) != y  # the LSTM state carried over
    assert m.reset() is None
    assert bytes(m.predict(x)) == y
    assert microml.Model(HW_I8).reset() is None  # no state: nothing to do


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
    x, y = vector("i8", VECTORS["i8"][0])
    assert bytes(m.predict(x)) == y
    expect(ValueError, lambda: microml.Model(buf[1:]), "aligned")


@case
def test_int8_vectors():
    m = microml.Model(HW_I8)
    assert len(VECTORS["i8"]) >= 5
    for name in VECTORS["i8"]:
        x, y = vector("i8", name)
        r = m.predict(x)
        assert isinstance(r, array) and str(r).startswith("array('b'"), r
        assert bytes(r) == y, "vector %s: got %r want %r" % (name, bytes(r), y)
        assert bytes(m.predict(bytearray(x))) == y
        assert bytes(m.predict(memoryview(x))) == y
        assert bytes(m.predict(array("b", x))) == y


@case
def test_float_vectors():
    m = microml.Model(HW_F32)
    assert len(VECTORS["f32"]) >= 5
    for name in VECTORS["f32"]:
        x, y = vector("f32", name)
        r = m.predict(x)
        assert isinstance(r, array) and str(r).startswith("array('f'"), r
        assert close(r, floats(y)), "vector %s: got %r want %r" % (name, r, floats(y))
        assert close(m.predict(floats(x)), floats(y))
        assert close(m.predict(list(floats(x))), floats(y))


@case
def test_predict_out():
    m = microml.Model(HW_I8)
    x, y = vector("i8", VECTORS["i8"][0])
    out = bytearray(len(y))
    assert m.predict(x, out=out) is out and bytes(out) == y
    out = array("b", [0])
    assert m.predict(x, out) is out and bytes(out) == y
    expect(ValueError, lambda: m.predict(x, out=bytearray(len(y) + 1)), "needs")
    expect(ValueError, lambda: m.predict(x, out=b"\0" * len(y)))
    f = microml.Model(HW_F32)
    x, y = vector("f32", VECTORS["f32"][0])
    out = array("f", [0.0])
    assert f.predict(x, out=out) is out and close(out, floats(y))


@case
def test_float_input_quantized():
    m = microml.Model(HW_I8)
    t = m.inputs[0]
    for name in VECTORS["i8"]:
        x, y = vector("i8", name)
        q = array("b", x)[0]
        v = (q - t.zero_point) * t.scale
        assert bytes(m.predict([v])) == y, "list %s" % name
        assert bytes(m.predict((v,))) == y, "tuple %s" % name
        assert bytes(m.predict(array("f", [v]))) == y, "array('f') %s" % name
        assert bytes(m.predict(memoryview(array("f", [v])))) == y, "memoryview('f') %s" % name
    # Quantization clamps to the int8 range instead of wrapping.
    lo = bytes(m.predict([-1000.0]))
    assert lo == bytes(m.predict(array("b", [-128]))), lo
    expect(ValueError, lambda: m.predict([0.5, 0.5]))
    expect(ValueError, lambda: m.predict(array("f", [0.5, 0.5])))
    expect(ValueError, lambda: m.predict([]))


@case
def test_arena():
    m = microml.Model(HW_I8)
    x, y = vector("i8", VECTORS["i8"][0])
    arena = bytearray(m.arena_size)
    a = microml.Model(HW_I8, arena=arena)
    assert bytes(a.predict(x)) == y
    big = bytearray(m.arena_size + 64)
    assert bytes(microml.Model(HW_I8, arena=memoryview(big)[16:]).predict(x)) == y
    expect(MemoryError, lambda: microml.Model(HW_I8, arena=bytearray(m.arena_size - 1)), "needs")
    expect(MemoryError, lambda: microml.Model(HW_I8, arena=bytearray(0)), "needs")
    expect(ValueError, lambda: microml.Model(HW_I8, arena=memoryview(big)[1:]))
    expect(ValueError, lambda: microml.Model(HW_I8, arena=bytes(m.arena_size)))
    expect(ValueError, lambda: microml.Model(HW_I8, arena=5))


@case
def test_wrong_input():
    m = microml.Model(HW_I8)
    expect(ValueError, lambda: m.predict(b""), "needs 1 bytes, got 0")
    expect(ValueError, lambda: m.predict(b"12"), "needs 1 bytes, got 2")
    expect(ValueError, lambda: m.predict(5))
    expect(ValueError, lambda: m.predict(None))
    f = microml.Model(HW_F32)
    expect(ValueError, lambda: f.predict(b"123"), "input 0 needs 4 bytes, got 3")
    expect(ValueError, lambda: f.predict(b"12345"), "needs 4 bytes")
    expect(ValueError, lambda: microml.Model(5))
    expect(TypeError, lambda: microml.Model())


@case
def test_buffer_kept_alive():
    m = microml.Model(bytes(HW_I8))  # the only reference to this copy is the model's
    x, y = vector("i8", VECTORS["i8"][0])
    for i in range(20):
        junk = [bytes(range(i % 64, 64)) for _ in range(40)]
        gc.collect()
    del junk
    assert bytes(m.predict(x)) == y


@case
def test_damaged_empty():
    expect(ValueError, lambda: microml.Model(b""))
    expect(ValueError, lambda: microml.Model(bytearray(0)))
    expect(ValueError, lambda: microml.Model(bytes(64)))


def load_any(buf, x=None):
    # A damaged model may load (e.g. a flipped weight); then it must also run. Returns the outcome.
    try:
        m = microml.Model(buf)
        if x is not None and len(m.inputs) == 1 and m.inputs[0].dtype == "int8":
            n = 1
            for d in m.inputs[0].shape:
                n *= d
            if 0 < n < 4096:
                m.predict(bytes(n))
        return "ok"
    except ALLOWED as e:
        return type(e).__name__


@case
def test_damaged_truncated():
    n = len(HW_I8)
    for cut in (1, 3, 4, 7, 8, 12, 16, 24, 32, 64, 100, 200, n // 4, n // 2, 3 * n // 4):
        expect(ValueError, lambda: microml.Model(HW_I8[:cut]))
    for cut in (n - 64, n - 16, n - 4, n - 1):
        load_any(HW_I8[:cut], True)


@case
def test_damaged_identifier():
    for ident in (b"TFL2", b"XXXX", b"\0\0\0\0", b"tfl3"):
        bad = HW_I8[:4] + ident + HW_I8[8:]
        expect(ValueError, lambda: microml.Model(bad), None)


@case
def test_damaged_offsets():
    n = len(HW_I8)
    for root in (0, 4, n, n - 4, n + 4, 0x7FFFFFFC, 0xFFFFFFFC):
        bad = bytes([root & 255, root >> 8 & 255, root >> 16 & 255, root >> 24]) + HW_I8[4:]
        expect(ValueError, lambda: microml.Model(bad))
    # Every aligned word in turn set to a wild value: no crash, no hang.
    seen = {}
    for pos in range(8, n - 4, 4 if sys.platform != "qemu" else 12):
        for word in (b"\xff\xff\xff\x7f", b"\xfc\xff\xff\xff", b"\x00\x00\x01\x00"):
            r = load_any(HW_I8[:pos] + word + HW_I8[pos + 4:], True)
            seen[r] = seen.get(r, 0) + 1
    assert "ValueError" in seen, seen


@case
def test_damaged_flipped_bytes():
    n = len(HW_I8)
    seen = {}
    step = 1 if sys.platform != "qemu" else 3
    for pos in range(0, n, step):
        for mask in (0xFF, 0x80):
            b = bytearray(HW_I8)
            b[pos] ^= mask
            r = load_any(b, True)
            seen[r] = seen.get(r, 0) + 1
    assert "ValueError" in seen, seen


# Which microml ran: tests/mpy/run checks that .mpy faces really loaded the .mpy.
print("module: %s" % getattr(microml, "__file__", "built-in"))
