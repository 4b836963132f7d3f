# SPDX-License-Identifier: MIT
# Machine-sound anomaly score with the MLPerf Tiny autoencoder (ad01_int8.tflite): log-mel frames
# (128 bands, librosa's settings: microml.log_mel) in windows of 5 frames, each rebuilt by the
# model; a microml.Detector with the model as scorer gives each window's mean squared
# reconstruction error, and the clip's anomaly score is their mean. Higher: more anomalous.
#
#   machine_sound.py [FILE.wav]
#
# FILE.wav: 16 kHz, 16-bit mono (the ToyCar recordings the model was trained on). Without it, the
# log-mel features mlcommons/tiny stored for a real normal ToyCar clip (200 frames) are scored:
# upstream's int8 score for them is 10.2603.
import os
import sys
from array import array

import microml

MODEL = "models/mlcommons-tiny/ad01_int8.tflite"
FEATURES = "testdata/mlcommons-tiny/ad01/normal_id_01_00000000_hist_librosa.bin"
BANDS = 128  # mel bands per frame
FRAMES = 5  # frames per window
UPSTREAM = 10.2603  # mlcommons/tiny's int8 score for FEATURES


def data_file(rel):
    """Its bare name if it is in the current directory (a board), else $MICROML_DATA/rel."""
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


def read(path):
    with open(path, "rb") as f:
        return f.read()


def wav_samples(data):
    """The int16 samples of a 16 kHz 16-bit mono RIFF/WAVE file."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAVE file")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            fmt = (int.from_bytes(body[0:2], "little"), int.from_bytes(body[2:4], "little"),
                   int.from_bytes(body[4:8], "little"), int.from_bytes(body[14:16], "little"))
        elif cid == b"data":
            if fmt != (1, 1, 16000, 16):
                raise ValueError("need 16 kHz 16-bit mono PCM, got (format, channels, rate, "
                                 "bits) %r" % (fmt,))
            return array("h", body[:len(body) & ~1])
        pos += 8 + size + (size & 1)
    raise ValueError("no data chunk")


def clip_score(detector, features):
    """Mean over the sliding windows (stride one frame) of the window's reconstruction error."""
    feats = memoryview(features)
    n = FRAMES * BANDS
    windows = len(features) // BANDS - FRAMES + 1
    total = 0.0
    for w in range(windows):
        total += detector.score(feats[w * BANDS:w * BANDS + n])
    return total / windows, windows


def main():
    model = microml.Model(read(data_file(MODEL)))
    # the scorer alone (score() is all this uses): no threshold to calibrate for one clip
    detector = microml.Detector(model, threshold=0.0)
    if len(sys.argv) > 1:
        features = microml.log_mel(wav_samples(read(sys.argv[1])))
    else:
        features = array("f", read(data_file(FEATURES)))
    score, windows = clip_score(detector, features)
    print("frames: %d, windows: %d" % (len(features) // BANDS, windows))
    print("anomaly score: %.2f" % score)
    if len(sys.argv) <= 1:
        print("upstream: %.4f (%+.2f%%)" % (UPSTREAM, (score / UPSTREAM - 1) * 100))


if __name__ == "__main__":
    main()
