#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The README's pictures, drawn on the host with the CPython module: stroke.png (a magic wand
# digits stroke, its 32x32 raster from microml.rasterize_stroke, and the model's answer) and
# activity_confusion.png (activity.py's predictions on BasicMotions' test split).
# Usage: PYTHONPATH=build/python /usr/bin/python3 examples/gesture/plots.py
import json
import os
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import microml  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
DATA = pathlib.Path(os.environ.get("MICROML_DATA", HERE.parents[2] / "shared" / "data"))
sys.path.insert(0, str(HERE))
import train_activity  # noqa: E402


def stroke_png(path):
    strokes = json.loads((DATA / "datasets" / "magic_wand_digits" / "petewarden_3.json")
                         .read_text())["strokes"]
    s = strokes[0]
    pts = np.array([(p["x"], p["y"]) for p in s["strokePoints"]])
    img = np.frombuffer(bytes(microml.rasterize_stroke(pts.ravel().tolist())), np.int8)
    img = (img.astype(np.int32) + 128).reshape(32, 32, 3).astype(np.uint8)
    model = microml.Model((DATA / "models" / "tflite-micro-arduino-examples" /
                           "magic_wand_digits.tflite").read_bytes())
    (k, score), = model.top_k(bytes(microml.rasterize_stroke(pts.ravel().tolist())), 1)
    fig, ax = plt.subplots(1, 2, figsize=(8, 4))
    t = np.arange(len(pts)) / len(pts)
    # The rasterizer's colours: red at the start, green half way, blue at the end.
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list("rgb", ["red", "lime", "blue"])
    ax[0].scatter(pts[:, 0], pts[:, 1], c=t, cmap=cmap, s=8)
    ax[0].plot(pts[:, 0], pts[:, 1], lw=0.5, color="gray")
    ax[0].set_xlim(-0.6, 0.6)
    ax[0].set_ylim(-0.6, 0.6)
    ax[0].set_aspect("equal")
    ax[0].set_title(f"stroke {s['index']} (label {s['label']}), {len(pts)} points")
    ax[1].imshow(img, interpolation="nearest")
    ax[1].set_title(f"rasterize_stroke: 32x32x3 -> '{k}' ({score:.2f})")
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def confusion_png(path):
    clf, _, fte, yte = train_activity.train(DATA / "datasets" / "basicmotions")
    model = microml.load((HERE / "activity.mml").read_bytes())
    pred = np.asarray(model.predict(fte.astype(np.float32)))
    n = len(train_activity.LABELS)
    cm = np.zeros((n, n), dtype=int)
    for t, p in zip(yte, pred):
        cm[t, p] += 1
    fig, ax = plt.subplots(figsize=(5, 4.4))
    ax.imshow(cm, cmap="Blues")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                    color="white" if cm[i, j] > 5 else "black")
    ax.set_xticks(range(n), train_activity.LABELS, rotation=30)
    ax.set_yticks(range(n), train_activity.LABELS)
    ax.set_xlabel("predicted (microml ClassicModel)")
    ax.set_ylabel("true")
    ax.set_title(f"BasicMotions test: {int(np.trace(cm))}/{len(yte)} right")
    fig.tight_layout()
    fig.savefig(path, dpi=80)


if __name__ == "__main__":
    stroke_png(HERE / "stroke.png")
    confusion_png(HERE / "activity_confusion.png")
