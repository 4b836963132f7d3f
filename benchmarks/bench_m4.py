# SPDX-License-Identifier: MIT
# Guest half of benchmarks/run: times one inference on a QEMU board (the Cortex-M4F firmware, the
# armv7emsp .mpy on it, the Cortex-M3 and Cortex-M0 boards) under qemu -icount, where each guest
# instruction advances virtual time by exactly 2^shift ns, and so the board's timer.
# benchmarks/run prepends PARAMS and stages these files with tools/run-on-qemu --file:
#   m.tflite  the model         e.tflite  its "shadow": the same input and output tensors
#   x.in      the input vector  y.out     the expected output (TFLM's reference)
# The shadow has no ops, so predict() on it does everything predict() on the model does (call,
# argument parsing, input and output copies of the same sizes, invoke's fixed entry) except
# running the ops. The difference of the two is the cost of the model's ops and their dispatch.
# PARAMS["clock"] names the timer read around the call (the same reads for model and shadow):
#   ticks_cpu  time.ticks_cpu(): CMSDK timer0 at 25 MHz (boards/MPS2_AN386/board.c)
#   cmsdk      the same timer read with machine.mem32, on the MPS2 boards without time.ticks_cpu()
#              (the stock qemu port has no time module): 25 MHz, down-counter restarted from
#              2^30 - 1 before each call (small ints), its wrap flag checked after
#   nrf51      nRF51 TIMER0 read with machine.mem32 (micro:bit): 16 MHz, 32-bit, cleared before
#              each call, read through a capture task, refused past 2^30 ticks (small ints)
from array import array
import gc
import microml

CLOCK = PARAMS["clock"]
if CLOCK == "ticks_cpu":
    import time

    tc = time.ticks_cpu
    td = time.ticks_diff

    def timed(f, x, y):
        t0 = tc()
        f(x, out=y)
        t1 = tc()
        return td(t1, t0)

    def timed_nothing():
        t0 = tc()
        t1 = tc()
        return td(t1, t0)

    def ms():
        return time.ticks_ms()

    def ms_since(m0):
        return time.ticks_diff(time.ticks_ms(), m0)

elif CLOCK == "cmsdk":
    from machine import mem32

    T0_VALUE, T0_INT = 0x40000004, 0x4000000C  # CMSDK APB timer0: VALUE, INTSTATUS/INTCLEAR
    mem32[0x40000000] = 0  # stop, no interrupt
    mem32[0x40000008] = 0x3FFFFFFF  # RELOAD
    mem32[T0_VALUE] = 0x3FFFFFFF
    mem32[0x40000000] = 1  # enable, free running

    def timed(f, x, y):
        mem32[T0_INT] = 1
        mem32[T0_VALUE] = 0x3FFFFFFF
        t0 = mem32[T0_VALUE]
        f(x, out=y)
        t1 = mem32[T0_VALUE]
        if mem32[T0_INT] & 1:
            raise OverflowError("timer0 wrapped: use a smaller --shift")
        return t0 - t1

    def timed_nothing():
        mem32[T0_INT] = 1
        mem32[T0_VALUE] = 0x3FFFFFFF
        t0 = mem32[T0_VALUE]
        t1 = mem32[T0_VALUE]
        if mem32[T0_INT] & 1:
            raise OverflowError("timer0 wrapped")
        return t0 - t1

    def ms():
        return 0

    def ms_since(m0):
        return None  # no millisecond clock: the timer's own wrap check stands

elif CLOCK == "nrf51":
    from machine import mem32

    T = 0x40008000  # nRF51 TIMER0
    mem32[T + 0x004] = 1  # TASKS_STOP
    mem32[T + 0x504] = 0  # MODE: timer
    mem32[T + 0x508] = 3  # BITMODE: 32 bit
    mem32[T + 0x510] = 0  # PRESCALER: 16 MHz
    mem32[T + 0x00C] = 1  # TASKS_CLEAR
    mem32[T + 0x000] = 1  # TASKS_START
    CLEAR, CAP0, CAP1, CC0, CC1 = T + 0x00C, T + 0x040, T + 0x044, T + 0x540, T + 0x544

    def timed(f, x, y):
        mem32[CLEAR] = 1
        mem32[CAP0] = 1
        t0 = mem32[CC0]
        f(x, out=y)
        mem32[CAP1] = 1
        t1 = mem32[CC1]
        if not 0 <= t1 < 0x40000000:  # past a small int (2^30 ticks, 1 G instructions at shift 6)
            raise OverflowError("TIMER0 past 2^30 ticks: use a smaller --shift")
        return t1 - t0

    def timed_nothing():
        mem32[CLEAR] = 1
        mem32[CAP0] = 1
        t0 = mem32[CC0]
        mem32[CAP1] = 1
        t1 = mem32[CC1]
        return t1 - t0

    def ms():
        return 0

    def ms_since(m0):
        return None  # no millisecond clock: the timer's own wrap check stands

else:
    raise ValueError("unknown clock " + CLOCK)


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


def bench(model, x, ys, y, reps):
    f = model.predict  # the bound method, made once, outside the timed region
    f(x, out=y)  # warm-up
    ticks, msl = [], []
    for _ in range(reps):
        model.reset()  # recurrent state as a fresh model has it (TFLM: fresh interpreter)
        m0 = ms()
        ticks.append(timed(f, x, y))
        msl.append(ms_since(m0))
    got = b"".join(bytes(b) for b in ys)  # the output of the last timed inference
    return got, ticks, msl


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
gc.collect()  # the heap with the module's code (a .mpy's), both models and their arenas live
res["heap_free"] = gc.mem_free()
res["heap_used"] = gc.mem_alloc()
print("BENCH", repr(res))
