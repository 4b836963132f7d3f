# SPDX-License-Identifier: MIT
# Hello world: TFLM's sine model (hello_world_int8.tflite, 3 small dense layers, int8) predicts
# sin(x) for x in [0, 2*pi]. Floats go in and are quantized by predict(); the int8 output is
# dequantized here with the output's scale and zero point.
import math
import os

import microml

# Data files, relative to $MICROML_DATA (on a board: plain names in the current directory).
FILES = ("models/tflite-micro/hello_world_int8.tflite",)
XS = (0.0, 0.5, 1.0, 1.57, 2.0, 3.0, 4.0, 4.71, 5.5, 6.0)


def data_file(rel):
    """Path of a data file: its bare name if it is in the current directory (a board, where
    tools/run-on-qemu --file put it), else $MICROML_DATA/rel (default: the shared data folder
    beside the repository)."""
    name = rel.split("/")[-1]
    try:
        os.stat(name)
        return name
    except OSError:
        pass
    root = os.getenv("MICROML_DATA") if hasattr(os, "getenv") else None
    if not root:
        here = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
        root = here + "/../../../shared/data"
    return root + "/" + rel


def read(rel):
    with open(data_file(rel), "rb") as f:
        return f.read()


def sine(model, x):
    """The model's estimate of sin(x)."""
    out = model.outputs[0]
    q = model.predict([x])[0]
    return (q - out.zero_point) * out.scale


def main():
    model = microml.Model(read(FILES[0]))
    worst = 0.0
    for x in XS:
        y = sine(model, x)
        worst = max(worst, abs(y - math.sin(x)))
        print("x=%.2f  y=%+.3f  sin(x)=%+.3f" % (x, y, math.sin(x)))
    print("largest error: %.3f" % worst)


if __name__ == "__main__":
    main()
