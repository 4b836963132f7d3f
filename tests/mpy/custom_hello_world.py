# SPDX-License-Identifier: MIT
# The custom build of `make custom` (hello_world_int8's ops only) on MicroPython: hello_world's
# vectors run, and a model needing other ops is refused by name as not in this build.
# tests/mpy/run runs it on its *-custom faces with the files it stages for test_model.py plus
# pd.tflite (person_detect). Prints "ok <case>" or "FAIL <case>: <why>" per case.
import gc

import microml


def read(name):
    with open(name, "rb") as f:
        return f.read()


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
def test_hello_world_vectors():
    m = microml.Model(read("hw_int8.tflite"))
    names = [l.split()[1] for l in read("index.txt").decode().split("\n") if l.startswith("i8 ")]
    assert len(names) >= 5, names
    for name in names:
        y = read("i8_%s.out" % name)
        got = bytes(m.predict(read("i8_%s.in" % name)))
        assert got == y, "vector %s: got %r want %r" % (name, got, y)


def refused(model):
    try:
        microml.Model(model)
    except NotImplementedError as e:
        return str(e)
    raise AssertionError("loaded a model whose ops are not in this build")


@case
def test_person_detect_not_in_this_build():
    msg = refused(read("pd.tflite"))
    assert "CONV_2D: not in this build" in msg, msg


@case
def test_lstm_not_in_this_build():
    msg = refused(read("lstm.tflite"))
    assert "not in this build" in msg, msg


print("module: %s" % getattr(microml, "__file__", "built-in"))
