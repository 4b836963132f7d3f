# SPDX-License-Identifier: MIT
# Board half of the classifiers example (MicroPython; also runs on CPython with the extension):
# loads each model train.py converted (<name>.mml) with microml.load(), classifies the test set
# (test_x.bin: float32 features, n x 24) in one batch call into a preallocated array, and prints
# per model its predictions, its accuracy and its agreement with scikit-learn's predictions on
# the host (models.txt). Output lines (README.md):
#   classes: <name> ...                    the class names, by class index
#   test set: <n> samples of <f> features
#   <model>: <kind>, <bytes> bytes         microml's model kind and the blob's size
#   <model> predictions: <i> <i> ...       the class index predicted for each test sample
#   <model> accuracy: <k>/<n> (<p>%), agrees with scikit-learn on <a>/<n>
# Files: in the directory given as the first argument, else in /rom (a board's ROMFS partition:
# tools/run-on-qemu --romfs, or `mpremote romfs deploy`), else in the current directory.
import os
import sys
from array import array

import microml


def where():
    """Directory of the files, with its slash: the first argument, else /rom (a board's ROMFS
    partition, where tools/run-on-qemu --romfs puts them), else the current directory."""
    argv = getattr(sys, "argv", None) or []
    if len(argv) > 1:
        return argv[1].rstrip("/") + "/"
    try:
        os.stat("/rom/models.txt")
        return "/rom/"
    except OSError:
        return ""


def read(path):
    with open(path, "rb") as f:
        return f.read()


def model_bytes(path):
    """The model's bytes: in ROMFS (/rom) borrowed in place, as the model lies in flash (valid
    while /rom stays mounted), else a copy read into RAM."""
    if path.startswith("/rom/"):
        with open(path, "rb") as f:
            return memoryview(f)
    return read(path)


def parse(text):
    """(class names, n, features, true labels, [(model name, scikit-learn's labels)])."""
    classes, n, nf, labels, models = None, 0, 0, None, []
    for line in text.split("\n"):
        words = line.split()
        if not words:
            continue
        if words[0] == "classes":
            classes = words[1:]
        elif words[0] == "test":
            n, nf = int(words[1]), int(words[2])
        elif words[0] == "labels":
            labels = [int(v) for v in words[1:]]
        elif words[0] == "model":
            models.append((words[1], [int(v) for v in words[2:]]))
    return classes, n, nf, labels, models


def classify(model, x, n):
    """Class index of each of the n samples in x (flat float32): one batch call, results written
    into a preallocated int32 array (out=: no allocation inside predict)."""
    out = array("i", [0] * n)
    model.predict(x, out, n=n)
    return out


def main():
    d = where()
    classes, n, nf, labels, models = parse(read(d + "models.txt").decode())
    x = array("f", read(d + "test_x.bin"))
    print("classes: %s" % " ".join(classes))
    print("test set: %d samples of %d features" % (n, nf))
    for name, expected in models:
        blob = model_bytes(d + name + ".mml")
        model = microml.load(blob)
        if model.n_features != nf:
            raise ValueError("%s takes %d features, the test set has %d" % (
                name, model.n_features, nf))
        pred = classify(model, x, n)
        right = sum(1 for i in range(n) if pred[i] == labels[i])
        same = sum(1 for i in range(n) if pred[i] == expected[i])
        print("%s: %s, %d bytes" % (name, model.kind, len(blob)))
        print("%s predictions: %s" % (name, " ".join(str(v) for v in pred)))
        print("%s accuracy: %d/%d (%.1f%%), agrees with scikit-learn on %d/%d" % (
            name, right, n, 100.0 * right / n, same, n))


main()
