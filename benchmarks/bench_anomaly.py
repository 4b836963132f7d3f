# SPDX-License-Identifier: MIT
# Guest script: Cortex-M4F instructions per anomaly-detection step, microml.Detector (C) next to
# the same computation written in plain MicroPython, on the MPS2_AN386 firmware under
# qemu -icount (time.ticks_cpu() is the 25 MHz timer; with shift S one instruction is 2^S ns,
# so instructions = ticks * 40 / 2^S). Run from the repository root:
#   tools/run-on-qemu MPS2_AN386 benchmarks/bench_anomaly.py --icount 6 \
#       --file ad01_int8.tflite=$D/models/mlcommons-tiny/ad01_int8.tflite \
#       --file hist.bin=$D/testdata/mlcommons-tiny/ad01/normal_id_01_00000000_hist_librosa.bin
# Each figure is the mean over a loop of steps minus the same loop doing nothing, so it includes
# the call into the step (a call of an empty Python function is printed for scale). Both sides
# raise the same alarms (checked), and the window scores agree.
import time
from array import array

import microml

SHIFT = 6  # the --icount given to run-on-qemu
INSN_PER_TICK = 40.0 / (1 << SHIFT)
STEPS = 2000

# A sensor series: a slow wave plus pseudo-random noise, with three excursions.
vals = array("f")
seed = 12345
for i in range(STEPS):
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    v = 20.0 + 3.0 * ((i % 200) - 100) / 100.0 + (seed >> 16) / 32768.0 - 1.0
    if i % 600 in range(300, 320):
        v += 15.0
    vals.append(v)
train = vals[:300]


class PyDetector:
    """microml.Detector(smooth=, quantile=, off_quantile=, k=, n=, gap=) in plain MicroPython."""

    def __init__(self, smooth, k, n, gap):
        self.a, self.k, self.n, self.gap = smooth, k, n, gap

    def fit(self, xs, q, oq):
        m = None
        sm = []
        for x in xs:
            m = x if m is None else m + self.a * (x - m)
            sm.append(m)
        mean = sum(sm) / len(sm)
        var = sum((s - mean) ** 2 for s in sm) / len(sm)
        self.mean, self.std = mean, var ** 0.5
        z = sorted(abs(s - mean) / self.std for s in sm)

        def quant(q):
            p = q * (len(z) - 1)
            i = int(p)
            return z[-1] if i >= len(z) - 1 else z[i] + (p - i) * (z[i + 1] - z[i])

        self.thr, self.off = quant(q), min(quant(oq), quant(q))
        self.reset()

    def reset(self):
        self.m = None
        self.hist = 0
        self.since = self.gap
        self.active = False

    def update(self, x):
        self.m = x if self.m is None else self.m + self.a * (x - self.m)
        s = abs(self.m - self.mean) / self.std
        self.hist = ((self.hist << 1) | (s > self.thr)) & ((1 << self.n) - 1)
        if self.since < self.gap:
            self.since += 1
        if self.active:
            if s < self.off:
                self.active = False
            return None
        c, h = 0, self.hist
        while h:
            h &= h - 1
            c += 1
        if c >= self.k and self.since >= self.gap:
            self.active = True
            self.since = 0
            return s
        return None


def loop_ticks(f, xs):
    t0 = time.ticks_cpu()
    for x in xs:
        f(x)
    return time.ticks_diff(time.ticks_cpu(), t0)


def bare_ticks(xs):
    t0 = time.ticks_cpu()
    for x in xs:
        pass
    return time.ticks_diff(time.ticks_cpu(), t0)


def per_step(f, xs):
    """Instructions per call of f(x), the call included, the bare loop not."""
    return (loop_ticks(f, xs) - bare_ticks(xs)) * INSN_PER_TICK / len(xs)


def nothing(x):
    return None


def main():
    print("shift %d: %.3f instructions per ticks_cpu() tick" % (SHIFT, INSN_PER_TICK))
    c = microml.Detector(smooth=0.2, quantile=0.999, off_quantile=0.8, k=2, n=3, gap=300)
    c.fit(train)
    p = PyDetector(0.2, 2, 3, 300)
    p.fit(train, 0.999, 0.8)
    ca = [i for i, v in enumerate(vals) if c.update(v) is not None]
    pa = [i for i, v in enumerate(vals) if p.update(v) is not None]
    print("alarms: C %r, MicroPython %r" % (ca, pa))
    c.reset()
    p.reset()
    print("empty Python function call: %.0f instructions" % per_step(nothing, vals))
    print("sensor step (smooth, z-score, hysteresis): C %.0f, MicroPython %.0f instructions" % (
        per_step(c.update, vals), per_step(p.update, vals)))

    # machine sound: one window of 5 log-mel frames through the autoencoder
    try:
        model = microml.Model(open("ad01_int8.tflite", "rb").read())
        feats = array("f", open("hist.bin", "rb").read())
    except OSError:
        print("machine sound: ad01_int8.tflite / hist.bin not staged (--file)")
        return
    det = microml.Detector(model, threshold=0.0)
    y = array("f", bytes(4 * 640))
    windows = [memoryview(feats)[w * 128:w * 128 + 640] for w in range(20)]

    def py_score(x):
        model.predict(x, out=y, dequantize=True)
        e = 0.0
        for i in range(640):
            d = x[i] - y[i]
            e += d * d
        return e / 640

    def predict_only(x):
        model.predict(x, out=y, dequantize=True)

    for w in windows[:3]:
        assert abs(det.score(w) - py_score(w)) <= 1e-4 * py_score(w)
    print("machine-sound window (autoencoder + error): Detector.score %.0f, predict() + "
          "MicroPython error %.0f, predict() alone %.0f instructions" % (
              per_step(det.score, windows), per_step(py_score, windows),
              per_step(predict_only, windows)))


main()
