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
    MML_PY_G_MSG_RASTER_ARGS,    // range must be in (0, 1024], width and height 1..1024
    MML_PY_G_MSG_POINTS_KIND,    // points: int8 buffer / float array / list of numbers
    MML_PY_G_MSG_POINTS_TYPECODE, // typecode
    MML_PY_G_MSG_POINTS_ODD,     // count
    MML_PY_G_MSG_POINT_ITEM,     // item
    MML_PY_G_MSG_POINT_RANGE,    // point index
    MML_PY_G_MSG_OUT_BYTES,      // needed, got
    MML_PY_G_MSG_OUT_NOT_WRITABLE, //
    MML_PY_G_MSG_GYRO_COUNT,     // values
    MML_PY_G_MSG_GYRO_ARGS,      //
    MML_PY_G_MSG_VEC3,           // name
    MML_PY_G_MSG_IMU_ARGS,       //
    MML_PY_G_MSG_SAMPLES_COUNT,  // values, channels
    MML_PY_G_MSG_QUEUE_FULL,     // ready, new, queue
    MML_PY_G_MSG_NOTHING_READY,  //
    MML_PY_G_MSG_COUNT
} mml_py_g_msg_t;

bool mml_py_g_fail(mml_py_err_t *e, mml_py_g_msg_t id, uint32_t a, uint32_t b, uint32_t c);

// A numeric value (TYPED 'b' 'f' 'd' or any microml dtype, RAW bytes as int8, SEQ of numbers):
// its item count, and item k as a float. False (with an error naming `what`) if it is not one.
bool mml_py_g_count(const mml_py_value_t *v, size_t *n, mml_py_err_t *e);
bool mml_py_g_get(const mml_py_value_t *v, size_t k, float *x);

// ---- rasterize_stroke(points, out=None, *, range=0.6, width=32, height=32) ----
bool mml_py_stroke_init(mml_stroke_raster_t *r, float range, int32_t width, int32_t height,
    mml_py_err_t *e);
// Bytes of the image (width * height * 3).
size_t mml_py_stroke_bytes(const mml_stroke_raster_t *r);
// Checks the points (kind, even count, every point in range).
bool mml_py_stroke_check(const mml_stroke_raster_t *r, const mml_py_value_t *pts,
    mml_py_err_t *e);
bool mml_py_stroke_out_check(const mml_stroke_raster_t *r, bool writable, size_t len,
    mml_py_err_t *e);
// Draws the checked points into out (mml_py_stroke_bytes()). int8 points (RAW bytes, 'b') are
// the device's (value * 128); others are floats.
void mml_py_stroke_run(const mml_stroke_raster_t *r, const mml_py_value_t *pts, uint8_t *out);

#endif // MICROML_BINDINGS_MML_PY_GESTURE_H
