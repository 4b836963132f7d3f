// SPDX-License-Identifier: MIT
// The gesture part of the Python API (rasterize_stroke, stroke_from_gyro, IMUFeatures), written
// once for every binding like mml_py.h: checks, conversions and messages; the bindings only
// unpack arguments, allocate and raise. Nothing here allocates or uses libc beyond memset.
#ifndef MICROML_BINDINGS_MML_PY_GESTURE_H
#define MICROML_BINDINGS_MML_PY_GESTURE_H

#include "mml_py.h"
#include "microml/mml_gesture.h"

// Messages of this part (their text: the table in mml_py_gesture.c).
typedef enum {
    MML_PY_G_MSG_RASTER_ARGS,      // range must be in (0, 1024], width and height 1..1024
    MML_PY_G_MSG_POINTS_KIND,      // points: int8 buffer / float array / list of numbers
    MML_PY_G_MSG_POINTS_TYPECODE,  // typecode
    MML_PY_G_MSG_POINTS_ODD,       // count
    MML_PY_G_MSG_POINT_ITEM,       // item
    MML_PY_G_MSG_POINT_RANGE,      // point index
    MML_PY_G_MSG_OUT_BYTES,        // needed, got
    MML_PY_G_MSG_OUT_NOT_WRITABLE, //
    MML_PY_G_MSG_GYRO_COUNT,       // values
    MML_PY_G_MSG_GYRO_ARGS,        //
    MML_PY_G_MSG_VEC3,             //
    MML_PY_G_MSG_GYRO_OUT,         // values
    MML_PY_G_MSG_IMU_ARGS,         //
    MML_PY_G_MSG_SAMPLES_COUNT,    // values, channels
    MML_PY_G_MSG_QUEUE_FULL,       // ready, new, queue
    MML_PY_G_MSG_NOTHING_READY,    //
    MML_PY_G_MSG_SAMPLES_KIND,     //
    MML_PY_G_MSG_SAMPLE_ITEM,      // item
    MML_PY_G_MSG_READ_OUT,         // n_features
    MML_PY_G_MSG_COUNT
} mml_py_g_msg_t;

bool mml_py_g_fail(mml_py_err_t *e, mml_py_g_msg_t id, uint32_t a, uint32_t b, uint32_t c);

// A numeric value (TYPED 'b' 'f' 'd', RAW bytes as int8, SEQ of numbers): its item count, and
// item k as a float. False (with the points' or the samples' message) if it is not one.
bool mml_py_g_count(const mml_py_value_t *v, bool points, size_t *n, mml_py_err_t *e);
bool mml_py_g_get(const mml_py_value_t *v, size_t k, float *x);

// ---- rasterize_stroke(points, out=None, *, range=0.6, width=32, height=32) ----
bool mml_py_stroke_init(mml_stroke_raster_t *r, float range, int32_t width, int32_t height,
    mml_py_err_t *e);
// Bytes of the image (width * height * 3).
size_t mml_py_stroke_bytes(const mml_stroke_raster_t *r);
// Checks the points (kind, even count, every point in range).
bool mml_py_stroke_check(const mml_stroke_raster_t *r, const mml_py_value_t *pts, mml_py_err_t *e);
bool mml_py_stroke_out_check(const mml_stroke_raster_t *r, bool writable, size_t len,
    mml_py_err_t *e);
// Draws the checked points into out (mml_py_stroke_bytes()). int8 points (RAW bytes, 'b') are
// the device's (value * 128); others are floats.
void mml_py_stroke_run(const mml_stroke_raster_t *r, const mml_py_value_t *pts, uint8_t *out);

// ---- stroke_from_gyro(gyro, rate, *, drift=(0, 0, 0), gravity=(0, 0, 1), stride=2, out=None) --
// gyro: a float32 buffer of [n, 3] samples (deg/s). The result: array('b') of 2 * (n // stride)
// int8 points (x, y), the device's stroke (feed it to rasterize_stroke).
typedef struct {
    const float *gyro;
    int32_t n;
    float rate;
    float drift[3];
    float gravity[3];
    int32_t stride;
} mml_py_gyro_t;

// Checks the arguments (drift, gravity: NULL for the defaults) and fills g.
bool mml_py_gyro_check(mml_py_gyro_t *g, const mml_py_value_t *gyro, float rate,
    const mml_py_value_t *drift, const mml_py_value_t *gravity, int32_t stride, mml_py_err_t *e);
// Points the result holds (int8 values: 2 per point).
size_t mml_py_gyro_values(const mml_py_gyro_t *g);
bool mml_py_gyro_out_check(const mml_py_gyro_t *g, bool writable, char typecode, size_t len,
    mml_py_err_t *e);
void mml_py_gyro_run(const mml_py_gyro_t *g, uint8_t *out);

// ---- IMUFeatures(channels, window, *, hop=window, bands=4, magnitude=True, rate=1.0, queue=4) --
// f.push(samples) -> vectors ready; f.read(out=None) -> array('f') of n_features; f.ready,
// f.n_features; f.reset(). The binding owns the mml_imu_t and mml_py_imu_mem_floats() floats.
bool mml_py_imu_config(mml_imu_config_t *c, int32_t channels, int32_t window, int32_t hop,
    int32_t bands, bool magnitude, float rate, int32_t queue, mml_py_err_t *e);
size_t mml_py_imu_mem_floats(const mml_imu_config_t *c);
bool mml_py_imu_init(mml_imu_t *f, const mml_imu_config_t *c, float *mem, size_t n,
    mml_py_err_t *e);
// Checks samples: numbers, a whole number of frames (*frames), room in the queue for the
// vectors they complete. Nothing is consumed on failure.
bool mml_py_imu_push_check(const mml_imu_t *f, const mml_py_value_t *v, size_t *frames,
    mml_py_err_t *e);
// Pushes the checked samples; returns the vectors ready.
int32_t mml_py_imu_push(mml_imu_t *f, const mml_py_value_t *v, size_t frames);
// Checks that a vector is ready and that out (when given: has_out) is a writable 'f' buffer of
// n_features items.
bool mml_py_imu_read_check(const mml_imu_t *f, bool has_out, bool writable, char typecode,
    size_t len, mml_py_err_t *e);
// Pops the oldest vector into out (n_features floats, any alignment).
void mml_py_imu_read(mml_imu_t *f, uint8_t *out);

#endif // MICROML_BINDINGS_MML_PY_GESTURE_H
