# SPDX-License-Identifier: MIT
# Guest half of benchmarks/gesture: instructions of the gesture front ends on the MPS2_AN386
# firmware (Cortex-M4F) under qemu -icount (time.ticks_cpu() advances 2^shift ns of virtual time
# per instruction; the host turns ticks into instructions), next to the same computation written
# in plain MicroPython. Prints one line "BENCH {...}". The host stages s.json (a stroke).
import json
import time
from array import array

import microml

tc = time.ticks_cpu
td = time.ticks_diff
CH, WIN, HOP, BANDS, RATE = 6, 100, 10, 4, 10.0
res = {}


def best(f, reps=5):
    t = []
    for _ in range(reps):
        t0 = tc()
        f()
        t.append(td(tc(), t0))
    return min(t)


res["nothing"] = best(lambda: None)

# ---- IMU features: C (microml.IMUFeatures) ----
samples = array("f", [((i * 37) % 101) / 25.0 - 2.0 for i in range(CH * 1000)])
frame = array("f", samples[:CH])
feats = microml.IMUFeatures(CH, WIN, hop=HOP, bands=BANDS, rate=RATE, queue=128)
out = array("f", [0.0] * feats.n_features)


def push_no_window():
    feats.reset()
    for _ in range(5):  # 5 frames, none completes a window
        feats.push(frame)


def push_window():
    # WIN - 1 frames pushed beforehand; this frame completes a window.
    feats.push(frame)


def c_window():
    feats.reset()
    feats.push(memoryview(samples)[:CH * (WIN - 1)])
    t0 = tc()
    feats.push(frame)
    t = td(tc(), t0)
    feats.read(out)
    return t


res["c_push5"] = best(push_no_window)
res["c_push_window"] = min(c_window() for _ in range(5))


def c_stream():
    feats.reset()
    feats.push(samples)  # 1000 samples in one call: 91 windows
    while feats.ready:
        feats.read(out)


res["c_stream_1000"] = best(c_stream, 3)

# ---- IMU features: plain MicroPython ----
ring = [[0.0] * CH for _ in range(WIN)]
state = {"pos": 0, "to_next": WIN}


def fft_power(x, n):
    """|rfft(x, n)|^2 for bins 0..n/2: an iterative radix-2 complex FFT."""
    re = [x[i] if i < len(x) else 0.0 for i in range(n)]
    im = [0.0] * n
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            re[i], re[j] = re[j], re[i]
    size = 2
    while size <= n:
        half = size // 2
        for k in range(half):
            wr, wi = cos_tab[n // size * k], sin_tab[n // size * k]
            for s in range(0, n, size):
                i1, i2 = s + k, s + k + half
                tr = re[i2] * wr - im[i2] * wi
                ti = re[i2] * wi + im[i2] * wr
                re[i2], im[i2] = re[i1] - tr, im[i1] - ti
                re[i1], im[i1] = re[i1] + tr, im[i1] + ti
        size *= 2
    return [re[k] * re[k] + im[k] * im[k] for k in range(n // 2 + 1)]


NFFT = 128
import math  # noqa: E402

cos_tab = [math.cos(-2 * math.pi * k / NFFT) for k in range(NFFT)]
sin_tab = [math.sin(-2 * math.pi * k / NFFT) for k in range(NFFT)]


def py_channel(x):
    n = len(x)
    mean = sum(x) / n
    d = [v - mean for v in x]
    m2 = sum(v * v for v in d) / n
    m3 = sum(v * v * v for v in d) / n
    m4 = sum(v * v * v * v for v in d) / n
    lo, hi = min(x), max(x)
    zc = sum(1 for i in range(1, n) if (x[i - 1] < 0) != (x[i] < 0))
    mc = sum(1 for i in range(1, n) if (d[i - 1] < 0) != (d[i] < 0))
    sd = math.sqrt(m2)
    f = [mean, sd, lo, hi, math.sqrt(sum(v * v for v in x) / n), hi - lo, zc, mc,
         m3 / (m2 * sd) if m2 > 0 else 0.0, m4 / (m2 * m2) - 3 if m2 > 0 else 0.0]
    p = fft_power(d, NFFT)
    k_max = NFFT // 2
    for b in range(BANDS):
        f.append(sum(p[1 + b * k_max // BANDS:1 + (b + 1) * k_max // BANDS]) / n)
    k = max(range(1, k_max + 1), key=lambda i: p[i])
    f.append(k * RATE / NFFT)
    return f


def py_window():
    pos = state["pos"]
    rows = ring[pos:] + ring[:pos]
    vec = []
    for c in range(CH):
        vec += py_channel([r[c] for r in rows])
    for g in range(CH // 3):
        vec += py_channel([math.sqrt(r[3 * g] ** 2 + r[3 * g + 1] ** 2 + r[3 * g + 2] ** 2)
                           for r in rows])
    return vec


def py_push(x):
    """x: one frame; returns the vector when this frame completes a window."""
    ring[state["pos"]] = list(x)
    state["pos"] = (state["pos"] + 1) % WIN
    state["to_next"] -= 1
    if state["to_next"] == 0:
        state["to_next"] = HOP
        return py_window()
    return None


def py_push5():
    state["to_next"] = WIN
    for _ in range(5):
        py_push(frame)


res["py_push5"] = best(py_push5)
state["to_next"] = WIN
for i in range(WIN - 1):
    py_push(samples[CH * i:CH * i + CH])
t0 = tc()
vec = py_push(frame)
res["py_push_window"] = td(tc(), t0)
# The two agree (a sanity check of the plain version).
feats.reset()
feats.push(memoryview(samples)[:CH * (WIN - 1)])
feats.push(frame)
feats.read(out)
res["py_vs_c_max_rel"] = max(abs(a - b) / max(abs(b), 1e-3) for a, b in zip(vec, out))

# ---- stroke rasterizer: C vs plain MicroPython (integer fixed point, the same rules) ----
with open("s.json") as f:
    pts = json.load(f)
img = bytearray(32 * 32 * 3)
res["c_raster"] = best(lambda: microml.rasterize_stroke(pts, img))


def py_raster(points):
    FP = 4096
    buf = bytearray(b"\x80" * (32 * 32 * 3))
    n = len(points) // 2
    t_inc = FP // n
    rng = 2457  # floor(0.6 * 4096)

    def coord(a):  # (a / range) * 16 + 16 pixels, in fixed point
        return ((math.floor(a * FP) * FP) // rng) * 16 + 65536

    for i in range(n - 1):
        sx, sy = coord(points[2 * i]), coord(-points[2 * i + 1])
        ex, ey = coord(points[2 * i + 2]), coord(-points[2 * i + 3])
        dx, dy = ex - sx, ey - sy
        t = i * t_inc
        if t < 2048:
            lt = t * FP // 2048
            col = ((FP - lt) * 255 + 2048) // FP, (lt * 255 + 2048) // FP, 0
        else:
            lt = (t - 2048) * FP // 2048
            col = 0, ((FP - lt) * 255 + 2048) // FP, (lt * 255 + 2048) // FP
        if abs(dx) > abs(dy):
            length = abs((dx + 2048) // FP)
            xi = FP if dx > 0 else -FP
            yi = (dy * FP) // dx if dx > 0 else -((dy * FP) // dx)
        else:
            length = abs((dy + 2048) // FP)
            yi = FP if dy > 0 else -FP
            xi = (dx * FP) // (dy or 1) if dy > 0 else -((dx * FP) // (dy or 1))
        for k in range(length + 1):
            x, y = (sx + k * xi + 2048) // FP, (sy + k * yi + 2048) // FP
            if 0 <= x < 32 and 0 <= y < 32:
                o = (y * 32 + x) * 3
                buf[o], buf[o + 1], buf[o + 2] = col[0] ^ 128, col[1] ^ 128, col[2] ^ 128
    return buf


t0 = tc()
pimg = py_raster(pts)
res["py_raster"] = td(tc(), t0)
res["raster_same"] = bytes(pimg) == bytes(img)
res["n_points"] = len(pts) // 2
print("BENCH", repr(res))
