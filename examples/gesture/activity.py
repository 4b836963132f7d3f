# SPDX-License-Identifier: MIT
# Activity recognition from a smart watch's IMU (BasicMotions: 3-axis accelerometer and
# gyroscope, 100 samples at 10 Hz per case): the C window features (microml.IMUFeatures, 6
# channels + 2 magnitudes, statistics and FFT bands) into a classical model (activity.mml, extra
# trees trained by train_activity.py). Prints one line per case: id<TAB>label<TAB>score (score:
# the predicted class's probability).
# Usage: micropython activity.py FILE.ts [MODEL.mml]   (on a board, without arguments: cases.ts
# and activity.mml in the current directory or in /rom)
import os
import sys
from array import array

import microml

CHANNELS, WINDOW, BANDS, RATE = 6, 100, 4, 10.0  # as train_activity.py
LABELS = ("Standing", "Running", "Walking", "Badminton")


def find(name):
    """name itself, in /rom (a board's ROMFS), or beside this script."""
    me = globals().get("__file__", "")
    here = me.rsplit("/", 1)[0] if "/" in me else "."
    for path in (name, "/rom/" + name.split("/")[-1], here + "/" + name):
        try:
            os.stat(path)
            return path
        except OSError:
            pass
    return name


def cases(path):
    """(label, samples) per case of an sktime .ts file; samples: array('f') [100, 6] interleaved
    (the file holds each channel's 100 values in turn). Read a line at a time."""
    in_data = False
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] == "#":
                continue
            if line.lower() == "@data":
                in_data = True
                continue
            if not in_data:
                continue
            parts = line.split(":")
            dims = [[float(v) for v in d.split(",")] for d in parts[:-1]]
            n = len(dims[0])
            samples = array("f", [0.0] * (n * len(dims)))
            for c, d in enumerate(dims):
                for i in range(n):
                    samples[i * len(dims) + c] = d[i]
            yield parts[-1], samples


def main(argv):
    with open(find(argv[2] if len(argv) > 2 else "activity.mml"), "rb") as f:
        model = microml.load(f.read())
    feats = microml.IMUFeatures(CHANNELS, WINDOW, bands=BANDS, rate=RATE)
    x = array("f", [0.0] * feats.n_features)
    for i, (truth, samples) in enumerate(cases(find(argv[1] if len(argv) > 1 else "cases.ts"))):
        feats.reset()
        feats.push(samples)
        feats.read(x)
        proba = model.predict_proba(x)
        k = 0
        for j in range(len(proba)):
            if proba[j] > proba[k]:
                k = j
        print("%d\t%s\t%.4f" % (i, LABELS[model.classes[k]], proba[k]))
    return 0


if __name__ == "__main__":
    rc = main(getattr(sys, "argv", None) or [])
    if rc:
        sys.exit(rc)
