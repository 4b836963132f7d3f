// SPDX-License-Identifier: MIT
// Gesture front ends: a wand stroke (2-D points) rasterized into the colour image the magic wand
// digits model takes, gyroscope samples turned into such a stroke, and streaming IMU window
// features (statistics, FFT bands) over a multi-channel ring buffer. Every buffer is the caller's.
// Built with the DSP front ends (MML_ENABLE_DSP, mml_config.h: off in builds for some models only).
#ifndef MICROML_MML_GESTURE_H
#define MICROML_MML_GESTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mml_status.h"
#include "mml_dsp.h"

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

// ---- IMU window features ----------------------------------------------------------------------
// A streaming extractor over a multi-channel ring buffer: samples are pushed one [channels]
// frame at a time (any chunk size); each time `window` samples have been seen, and then every
// `hop` samples, the features of the last `window` samples are computed into a queue of feature
// vectors that the caller reads. Pushing never allocates; state lives in the caller's floats.
//
// Channels: the input channels, then with magnitude=1 one |(c0, c1, c2)|, |(c3, c4, c5)|, ...
// per whole group of three (accelerometer, gyroscope). Per channel, in this order (W = window,
// x the channel's window, d = x - mean):
//   mean, std (population: sqrt(mean(d^2))), min, max, rms (sqrt(mean(x^2))), peak-to-peak,
//   zero crossings (i in 1..W-1 with (x[i-1] < 0) != (x[i] < 0)), mean crossings (the same on d),
//   skewness mean(d^3) / mean(d^2)^1.5 and excess kurtosis mean(d^4) / mean(d^2)^2 - 3 (scipy's
//   defaults; both 0 when the channel is constant),
// then with bands > 0: the power |D_k|^2 of D = rfft(d, nfft) (nfft: the power of two >= W,
// zero-padded) summed over `bands` bin ranges of k = 1..K (K = nfft / 2; band b holds
// k in [1 + b*K/bands, 1 + (b+1)*K/bands), integer division) divided by W, and the dominant
// frequency argmax_k |D_k|^2 (k = 1..K, the first on ties) * rate / nfft.
// The vector is channel-major: [channel 0's features, channel 1's ...].

#define MML_IMU_MAX_CHANNELS (16)
#define MML_IMU_MAX_BANDS (16)
#define MML_IMU_N_STATS (10)

typedef struct {
    int32_t channels;  // 1..MML_IMU_MAX_CHANNELS, samples interleaved [n, channels]
    int32_t window;    // samples per window, 4..4096
    int32_t hop;       // samples between windows, 1..window
    int32_t bands;     // FFT band energies per channel, 0..MML_IMU_MAX_BANDS (and <= nfft / 2)
    int32_t magnitude; // 1: add a magnitude channel per group of 3 input channels
    int32_t queue;     // feature vectors kept until read, >= 1
    float rate;        // sample rate (Hz) for the dominant frequency, > 0
} mml_imu_config_t;

typedef struct {
    mml_imu_config_t cfg;
    int32_t n_channels; // input + magnitude channels
    int32_t per_channel;
    int32_t n_features;
    int32_t nfft;
    int32_t pos;     // ring slot of the next sample
    int32_t to_next; // samples until the next window is complete
    int32_t ready;   // vectors in the queue
    int32_t head;    // queue slot of the oldest vector
    float *ring;     // [window, channels]
    float *queue;    // [queue, n_features]
    float *chan;     // [window] one channel's window
    float *fft_in;   // [nfft]
    float *spec;     // [nfft + 2]
    mml_rfft_f32_t fft;
} mml_imu_t;

// Floats of memory mml_imu_init needs for cfg (8-byte aligned), or 0 if cfg is invalid.
size_t mml_imu_mem_floats(const mml_imu_config_t *cfg);
// Checks cfg and lays out the extractor in mem (mem_floats >= mml_imu_mem_floats()).
mml_status_t mml_imu_init(mml_imu_t *f, const mml_imu_config_t *cfg, float *mem, size_t mem_floats);
// Forgets every sample and queued vector.
void mml_imu_reset(mml_imu_t *f);
// Feature vectors that n more samples would complete.
int32_t mml_imu_windows_for(const mml_imu_t *f, int32_t n);
// x: [n, channels] samples. Consumes them up to the first window that finds the queue full, and
// returns how many were consumed (n when the caller checked mml_imu_windows_for() first).
int32_t mml_imu_push(mml_imu_t *f, const float *x, int32_t n);
// The same, one sample frame x: [channels]; returns 0 when the queue was full (not consumed).
int32_t mml_imu_push_one(mml_imu_t *f, const float *x);
// Pops the oldest feature vector into out [n_features]; false if none is ready.
int mml_imu_read(mml_imu_t *f, float *out);
// The oldest vector where it lies in the queue (NULL if none), and dropping it.
const float *mml_imu_front(const mml_imu_t *f);
void mml_imu_pop(mml_imu_t *f);

#endif // MICROML_MML_GESTURE_H
