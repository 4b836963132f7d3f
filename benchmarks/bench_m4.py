# SPDX-License-Identifier: MIT
# Guest half of benchmarks/run: times one inference on the MPS2_AN386 firmware (Cortex-M4F)
# under qemu -icount, where time.ticks_cpu() (CMSDK timer0, 25 MHz) advances exactly
# 2^shift ns of virtual time per executed instruction. benchmarks/run prepends PARAMS and
# stages these files with tools/run-on-qemu --file:
#   m.tflite  the model         e.tflite  its "shadow": the same input and output tensors
#   x.in      the input vector  y.out     the expected output (TFLM's reference)
# The shadow has no ops, so predict() on it does everything predict() on the model does (call,
# argument parsing, input and output copies of the same sizes, invoke's fixed entry) except
# running the ops. The difference of the two is the cost of the model's ops and their dispatch.
import time
from array import array
import microml

tc = time.ticks_cpu
td = time.ticks_diff


def split(b, sizes):
    parts, at = [], 0
    for n in sizes:
        parts.append(b[at:at + n])
        at += n
    return parts


def compare(got, want):
    """'exact', 'close' (float32 outputs within the tests' 1e-4 relative / 1e-6 absolute; TFLM's
    own M4 build is not bit-exact on float models either: FMA contraction), or 'differ'."""
    if got == want:
        return "exact"
    if len(got) != len(want):
        return "differ"
    at = 0
    for dt, n in zip(PARAMS["out_dtypes"], PARAMS["out_sizes"]):
        g, w = got[at:at + n], want[at:at + n]
        at += n
        if dt != "float32":
            if g != w:
                return "differ"
            continue
        for a, b in zip(array("f", g), array("f", w)):
            d = abs(a - b)
            if d > 1e-6 and d > 1e-4 * abs(b):
                return "differ"
    return "close"


def timed(f, x, y):
    t0 = tc()
    f(x, out=y)
    t1 = tc()
    return td(t1, t0)


def timed_nothing():
    t0 = tc()
    t1 = tc()
    return td(t1, t0)


def bench(model, x, ys, y, reps):
    f = model.predict  # the bound method, made once, outside the timed region
    f(x, out=y)  # warm-up
    ticks, ms = [], []
    for _ in range(reps):
        model.reset()  # recurrent state as a fresh model has it (TFLM: fresh interpreter)
        m0 = time.ticks_ms()
        ticks.append(timed(f, x, y))
        ms.append(time.ticks_diff(time.ticks_ms(), m0))
    got = b"".join(bytes(b) for b in ys)  # the output of the last timed inference
    return got, ticks, ms


xs = split(file_view("x.in"), PARAMS["in_sizes"])
x = xs[0] if len(xs) == 1 else tuple(xs)
ys = [bytearray(n) for n in PARAMS["out_sizes"]]
y = ys[0] if len(ys) == 1 else tuple(ys)
want = bytes(file_view("y.out"))
reps = PARAMS["reps"]

res = {}
m = microml.Model(file_view("m.tflite"))
e = microml.Model(file_view("e.tflite"))
res["arena_size"] = m.arena_size
got, res["ticks_model"], res["ms_model"] = bench(m, x, ys, y, reps)
res["output_match"] = compare(got, want)
res["output_len"] = len(got)
got_e, res["ticks_shadow"], res["ms_shadow"] = bench(e, x, ys, y, reps)
res["ticks_nothing"] = [timed_nothing() for _ in range(reps)]
print("BENCH", repr(res))
