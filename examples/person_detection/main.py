# SPDX-License-Identifier: MIT
# Person detection: TFLM's 96x96 grayscale test pictures through person_detect.tflite (MobileNet
# v1, int8). The BMP is parsed here; its pixels go to the model as raw bytes, as TFLM's test does.
# On a board with the model in its ROMFS partition (/rom) the model is borrowed where it lies in
# flash, never copied to RAM: this is what lets it run on a Cortex-M0 with 224 KB of heap.
import os
import struct

import microml

# Data files, relative to $MICROML_DATA (on a board: plain names in the current directory).
FILES = (
    "models/tflite-micro/person_detect.tflite",
    "testdata/tflite-micro/person_detection/person.bmp",
    "testdata/tflite-micro/person_detection/no_person.bmp",
)
LABELS = ("no person", "person")  # output order of the model (TFLM's kNotAPersonIndex = 0)


def data_file(rel):
    """Path of a data file: its bare name if it is in the current directory (a board, where
    tools/run-on-qemu --file put it) or in /rom (a board's ROMFS), else $MICROML_DATA/rel
    (default: the shared data folder beside the repository)."""
    name = rel.split("/")[-1]
    for path in (name, "/rom/" + name):
        try:
            os.stat(path)
            return path
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


def model_bytes(rel):
    """The model's bytes: in ROMFS, a memoryview of the file where it lies in flash (no copy;
    valid while /rom stays mounted and unchanged), else a copy read into RAM."""
    path = data_file(rel)
    if path.startswith("/rom/"):
        with open(path, "rb") as f:
            return memoryview(f)
    return read(rel)


def bmp_gray(data):
    """Pixels of an uncompressed 8-bit palette BMP as gray bytes, top row first (the order PIL
    gives, which TFLM's generate_cc_arrays.py used). Returns (width, height, bytearray)."""
    if data[:2] != b"BM":
        raise ValueError("not a BMP")
    offset = struct.unpack_from("<I", data, 10)[0]
    hsize, w, h, _, bpp, comp = struct.unpack_from("<IiiHHI", data, 14)
    if bpp != 8 or comp != 0:
        raise ValueError("want an uncompressed 8-bit BMP, got %d bpp, compression %d" % (bpp, comp))
    palette = data[14 + hsize:offset]  # B, G, R, 0 per entry; gray: B == G == R
    stride = (w + 3) & ~3  # rows are padded to 4 bytes
    rows = abs(h)
    out = bytearray(w * rows)
    for r in range(rows):
        src = offset + (rows - 1 - r if h > 0 else r) * stride  # h > 0: stored bottom-up
        for c in range(w):
            out[r * w + c] = palette[4 * data[src + c]]
    return w, rows, out


def classify(model, pixels):
    """(label, score) for one picture. Like TFLM's test, the uint8 pixels are the int8 input
    bytes unchanged; top_k gives the winning class and its dequantized softmax output."""
    (k, score), = model.top_k(pixels, 1)
    return LABELS[k], score


def main():
    model = microml.Model(model_bytes(FILES[0]))
    for rel in FILES[1:]:
        w, h, pixels = bmp_gray(read(rel))
        label, score = classify(model, pixels)
        print("%s: %s (score %.2f)" % (rel.split("/")[-1], label, score))


if __name__ == "__main__":
    main()
