# SPDX-License-Identifier: MIT
# An independent Python model of the magic wand stroke rasterizer's rules, written from the
# training notebook's description (fixed point 4096, Python floor division, round half up),
# with plain Python integers: the C rasterizer (src/dsp/stroke.c) is tested against it.
import math

import numpy as np

FP = 4096


def rasterize(points, x_range=0.6, y_range=0.6, width=32, height=32):
    """points: [(x, y), ...] floats. Returns an int8 numpy array [height, width, 3]."""
    img = np.zeros((height, width, 3), dtype=np.int32)
    xr, yr = math.floor(x_range * FP), math.floor(y_range * FP)
    n = len(points)
    if n < 2:
        return (img - 128).astype(np.int8)
    t_inc = FP // n

    def coord(a, rng, size):
        norm = (math.floor(a * FP) * FP) // rng
        return (norm * (size * FP // 2)) // FP + size * FP // 2

    def rnd(a):
        return (a + FP // 2) // FP

    def div(a, b):
        return (a * FP) // (b if b != 0 else 1)

    for i in range(n - 1):
        (x0, y0), (x1, y1) = points[i], points[i + 1]
        sx, sy = coord(x0, xr, width), coord(-y0, yr, height)
        ex, ey = coord(x1, xr, width), coord(-y1, yr, height)
        dx, dy = ex - sx, ey - sy
        t = i * t_inc
        if t < FP // 2:
            lt = div(t, FP // 2)
            col = (rnd((FP - lt) * 255), rnd(lt * 255), 0)
        else:
            lt = div(t - FP // 2, FP // 2)
            col = (0, rnd((FP - lt) * 255), rnd(lt * 255))
        col = [min(255, max(0, c)) for c in col]
        if abs(dx) > abs(dy):
            length = abs(rnd(dx))
            xi = FP if dx > 0 else -FP
            yi = div(dy, dx) if dx > 0 else -div(dy, dx)
        else:
            length = abs(rnd(dy))
            yi = FP if dy > 0 else -FP
            xi = div(dx, dy) if dy > 0 else -div(dx, dy)
        for k in range(length + 1):
            x, y = rnd(sx + k * xi), rnd(sy + k * yi)
            if 0 <= x < width and 0 <= y < height:
                img[y, x] = col
    return (img - 128).astype(np.int8)


def gyro_stroke(gyro, rate, drift, gravity, stride=2):
    """The magic wand sketch's stroke from gyroscope samples gyro [n, 3] (deg/s), in float64:
    orientation = cumulative sum of (gyro - drift) / rate; its y, z minus their means over the
    stroke, / 45 degrees, turned into the screen plane by the gravity direction; every stride-th
    sample, round(v * 128) half away from zero, clamped to int8. Returns int [n // stride, 2]."""
    g = np.asarray(gyro, dtype=np.float64)
    o = np.cumsum((g - np.asarray(drift, dtype=np.float64)) / rate, axis=0)
    ny = (o[:, 1] - o[:, 1].mean()) / 45.0
    nz = (o[:, 2] - o[:, 2].mean()) / 45.0
    gy, gz = float(gravity[1]), float(gravity[2])
    gmag = max(math.sqrt(gy * gy + gz * gz), 0.0001)
    gy, gz = gy / gmag, gz / gmag
    x = -gz * nz - gy * ny
    y = -gy * nz + gz * ny
    m = len(g) // stride
    pts = np.stack([x[:m * stride:stride], y[:m * stride:stride]], axis=1) * 128.0
    pts = np.sign(pts) * np.floor(np.abs(pts) + 0.5)
    return np.clip(pts, -128, 127).astype(np.int32)
