#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Trains sensor_monitor.py's detector on the host for every NAB series of a folder: the z-score
# statistics (mean, variance of the smoothed readings) and the thresholds (quantiles of the
# normal z-scores) learnt by microml.Detector.fit on the first 15% of each series, the part NAB
# treats as normal. Writes them to nab_trained.json beside this script, which sensor_monitor.py
# reads; the parameters (smoothing, quantiles, hysteresis) are sensor_monitor.py's, the same for
# every series. Needs the CPython extension (make python; PYTHONPATH=build/python).
#
#   train_nab.py [DIR]   (default: $MICROML_DATA/datasets/nab/data/realKnownCause)
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import microml  # noqa: E402
import sensor_monitor as sm  # noqa: E402


def default_dir():
    data = os.environ.get("MICROML_DATA") or str(HERE.parents[2] / "shared" / "data")
    return Path(data) / "datasets" / "nab" / "data" / "realKnownCause"


def train(path):
    values = [v for _, v in sm.readings(str(path))]
    normal = values[:int(sm.TRAIN * len(values))]
    d = microml.Detector(smooth=sm.SMOOTH, quantile=sm.QUANTILE, off_quantile=sm.OFF_QUANTILE,
                         k=sm.K, n=sm.N, gap=sm.GAP).fit(normal)
    return {"n_train": len(normal), "mean": d.mean, "var": d.var, "threshold": d.threshold,
            "off": d.off}


def main(argv):
    folder = Path(argv[0]) if argv else default_dir()
    series = {p.name: train(p) for p in sorted(folder.glob("*.csv"))}
    out = {"parameters": {"smooth": sm.SMOOTH, "quantile": sm.QUANTILE,
                          "off_quantile": sm.OFF_QUANTILE, "k": sm.K, "n": sm.N, "gap": sm.GAP,
                          "train": sm.TRAIN},
           "series": series}
    (HERE / "nab_trained.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    for name, p in series.items():
        print("%-45s %5d normal readings, mean %.4g, std %.4g, threshold %.3f" % (
            name, p["n_train"], p["mean"], p["var"] ** 0.5, p["threshold"]))


if __name__ == "__main__":
    main(sys.argv[1:])
