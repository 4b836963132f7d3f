#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Trains the activity classifier of examples/gesture/activity.py on BasicMotions' train split
# (4 activities, 6-channel smart watch IMU, 100 samples at 10 Hz per case): features from
# microml.IMUFeatures (the CPython module, so the very C code the board runs), scikit-learn's
# ExtraTreesClassifier, converted by microml_tools.sklearn into activity.mml beside this script.
# Usage: PYTHONPATH=build/python:python /usr/bin/python3 examples/gesture/train_activity.py
#        [--data DIR] [--out FILE]    (prints the test split's accuracy)
import argparse
import os
import pathlib
import sys

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python"))
import microml  # noqa: E402
from microml_tools.sklearn import convert  # noqa: E402

# activity.py's settings: keep the two in step.
CHANNELS, WINDOW, BANDS, RATE = 6, 100, 4, 10.0
LABELS = ("Standing", "Running", "Walking", "Badminton")


def read_ts(path):
    """The cases of an sktime .ts file: (series [n, 100, 6] float32, labels [n] int)."""
    xs, ys = [], []
    in_data = False
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower() == "@data":
            in_data = True
            continue
        if not in_data:
            continue
        *dims, label = line.split(":")
        xs.append(np.array([[float(v) for v in d.split(",")] for d in dims], dtype=np.float32).T)
        ys.append(LABELS.index(label))
    return np.stack(xs), np.array(ys)


def features(series):
    """One IMUFeatures vector per case (a whole 100-sample window)."""
    f = microml.IMUFeatures(CHANNELS, WINDOW, bands=BANDS, rate=RATE)
    out = []
    for s in series:
        f.reset()
        assert f.push(np.ascontiguousarray(s)) == 1
        out.append(np.array(f.read()))
    return np.stack(out)


def train(data_dir):
    """(fitted trees, train features, test features, test labels)."""
    xtr, ytr = read_ts(data_dir / "BasicMotions_TRAIN.ts")
    xte, yte = read_ts(data_dir / "BasicMotions_TEST.ts")
    ftr, fte = features(xtr), features(xte)
    clf = ExtraTreesClassifier(n_estimators=25, random_state=0).fit(ftr, ytr)
    return clf, ftr, fte, yte


def main():
    default = pathlib.Path(os.environ.get("MICROML_DATA", HERE.parents[2] / "shared" / "data"))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=pathlib.Path, default=default / "datasets" / "basicmotions")
    ap.add_argument("--out", type=pathlib.Path, default=HERE / "activity.mml")
    args = ap.parse_args()
    clf, _, fte, yte = train(args.data)
    blob = convert(clf)
    args.out.write_bytes(blob)
    acc = (clf.predict(fte) == yte).mean()
    print(f"{args.out.name}: {len(blob)} bytes; test accuracy {acc:.3f} ({len(yte)} cases)")


if __name__ == "__main__":
    main()
