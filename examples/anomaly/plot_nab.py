#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Draws what sensor_monitor.py sees on NAB series: the readings, the first 15% it trains on, the
# labelled anomaly windows and its alarms; writes nab_<series>.png beside this script (host,
# matplotlib; the alarms come from the CPython extension, the same as the unix port's).
#   PYTHONPATH=build/python plot_nab.py [SERIES.csv ...]   (default: two realKnownCause series)
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from datetime import datetime  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import nab_report  # noqa: E402
import sensor_monitor as sm  # noqa: E402

DEFAULT = ["machine_temperature_system_failure.csv", "nyc_taxi.csv"]


def when(ts):
    return datetime.strptime(ts[:19], "%Y-%m-%d %H:%M:%S")


def plot(name):
    _, windows = nab_report.series_names()
    path = nab_report.nab_dir() / "data" / "realKnownCause" / name
    rows = list(sm.readings(str(path)))
    t = [when(ts) for ts, _ in rows]
    v = [x for _, x in rows]
    alarms = sm.monitor(str(path), out=[])
    fig, ax = plt.subplots(figsize=(10, 3.2), dpi=90)
    ax.plot(t, v, lw=0.6, color="#345")
    ntr = int(sm.TRAIN * len(rows))
    ax.axvspan(t[0], t[ntr - 1], color="#9c9", alpha=0.25, label="normal (training)")
    for i, (a, b) in enumerate(windows["realKnownCause/" + name]):
        ax.axvspan(when(a), when(b), color="#f90", alpha=0.3,
                   label="labelled anomaly window" if i == 0 else None)
    ys = {ts: x for ts, x in rows}
    ax.scatter([when(ts) for ts, _ in alarms], [ys[ts] for ts, _ in alarms], color="red",
               marker="v", s=40, zorder=3, label="alarm")
    ax.set_title("%s: %d alarms" % (name, len(alarms)), fontsize=10)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    out = HERE / ("nab_" + name.replace(".csv", ".png"))
    fig.savefig(out)
    plt.close(fig)
    print(out)


def main(argv):
    for name in argv or DEFAULT:
        plot(name)


if __name__ == "__main__":
    main(sys.argv[1:])
