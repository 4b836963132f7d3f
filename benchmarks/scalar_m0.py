#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The scalar kernel variants' figures (src/nn/kernels/*_s8_scalar.c): instructions per predict()
# of the MLPerf Tiny models on the Cortex-M0 board (tools/run-on-qemu MICROBIT_NATIVE, stock
# firmware + armv6m .mpy, qemu -icount), with the scalar variants and with -DMML_KERNELS_REF=1.
# The board has no time module: the guest reads the nRF51's TIMER0 (16 MHz of virtual time,
# 2^shift ns per instruction) through uctypes. Outputs are checked against TFLM's vectors.
# Usage: benchmarks/scalar_m0.py OPT.mpy REF.mpy [model ...]   (prints a markdown table)
import json
import os
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DATA = os.path.abspath(os.environ.get("MICROML_DATA", os.path.join(TOP, "..", "shared", "data")))
VECTORS = os.path.join(os.path.dirname(DATA), "vectors")
SHIFT = 5  # 32 ns per instruction: a 16 MHz tick is 1.95 instructions; 2^32 ticks: 8e9 insns
MODELS = ["mlperf_kws", "mlperf_ad", "mlperf_ic", "mlperf_vww"]

GUEST = """
import uctypes, microml
U = uctypes.UINT32
T = uctypes.struct(0x40008000, {"start": 0x000 | U, "clear": 0x00C | U, "capture0": 0x040 | U,
    "mode": 0x504 | U, "bitmode": 0x508 | U, "prescaler": 0x510 | U, "cc0": 0x540 | U})
T.mode = 0
T.bitmode = 3  # 32 bits
T.prescaler = 0  # 16 MHz
T.clear = 1
T.start = 1


def now():
    T.capture0 = 1
    return T.cc0


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


def run(mpy, name):
    meta = json.load(open(os.path.join(VECTORS, name, "meta.json")))
    model = os.path.join(os.path.dirname(DATA), meta["model_path"])
    v = [v for v in meta["vectors"] if v["in"] == "public/1.in.bin"][0]
    out_bytes = sum(t["bytes"] for t in meta["outputs"])
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "bench.py")
        with open(script, "w") as f:
            f.write(GUEST.replace("OUT_BYTES", str(out_bytes)))
        cmd = ["/usr/bin/python3", os.path.join(TOP, "tools", "run-on-qemu"), "MICROBIT_NATIVE",
               script, "--mpy", mpy, "--icount", str(SHIFT), "--timeout", "1800",
               "--file", "m.tflite=" + model,
               "--file", "x.in=" + os.path.join(VECTORS, name, v["in"]),
               "--file", "y.out=" + os.path.join(VECTORS, name, v["out"])]
        r = subprocess.run(cmd, capture_output=True, text=True)
    line = [l for l in r.stdout.splitlines() if l.startswith("BENCH ")]
    if r.returncode != 0 or not line:
        sys.exit("run-on-qemu failed for %s:\n%s%s" % (name, r.stdout[-2000:], r.stderr[-2000:]))
    res = eval(line[0][6:], {})
    insns_per_tick = 62.5 / 2 ** SHIFT
    res["insns"] = round((min(res["ticks"]) - min(res["nothing"])) * insns_per_tick)
    return res


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__ if __doc__ else "usage: scalar_m0.py OPT.mpy REF.mpy [model ...]")
    opt, ref = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or MODELS
    print("| model | `_ref` (MML_KERNELS_REF=1) | scalar variants | ratio | output | arena `_ref` | arena scalar |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for name in names:
        a, b = run(ref, name), run(opt, name)
        ok = "TFLM-exact" if a["exact"] and b["exact"] else "DIFFERS"
        print("| %s | %s | %s | %.2fx | %s | %s | %s |" % (
            name, format(a["insns"], ","), format(b["insns"], ","), a["insns"] / b["insns"], ok,
            format(a["arena"], ","), format(b["arena"], ",")), flush=True)


if __name__ == "__main__":
    main()
