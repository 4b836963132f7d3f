# SPDX-License-Identifier: MIT
# Keyword spotting on WAV files: one line per file, path<TAB>label<TAB>score.
#   classify_wav.py [--model mlperf|micro_speech] FILE.wav ...
# mlperf: MLPerf Tiny's kws_ref_model.tflite on microml.dsp.MLPerfKWS features (1 s, 49x10 MFCC).
# micro_speech: TFLM's audio_preprocessor_int8.tflite run on each 30 ms frame (20 ms hop, its
# state carried from frame to frame and reset per file), then micro_speech_quantized.tflite.
# Runs on CPython, the MicroPython unix port and a board (with no FILE arguments it classifies
# every .wav in the current directory, then in /rom). The WAV reader is here: 16-bit PCM mono
# 16 kHz; anything else is refused naming what the file is.
import os
import sys

import microml

# Data files, relative to $MICROML_DATA (on a board: plain names in the current directory).
MODELS = {
    "mlperf": ("models/mlcommons-tiny/kws_ref_model.tflite",),
    "micro_speech": ("models/tflite-micro/audio_preprocessor_int8.tflite",
                     "models/tflite-micro/micro_speech_quantized.tflite"),
}
# Output order of each model (research/kws-features.md; TFLM's micro_speech labels).
LABELS = {
    "mlperf": ("Down", "Go", "Left", "No", "Off", "On", "Right", "Stop", "Up", "Yes", "Silence",
               "Unknown"),
    "micro_speech": ("silence", "unknown", "yes", "no"),
}
RATE = 16000
SECOND = 2 * RATE  # bytes of 1 s of int16 samples
ZEROS = bytes(SECOND)
FRAME, HOP, FRAMES = 480, 320, 49  # micro_speech: 30 ms windows every 20 ms over 1 s


def data_file(rel):
    """Path of a data file: its bare name in the current directory or in /rom (a board), else
    $MICROML_DATA/rel (default: the shared data folder beside the repository)."""
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


def u16(b, i):
    return b[i] | b[i + 1] << 8


def u32(b, i):
    return u16(b, i) | u16(b, i + 2) << 16


def read_wav(path, buf):
    """Reads up to 1 s of a 16-bit PCM mono 16 kHz WAV file into buf (a bytearray of SECOND
    bytes: little-endian int16 samples, zero past the clip's end). Returns the number of samples
    the file has."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ValueError("%s: not a WAV file (it starts with %r)" % (path, bytes(head[:12])))
        fmt = None
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                raise ValueError("%s: WAV file without a %s chunk" % (path,
                                 "data" if fmt else "fmt"))
            size = u32(chunk, 4)
            if chunk[:4] == b"fmt ":
                fmt = f.read(size + (size & 1))
                tag, channels, rate, bits = u16(fmt, 0), u16(fmt, 2), u32(fmt, 4), u16(fmt, 14)
                if tag != 1 or channels != 1 or rate != RATE or bits != 16:
                    raise ValueError("%s: %s %d channel(s) %d Hz %d-bit; want 16-bit PCM mono "
                                     "16000 Hz" % (path, "PCM" if tag == 1 else
                                                   "format %d" % tag, channels, rate, bits))
            elif chunk[:4] == b"data" and fmt is not None:
                n = f.readinto(memoryview(buf)[:min(size & ~1, SECOND)]) or 0
                memoryview(buf)[n:] = memoryview(ZEROS)[n:]
                return size // 2
            else:
                f.read(size + (size & 1))


class MLPerf:
    """kws_ref_model.tflite on the MLPerf front end's int8 features."""

    def __init__(self):
        self.model = microml.Model(read(MODELS["mlperf"][0]))
        info = self.model.inputs[0]
        self.features = microml.dsp.MLPerfKWS(scale=info.scale, zero_point=info.zero_point)
        self.x = bytearray(FRAMES * 10)
        # A window with no sample above zero (digital silence) cannot be peak-normalized like
        # the training clips: the front end keeps it at zero, and such a window is Silence by
        # definition here (the model, never trained on it, would say Unknown).
        self.silent = bytes(self.features(ZEROS))

    def classify(self, buf):
        self.features(buf, out=self.x)
        if self.x == self.silent:
            return LABELS["mlperf"][10], 1.0
        (k, score), = self.model.top_k(self.x, 1)
        return LABELS["mlperf"][k], score


class MicroSpeech:
    """TFLM micro_speech: the audio preprocessor model per frame, then the classifier.
    features=False loads the classifier alone (label() of features made elsewhere)."""

    def __init__(self, features=True):
        self.model = microml.Model(read(MODELS["micro_speech"][1]))
        # NotImplementedError (naming the ops) where the signal ops are not built in.
        self.pre = microml.Model(read(MODELS["micro_speech"][0])) if features else None
        self.x = bytearray(FRAMES * 40)
        self.row = bytearray(40)

    def features(self, buf):
        """The 49x40 int8 features of 1 s of samples (little-endian int16 bytes)."""
        self.pre.reset()
        mv = memoryview(buf)
        for f in range(FRAMES):
            self.pre.predict(mv[2 * HOP * f:2 * (HOP * f + FRAME)], out=self.row)
            self.x[40 * f:40 * (f + 1)] = self.row
        return self.x

    def label(self, x):
        (k, score), = self.model.top_k(x, 1)
        return LABELS["micro_speech"][k], score

    def classify(self, buf):
        return self.label(self.features(buf))


def wav_files():
    """A board's .wav files: the current directory's, then /rom's."""
    found = []
    for d in (".", "/rom"):
        try:
            names = sorted(n for n in os.listdir(d) if n.endswith(".wav"))
        except OSError:
            continue
        found += [n if d == "." else d + "/" + n for n in names]
    return found


def main(argv):
    kind = "mlperf"
    if len(argv) >= 2 and argv[0] == "--model":
        kind, argv = argv[1], argv[2:]
    if kind not in MODELS:
        raise SystemExit("classify_wav.py: --model must be mlperf or micro_speech, got %r" % kind)
    clf = MLPerf() if kind == "mlperf" else MicroSpeech()
    buf = bytearray(SECOND)
    for path in argv or wav_files():
        read_wav(path, buf)
        label, score = clf.classify(buf)
        print("%s\t%s\t%.3f" % (path, label, score))


if __name__ == "__main__":
    main(sys.argv[1:])
