# SPDX-License-Identifier: MIT
# Single-op models of RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, ARG_MAX and ARG_MIN, built with
# python/microml_tools/tflite_writer.py and run through the CLI. Expected values: numpy models
# written from TFLite's reference kernels (reference/resize_bilinear.h: float interpolation in
# float32 in its expression order, and the 10-bit fixed-point ResizeBilinearInteger;
# reference/resize_nearest_neighbor.h), compared byte for byte; np.argmax / np.argmin (first
# index on ties).
import zlib

import numpy as np
import pytest

import tflite_ref as ref
from tflite_ops import ModelBuilder, random_values, run, run_fails

F = np.float32


def seed_of(*args):
    return zlib.crc32(repr(args).encode())


def q(dtype):
    if dtype == "int8":
        return dict(scale=0.05, zero_point=3)
    if dtype == "int16":
        return dict(scale=0.001, zero_point=0)
    return {}


def resize_scale(in_size, out_size, align):
    if align and out_size > 1:
        return F(in_size - 1) / F(out_size - 1)
    return F(in_size) / F(out_size)


def bilinear_f32(x, oh, ow, align, half):
    n, h, w, c = x.shape
    sh, sw = resize_scale(h, oh, align), resize_scale(w, ow, align)

    def src(v, s, size):
        at = (F(v) + F(0.5)) * s - F(0.5) if half else F(v) * s
        return at, max(int(np.floor(at)), 0), min(int(np.ceil(at)), size - 1)

    one = F(1)
    out = np.empty((n, oh, ow, c), np.float32)
    for y in range(oh):
        iy, y0, y1 = src(y, sh, h)
        dy = F(iy - F(y0))
        for xx in range(ow):
            ix, x0, x1 = src(xx, sw, w)
            dx = F(ix - F(x0))
            v = (x[:, y0, x0, :] * (one - dy) * (one - dx) + x[:, y1, x0, :] * dy * (one - dx) +
                 x[:, y0, x1, :] * (one - dy) * dx + x[:, y1, x1, :] * dy * dx)
            out[:, y, xx, :] = v + F(0)
    return out


def bilinear_int(x, oh, ow, align, half):
    n, h, w, c = x.shape

    def scale10(i, o):
        return ((1 << 10) * i + o // 2) // o

    sh = scale10(h - 1, oh - 1) if align and oh > 1 else scale10(h, oh)
    sw = scale10(w - 1, ow - 1) if align and ow > 1 else scale10(w, ow)

    def src(v, s, size):
        at = v * s + s // 2 - (1 << 9) if half else v * s
        lo = max(int(np.trunc(at / 1024)), 0)  # C division: toward zero
        hi = min(int(np.trunc((at + 1023) / 1024)), size - 1)
        return at, lo, hi

    xi = x.astype(np.int64)
    out = np.empty((n, oh, ow, c), x.dtype)
    for y in range(oh):
        iy, y0, y1 = src(y, sh, h)
        for xx in range(ow):
            ix, x0, x1 = src(xx, sw, w)
            wy1, wx1 = iy - 1024 * y0, ix - 1024 * x0
            wy0, wx0 = 1024 - wy1, 1024 - wx1
            v = (xi[:, y0, x0, :] * wy0 * wx0 + xi[:, y1, x0, :] * wy1 * wx0 +
                 xi[:, y0, x1, :] * wy0 * wx1 + xi[:, y1, x1, :] * wy1 * wx1)
            r = np.where(v > 0, 1 << 19, -(1 << 19))
            out[:, y, xx, :] = np.trunc((v + r) / (1 << 20)).astype(np.int64)
    return out


def nearest_index(v, in_size, out_size, align, half):
    at = (F(v) + F(0.5 if half else 0.0)) * resize_scale(in_size, out_size, align)
    i = int(ref.round_away(float(at))) if align else int(np.floor(at))
    i = min(i, in_size - 1)
    return max(i, 0) if half else i


def nearest(x, oh, ow, align, half):
    ys = [nearest_index(y, x.shape[1], oh, align, half) for y in range(oh)]
    xs = [nearest_index(v, x.shape[2], ow, align, half) for v in range(ow)]
    return x[:, ys][:, :, xs]


MODES = [(False, False), (True, False), (False, True)]
SIZES = [((1, 2, 2, 1), (4, 4)), ((2, 3, 5, 3), (7, 4)), ((1, 6, 4, 2), (3, 2)),
         ((1, 4, 4, 1), (4, 4)), ((1, 1, 3, 2), (1, 5)), ((1, 5, 7, 2), (12, 9))]


def resize_model(op, xv, oh, ow, align, half, dtype):
    mb = ModelBuilder()
    x = mb.tensor(xv.shape, dtype, **q(dtype))
    s = mb.tensor([2], "int32", data=[oh, ow])
    y = mb.tensor([xv.shape[0], oh, ow, xv.shape[3]], dtype, **q(dtype))
    if op == "RESIZE_BILINEAR":
        opts = ("ResizeBilinearOptions", {"align_corners": align, "half_pixel_centers": half})
    else:
        opts = ("ResizeNearestNeighborOptions",
                {"align_corners": align, "half_pixel_centers": half})
    mb.op(op, [x, s], [y], options=opts)
    return mb, x, y


@pytest.mark.parametrize("dtype", ["float32", "int8"])
@pytest.mark.parametrize("shape,size", SIZES)
@pytest.mark.parametrize("align,half", MODES)
def test_resize_bilinear(dtype, shape, size, align, half):
    rng = np.random.default_rng(seed_of("bilinear", dtype, shape, size, align, half))
    xv = random_values(rng, shape, dtype)
    oh, ow = size
    want = (bilinear_f32 if dtype == "float32" else bilinear_int)(xv, oh, ow, align, half)
    mb, x, y = resize_model("RESIZE_BILINEAR", xv, oh, ow, align, half, dtype)
    (got,) = run(mb, [x], [y], [xv])
    assert got.tobytes() == want.tobytes()
    if dtype == "int8":
        # Close to the float interpolation: within rounding plus the shift of the sampling
        # point that the Q10 scale causes (under 2^-10 of a pixel per output pixel).
        approx = bilinear_f32(xv.astype(np.float32), oh, ow, align, half)
        assert np.max(np.abs(got - approx)) <= 1.5


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16"])
@pytest.mark.parametrize("shape,size", SIZES)
@pytest.mark.parametrize("align,half", MODES + [(True, True)])
def test_resize_nearest_neighbor(dtype, shape, size, align, half):
    rng = np.random.default_rng(seed_of("nearest", dtype, shape, size, align, half))
    xv = random_values(rng, shape, dtype)
    oh, ow = size
    want = nearest(xv, oh, ow, align, half)
    mb, x, y = resize_model("RESIZE_NEAREST_NEIGHBOR", xv, oh, ow, align, half, dtype)
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)


def test_resize_refused():
    xv = np.zeros((1, 2, 2, 1), np.float32)
    mb, x, y = resize_model("RESIZE_BILINEAR", xv, 4, 4, True, True, "float32")
    assert "align_corners and half_pixel_centers both set" in run_fails(mb, [x], [y])[0]
    mb, x, y = resize_model("RESIZE_BILINEAR", xv.astype(np.int16), 4, 4, False, False, "int16")
    assert "int16 unsupported" in run_fails(mb, [x], [y])[0]
    mb = ModelBuilder()
    x = mb.tensor([1, 2, 2, 1], "float32")
    s = mb.tensor([2], "int32", data=[3, 3])
    y = mb.tensor([1, 4, 4, 1], "float32")
    mb.op("RESIZE_NEAREST_NEIGHBOR", [x, s], [y])
    assert "output [N,3,3,C]" in run_fails(mb, [x], [y])[0]


# -- ARG_MAX, ARG_MIN --------------------------------------------------------------------------

ARG_CASES = [((7,), 0), ((3, 5), 1), ((3, 5), -2), ((2, 3, 4), 1), ((2, 3, 4, 5), 3),
             ((4, 1, 3), 0)]


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32"])
@pytest.mark.parametrize("shape,axis", ARG_CASES)
@pytest.mark.parametrize("out_dtype", ["int32", "int64"])
def test_arg_min_max(op, dtype, shape, axis, out_dtype):
    rng = np.random.default_rng(seed_of(op, dtype, shape, axis, out_dtype))
    if dtype == "float32":
        xv = random_values(rng, shape, dtype)
    else:  # few distinct values: ties, where the first index wins
        xv = rng.integers(-3, 3, shape).astype(dtype)
    want = (np.argmax if op == "ARG_MAX" else np.argmin)(xv, axis=axis).astype(out_dtype)
    mb = ModelBuilder()
    x = mb.tensor(shape, dtype, **q(dtype))
    a = mb.tensor([1], "int32", data=[axis])
    y = mb.tensor(want.shape, out_dtype)
    opts = "ArgMaxOptions" if op == "ARG_MAX" else "ArgMinOptions"
    mb.op(op, [x, a], [y], options=(opts, {"output_type": 2 if out_dtype == "int32" else 4}))
    (got,) = run(mb, [x], [y], [xv])
    np.testing.assert_array_equal(got, want)


def test_arg_refused():
    mb = ModelBuilder()
    x = mb.tensor([3, 4], "float32")
    a = mb.tensor([1], "int32", data=[2])
    y = mb.tensor([3], "int32")
    mb.op("ARG_MAX", [x, a], [y])
    assert "axis 2 out of range" in run_fails(mb, [x], [y])[0]
    mb = ModelBuilder()
    x = mb.tensor([3, 4], "float32")
    a = mb.tensor([1], "int32", data=[1])
    y = mb.tensor([3], "float32")
    mb.op("ARG_MIN", [x, a], [y])
    assert "output must be int32 or int64" in run_fails(mb, [x], [y])[0]
