# SPDX-License-Identifier: MIT
# Hello world: TFLM's sine model (hello_world_int8.tflite, 3 small dense layers, int8) predicts
# sin(x) for x in [0, 2*pi]. Floats go in and are quantized by predict(); predict(...,
# dequantize=True) gives the int8 output back as a float, into one reused array (no allocation).
import math
import os
from array import array

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


Y = array("f", [0.0])


def sine(model, x):
    """The model's estimate of sin(x)."""
    model.predict([x], out=Y, dequantize=True)
    return Y[0]


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
