# SPDX-License-Identifier: MIT
# The gesture part of the Python API (docs/python-api.md, "Gesture") as one executable test for
# every face, like test_model.py: rasterize_stroke, stroke_from_gyro and IMUFeatures. Prints one
# line per case and the values it checked; tests/api/run compares the output of every face with
# CPython's. Inputs are exact in float32 (multiples of 1/128 and small integers), so the single-
# precision boards see the same numbers.
import gc
import os
import sys
from array import array

import microml

FILES = {}


def path(name):
    return name


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def flat(a):
    if hasattr(a, "reshape"):
        a = a.reshape(-1).tolist()
    return [x for x in a]


def checksum(b):
    """A position-weighted sum of a buffer's bytes (equal images, equal sums)."""
    s = 0
    for i, v in enumerate(bytes(b)):
        s = (s * 31 + v + i) % 1000000007
    return s


def expect(exc, fn, text=None):
    try:
        fn()
    except exc as e:
        msg = str(e)
        if text is not None and text not in msg:
            raise AssertionError("%s message %r lacks %r" % (type(e).__name__, msg, text))
        print("  %s: %s" % (type(e).__name__, msg))
        return msg
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


# A digit-like stroke: 40 points on multiples of 1/128.
STROKE = []
for _i in range(40):
    _x = ((_i * 13) % 40 - 20) / 128.0
    _y = (20 - _i) / 64.0
    STROKE += [_x, _y]


@case
def test_names():
    for name in ("rasterize_stroke", "stroke_from_gyro", "IMUFeatures"):
        assert hasattr(microml, name), name


@case
def test_rasterize_line():
    img = microml.rasterize_stroke([-0.3, 0.0, 0.3, 0.0])
    assert len(img) == 32 * 32 * 3
    lit = [i // 3 for i in range(0, len(img), 3) if img[i] != 0x80 or img[i + 1] != 0x80]
    print("  lit", [(p // 32, p % 32) for p in lit][:3], len(lit))
    assert lit == [16 * 32 + x for x in range(8, 25)]
    assert bytes(img[3 * lit[0]:3 * lit[0] + 3]) == b"\x7f\x80\x80"  # red: 255 - 128, -128, -128


@case
def test_rasterize_kinds_agree():
    want = checksum(microml.rasterize_stroke(STROKE))
    s8 = array("b", [int(v * 128) for v in STROKE])
    got = [checksum(microml.rasterize_stroke(x)) for x in
           (array("f", STROKE), tuple(STROKE), s8, bytes(s8))]
    print("  checksum", want)
    assert got == [want] * 4, got
    out = bytearray(3072)
    assert microml.rasterize_stroke(STROKE, out) is out and checksum(out) == want
    small = microml.rasterize_stroke(STROKE, range=0.3, width=20, height=10)
    print("  20x10", len(small), checksum(small))


@case
def test_rasterize_errors():
    expect(ValueError, lambda: microml.rasterize_stroke([0.0, 0.0, 1.0]), "got 3 values")
    expect(ValueError, lambda: microml.rasterize_stroke([0.0, 0.0, 99.0, 0.0]), "point 1")
    expect(ValueError, lambda: microml.rasterize_stroke([0.0, 0.0], bytearray(5)), "3072")
    expect(ValueError, lambda: microml.rasterize_stroke([0.0, 0.0], range=-1.0))
    expect(TypeError, lambda: microml.rasterize_stroke([0.0, None]), "item 1")
    expect(TypeError, lambda: microml.rasterize_stroke(array("h", [0, 0])), "'h'")


GYRO = array("f", [float(((i * 7) % 23 - 11) * 16) for i in range(3 * 64)])


@case
def test_stroke_from_gyro():
    p = flat(microml.stroke_from_gyro(GYRO, 128.0, drift=(1.0, -2.0, 0.5),
                                      gravity=[0.0, 0.5, 1.0], stride=2))
    assert len(p) == 64
    print("  points", p[:12], sum(abs(v) for v in p))
    img = microml.rasterize_stroke(array("b", p))
    print("  drawn", checksum(img))
    out = array("b", bytes(128))
    assert microml.stroke_from_gyro(GYRO, 128.0, stride=1, out=out) is out
    expect(ValueError, lambda: microml.stroke_from_gyro(GYRO, 0.0), "rate")
    expect(ValueError, lambda: microml.stroke_from_gyro(array("f", [0.0] * 4), 1.0), "got 4")
    expect(ValueError, lambda: microml.stroke_from_gyro(GYRO, 1.0, drift=[0.0]), "3 numbers")
    expect(ValueError, lambda: microml.stroke_from_gyro(GYRO, 1.0, out=bytearray(64)), "'b'")


SAMPLES = array("f", [float(((i * 37) % 29) - 14) / 4.0 for i in range(6 * 60)])


@case
def test_imu_features():
    f = microml.IMUFeatures(6, 32, hop=8, bands=4, rate=8.0, queue=8)
    print("  n_features", f.n_features)
    assert f.push(SAMPLES) == 4 == f.ready  # samples 32, 40, 48, 56
    v = flat(f.read())
    print("  channel 0", ["%.3f" % x for x in v[:15]])
    print("  magnitude 0", ["%.3f" % x for x in v[6 * 15:6 * 15 + 6]])
    # Chunks of 1..9 samples give the same bytes.
    g = microml.IMUFeatures(6, 32, hop=8, bands=4, rate=8.0, queue=8)
    i, k = 0, 1
    while i < 60:
        n = min(k, 60 - i)
        g.push(SAMPLES[6 * i:6 * (i + n)])
        i, k = i + n, k % 9 + 1
    out = array("f", [0.0] * g.n_features)
    g.read(out)
    assert list(out) == v
    assert g.ready == 3


@case
def test_imu_queue_and_errors():
    f = microml.IMUFeatures(2, 4, hop=2, bands=0, magnitude=False, queue=2)
    assert f.n_features == 20
    assert f.push([1.0, 2.0] * 6) == 2
    expect(ValueError, lambda: f.push([0.0, 0.0] * 2), "queue of 2")
    f.reset()
    assert f.ready == 0
    expect(ValueError, lambda: f.read(), "no feature vector ready")
    expect(ValueError, lambda: f.push([0.0] * 3), "2-channel")
    expect(ValueError, lambda: microml.IMUFeatures(0, 10), "channels 1..16")
    expect(ValueError, lambda: microml.IMUFeatures(3, 10, hop=11), "hop 1..window")
    expect(TypeError, lambda: f.push("xy"), "samples must be")


print("# module: %s" % getattr(microml, "__file__", "built-in"))
print("%d failed" % failed)
