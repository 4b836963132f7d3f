#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Host half of the classifiers example: fits four scikit-learn classifiers on a real sensor data
# set (UEA BasicMotions: a smart watch's 3-axis accelerometer and gyroscope, 10 s at 10 Hz, four
# activities) and writes what classify.py needs on the board into OUTDIR:
#   <name>.mml    each fitted model converted by microml_tools.sklearn.convert()
#   test_x.bin    the test set's features, float32 little-endian, row-major (n x 24)
#   models.txt    class names, sizes, the true labels and scikit-learn's own predictions
# Usage: /usr/bin/python3 examples/classifiers/train.py [OUTDIR]   (default build/classifiers)
# Data: $MICROML_DATA/datasets/basicmotions (default ../shared/data beside the repository).
import os
import sys
import warnings

import numpy as np
from sklearn import ensemble, linear_model, neural_network, pipeline, preprocessing, svm

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "python"))
from microml_tools.sklearn import convert  # noqa: E402

DATA = os.environ.get("MICROML_DATA") or os.path.join(os.path.dirname(TOP), "shared", "data")
CHANNELS = ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")
STATS = ("mean", "std", "min", "max")


def read_ts(path):
    """(series, labels, class names) of a sktime/UEA .ts file: series is (cases, channels,
    length) float64, labels the class names of each case."""
    series, labels, classes = [], [], None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                words = line.split()
                if words[0].lower() == "@classlabel":
                    classes = words[2:]
                continue
            *chans, label = line.split(":")
            series.append([[float(v) for v in c.split(",")] for c in chans])
            labels.append(label)
    return np.array(series), labels, classes


def features(series):
    """Per channel: mean, standard deviation, minimum and maximum over the window: (cases, 24),
    rounded to float32 (the values the board sees, so that scikit-learn is given the same)."""
    f = np.concatenate([series.mean(axis=2), series.std(axis=2), series.min(axis=2),
                        series.max(axis=2)], axis=1)
    return f.astype(np.float32).astype(np.float64)


def feature_names():
    return ["%s_%s" % (c, s) for s in STATS for c in CHANNELS]


def load():
    """(X_train, y_train, X_test, y_test, class names); labels are class indices."""
    d = os.path.join(DATA, "datasets", "basicmotions")
    out = []
    classes = None
    for split in ("TRAIN", "TEST"):
        series, labels, classes = read_ts(os.path.join(d, "BasicMotions_%s.ts" % split))
        out += [features(series), np.array([classes.index(v) for v in labels])]
    return out[0], out[1], out[2], out[3], classes


def models():
    """name -> unfitted estimator: a forest, an RBF SVM, a logistic regression and a small MLP,
    the last three after a StandardScaler in a Pipeline."""
    scaled = lambda m: pipeline.make_pipeline(preprocessing.StandardScaler(), m)  # noqa: E731
    return {
        "forest": ensemble.RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0),
        "svc": scaled(svm.SVC(kernel="rbf", C=10.0)),
        "logreg": scaled(linear_model.LogisticRegression(max_iter=1000)),
        "mlp": scaled(neural_network.MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000,
                                                   random_state=0)),
    }


def fit(X, y):
    """name -> fitted estimator."""
    fitted = {}
    for name, est in models().items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence warnings: the fitted model is what counts
            fitted[name] = est.fit(X, y)
    return fitted


def main(outdir):
    X_train, y_train, X_test, y_test, classes = load()
    os.makedirs(outdir, exist_ok=True)
    lines = ["classes %s\n" % " ".join(classes),
             "test %d %d\n" % X_test.shape,
             "labels %s\n" % " ".join(str(v) for v in y_test)]
    for name, est in fit(X_train, y_train).items():
        blob = convert(est)
        with open(os.path.join(outdir, name + ".mml"), "wb") as f:
            f.write(blob)
        pred = est.predict(X_test)
        lines.append("model %s %s\n" % (name, " ".join(str(v) for v in pred)))
        acc = np.mean(pred == y_test) * 100
        print("%-7s %-24s %6d bytes  test accuracy %.1f%%" % (
            name, type(est[-1] if hasattr(est, "steps") else est).__name__, len(blob), acc))
    with open(os.path.join(outdir, "test_x.bin"), "wb") as f:
        f.write(X_test.astype("<f4").tobytes())
    with open(os.path.join(outdir, "models.txt"), "w") as f:
        f.writelines(lines)
    print("wrote %s: %d test samples of %d features" % (outdir, X_test.shape[0], X_test.shape[1]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build", "classifiers"))
