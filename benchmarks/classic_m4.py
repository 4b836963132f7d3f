# SPDX-License-Identifier: MIT
# Guest half of benchmarks/classic_bench.py: times one prediction of each classical model on the
# MPS2_AN386 firmware (Cortex-M4F) under qemu -icount, where time.ticks_cpu() (CMSDK timer0,
# 25 MHz) advances exactly 2^shift ns of virtual time per executed instruction; once with
# microml (the .mml blob) and once with the same model in plain MicroPython (classic_py.py).
# classic_bench.py prepends CASES = [(name, kind), ...] and REPS, and stages with
# tools/run-on-qemu --file: <name>.mml, <name>.x (one sample, float32), <name>.pi / <name>.pp
# (the plain-Python parameters) and classic_py.py.
# Two measures per model, both as benchmarks/bench_m4.py and emlearn-figures.md take them:
#   call  ticks around one call of the bound method, minus ticks around nothing (min of REPS)
#   loop  ticks of `for _ in range(K): f(x, y)` for K=40 minus K=20, over 20, minus the same
#         for an empty loop (emlearn-figures.md's "net"; without the subtraction its "raw")
import gc
import time
from array import array

import classic_py
import microml

tc = time.ticks_cpu
td = time.ticks_diff


def timed_call(f, x, y):
    if y is None:
        t0 = tc()
        f(x)
        t1 = tc()
    else:
        t0 = tc()
        f(x, out=y)
        t1 = tc()
    return td(t1, t0)


def timed_nothing():
    t0 = tc()
    t1 = tc()
    return td(t1, t0)


def loop(f, x, y, k):
    if y is None:
        t0 = tc()
        for _ in range(k):
            f(x)
        t1 = tc()
    else:
        t0 = tc()
        for _ in range(k):
            f(x, y)
        t1 = tc()
    return td(t1, t0)


def loop_empty(k):
    t0 = tc()
    for _ in range(k):
        pass
    t1 = tc()
    return td(t1, t0)


def measure(f, x, y):
    """{'call': min ticks of one call, 'loop20'/'loop40': min ticks of the loops}."""
    f(x) if y is None else f(x, out=y)  # warm-up
    calls, l20, l40 = [], [], []
    for _ in range(REPS):
        gc.collect()
        calls.append(timed_call(f, x, y))
        gc.collect()
        l20.append(loop(f, x, y, 20))
        gc.collect()
        l40.append(loop(f, x, y, 40))
    return {"call": min(calls), "loop20": min(l20), "loop40": min(l40)}


def read(name):
    with open(name, "rb") as f:
        return f.read()


res = {"nothing": min(timed_nothing() for _ in range(REPS)),
       "empty20": min(loop_empty(20) for _ in range(REPS)),
       "empty40": min(loop_empty(40) for _ in range(REPS))}
for name, kind in CASES:
    x = array("f", read(name + ".x"))
    gc.collect()
    free0 = gc.mem_free()
    m = microml.load(file_view(name + ".mml"))
    gc.collect()
    r = {"ram_microml": free0 - gc.mem_free()}
    y = array("i", [0])
    r["microml"] = measure(m.predict, x, y)
    r["label_microml"] = y[0]
    if m.classes is not None and kind == "forest":  # the probabilities, as emlearn_trees gives
        p = array("f", bytes(4 * len(m.classes)))
        r["microml_proba"] = measure(m.predict_proba, x, p)
    del m
    gc.collect()
    free0 = gc.mem_free()
    pm = classic_py.KINDS[kind](classic_py.load(read(name + ".pi").decode(), read(name + ".pp")))
    gc.collect()
    r["ram_python"] = free0 - gc.mem_free()
    r["python"] = measure(pm.predict, x, None)
    r["label_python"] = pm.predict(x)
    res[name] = r
    del pm
    gc.collect()
print("BENCH", repr(res))
