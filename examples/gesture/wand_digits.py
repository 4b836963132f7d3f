# SPDX-License-Identifier: MIT
# Magic wand digits: strokes traced with a wand's gyroscope (magic_wand_digits/*.json, the
# training data of tflite-micro-arduino-examples' magic_wand) rasterized in C into the 32x32
# colour image the int8 model takes, and classified. Prints one line per stroke:
# id<TAB>label<TAB>score (score: the model's dequantized softmax output for that label).
# Usage: micropython wand_digits.py FILE.json [MODEL.tflite]   (on a board, without arguments:
# strokes.json and the model by its bare name, in the current directory or in /rom). Strokes
# drawn live with an IMU on a board: board.py's wand() (README.md).
import json
import os
import sys

import microml

MODEL = "models/tflite-micro-arduino-examples/magic_wand_digits.tflite"
LABELS = "0123456789"


def data_file(rel):
    """Its bare name if in the current directory or /rom (a board), else $MICROML_DATA/rel, else
    the shared data folder beside the repository."""
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


def read(rel):
    with open(data_file(rel), "rb") as f:
        return f.read()


def points_of(stroke):
    """The stroke's points as one flat list x0, y0, x1, y1, ... of floats."""
    pts = []
    for p in stroke["strokePoints"]:
        pts.append(p["x"])
        pts.append(p["y"])
    return pts


def classify(model, points, image):
    """(label, score) of one stroke; image: a 32*32*3 bytearray, reused."""
    microml.rasterize_stroke(points, image)
    (k, score), = model.top_k(image, 1)
    return LABELS[k], score


def main(argv):
    model = microml.Model(read(argv[2] if len(argv) > 2 else MODEL))
    with open(data_file(argv[1] if len(argv) > 1 else "strokes.json")) as f:
        strokes = json.load(f)["strokes"]
    image = bytearray(32 * 32 * 3)
    for i, s in enumerate(strokes):
        label, score = classify(model, points_of(s), image)
        print("%s\t%s\t%.4f" % (s.get("index", i), label, score))
    return 0


if __name__ == "__main__":
    rc = main(getattr(sys, "argv", None) or [])
    if rc:
        sys.exit(rc)
