# SPDX-License-Identifier: MIT
# Anomaly detection: the MLPerf Tiny autoencoder (ad01_int8.tflite) scores a real 10 s machine
# sound (ToyCar, normal) from its log-mel spectrogram: 200 frames x 128 mel bands, float32.
# Each window of 5 frames (640 values) is rebuilt by the model; the clip score is the mean over
# the 196 windows of the mean squared error between window and rebuild. Higher: more anomalous.
import os
from array import array

import microml

# Data files, relative to $MICROML_DATA (on a board: plain names in the current directory).
FILES = (
    "models/mlcommons-tiny/ad01_int8.tflite",
    "testdata/mlcommons-tiny/ad01/normal_id_01_00000000_hist_librosa.bin",
)
BANDS = 128  # mel bands per frame
FRAMES = 5  # frames per window
UPSTREAM = 10.2603  # mlcommons/tiny's score for this clip with the int8 model (toycar_results/)


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


def clip_score(model, features):
    """Mean over all sliding windows (stride one frame) of the window's reconstruction MSE.
    features: array('f') of frames x BANDS values, frame-major."""
    n = FRAMES * BANDS
    y = array("f", bytes(4 * n))  # output buffer, reused: the reconstruction as floats
    feats = memoryview(features)
    windows = len(features) // BANDS - FRAMES + 1
    total = 0.0
    for w in range(windows):
        x = feats[w * BANDS:w * BANDS + n]
        # float input: quantized with the input scale and zero point; the int8 output comes back
        # dequantized, into y (no allocation)
        model.predict(x, out=y, dequantize=True)
        err = 0.0
        for i in range(n):
            d = x[i] - y[i]
            err += d * d
        total += err / n
    return total / windows


def main():
    model = microml.Model(read(FILES[0]))
    features = array("f", read(FILES[1]))
    score = clip_score(model, features)
    print("windows: %d of %d frames" % (len(features) // BANDS - FRAMES + 1, FRAMES))
    print("anomaly score: %.2f (upstream %.4f)" % (score, UPSTREAM))
    print("difference: %+.2f%%" % ((score / UPSTREAM - 1) * 100))


if __name__ == "__main__":
    main()
