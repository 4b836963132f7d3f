# SPDX-License-Identifier: MIT
# Magic wand, the original TensorFlow Lite Micro example: a float CNN on the last 128
# accelerometer samples (x, y, z) that tells the wing (W), ring (O) and slope (L) gestures from
# anything else. FILE holds raw little-endian float32 samples x, y, z, ... (upstream's
# ring_micro_features_data / slope_micro_features_data are TFLM's vectors real_ring.in.bin and
# real_slope.in.bin); every window of 128 samples, `hop` apart, is classified. Prints one line per
# window: id<TAB>label<TAB>score.
# Usage: micropython magic_wand.py FILE [FILE...]   (on a board, without arguments:
# ring.bin and slope.bin beside magic_wand.tflite, in the current directory or in /rom)
import os
import struct
import sys

import microml

MODEL = "models/tflite-micro/magic_wand.tflite"
LABELS = ("wing", "ring", "slope", "negative")
WINDOW, HOP = 128, 32


def data_file(rel):
    name = rel.split("/")[-1]
    for path in (rel, name, "/rom/" + name):
        try:
            os.stat(path)
            return path
        except OSError:
            pass
    root = os.getenv("MICROML_DATA") if hasattr(os, "getenv") else None
    if not root:
        me = globals().get("__file__", "")
        here = me.rsplit("/", 1)[0] if "/" in me else "."
        root = here + "/../../../shared/data"
    return root + "/" + rel


def read(path):
    with open(path, "rb") as f:
        return f.read()


def windows(data):
    """(start sample, window bytes) for every 128-sample window HOP apart."""
    n = len(data) // 12
    start = 0
    while start + WINDOW <= n:
        yield start, memoryview(data)[12 * start:12 * (start + WINDOW)]
        start += HOP


def classify(model, window):
    """(label, score): the model's most likely class for 128 samples (raw float32 bytes)."""
    (k, score), = model.top_k(window, 1)
    return LABELS[k], score


def main(argv):
    model = microml.Model(read(data_file(MODEL)))
    files = argv[1:] or ["ring.bin", "slope.bin"]
    for name in files:
        data = read(data_file(name))
        if len(data) % 12:
            raise ValueError("%s: not float32 x, y, z samples" % name)
        base = name.split("/")[-1]
        for start, w in windows(data):
            label, score = classify(model, w)
            print("%s@%d\t%s\t%.4f" % (base, start, label, score))
    return 0


if __name__ == "__main__":
    rc = main(getattr(sys, "argv", None) or [])
    if rc:
        sys.exit(rc)
