# SPDX-License-Identifier: MIT
# Streaming anomaly detector for a sensor series: one microml.Detector (z-score of the EWMA-smoothed
# reading against mean and variance learnt on normal data, a threshold calibrated as a quantile of
# the normal scores, hysteresis) fed one reading at a time. Prints one line per alarm:
# timestamp<TAB>score.
#
#   sensor_monitor.py FILE.csv [--fit]
#
# FILE.csv: "timestamp,value" lines after a header (the NAB format). The statistics come from
# nab_trained.json (written on the host by train_nab.py from the first 15% of each NAB series)
# when it has FILE's name; otherwise, or with --fit, the detector learns them here from the first
# 15% of the file (NAB's probationary period, treated as normal). On a board without arguments
# the file is series.csv in the current directory. Every series uses the same parameters below.
import sys

import microml

SMOOTH = 0.2  # weight of the newest reading in the EWMA that smooths the readings
QUANTILE = 0.999  # threshold: this quantile of the z-scores of the normal readings
OFF_QUANTILE = 0.8  # an alarm ends when the score falls below this quantile
K, N = 2, 3  # an alarm needs 2 of the last 3 scores above the threshold
GAP = 300  # readings between the starts of two alarms, at least
TRAIN = 0.15  # share of the series at its start that is normal (NAB's probationary period)


def lines(path):
    """The lines of a text file, read in 4 KB chunks (a board's file objects may have no
    readline)."""
    with open(path, "rb") as f:
        rest = b""
        while True:
            chunk = f.read(4096)
            if not chunk:
                break
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            for line in parts:
                yield line.decode()
        if rest:
            yield rest.decode()


def readings(path):
    """(timestamp, value) for each data line of a NAB CSV file (after its header)."""
    first = True
    for line in lines(path):
        line = line.strip()
        if first or not line:
            first = False
            continue
        ts, _, v = line.rpartition(",")
        yield ts, float(v)


def trained(path):
    """The host-trained statistics for this file's name, or None."""
    name = path.rsplit("/", 1)[-1]
    me = globals().get("__file__", "")
    here = me.rsplit("/", 1)[0] if "/" in me else "."
    for json_path in (here + "/nab_trained.json", "nab_trained.json"):
        try:
            f = open(json_path)
        except OSError:
            continue
        import json

        with f:
            return json.load(f)["series"].get(name)
    return None


def detector(path, fit):
    params = None if fit else trained(path)
    if params is not None:
        return microml.Detector(smooth=SMOOTH, mean=params["mean"], var=params["var"],
                                threshold=params["threshold"], off=params["off"], k=K, n=N,
                                gap=GAP)
    n = 0
    for _ in readings(path):
        n += 1
    normal = []
    for _, v in readings(path):
        if len(normal) >= int(TRAIN * n):
            break
        normal.append(v)
    d = microml.Detector(smooth=SMOOTH, quantile=QUANTILE, off_quantile=OFF_QUANTILE, k=K, n=N,
                         gap=GAP)
    return d.fit(normal)


def monitor(path, fit=False, out=None):
    """Runs the detector over the whole file; returns the alarms [(timestamp, score)] and prints
    them unless out is given (a list to append to)."""
    d = detector(path, fit)
    alarms = [] if out is None else out
    for ts, v in readings(path):
        s = d.update(v)
        if s is not None:
            alarms.append((ts, s))
            if out is None:
                print("%s\t%.2f" % (ts, s))
    return alarms


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    monitor(args[0] if args else "series.csv", fit="--fit" in sys.argv[1:])


if __name__ == "__main__":
    main()
