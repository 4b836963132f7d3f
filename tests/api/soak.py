# SPDX-License-Identifier: MIT
# Soak test of the MicroPython API (unix port, and its AddressSanitizer build): 100,000
# predict(x, out=y) calls with gc.collect() between batches, models created and dropped in a
# loop, and the out= forms under micropython.heap_lock(): the heap must not grow, nothing may
# allocate on those paths, and a model whose buffer moved must raise, never read freed memory.
# Run from this folder: `micropython soak.py`. Prints "ok <case>" / "FAIL <case>: <why>".
import gc
import os
from array import array

import micropython
import microml

root = (os.getenv("MICROML_DATA") if hasattr(os, "getenv") else None) or "../../../shared/data"
with open(root + "/models/tflite-micro/hello_world_int8.tflite", "rb") as f:
    HW = f.read()
failed = 0


def case(fn):
    global failed
    try:
        fn()
        print("ok", fn.__name__[5:])
    except Exception as e:
        failed += 1
        print("FAIL %s: %s %s" % (fn.__name__[5:], type(e).__name__, e))
    gc.collect()


@case
def test_predict_out_no_growth():
    m = microml.Model(HW)
    x, y = bytes(1), bytearray(1)
    m.predict(x, out=y)  # first call: any lazy state exists from here on
    gc.collect()
    before = gc.mem_free()
    for _ in range(100):
        for _ in range(1000):
            m.predict(x, out=y)
        gc.collect()
    after = gc.mem_free()
    print("  100000 calls: heap free %d -> %d" % (before, after))
    assert after >= before, (before, after)


@case
def test_models_created_and_dropped():
    x, y = bytes(1), bytearray(1)
    microml.Model(HW).predict(x, out=y)
    want = bytes(y)
    gc.collect()
    before = gc.mem_free()
    for i in range(300):
        m = microml.Model(HW)
        m.predict(x, out=y)
        assert y == want
        m = None
        if i % 50 == 49:
            gc.collect()
    gc.collect()
    after = gc.mem_free()
    print("  300 models: heap free %d -> %d" % (before, after))
    assert after >= before, (before, after)


@case
def test_heap_locked():
    m = microml.Model(HW)
    x, y, f, v = bytes(1), bytearray(1), array("f", [0.0]), [0.5]
    idx, score = array("i", [0]), array("f", [0.0])
    out = (idx, score)
    micropython.heap_lock()
    try:
        for _ in range(1000):
            m.predict(x, out=y)
            m.predict(v, out=y)
            m.predict(x, out=f, dequantize=True)
            m.argmax(x)
            m.top_k(x, 1, out=out)
    finally:
        micropython.heap_unlock()
    assert bytes(y) == bytes(m.predict(v)) and idx[0] == m.argmax(x)


@case
def test_moved_buffers_raise():
    # The model's bytearray and a caller's arena resized after Model(): their old memory is
    # freed and reused; every call must raise instead of reading it.
    for _ in range(20):
        b = bytearray(HW)
        arena = bytearray(microml.Model(HW).arena_size)
        m = microml.Model(b)
        a = microml.Model(HW, arena=arena)
        b.extend(bytes(8192))
        arena.extend(bytes(8192))
        junk = [bytearray(len(HW)) for _ in range(4)]  # reuse the freed blocks
        for call in (lambda: m.predict(b"\0"), lambda: a.predict(b"\0"), m.reset,
                     lambda: m.argmax(b"\0")):
            try:
                call()
                raise AssertionError("no error")
            except ValueError as e:
                assert "resized or moved" in str(e), str(e)
        del junk
        gc.collect()


print("%d failed" % failed)
