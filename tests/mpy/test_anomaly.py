# SPDX-License-Identifier: MIT
# microml.Detector and microml.log_mel on every MicroPython face (tests/mpy/run): hysteresis on
# constructed series (alarm steps worked out by hand), Welford statistics and the quantile
# threshold against plain-Python two-pass references, EWMA statistics against the recursion's
# definition, log_mel's frame count, silence and int16 / float32 agreement. Prints "ok NAME" or
# "FAIL NAME: why" per case; needs no data files.
from array import array

import microml


def case(name, f):
    try:
        f()
        print("ok anomaly/%s" % name)
    except Exception as e:
        print("FAIL anomaly/%s: %s %s" % (name, type(e).__name__, e))


def close(a, b, rel=1e-4, abs_=1e-5):
    assert abs(a - b) <= abs_ + rel * abs(b), "%r vs %r" % (a, b)


def alarms(d, xs):
    return [t for t, x in enumerate(xs) if d.update(x) is not None]


def fixed(**kw):
    # mean 0, std 1 learnt from -1, 1: the score of x is |x|
    return microml.Detector(**kw).fit([-1.0, 1.0] * 50)


def hysteresis():
    a = [0, 2, 2, 0, 2, 0, 1, 2, 1, 0.5]
    assert alarms(fixed(threshold=1.0), a) == [1, 4, 7]
    assert alarms(fixed(threshold=1.0, gap=4), a) == [1, 7]
    b = [0, 5, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0]
    assert alarms(fixed(threshold=1.0, k=3, n=5), b) == [8]
    assert alarms(fixed(threshold=1.0, k=3, n=5, on=4.0), b) == [1, 8]
    assert alarms(fixed(threshold=1.0, off=0.5), [0, 2, 0.7, 0.6, 0.2, 2, 2, 2]) == [1, 5]


def series(n):
    out, s = [], 1
    for i in range(n):
        s = (s * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(20.0 + 3.0 * ((s >> 8) / 8388608.0 - 0.5))
    return out


def welford_quantile():
    x = series(500)
    d = microml.Detector(quantile=0.9).fit(x)
    m = sum(x) / len(x)
    v = sum((t - m) ** 2 for t in x) / len(x)
    close(d.mean, m)
    close(d.var, v, 1e-3)
    z = sorted(abs(t - m) / v ** 0.5 for t in x)
    p = 0.9 * (len(z) - 1)
    i = int(p)
    close(d.threshold, z[i] + (p - i) * (z[i + 1] - z[i]), 1e-3, 1e-4)
    close(d.score(30.0), (30.0 - m) / v ** 0.5, 1e-3, 1e-4)


def ewma():
    a = 0.25
    x = series(60)
    d = microml.Detector(alpha=a, threshold=1e30)
    m, v = x[0], 0.0
    for i, t in enumerate(x):
        if i > 0:
            dd = t - m
            m += a * dd
            v = (1 - a) * (v + a * dd * dd)
        assert d.update(t) is None
    close(d.mean, m)
    close(d.var, v, 1e-3)


def errors():
    for kw in ({"quantile": 2.0}, {"k": 4, "n": 3}, {"alpha": 0.0}, {"gap": -1}):
        try:
            microml.Detector(**kw)
        except ValueError:
            continue
        raise AssertionError("no ValueError for %r" % (kw,))
    try:
        microml.Detector().update(1.0)
    except ValueError as e:
        assert "no threshold" in str(e)
    else:
        raise AssertionError("update before fit")


def log_mel():
    silence = array("h", bytes(2 * 2048))
    y = microml.log_mel(silence, n_fft=256, hop=128, n_mels=16)
    assert len(y) == (1 + 2048 // 128) * 16
    for v in y:
        close(v, -156.53559774527022, 1e-5, 1e-3)  # 10 log10(2.22e-16)
    tone = array("h", [int(8000 * ((i % 32) - 16) / 16) for i in range(2048)])
    a = microml.log_mel(tone, n_fft=256, hop=128, n_mels=16)
    b = microml.log_mel(array("f", [t / 32768 for t in tone]), n_fft=256, hop=128, n_mels=16)
    for p, q in zip(a, b):
        close(p, q, 1e-5, 1e-3)
    assert max(a) > -20.0


case("hysteresis", hysteresis)
case("welford_quantile", welford_quantile)
case("ewma", ewma)
case("errors", errors)
case("log_mel", log_mel)
