// SPDX-License-Identifier: MIT
// The gesture part of the Python API (see mml_py_gesture.h): argument checks, point and sample
// conversion, messages. Cost: no allocation; points are read one at a time from the caller's
// value, so a list of floats is drawn without a copy.
#include "mml_py_gesture.h"

#include <string.h>

#if MML_ENABLE_DSP

static const mml_py_msg_def_t g_msgs[MML_PY_G_MSG_COUNT] = {
    [MML_PY_G_MSG_RASTER_ARGS] = {MML_PY_EXC_VALUE,
        "range must be in (0, 1024], width and height in 1..1024"},
    [MML_PY_G_MSG_POINTS_KIND] = {MML_PY_EXC_TYPE,
        "points must be int8 bytes/array('b') (device points, value*128), "
        "a float array or a list of numbers x0, y0, x1, y1..."},
    [MML_PY_G_MSG_POINTS_TYPECODE] = {MML_PY_EXC_TYPE,
        "arrays of typecode '%c' are not supported (give 'f', 'd' or 'b')"},
    [MML_PY_G_MSG_POINTS_ODD] = {MML_PY_EXC_VALUE, "points must be x, y pairs: got %u values"},
    [MML_PY_G_MSG_POINT_ITEM] = {MML_PY_EXC_TYPE, "points: item %u is not a number"},
    [MML_PY_G_MSG_POINT_RANGE] = {MML_PY_EXC_VALUE,
        "point %u is not finite or further than 64 * range from the centre"},
    [MML_PY_G_MSG_OUT_BYTES] = {MML_PY_EXC_VALUE, "out needs %u bytes, got %u"},
    [MML_PY_G_MSG_OUT_NOT_WRITABLE] = {MML_PY_EXC_VALUE, "out must be a writable buffer"},
    [MML_PY_G_MSG_GYRO_COUNT] = {MML_PY_EXC_VALUE,
        "gyro must be a float32 array of x, y, z samples (deg/s): got %u float32 values"},
    [MML_PY_G_MSG_GYRO_ARGS] = {MML_PY_EXC_VALUE, "rate must be > 0 and stride >= 1"},
    [MML_PY_G_MSG_VEC3] = {MML_PY_EXC_VALUE, "drift and gravity must be 3 numbers"},
    [MML_PY_G_MSG_GYRO_OUT] = {MML_PY_EXC_VALUE, "out must be a writable array('b') of %u items"},
    [MML_PY_G_MSG_IMU_ARGS] = {MML_PY_EXC_VALUE,
        "IMUFeatures: channels 1..16, window 4..4096, hop 1..window, bands 0..16, "
        "queue >= 1, rate > 0"},
    [MML_PY_G_MSG_SAMPLES_COUNT] = {MML_PY_EXC_VALUE,
        "samples: %u values is not a whole number of %u-channel samples"},
    [MML_PY_G_MSG_QUEUE_FULL] = {MML_PY_EXC_VALUE,
        "%u feature vectors ready + %u from these samples > queue of %u: read() first"},
    [MML_PY_G_MSG_NOTHING_READY] = {MML_PY_EXC_VALUE, "no feature vector ready (push() more)"},
    [MML_PY_G_MSG_SAMPLES_KIND] = {MML_PY_EXC_TYPE,
        "samples must be a float array or a list of numbers, [n, channels] interleaved"},
    [MML_PY_G_MSG_SAMPLE_ITEM] = {MML_PY_EXC_TYPE, "samples: item %u is not a number"},
    [MML_PY_G_MSG_READ_OUT] = {MML_PY_EXC_VALUE, "out must be a writable array('f') of %u items"},
};

// The message with up to three %u / %c arguments, in order.
bool mml_py_g_fail(mml_py_err_t *e, mml_py_g_msg_t id, uint32_t a, uint32_t b, uint32_t c) {
    return mml_py_fail_in(e, g_msgs, (int)id, a, b, c);
}

// ---- numeric values ----

static bool is_int8(const mml_py_value_t *v) {
    return v->kind == MML_PY_VAL_RAW || (v->kind == MML_PY_VAL_TYPED && v->dtype == MML_INT8);
}

bool mml_py_g_count(const mml_py_value_t *v, bool points, size_t *n, mml_py_err_t *e) {
    switch (v->kind) {
        case MML_PY_VAL_RAW:
        case MML_PY_VAL_SEQ:
            *n = v->len;
            return true;
        case MML_PY_VAL_TYPED:
            if (v->dtype != MML_INT8 && v->dtype != MML_FLOAT32 && v->dtype != MML_FLOAT64) {
                return mml_py_g_fail(e, MML_PY_G_MSG_POINTS_TYPECODE, (uint8_t)v->typecode, 0, 0);
            }
            *n = v->len / mml_dtype_size((mml_dtype_t)v->dtype);
            return true;
        default:
            return mml_py_g_fail(e, points ? MML_PY_G_MSG_POINTS_KIND : MML_PY_G_MSG_SAMPLES_KIND,
                0, 0, 0);
    }
}

bool mml_py_g_get(const mml_py_value_t *v, size_t k, float *x) {
    if (v->kind == MML_PY_VAL_SEQ) {
        return v->get(v->ctx, k, x);
    }
    if (is_int8(v)) {
        *x = (float)(int8_t)v->data[k];
    } else if (v->dtype == MML_FLOAT64) {
        double d;
        memcpy(&d, v->data + 8 * k, 8);
        *x = (float)d;
    } else {
        memcpy(x, v->data + 4 * k, 4);
    }
    return true;
}

// ---- rasterize_stroke ----

bool mml_py_stroke_init(mml_stroke_raster_t *r, float range, int32_t width, int32_t height,
    mml_py_err_t *e) {
    if (mml_stroke_raster_init(r, range, range, width, height) != MML_OK) {
        return mml_py_g_fail(e, MML_PY_G_MSG_RASTER_ARGS, 0, 0, 0);
    }
    return true;
}

size_t mml_py_stroke_bytes(const mml_stroke_raster_t *r) {
    return (size_t)r->width * (size_t)r->height * 3;
}

bool mml_py_stroke_check(const mml_stroke_raster_t *r, const mml_py_value_t *pts, mml_py_err_t *e) {
    size_t n;
    if (!mml_py_g_count(pts, true, &n, e)) {
        return false;
    }
    if (n % 2 != 0 || n / 2 > 0x7fffffff) {
        return mml_py_g_fail(e, MML_PY_G_MSG_POINTS_ODD, (uint32_t)n, 0, 0);
    }
    if (is_int8(pts)) {
        return true; // every int8 point is within +-1
    }
    for (size_t k = 0; k < n; k += 2) {
        float x, y;
        if (!mml_py_g_get(pts, k, &x)) {
            return mml_py_g_fail(e, MML_PY_G_MSG_POINT_ITEM, (uint32_t)k, 0, 0);
        }
        if (!mml_py_g_get(pts, k + 1, &y)) {
            return mml_py_g_fail(e, MML_PY_G_MSG_POINT_ITEM, (uint32_t)k + 1, 0, 0);
        }
        if (!mml_stroke_point_ok(r, x, y)) {
            return mml_py_g_fail(e, MML_PY_G_MSG_POINT_RANGE, (uint32_t)(k / 2), 0, 0);
        }
    }
    return true;
}

bool mml_py_stroke_out_check(const mml_stroke_raster_t *r, bool writable, size_t len,
    mml_py_err_t *e) {
    if (!writable) {
        return mml_py_g_fail(e, MML_PY_G_MSG_OUT_NOT_WRITABLE, 0, 0, 0);
    }
    if (len != mml_py_stroke_bytes(r)) {
        return mml_py_g_fail(e, MML_PY_G_MSG_OUT_BYTES, (uint32_t)mml_py_stroke_bytes(r),
            (uint32_t)len, 0);
    }
    return true;
}

void mml_py_stroke_run(const mml_stroke_raster_t *r, const mml_py_value_t *pts, uint8_t *out) {
    size_t n = 0;
    mml_py_err_t e;
    mml_py_g_count(pts, true, &n, &e);
    int32_t np = (int32_t)(n / 2);
    int8_t *img = (int8_t *)out;
    mml_stroke_clear(r, img);
    int32_t p[2][2];
    for (int32_t i = 0; i < np; i++) {
        float x = 0.0f, y = 0.0f;
        mml_py_g_get(pts, 2 * (size_t)i, &x);
        mml_py_g_get(pts, 2 * (size_t)i + 1, &y);
        if (is_int8(pts)) {
            mml_stroke_point_s8((int8_t)x, (int8_t)y, p[i & 1]);
        } else {
            mml_stroke_point_f32(x, y, p[i & 1]);
        }
        if (i > 0) {
            mml_stroke_segment(r, p[(i - 1) & 1], p[i & 1], i - 1, np, img);
        }
    }
}

// ---- stroke_from_gyro ----

static bool vec3(const mml_py_value_t *v, const float *dflt, float *out, mml_py_err_t *e) {
    size_t n = 0;
    mml_py_err_t ignore;
    if (v == NULL) {
        memcpy(out, dflt, 3 * sizeof(float));
        return true;
    }
    if (!mml_py_g_count(v, false, &n, &ignore) || n != 3 || is_int8(v)) {
        return mml_py_g_fail(e, MML_PY_G_MSG_VEC3, 0, 0, 0);
    }
    for (size_t k = 0; k < 3; k++) {
        if (!mml_py_g_get(v, k, &out[k]) || !(out[k] > -1.0e30f && out[k] < 1.0e30f)) {
            return mml_py_g_fail(e, MML_PY_G_MSG_VEC3, 0, 0, 0);
        }
    }
    return true;
}

bool mml_py_gyro_check(mml_py_gyro_t *g, const mml_py_value_t *gyro, float rate,
    const mml_py_value_t *drift, const mml_py_value_t *gravity, int32_t stride, mml_py_err_t *e) {
    static const float zero[3] = {0.0f, 0.0f, 0.0f}, down[3] = {0.0f, 0.0f, 1.0f};
    if (gyro->kind != MML_PY_VAL_TYPED || gyro->dtype != MML_FLOAT32 ||
        ((uintptr_t)gyro->data & 3) != 0 || gyro->len % 12 != 0 || gyro->len == 0 ||
        gyro->len / 12 > 0x7fffffff) {
        return mml_py_g_fail(e, MML_PY_G_MSG_GYRO_COUNT,
            (uint32_t)(gyro->kind == MML_PY_VAL_TYPED && gyro->dtype == MML_FLOAT32 ? gyro->len / 4
                                                                                    : 0),
            0, 0);
    }
    if (!(rate > 0.0f && rate < 1.0e9f) || stride < 1) {
        return mml_py_g_fail(e, MML_PY_G_MSG_GYRO_ARGS, 0, 0, 0);
    }
    if (!vec3(drift, zero, g->drift, e) || !vec3(gravity, down, g->gravity, e)) {
        return false;
    }
    g->gyro = (const float *)(const void *)gyro->data;
    g->n = (int32_t)(gyro->len / 12);
    g->rate = rate;
    g->stride = stride;
    return true;
}

size_t mml_py_gyro_values(const mml_py_gyro_t *g) {
    return 2 * (size_t)(g->n / g->stride);
}

bool mml_py_gyro_out_check(const mml_py_gyro_t *g, bool writable, char typecode, size_t len,
    mml_py_err_t *e) {
    if (!writable || typecode != 'b' || len != mml_py_gyro_values(g)) {
        return mml_py_g_fail(e, MML_PY_G_MSG_GYRO_OUT, (uint32_t)mml_py_gyro_values(g), 0, 0);
    }
    return true;
}

void mml_py_gyro_run(const mml_py_gyro_t *g, uint8_t *out) {
    mml_stroke_from_gyro(g->gyro, g->n, g->rate, g->drift, g->gravity, g->stride, (int8_t *)out);
}

// ---- IMUFeatures ----

bool mml_py_imu_config(mml_imu_config_t *c, int32_t channels, int32_t window, int32_t hop,
    int32_t bands, bool magnitude, float rate, int32_t queue, mml_py_err_t *e) {
    c->channels = channels;
    c->window = window;
    c->hop = hop;
    c->bands = bands;
    c->magnitude = magnitude ? 1 : 0;
    c->queue = queue;
    c->rate = rate;
    if (mml_imu_mem_floats(c) == 0) {
        return mml_py_g_fail(e, MML_PY_G_MSG_IMU_ARGS, 0, 0, 0);
    }
    return true;
}

size_t mml_py_imu_mem_floats(const mml_imu_config_t *c) {
    return mml_imu_mem_floats(c);
}

bool mml_py_imu_init(mml_imu_t *f, const mml_imu_config_t *c, float *mem, size_t n,
    mml_py_err_t *e) {
    if (mml_imu_init(f, c, mem, n) != MML_OK) {
        return mml_py_g_fail(e, MML_PY_G_MSG_IMU_ARGS, 0, 0, 0);
    }
    return true;
}

bool mml_py_imu_push_check(const mml_imu_t *f, const mml_py_value_t *v, size_t *frames,
    mml_py_err_t *e) {
    size_t n;
    if (!mml_py_g_count(v, false, &n, e)) {
        return false;
    }
    const uint32_t c = (uint32_t)f->cfg.channels;
    if (n % c != 0 || n / c > 0x7fffffff) {
        return mml_py_g_fail(e, MML_PY_G_MSG_SAMPLES_COUNT, (uint32_t)n, c, 0);
    }
    if (v->kind == MML_PY_VAL_SEQ) {
        for (size_t k = 0; k < n; k++) {
            float x;
            if (!mml_py_g_get(v, k, &x)) {
                return mml_py_g_fail(e, MML_PY_G_MSG_SAMPLE_ITEM, (uint32_t)k, 0, 0);
            }
        }
    }
    int32_t more = mml_imu_windows_for(f, (int32_t)(n / c));
    if (f->ready + more > f->cfg.queue) {
        return mml_py_g_fail(e, MML_PY_G_MSG_QUEUE_FULL, (uint32_t)f->ready, (uint32_t)more,
            (uint32_t)f->cfg.queue);
    }
    *frames = n / c;
    return true;
}

int32_t mml_py_imu_push(mml_imu_t *f, const mml_py_value_t *v, size_t frames) {
    const int32_t c = f->cfg.channels;
    const bool direct =
        v->kind == MML_PY_VAL_TYPED && v->dtype == MML_FLOAT32 && ((uintptr_t)v->data & 3) == 0;
    if (direct) {
        mml_imu_push(f, (const float *)(const void *)v->data, (int32_t)frames);
        return f->ready;
    }
    float frame[MML_IMU_MAX_CHANNELS];
    for (size_t j = 0; j < frames; j++) {
        for (int32_t i = 0; i < c; i++) {
            frame[i] = 0.0f;
            mml_py_g_get(v, j * (size_t)c + (size_t)i, &frame[i]);
        }
        mml_imu_push_one(f, frame);
    }
    return f->ready;
}

bool mml_py_imu_read_check(const mml_imu_t *f, bool has_out, bool writable, char typecode,
    size_t len, mml_py_err_t *e) {
    if (f->ready == 0) {
        return mml_py_g_fail(e, MML_PY_G_MSG_NOTHING_READY, 0, 0, 0);
    }
    if (has_out && (!writable || typecode != 'f' || len != 4 * (size_t)f->n_features)) {
        return mml_py_g_fail(e, MML_PY_G_MSG_READ_OUT, (uint32_t)f->n_features, 0, 0);
    }
    return true;
}

void mml_py_imu_read(mml_imu_t *f, uint8_t *out) {
    const float *v = mml_imu_front(f);
    if (v != NULL) {
        memcpy(out, v, 4 * (size_t)f->n_features);
        mml_imu_pop(f);
    }
}

#endif // MML_ENABLE_DSP
