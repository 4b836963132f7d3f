#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Instructions per second of audio on the Cortex-M4F (MPS2_AN386 firmware under qemu -icount) for
# the audio front ends (microml.dsp.MicroFrontend, MLPerfKWS; TFLM's audio preprocessor model
# where it runs) and each audio model at its invocation rate, as a share of a 160 MHz budget.
# Writes benchmarks/audio.md.   benchmarks/bench_audio.py [--shift N] [--reps N]
# Needs `make qemu-MPS2_AN386` and the shared data ($MICROML_DATA, default ../shared/data).
import argparse
import ast
import datetime
import os
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DATA = os.path.abspath(os.environ.get("MICROML_DATA") or os.path.join(TOP, "..", "shared", "data"))
VECTORS = os.path.join(os.path.dirname(DATA), "vectors")
RUN_ON_QEMU = os.path.join(TOP, "tools", "run-on-qemu")
MPS2_CPU_HZ = 25_000_000  # time.ticks_cpu() rate on the MPS2 boards
BUDGET_HZ = 160_000_000
CLIP = "datasets/speech_commands_v0.01_subset/yes/439c84f4_nohash_1.wav"

# name: (model file, input (vector file or None: the MLPerf features), bytes of one input,
#        output bytes, invocations per second of audio, why that rate)
MODELS = {
    "audio_preprocessor": ("models/tflite-micro/audio_preprocessor_int8.tflite",
                           "audio_preprocessor_int8/public/1.in.bin", 960, 40, 50.0,
                           "one 30 ms frame every 20 ms"),
    "micro_speech": ("models/tflite-micro/micro_speech_quantized.tflite",
                     "micro_speech/public/1.in.bin", 1960, 4, 2.0,
                     "a 1 s window every 0.5 s, as kws_mic.py"),
    "mlperf_kws": ("models/mlcommons-tiny/kws_ref_model.tflite", None, 490, 12, 2.0,
                   "a 1 s window every 0.5 s, as kws_mic.py"),
    "okay_nabu_v2": ("models/esphome/okay_nabu_v2.tflite", "mww_okay_nabu_v2/public/1.in.bin",
                     120, 1, 100.0 / 3, "3 new 10 ms feature rows per invocation (ESPHome)"),
    "vad_v2": ("models/esphome/vad_v2.tflite", "mww_vad_v2/public/1.in.bin", 120, 1, 100.0 / 3,
               "3 new 10 ms feature rows per invocation (ESPHome)"),
}


def run_guest(shift, reps, work):
    with wave.open(os.path.join(DATA, CLIP)) as w:
        pcm = w.readframes(16000)
    pcm += bytes(32000 - len(pcm))
    with open(os.path.join(work, "audio.bin"), "wb") as f:
        f.write(pcm)
    params = {"reps": reps, "models": list(MODELS),
              "out_bytes": {k: v[3] for k, v in MODELS.items()}}
    script = os.path.join(work, "bench_audio_run.py")
    with open(script, "w") as f:
        f.write("PARAMS = %r\n" % params)
        f.write(open(os.path.join(HERE, "bench_audio_m4.py")).read())
    cmd = ["/usr/bin/python3", RUN_ON_QEMU, "MPS2_AN386", script, "--icount", str(shift),
           "--timeout", "900", "--file", "audio.bin=" + os.path.join(work, "audio.bin")]
    for name, (model, vec, size, *_rest) in MODELS.items():
        cmd += ["--file", "%s.tflite=%s" % (name, os.path.join(DATA, model))]
        if vec:
            with open(os.path.join(VECTORS, vec), "rb") as f:
                x = f.read()[:size]
            with open(os.path.join(work, name + ".in"), "wb") as f:
                f.write(x)
            cmd += ["--file", "%s.in=%s" % (name, os.path.join(work, name + ".in"))]
    r = subprocess.run(cmd, capture_output=True, text=True)
    line = [l for l in r.stdout.splitlines() if l.startswith("BENCH ")]
    if r.returncode != 0 or not line:
        sys.exit("run-on-qemu failed (%d):\n%s%s" % (r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
    return ast.literal_eval(line[0][6:])


def git(*args):
    return subprocess.run(["git", "-C", TOP] + list(args), capture_output=True,
                          text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shift", type=int, default=6, help="qemu -icount shift (2^shift ns/insn)")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        res = run_guest(args.shift, args.reps, work)
    tpi = 2.0 ** args.shift / (1e9 / MPS2_CPU_HZ)  # timer ticks per instruction

    def insns(ticks):
        return ticks / tpi

    call = res["dsp_call"]
    rows = []  # (what, instructions per call, calls per s, rate note)
    rows.append(("front end: microfrontend, 10 ms step (`dsp.MicroFrontend(10)`)",
                 insns(res["micro_10"] - call), 1.0, "1 s of audio: 100 rows of 40"))
    rows.append(("front end: microfrontend, 20 ms step (`dsp.MicroFrontend(20)`)",
                 insns(res["micro_20"] - call), 1.0, "1 s of audio: 50 rows of 40"))
    rows.append(("front end: MLPerf KWS MFCC (`dsp.MLPerfKWS`)", insns(res["mlperf_mfcc"] - call),
                 2.0, "a 1 s window (49x10) every 0.5 s"))
    notes = []
    for name, (_m, _v, _s, _o, rate, why) in MODELS.items():
        v = res["model_" + name]
        if isinstance(v, str):
            notes.append("* `%s`: not measured: %s" % (name, v))
            continue
        rows.append(("model: %s (`Model.predict`)" % name, insns(v), rate, why))
    commit = git("rev-parse", "--short", "HEAD")
    dirty = " (uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    md = ["# Audio on the Cortex-M4F: instructions per second of audio\n",
          "Generated by `benchmarks/bench_audio.py`; do not edit by hand: re-run.\n",
          "| | |", "|---|---|",
          "| date | %s |" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
          "| git commit measured | `%s`%s |" % (commit, dirty),
          "| firmware | `build/qemu/MPS2_AN386/firmware.elf` (`make qemu-MPS2_AN386`: core -Os, kernels -O2) |",
          "| emulator | `tools/run-on-qemu MPS2_AN386 --icount %d`: %.3f timer ticks per instruction |"
          % (args.shift, tpi),
          "| input | 1 s of `%s` (front ends); the first TFLM reference input of each model |" % CLIP,
          "",
          "Each figure is the minimum of %d timed calls (`time.ticks_cpu()` around the call, one "
          "warm-up call first), turned into instructions. Front ends: minus a `microml.dsp` call "
          "that does almost nothing (%d instructions: argument parsing, buffer checks), so the "
          "figure is the front end's own work. Models: the whole `predict(x, out=y)` (its Python "
          "call and copies are a few thousand instructions, see `benchmarks/results.md`'s shadow "
          "figures). Budget: a 160 MHz Cortex-M4F executes at most 160 M instructions per second "
          "(one per cycle; flash wait states and multi-cycle instructions make real use higher), so "
          "the share is a lower bound.\n" % (args.reps, round(insns(call))),
          "| what | instructions per call | calls per s of audio | instructions per s of audio "
          "| share of 160 MHz | rate |", "|---|---:|---:|---:|---:|---|"]
    total_fe = {}
    for what, n, rate, why in rows:
        per_s = n * rate
        total_fe[what] = per_s
        md.append("| %s | %s | %s | %s | %.2f%% | %s |" % (what, format(round(n), ","),
                  ("%.1f" % rate).rstrip("0").rstrip("."), format(round(per_s), ","),
                  100.0 * per_s / BUDGET_HZ, why))
    md.append("")
    pipelines = [("MLPerf KWS (front end + model, 2 windows/s)",
                  ["front end: MLPerf KWS MFCC (`dsp.MLPerfKWS`)", "model: mlperf_kws (`Model.predict`)"]),
                 ("microWakeWord okay_nabu_v2 + vad_v2 (10 ms microfrontend + both models)",
                  ["front end: microfrontend, 10 ms step (`dsp.MicroFrontend(10)`)",
                   "model: okay_nabu_v2 (`Model.predict`)", "model: vad_v2 (`Model.predict`)"]),
                 ("micro_speech (audio preprocessor model every 20 ms + classifier, 2 windows/s)",
                  ["model: audio_preprocessor (`Model.predict`)",
                   "model: micro_speech (`Model.predict`)"])]
    md.append("## Whole pipelines\n")
    md.append("| pipeline | instructions per s of audio | share of 160 MHz |")
    md.append("|---|---:|---:|")
    for name, parts in pipelines:
        if all(p in total_fe for p in parts):
            s = sum(total_fe[p] for p in parts)
            md.append("| %s | %s | %.2f%% |" % (name, format(round(s), ","), 100.0 * s / BUDGET_HZ))
    md.append("")
    md.append("micro_speech's front end is `audio_preprocessor_int8.tflite` (TFLM signal ops), "
              "run as a model on each 30 ms frame; its per-call figure includes `predict()`'s own "
              "overhead (a few thousand instructions, benchmarks/results.md).")
    if notes:
        md.append("\n## Not measured\n")
        md += notes
    md.append("\nRaw ticks: `%r`" % res)
    out = os.path.join(HERE, "audio.md")
    with open(out, "w") as f:
        f.write("\n".join(md) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
