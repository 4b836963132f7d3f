#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Instructions per second of audio of microml.WakeWord on the Cortex-M4F firmware (MPS2_AN386
# under qemu -icount, where time.ticks_cpu() advances 2^shift ns of virtual time per executed
# instruction): the front end alone (AudioStream's micro front end with every=1000: one model
# invocation in the clip, ~0.1 M instructions per second of it), okay_nabu_v2, and okay_nabu_v2
# + vad_v2, fed 10 ms (160 samples) at a time as a microphone would, minus the same Python loop
# feeding nothing. Writes benchmarks/wake_word_m4.md.
#   /usr/bin/python3 benchmarks/wake_word_m4.py [--shift 3]
import argparse
import os
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MICROML_DATA", REPO.parent / "shared" / "data"))
CLIP = DATA / "testdata" / "wakeword" / "audio" / "okay_nabu_00.wav"
ESPHOME = DATA / "models" / "esphome"
TICK_NS = 40  # MPS2 timer0: 25 MHz
BUDGET_HZ = 160_000_000

GUEST = r'''
import time, microml
tc, td = time.ticks_cpu, time.ticks_diff
pcm = open("clip.raw", "rb").read()
chunks = [pcm[k:k + 320] for k in range(0, len(pcm), 320)]
def run(feed):
    t = tc()
    for c in chunks:
        feed(c)
    return td(tc(), t)
def nothing(c):
    return None
m = microml.Model(open("m.tflite", "rb").read())
v = microml.Model(open("v.tflite", "rb").read())
fe = microml.AudioStream(m, frontend="micro", step_ms=10, every=1000)  # 1 invocation in the clip
res = {"samples": len(pcm) // 2, "nothing": run(nothing), "frontend": run(fe.feed)}
w = microml.WakeWord(m)
res["wake"] = run(w.feed)
w2 = microml.WakeWord(m, vad=v)
res["wake_vad"] = run(w2.feed)
w.reset()
res["detections"] = sum(len(w.feed(c) or []) for c in chunks)
print(repr(res))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shift", type=int, default=3)
    args = ap.parse_args()
    with wave.open(str(CLIP), "rb") as w:
        pcm = w.readframes(w.getnframes())
    with tempfile.TemporaryDirectory() as d:
        raw, script = Path(d) / "clip.raw", Path(d) / "bench.py"
        raw.write_bytes(pcm)
        script.write_text(GUEST)
        cmd = [str(REPO / "tools" / "run-on-qemu"), "MPS2_AN386", str(script), "--icount",
               str(args.shift), "--timeout", "600", "--file", f"clip.raw={raw}",
               "--file", f"m.tflite={ESPHOME / 'okay_nabu_v2.tflite'}",
               "--file", f"v.tflite={ESPHOME / 'vad_v2.tflite'}"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        sys.exit(r.stdout + r.stderr)
    res = eval(r.stdout.strip().splitlines()[-1], {})
    seconds = res["samples"] / 16000
    insns = lambda ticks: ticks * TICK_NS / 2 ** args.shift
    base = res["nothing"]
    rows = [("microfrontend (10 ms step, int8)", res["frontend"] - base),
            ("okay_nabu_v2 with its front end", res["wake"] - base),
            ("okay_nabu_v2 + vad_v2 with the front end", res["wake_vad"] - base)]
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    out = ["# Wake words on the Cortex-M4F: instructions per second of audio", "",
           "Made by `benchmarks/wake_word_m4.py` at commit %s: `microml.WakeWord` on the "
           "MPS2_AN386 firmware (Cortex-M4F, built-in module) under `qemu -icount shift=%d`, "
           "fed %s (%.2f s) 10 ms at a time; the same Python loop feeding nothing is "
           "subtracted. Instructions, not cycles. The front end's row includes one okay_nabu_v2 "
           "invocation (AudioStream, every=1000)." % (commit, args.shift, CLIP.name, seconds), "",
           "| what | instructions per second of audio | share of a 160 MHz budget |",
           "|---|---:|---:|"]
    for name, ticks in rows:
        ips = insns(ticks) / seconds
        out.append("| %s | %.2f M | %.1f%% |" % (name, ips / 1e6, 100 * ips / BUDGET_HZ))
    out += ["", "The Python loop itself (100 calls of 160 samples per second): %.2f M instructions per second; "
            "detections in the clip: %d (2.18 s, as TFLM's outputs give)." % (
                insns(base) / seconds / 1e6, res["detections"])]
    (REPO / "benchmarks" / "wake_word_m4.md").write_text("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
