# SPDX-License-Identifier: MIT
# MNIST with an LSTM: TFLM's ten digit samples (28x28 grayscale PNG, digit N in sampleN.png)
# through mnist_lstm_int8.tflite, which reads the picture row by row (28 steps of 28 pixels).
# The PNG is decoded here: zlib (MicroPython's `deflate` module, CPython's `zlib`) + row filters.
import io
import os
import struct
from array import array

import microml

try:
    import deflate

    def inflate(data):
        return deflate.DeflateIO(io.BytesIO(data), deflate.ZLIB).read()

except ImportError:  # CPython
    from zlib import decompress as inflate

# Data files, relative to $MICROML_DATA (on a board: plain names in the current directory).
FILES = (
    "models/tflite-micro/mnist_lstm_int8.tflite",
    "testdata/tflite-micro/mnist_lstm/sample0.png",
    "testdata/tflite-micro/mnist_lstm/sample1.png",
    "testdata/tflite-micro/mnist_lstm/sample2.png",
    "testdata/tflite-micro/mnist_lstm/sample3.png",
    "testdata/tflite-micro/mnist_lstm/sample4.png",
    "testdata/tflite-micro/mnist_lstm/sample5.png",
    "testdata/tflite-micro/mnist_lstm/sample6.png",
    "testdata/tflite-micro/mnist_lstm/sample7.png",
    "testdata/tflite-micro/mnist_lstm/sample8.png",
    "testdata/tflite-micro/mnist_lstm/sample9.png",
)


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


def png_gray(data):
    """Pixels of an 8-bit grayscale, non-interlaced PNG, top row first.
    Returns (width, height, bytearray)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n  # length, type, body, CRC
        if kind == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color != 0 or interlace:
                raise ValueError("want 8-bit gray non-interlaced, got depth %d colour type %d"
                                 % (depth, color))
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = inflate(b"".join(idat))
    out = bytearray(w * h)
    prev = bytearray(w)  # the row above the first one is zeros
    for r in range(h):
        f = raw[r * (w + 1)]  # each row starts with its filter type
        src = r * (w + 1) + 1
        row = bytearray(raw[src:src + w])
        for c in range(w):
            a = row[c - 1] if c else 0  # left
            b = prev[c]  # up
            if f == 1:
                row[c] = (row[c] + a) & 255
            elif f == 2:
                row[c] = (row[c] + b) & 255
            elif f == 3:
                row[c] = (row[c] + ((a + b) >> 1)) & 255
            elif f == 4:
                cc = prev[c - 1] if c else 0  # up-left
                p = a + b - cc
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else cc)
                row[c] = (row[c] + pred) & 255
            elif f:
                raise ValueError("bad PNG filter %d" % f)
        out[r * w:(r + 1) * w] = row
        prev = row
    return w, h, out


def f32(x):
    """x rounded to float32, so the arithmetic below is float32's on every face."""
    return array("f", (x,))[0]


def preprocess(pixels, inp):
    """int8 input bytes as TFLM's mnist_lstm/evaluate.py makes them: float32 pixel / 255, then
    (x / scale + zero_point) cast to int8 (truncation, not rounding), all in float32."""
    scale = f32(inp.scale)
    x = bytearray(len(pixels))
    for i in range(len(pixels)):
        v = int(f32(f32(f32(pixels[i] / 255) / scale) + inp.zero_point))
        x[i] = v & 255  # int8 two's complement
    return x


def predict_digit(model, pixels):
    """The digit with the highest score. The LSTM's state lives on in the Model from one
    predict() to the next: reset() first, so every picture starts from the initial state, like
    the fresh TFLM interpreter of the reference vectors. (Without it, sample9.png reads as a 3.)"""
    model.reset()
    return model.argmax(preprocess(pixels, model.inputs[0]))


def main():
    model = microml.Model(read(FILES[0]))
    correct = 0
    for n in range(10):
        rel = FILES[1 + n]
        w, h, pixels = png_gray(read(rel))
        digit = predict_digit(model, pixels)
        correct += digit == n
        print("%s: %d" % (rel.split("/")[-1], digit))
    print("%d/10 correct" % correct)


if __name__ == "__main__":
    main()
