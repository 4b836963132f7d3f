# SPDX-License-Identifier: MIT
# Guest half of benchmarks/bench_audio.py: times the audio front ends and models on the
# MPS2_AN386 firmware (Cortex-M4F) under qemu -icount (time.ticks_cpu() advances a fixed number of
# ticks per executed instruction). Staged files: audio.bin (1 s of int16 speech), *.tflite models
# and *.in inputs named in PARAMS. Prints one BENCH line: the minimum ticks of each call.
import time
from array import array

import microml

tc = time.ticks_cpu
td = time.ticks_diff
dsp = microml.dsp
REPS = PARAMS["reps"]


def best(f, *args):
    """Minimum ticks of f(*args) over REPS calls (one untimed warm-up first)."""
    f(*args)
    ticks = []
    for _ in range(REPS):
        t0 = tc()
        f(*args)
        t1 = tc()
        ticks.append(td(t1, t0))
    return min(ticks)


def nothing():
    t0 = tc()
    t1 = tc()
    return td(t1, t0)


audio = file_view("audio.bin")  # 16000 int16 samples
res = {"nothing": min(nothing() for _ in range(REPS))}

# The cost of a call into microml.dsp that does (almost) nothing: one log of one value.
tiny = array("f", [0.5])
res["dsp_call"] = best(dsp.log, tiny, 1.0, tiny)

for step in (10, 20):
    fe = dsp.MicroFrontend(step)
    rows = bytearray(40 * (16000 // (16 * step) + 1))

    def feed(fe=fe, rows=rows):
        fe.reset()
        fe(audio, rows)
    res["micro_%d" % step] = best(feed)

kws = dsp.MLPerfKWS(scale=0.584702909, zero_point=83)
feats = bytearray(490)
res["mlperf_mfcc"] = best(kws, audio, feats)

for name in PARAMS["models"]:
    try:
        m = microml.Model(file_view(name + ".tflite"))
    except NotImplementedError as e:
        res["model_" + name] = "unsupported: %s" % e
        continue
    x = file_view(name + ".in") if name != "mlperf_kws" else feats
    y = bytearray(PARAMS["out_bytes"][name])
    res["model_" + name] = best(m.predict, x, y)
print("BENCH", repr(res))
