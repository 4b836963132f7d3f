// SPDX-License-Identifier: MIT
// Magic wand strokes: the fixed-point rasterizer (2-D points -> 32x32x3 int8 image) and the
// gyroscope-to-stroke step, as the magic_wand sketch and its training notebook define them.
// Cost: per segment a few 64-bit divisions, then one add and one rounding per pixel drawn.
#include <stdbool.h>
#include <string.h>
#include "microml/mml_config.h"
#include "microml/mml_gesture.h"
#include "core/mathf.h"

#if MML_ENABLE_DSP

#define FP (4096)
#define HALF_FP (FP / 2)

// floor(a / b), b != 0: Python's //, which the training notebook used.
static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }
    return q;
}

// The notebook's div_fp: (a * 4096) // b, with b = 0 taken as 1.
static int32_t div_fp(int32_t a, int32_t b) {
    return (int32_t)floor_div((int64_t)a * FP, b == 0 ? 1 : b);
}

// floor(a / 2^k) without relying on >> of a negative value: for a < 0, ~a = -a - 1 >= 0.
static int32_t floor_shift(int32_t a, int k) {
    return a >= 0 ? (a >> k) : ~((~a) >> k);
}

// floor((a + 2048) / 4096): round half up to an integer (per pixel: a shift, no division).
static int32_t round_fp(int32_t a) {
    return floor_shift(a + HALF_FP, 12);
}

static int32_t floor_f32(float v) {
    int32_t t = (int32_t)v;
    return ((float)t > v) ? t - 1 : t;
}

static int32_t abs32(int32_t a) {
    return a < 0 ? -a : a;
}

static int32_t gate(int32_t a, int32_t lo, int32_t hi) {
    return a < lo ? lo : (a > hi ? hi : a);
}

mml_status_t mml_stroke_raster_init(mml_stroke_raster_t *r, float x_range, float y_range,
    int32_t width, int32_t height) {
    // The negated comparisons also refuse NaN.
    if (!(x_range > 0.0f && x_range <= 1024.0f) || !(y_range > 0.0f && y_range <= 1024.0f) ||
        width < 1 || width > MML_STROKE_MAX_SIZE || height < 1 || height > MML_STROKE_MAX_SIZE) {
        return MML_ERR_INVALID_ARG;
    }
    r->x_range_fp = floor_f32(x_range * (float)FP);
    r->y_range_fp = floor_f32(y_range * (float)FP);
    if (r->x_range_fp < 1 || r->y_range_fp < 1) {
        return MML_ERR_INVALID_ARG;
    }
    r->width = width;
    r->height = height;
    return MML_OK;
}

// The notebook's norm_to_coord_fp: (a / range) scaled to half the size, plus half the size.
// mul_fp(norm, size * 2048) = floor(norm * size * 2048 / 4096) = floor(norm * size / 2).
static int32_t to_coord(int32_t a_fp, int32_t range_fp, int32_t size) {
    int32_t norm_fp = div_fp(a_fp, range_fp); // |norm_fp| <= 64 * 4096, so norm * size fits
    return floor_shift(norm_fp * size, 1) + size * HALF_FP;
}

// One segment, points in fixed point (y not yet negated), in the colour of t_fp.
static void draw_segment(const mml_stroke_raster_t *r, int32_t x0, int32_t y0, int32_t x1,
    int32_t y1, int32_t t_fp, int8_t *out) {
    int32_t sx = to_coord(x0, r->x_range_fp, r->width);
    int32_t sy = to_coord(-y0, r->y_range_fp, r->height);
    int32_t ex = to_coord(x1, r->x_range_fp, r->width);
    int32_t ey = to_coord(-y1, r->y_range_fp, r->height);
    int32_t dx = ex - sx, dy = ey - sy;

    int32_t red, green, blue;
    if (t_fp < HALF_FP) {
        int32_t local = div_fp(t_fp, HALF_FP);
        red = round_fp((FP - local) * 255);
        green = round_fp(local * 255);
        blue = 0;
    } else {
        int32_t local = div_fp(t_fp - HALF_FP, HALF_FP);
        red = 0;
        green = round_fp((FP - local) * 255);
        blue = round_fp(local * 255);
    }
    int8_t c[3] = {(int8_t)(gate(red, 0, 255) - 128), (int8_t)(gate(green, 0, 255) - 128),
        (int8_t)(gate(blue, 0, 255) - 128)};

    int32_t len, x_inc, y_inc;
    if (abs32(dx) > abs32(dy)) {
        len = abs32(round_fp(dx));
        x_inc = dx > 0 ? FP : -FP;
        y_inc = dx > 0 ? div_fp(dy, dx) : -div_fp(dy, dx);
    } else {
        len = abs32(round_fp(dy));
        y_inc = dy > 0 ? FP : -FP;
        x_inc = dy > 0 ? div_fp(dx, dy) : -div_fp(dx, dy);
    }
    for (int32_t i = 0; i <= len; i++) {
        int32_t x = round_fp(sx + i * x_inc);
        int32_t y = round_fp(sy + i * y_inc);
        if (x < 0 || x >= r->width || y < 0 || y >= r->height) {
            continue;
        }
        int8_t *px = out + ((size_t)y * (size_t)r->width + (size_t)x) * 3;
        px[0] = c[0];
        px[1] = c[1];
        px[2] = c[2];
    }
}

void mml_stroke_clear(const mml_stroke_raster_t *r, int8_t *out) {
    memset(out, -128, (size_t)r->width * (size_t)r->height * 3);
}

bool mml_stroke_point_ok(const mml_stroke_raster_t *r, float x, float y) {
    float lim_x = MML_STROKE_MAX_REL * (float)r->x_range_fp / (float)FP;
    float lim_y = MML_STROKE_MAX_REL * (float)r->y_range_fp / (float)FP;
    // The negated comparison also refuses NaN.
    return x >= -lim_x && x <= lim_x && y >= -lim_y && y <= lim_y;
}

void mml_stroke_point_f32(float x, float y, int32_t *fp) {
    // The notebook: floor(p * 4096), y negated before (floor(-y * 4096)).
    fp[0] = floor_f32(x * (float)FP);
    fp[1] = -floor_f32(-y * (float)FP);
}

void mml_stroke_point_s8(int8_t x, int8_t y, int32_t *fp) {
    // v / 128 in fixed point is exactly v * 32.
    fp[0] = x * (FP / 128);
    fp[1] = y * (FP / 128);
}

void mml_stroke_segment(const mml_stroke_raster_t *r, const int32_t *p0, const int32_t *p1,
    int32_t i, int32_t n, int8_t *out) {
    // The colour: t = i * (4096 // n).
    int32_t t_fp = n > 0 ? i * (FP / n) : 0;
    draw_segment(r, p0[0], p0[1], p1[0], p1[1], t_fp, out);
}

void mml_stroke_rasterize_s8(const mml_stroke_raster_t *r, const int8_t *xy, int32_t n,
    int8_t *out) {
    mml_stroke_clear(r, out);
    int32_t p[2][2];
    for (int32_t i = 0; i < n; i++) {
        mml_stroke_point_s8(xy[2 * i], xy[2 * i + 1], p[i & 1]);
        if (i > 0) {
            mml_stroke_segment(r, p[(i - 1) & 1], p[i & 1], i - 1, n, out);
        }
    }
}

mml_status_t mml_stroke_rasterize_f32(const mml_stroke_raster_t *r, const float *xy, int32_t n,
    int8_t *out) {
    if (n < 0) {
        return MML_ERR_INVALID_ARG;
    }
    for (int32_t i = 0; i < n; i++) {
        if (!mml_stroke_point_ok(r, xy[2 * i], xy[2 * i + 1])) {
            return MML_ERR_INVALID_ARG;
        }
    }
    mml_stroke_clear(r, out);
    int32_t p[2][2];
    for (int32_t i = 0; i < n; i++) {
        mml_stroke_point_f32(xy[2 * i], xy[2 * i + 1], p[i & 1]);
        if (i > 0) {
            mml_stroke_segment(r, p[(i - 1) & 1], p[i & 1], i - 1, n, out);
        }
    }
    return MML_OK;
}

// ---- Gyroscope -> stroke ----------------------------------------------------------------------

// roundf without libm: half away from zero (v - trunc(v) is exact for the |v| that matter).
static int32_t round_half_away(float v) {
    if (!(v > -1.0e9f && v < 1.0e9f)) {
        return v > 0.0f ? 1000000000 : -1000000000;
    }
    int32_t t = (int32_t)v;
    float f = v - (float)t;
    if (f >= 0.5f) {
        t++;
    } else if (f <= -0.5f) {
        t--;
    }
    return t;
}

int32_t mml_stroke_from_gyro(const float *gyro, int32_t n, float rate, const float *drift,
    const float *gravity, int32_t stride, int8_t *xy) {
    if (n < 1 || !(rate > 0.0f) || stride < 1) {
        return MML_ERR_INVALID_ARG;
    }
    const float inv_rate = 1.0f / rate;
    // Pass 1: the means of the orientation's y and z over the stroke.
    float oy = 0.0f, oz = 0.0f, sum_y = 0.0f, sum_z = 0.0f;
    for (int32_t j = 0; j < n; j++) {
        oy += (gyro[3 * j + 1] - drift[1]) * inv_rate;
        oz += (gyro[3 * j + 2] - drift[2]) * inv_rate;
        sum_y += oy;
        sum_z += oz;
    }
    const float y_mean = sum_y / (float)n, z_mean = sum_z / (float)n;
    const float range = 45.0f;

    float gy = gravity[1], gz = gravity[2];
    float gmag = mml__sqrtf(gy * gy + gz * gz);
    if (gmag < 0.0001f) {
        gmag = 0.0001f;
    }
    float ngy = gy / gmag, ngz = gz / gmag;

    // Pass 2: the same running orientation, every stride-th sample stored.
    int32_t m = n / stride;
    oy = 0.0f;
    oz = 0.0f;
    for (int32_t j = 0, k = 0; j < n && k < m; j++) {
        oy += (gyro[3 * j + 1] - drift[1]) * inv_rate;
        oz += (gyro[3 * j + 2] - drift[2]) * inv_rate;
        if (j % stride != 0) {
            continue;
        }
        float ny = (oy - y_mean) / range, nz = (oz - z_mean) / range;
        float x_axis = -ngz * nz - ngy * ny;
        float y_axis = -ngy * nz + ngz * ny;
        xy[2 * k] = (int8_t)gate(round_half_away(x_axis * 128.0f), -128, 127);
        xy[2 * k + 1] = (int8_t)gate(round_half_away(y_axis * 128.0f), -128, 127);
        k++;
    }
    return m;
}

#endif // MML_ENABLE_DSP
