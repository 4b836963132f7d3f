#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The MLPerf Tiny streaming sample (testdata/mlcommons-tiny/sww/short_wav_easy10s.wav: "marvin"
# three times over music) through microml.AudioStream with the MLPerf KWS front end and
# kws_ref_model: its detections and, per invocation, the top class, next to the sample's
# ground-truth windows. A report, not a test. Writes benchmarks/sww_stream.md.
#   PYTHONPATH=build/python /usr/bin/python3 benchmarks/sww_stream.py
import json
import os
import sys
import wave
from array import array
from pathlib import Path

import microml

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MICROML_DATA", REPO.parent / "shared" / "data"))
SWW = DATA / "testdata" / "mlcommons-tiny" / "sww"
LABELS = ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence",
          "unknown"]
SETTINGS = dict(frontend="mlperf", every=5, smooth=3, threshold=0.6, refractory_ms=1000,
                ignore=(10, 11))


def main():
    spec = json.loads((SWW / "sww_short_test.json").read_text())[0]
    with wave.open(str(SWW / spec["wav_file"]), "rb") as w:
        channels, rate = w.getnchannels(), w.getframerate()
        pcm = array("h", w.readframes(w.getnframes()))
    left = pcm[::channels]  # the file is stereo: its left channel
    model = microml.Model((DATA / "models" / "mlcommons-tiny" / "kws_ref_model.tflite").read_bytes())
    s = microml.AudioStream(model, **SETTINGS)
    rows, dets = [], []
    for k in range(0, len(left), 320):  # one 20 ms hop at a time, as a microphone would
        got = s.feed(left[k:k + 320])
        dets += got or []
        if s.frames >= 50 and (s.frames - 50) % SETTINGS["every"] == 0:
            rows.append((s.frames * 320 / rate, s.last))
    windows = spec["detection_windows"]
    out = ["# MLPerf Tiny streaming sample through the MLPerf KWS front end and model", "",
           "Made by `benchmarks/sww_stream.py` (a report, not a test): `%s` (%d channels: the "
           "left one; %.1f s at %d Hz) fed 20 ms at a time to `microml.AudioStream(kws_ref_model, "
           "%s)`." % (spec["wav_file"], channels, len(left) / rate, rate,
                      ", ".join("%s=%r" % kv for kv in SETTINGS.items())),
           "Each invocation looks at the last second, peak-normalized on its own. The wake word "
           "of the sample, \"marvin\", is not one of kws_ref_model's ten keywords, so the model "
           "can only call it \"unknown\" (ignored) or confuse it with a keyword.", "",
           "## Detections", "", "| time (s) | label | averaged score | in a ground-truth window |",
           "|---:|---|---:|---|"]
    for label, score, t, frame in dets:
        inside = any(a <= t <= b + 1.0 for a, b in windows)
        out.append("| %.2f | %s | %.3f | %s |" % (t, LABELS[label], score, "yes" if inside else "no"))
    if not dets:
        out.append("| - | - | - | - |")
    out += ["", "## Ground-truth windows (the word, s) and the top class of the invocations "
            "whose last second covers them", "", "| window | top classes (time: label score) |",
            "|---|---|"]
    for a, b in windows:
        near = [(t, l) for t, l in rows if b <= t <= a + 1.0 + 0.25]
        out.append("| %.2f-%.2f | %s |" % (a, b, ", ".join(
            "%.1f: %s %.2f" % (t, LABELS[l[0]], l[1]) for t, l in near)))
    (REPO / "benchmarks" / "sww_stream.md").write_text("\n".join(out) + "\n")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
