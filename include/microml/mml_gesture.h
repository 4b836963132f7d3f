// SPDX-License-Identifier: MIT
// Gesture front ends: a wand stroke (2-D points) rasterized into the colour image the magic wand
// digits model takes, gyroscope samples turned into such a stroke, and streaming IMU window
// features (statistics, FFT bands) over a multi-channel ring buffer. Every buffer is the caller's.
#ifndef MICROML_MML_GESTURE_H
#define MICROML_MML_GESTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mml_status.h"

// ---- Stroke rasterizer ----------------------------------------------------------------------
// The rules of tflite-micro-arduino-examples' magic_wand (rasterize_stroke.cpp and its training
// notebook), in fixed point with scale 4096 and floor division throughout (as the notebook's
// Python did, which is what the model was trained on): a point p maps to the pixel coordinate
// (p / range) * (size / 2) + size / 2, y negated; the segment from point i to i + 1 is drawn one
// pixel per step along its major axis in the colour of t = i / n (red -> green -> blue); pixels
// off the image are skipped; the background is black. Output: int8 [height, width, 3], each
// channel value - 128 (the model's input: scale 1, zero point -128).

// Limits the rasterizer checks: sizes, range, and |point / range| (so that every fixed-point
// intermediate fits and a segment is at most a few thousand pixels long).
#define MML_STROKE_MAX_SIZE (1024)
#define MML_STROKE_MAX_REL (64.0f)

typedef struct {
    int32_t x_range_fp; // floor(x_range * 4096)
    int32_t y_range_fp;
    int32_t width;
    int32_t height;
} mml_stroke_raster_t;

// Checks and fills r. x_range, y_range: the half extent of the drawing in point units (0.6 for
// the magic wand model), in (0, 1024]; width, height: pixels, 1..MML_STROKE_MAX_SIZE.
mml_status_t mml_stroke_raster_init(mml_stroke_raster_t *r, float x_range, float y_range,
    int32_t width, int32_t height);

// xy: [n, 2] points as the device keeps them (value * 128, int8). out: [height, width, 3] int8,
// fully written. n < 2 gives a black image.
void mml_stroke_rasterize_s8(const mml_stroke_raster_t *r, const int8_t *xy, int32_t n,
    int8_t *out);

// xy: [n, 2] float points (each mapped to floor(p * 4096) as the training notebook did). Checks
// every point first (finite, |p| / range <= MML_STROKE_MAX_REL: MML_ERR_INVALID_ARG, out not
// written), then draws as mml_stroke_rasterize_s8.
mml_status_t mml_stroke_rasterize_f32(const mml_stroke_raster_t *r, const float *xy, int32_t n,
    int8_t *out);

// The same, a segment at a time (for points that arrive one by one or need converting):
// out cleared to black; a point checked (finite, |p| / range <= MML_STROKE_MAX_REL) and turned
// into fixed point (fp: [2] int32); segment i of a stroke of n points, from p0 to p1.
void mml_stroke_clear(const mml_stroke_raster_t *r, int8_t *out);
bool mml_stroke_point_ok(const mml_stroke_raster_t *r, float x, float y);
void mml_stroke_point_f32(float x, float y, int32_t *fp);
void mml_stroke_point_s8(int8_t x, int8_t y, int32_t *fp);
void mml_stroke_segment(const mml_stroke_raster_t *r, const int32_t *p0, const int32_t *p1,
    int32_t i, int32_t n, int8_t *out);

// ---- Gyroscope -> stroke ----------------------------------------------------------------------
// The magic wand sketch's stroke from its orientation track: gyroscope samples g[j] (deg/s) minus
// the drift, divided by the sample rate, are summed into an orientation o[j] (o[-1] = 0); the y and
// z components minus their means over the n samples, divided by 45 degrees, are turned into the
// screen plane by the gravity direction (gy, gz normalised; length floored at 1e-4):
//   x = -gz' * nz - gy' * ny,   y = -gy' * nz + gz' * ny
// and every stride-th sample j = 0, stride, ... (n / stride points) is stored as
// round(v * 128) (half away from zero) clamped to [-128, 127], as the sketch sends it.
// gyro: [n, 3] float (x, y, z), n >= 1. drift, gravity: [3]. rate: samples per second > 0.
// stride >= 1. xy: [n / stride, 2] int8 out. Returns the number of points written, or
// MML_ERR_INVALID_ARG (bad n, rate, stride).
int32_t mml_stroke_from_gyro(const float *gyro, int32_t n, float rate, const float *drift,
    const float *gravity, int32_t stride, int8_t *xy);

#endif // MICROML_MML_GESTURE_H
