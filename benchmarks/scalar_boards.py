#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The scalar kernel variants' figures (src/nn/kernels/*_s8_scalar.c): instructions per predict()
# of the MLPerf Tiny models on the stock-firmware QEMU boards without DSP instructions, .mpy
# built with the scalar variants against one built with -DMML_KERNELS_REF=1, under qemu -icount:
#   MICROBIT_NATIVE (Cortex-M0, armv6m .mpy), MPS2_AN385_STOCK (Cortex-M3, armv7m),
#   VIRT_RV32 (RISC-V, rv32imc).
# Those firmwares have no time module: the guest reads a timer of the board through uctypes
# (virtual time: 2^shift ns per instruction). Outputs are checked against TFLM's vectors.
# Usage: benchmarks/scalar_boards.py BOARD OPT.mpy REF.mpy [model ...]   (a markdown table)
import json
import os
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DATA = os.path.abspath(os.environ.get("MICROML_DATA", os.path.join(TOP, "..", "shared", "data")))
VECTORS = os.path.join(os.path.dirname(DATA), "vectors")
SHIFT = 5  # 32 ns per instruction: 2^32 ticks of the 10-25 MHz timers are >= 5e9 instructions
MODELS = ["mlperf_kws", "mlperf_ad", "mlperf_ic", "mlperf_vww"]

# Per board: the guest's now() (a 32-bit count going up) and the timer's frequency.
TIMERS = {
    # nRF51 TIMER0: 32-bit timer mode at 16 MHz, read by its CAPTURE task.
    "MICROBIT_NATIVE": ("""
T = uctypes.struct(0x40008000, {"start": 0x000 | U, "clear": 0x00C | U, "capture0": 0x040 | U,
    "mode": 0x504 | U, "bitmode": 0x508 | U, "prescaler": 0x510 | U, "cc0": 0x540 | U})
T.mode = 0
T.bitmode = 3
T.prescaler = 0
T.clear = 1
T.start = 1


def now():
    T.capture0 = 1
    return T.cc0
""", 16e6),
    # CMSDK APB timer0 at the 25 MHz system clock, counting down from its reload value.
    "MPS2_AN385_STOCK": ("""
T = uctypes.struct(0x40000000, {"ctrl": 0x0 | U, "value": 0x4 | U, "reload": 0x8 | U})
T.reload = 0xFFFFFFFF
T.value = 0xFFFFFFFF
T.ctrl = 1


def now():
    return 0xFFFFFFFF - T.value
""", 25e6),
    # The CLINT's mtime at 10 MHz (its low word).
    "VIRT_RV32": ("""
T = uctypes.struct(0x0200BFF8, {"lo": 0x0 | U})


def now():
    return T.lo
""", 10e6),
}

GUEST = """
import uctypes, microml
U = uctypes.UINT32
TIMER

def timed(f, x, y):
    t0 = now()
    f(x, out=y)
    t1 = now()
    return (t1 - t0) & 0xFFFFFFFF


def timed_nothing():
    t0 = now()
    t1 = now()
    return (t1 - t0) & 0xFFFFFFFF


m = microml.Model(file_view("m.tflite"))
x = file_view("x.in")
y = bytearray(OUT_BYTES)
f = m.predict
f(x, out=y)
ticks = [timed(f, x, y) for _ in range(2)]
nothing = [timed_nothing() for _ in range(2)]
print("BENCH", repr({"ticks": ticks, "nothing": nothing, "exact": bytes(y) == bytes(file_view("y.out")),
                     "arena": m.arena_size}))
"""


def run(board, mpy, name):
    meta = json.load(open(os.path.join(VECTORS, name, "meta.json")))
    model = os.path.join(os.path.dirname(DATA), meta["model_path"])
    v = [v for v in meta["vectors"] if v["in"] == "public/1.in.bin"][0]
    out_bytes = sum(t["bytes"] for t in meta["outputs"])
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "bench.py")
        with open(script, "w") as f:
            f.write(GUEST.replace("TIMER", TIMERS[board][0]).replace("OUT_BYTES", str(out_bytes)))
        cmd = ["/usr/bin/python3", os.path.join(TOP, "tools", "run-on-qemu"), board,
               script, "--mpy", mpy, "--icount", str(SHIFT), "--timeout", "1800",
               "--file", "m.tflite=" + model,
               "--file", "x.in=" + os.path.join(VECTORS, name, v["in"]),
               "--file", "y.out=" + os.path.join(VECTORS, name, v["out"])]
        r = subprocess.run(cmd, capture_output=True, text=True)
    line = [l for l in r.stdout.splitlines() if l.startswith("BENCH ")]
    if r.returncode != 0 or not line:
        sys.exit("run-on-qemu failed for %s:\n%s%s" % (name, r.stdout[-2000:], r.stderr[-2000:]))
    res = eval(line[0][6:], {})
    insns_per_tick = 1e9 / TIMERS[board][1] / 2 ** SHIFT
    res["insns"] = round((min(res["ticks"]) - min(res["nothing"])) * insns_per_tick)
    return res


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in TIMERS:
        sys.exit("usage: scalar_boards.py {%s} OPT.mpy REF.mpy [model ...]" % ",".join(TIMERS))
    board, opt, ref = sys.argv[1:4]
    names = sys.argv[4:] or MODELS
    print("| model | `_ref` (MML_KERNELS_REF=1) | scalar variants | ratio | output | arena `_ref` | arena scalar |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for name in names:
        a, b = run(board, ref, name), run(board, opt, name)
        ok = "TFLM-exact" if a["exact"] and b["exact"] else "DIFFERS"
        print("| %s | %s | %s | %.2fx | %s | %s | %s |" % (
            name, format(a["insns"], ","), format(b["insns"], ","), a["insns"] / b["insns"], ok,
            format(a["arena"], ","), format(b["arena"], ",")), flush=True)


if __name__ == "__main__":
    main()
