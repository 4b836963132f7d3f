#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Scores sensor_monitor.py on NAB's realKnownCause series: per series the labelled anomaly windows
# detected (at least one alarm inside) and the false alarms per 1000 readings outside the windows;
# the same for alarms placed at random at the same rate (seeded, averaged over many draws) as a
# baseline; and the acceptance check (over all series >= 60% of the windows with <= 1 false alarm
# per 1000 readings, no series above 3 per 1000, and clearly above the random baseline's mean).
#
#   nab_report.py [--runner CMD] [--out FILE.md]
#
# --runner: the MicroPython binary that runs sensor_monitor.py (e.g. build/micropython); default:
# this CPython process with the microml extension (PYTHONPATH=build/python). --out: write the
# markdown table (benchmarks/nab.md) with the commit measured. Exit status 1 if acceptance fails.
import json
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

MIN_DETECTED = 0.60  # share of all windows
MAX_FA = 1.0  # false alarms per 1000 readings outside windows, over all series
MAX_FA_SERIES = 3.0  # ... in any one series
BASELINE_DRAWS = 200


def nab_dir():
    data = os.environ.get("MICROML_DATA") or str(REPO.parent / "shared" / "data")
    return Path(data) / "datasets" / "nab"


def series_names():
    windows = json.loads((nab_dir() / "labels" / "combined_windows.json").read_text())
    names = sorted(k for k in windows if k.startswith("realKnownCause/"))
    return names, windows


def timestamps(path):
    with open(path) as f:
        f.readline()
        return [line.split(",")[0] for line in f if line.strip()]


def run_monitor(path, runner=None, timeout=600):
    """The alarms [(timestamp, score)] sensor_monitor.py raises on path."""
    if runner is None:
        import sensor_monitor

        return [(ts, float(s)) for ts, s in sensor_monitor.monitor(str(path), out=[])]
    out = subprocess.run([runner, str(HERE / "sensor_monitor.py"), str(path)], check=True,
                         capture_output=True, text=True, timeout=timeout).stdout
    alarms = []
    for line in out.splitlines():
        ts, s = line.split("\t")
        alarms.append((ts, float(s)))
    return alarms


def score(ts, windows, alarm_idx):
    """(windows detected, false alarms, readings outside windows) for alarms at indices."""
    spans = []
    for a, b in windows:
        a, b = a[:19], b[:19]
        spans.append((ts.index(a), ts.index(b)))  # NAB's windows start and end on readings
    inside = [False] * len(ts)
    for a, b in spans:
        for i in range(a, b + 1):
            inside[i] = True
    detected = sum(1 for a, b in spans if any(a <= i <= b for i in alarm_idx))
    false = sum(1 for i in alarm_idx if not inside[i])
    return detected, false, inside.count(False)


def evaluate(runner=None):
    """Rows per series and the totals, for the detector and the random baseline."""
    names, windows = series_names()
    rows = []
    rng = random.Random(10)
    for name in names:
        path = nab_dir() / "data" / name
        ts = timestamps(path)
        pos = {t: i for i, t in enumerate(ts)}
        alarms = run_monitor(path, runner)
        idx = [pos[t] for t, _ in alarms]
        det, fa, outside = score(ts, windows[name], idx)
        # baseline: as many alarms as the detector raised, at random readings
        rdet = rfa = 0.0
        for _ in range(BASELINE_DRAWS):
            d, f, _ = score(ts, windows[name], rng.sample(range(len(ts)), len(idx)))
            rdet += d / BASELINE_DRAWS
            rfa += f / BASELINE_DRAWS
        rows.append({"series": name.split("/")[1], "readings": len(ts),
                     "windows": len(windows[name]), "alarms": len(idx), "detected": det,
                     "false": fa, "outside": outside, "rand_detected": rdet, "rand_false": rfa})
    tot = {k: sum(r[k] for r in rows) for k in ("windows", "detected", "false", "outside",
                                                  "rand_detected", "rand_false", "alarms")}
    return rows, tot


def check(rows, tot):
    """The acceptance failures (empty: accepted)."""
    bad = []
    share = tot["detected"] / tot["windows"]
    fa = 1000.0 * tot["false"] / tot["outside"]
    if share < MIN_DETECTED:
        bad.append("%.0f%% of the windows detected, need %.0f%%" % (100 * share, 100 * MIN_DETECTED))
    if fa > MAX_FA:
        bad.append("%.2f false alarms per 1000 readings, at most %.1f" % (fa, MAX_FA))
    for r in rows:
        if 1000.0 * r["false"] / r["outside"] > MAX_FA_SERIES:
            bad.append("%s: %.2f false alarms per 1000" % (r["series"],
                                                            1000.0 * r["false"] / r["outside"]))
    # "clearly above" the random baseline: at least 1.5 times its mean share of windows
    if tot["detected"] < 1.5 * tot["rand_detected"]:
        bad.append("%d windows detected, random alarms %.1f" % (tot["detected"],
                                                                tot["rand_detected"]))
    return bad


def markdown(rows, tot, runner):
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    # the parameters as train_nab.py recorded them (sensor_monitor.py's constants)
    sm = json.loads((HERE / "nab_trained.json").read_text())["parameters"]
    out = ["# NAB realKnownCause: sensor_monitor.py", "",
           "Generated by `examples/anomaly/nab_report.py --out benchmarks/nab.md` (do not edit).",
           "Commit %s%s, run by %s." % (commit, " (with uncommitted changes)" if dirty else "",
                                         runner or "CPython with the microml extension"), "",
           "Detector: z-score of the EWMA-smoothed reading (weight %g) against the mean and "
           "variance of the first %d%% of each series, threshold = %g quantile of those "
           "z-scores, an alarm after %d of the last %d readings above it, ending below the %g "
           "quantile, at least %d readings between alarm starts. The same parameters for every "
           "series." % (sm["smooth"], round(100 * sm["train"]), sm["quantile"], sm["k"], sm["n"],
                        sm["off_quantile"], sm["gap"]), "",
           "Windows: NAB's labelled anomaly windows (`labels/combined_windows.json`); detected = "
           "at least one alarm inside. False alarms: alarms outside every window, per 1000 "
           "readings outside the windows. Random: the same number of alarms per series at "
           "random readings, mean of %d seeded draws." % BASELINE_DRAWS, "",
           "| series | readings | windows | alarms | detected | false / 1000 | random detected "
           "| random false / 1000 |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append("| %s | %d | %d | %d | %d | %.2f | %.2f | %.2f |" % (
            r["series"], r["readings"], r["windows"], r["alarms"], r["detected"],
            1000.0 * r["false"] / r["outside"], r["rand_detected"],
            1000.0 * r["rand_false"] / r["outside"]))
    out.append("| **all** | %d | %d | %d | **%d (%.0f%%)** | **%.2f** | %.2f (%.0f%%) | %.2f |" % (
        sum(r["readings"] for r in rows), tot["windows"], tot["alarms"], tot["detected"],
        100.0 * tot["detected"] / tot["windows"], 1000.0 * tot["false"] / tot["outside"],
        tot["rand_detected"], 100.0 * tot["rand_detected"] / tot["windows"],
        1000.0 * tot["rand_false"] / tot["outside"]))
    bad = check(rows, tot)
    out += ["", "Acceptance (>= 60% of the windows, <= 1 false alarm per 1000 readings over all "
            "series, <= 3 in each, at least 1.5x the random baseline's windows): " +
            ("met." if not bad else "NOT met: " + "; ".join(bad))]
    return "\n".join(out) + "\n"


def main(argv):
    runner = out = None
    it = iter(argv)
    for a in it:
        if a == "--runner":
            runner = next(it)
        elif a == "--out":
            out = next(it)
        else:
            sys.exit("usage: nab_report.py [--runner CMD] [--out FILE.md]")
    rows, tot = evaluate(runner)
    text = markdown(rows, tot, runner)
    if out:
        Path(out).write_text(text)
    print(text, end="")
    return 1 if check(rows, tot) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
