// SPDX-License-Identifier: MIT
// Gesture front ends against the numpy/Python models (tests/c/test_gesture_gen.py): the stroke
// rasterizer bit for bit (float and int8 points, whole strokes and a segment at a time), the
// gyroscope-to-stroke step within 1 LSB, and the IMU window features within 1e-4 relative /
// 1e-6 absolute, pushed whole and in uneven chunks; plus the argument checks.
#include <math.h>
#include <string.h>
#include "microml/mml_gesture.h"
#include "mml_test.h"
#include "test_gesture_data.h"

static void test_stroke(void) {
    mml_stroke_raster_t r;
    CHECK(mml_stroke_raster_init(&r, 0.6f, 0.6f, 32, 32) == MML_OK, "init");
    static int8_t img[32 * 32 * 3];
    for (int k = 0; k < N_STROKES; k++) {
        CHECK(mml_stroke_rasterize_f32(&r, stroke_f32[k], stroke_n[k], img) == MML_OK, "f32");
        CHECK(memcmp(img, stroke_f32_img[k], sizeof(img)) == 0, "float stroke %d", k);
        memset(img, 0, sizeof(img));
        mml_stroke_rasterize_s8(&r, stroke_s8[k], stroke_n[k], img);
        CHECK(memcmp(img, stroke_s8_img[k], sizeof(img)) == 0, "int8 stroke %d", k);
        // A segment at a time.
        mml_stroke_clear(&r, img);
        for (int32_t i = 0; i + 1 < stroke_n[k]; i++) {
            int32_t p0[2], p1[2];
            mml_stroke_point_f32(stroke_f32[k][2 * i], stroke_f32[k][2 * i + 1], p0);
            mml_stroke_point_f32(stroke_f32[k][2 * i + 2], stroke_f32[k][2 * i + 3], p1);
            mml_stroke_segment(&r, p0, p1, i, stroke_n[k], img);
        }
        CHECK(memcmp(img, stroke_f32_img[k], sizeof(img)) == 0, "segments %d", k);
    }
    // Refused: bad sizes and ranges, and points that are not finite or too far out.
    CHECK(mml_stroke_raster_init(&r, 0.0f, 0.6f, 32, 32) == MML_ERR_INVALID_ARG, "range 0");
    CHECK(mml_stroke_raster_init(&r, NAN, 0.6f, 32, 32) == MML_ERR_INVALID_ARG, "range nan");
    CHECK(mml_stroke_raster_init(&r, 0.6f, 0.6f, 0, 32) == MML_ERR_INVALID_ARG, "width 0");
    CHECK(mml_stroke_raster_init(&r, 0.6f, 0.6f, 32, 1025) == MML_ERR_INVALID_ARG, "height");
    CHECK(mml_stroke_raster_init(&r, 0.6f, 0.6f, 32, 32) == MML_OK, "init");
    memset(img, 7, sizeof(img));
    const float bad[2][4] = {{0.0f, 0.0f, NAN, 0.0f}, {0.0f, 0.0f, 0.0f, 40.0f}};
    for (int k = 0; k < 2; k++) {
        CHECK(mml_stroke_rasterize_f32(&r, bad[k], 2, img) == MML_ERR_INVALID_ARG, "bad %d", k);
    }
    CHECK(img[0] == 7, "out untouched on error");
    // The extremes the checks allow (64 ranges out, the largest image): no overflow (UBSan).
    static int8_t big[MML_STROKE_MAX_SIZE * MML_STROKE_MAX_SIZE * 3];
    CHECK(mml_stroke_raster_init(&r, 0.6f, 0.6f, MML_STROKE_MAX_SIZE, MML_STROKE_MAX_SIZE) ==
            MML_OK,
        "big");
    const float far = MML_STROKE_MAX_REL * 2457.0f / 4096.0f; // range 0.6 in fixed point
    const float corners[] = {-far, -far, far, far, far, -far, -far, far, 0.0f, 0.0f};
    CHECK(mml_stroke_rasterize_f32(&r, corners, 5, big) == MML_OK, "corners");
    size_t centre = ((size_t)512 * MML_STROKE_MAX_SIZE + 512) * 3;
    CHECK(big[centre] != -128 || big[centre + 1] != -128 || big[centre + 2] != -128,
        "the diagonals cross the centre");
}

static void test_gyro(void) {
    int8_t pts[150];
    int32_t n = mml_stroke_from_gyro(gyro_in, 150, 119.0f, gyro_drift, gyro_gravity, 2, pts);
    CHECK(n == 75, "points %d", (int)n);
    int worst = 0, exact = 0;
    for (int i = 0; i < 150; i++) {
        int d = abs(pts[i] - gyro_points[i]);
        worst = d > worst ? d : worst;
        exact += d == 0;
    }
    CHECK(worst <= 1, "gyro stroke off by %d", worst);
    CHECK(exact >= 145, "only %d of 150 exact", exact);
    CHECK(mml_stroke_from_gyro(gyro_in, 0, 119.0f, gyro_drift, gyro_gravity, 2, pts) ==
            MML_ERR_INVALID_ARG,
        "n 0");
    CHECK(mml_stroke_from_gyro(gyro_in, 10, 0.0f, gyro_drift, gyro_gravity, 2, pts) ==
            MML_ERR_INVALID_ARG,
        "rate 0");
    CHECK(mml_stroke_from_gyro(gyro_in, 10, 119.0f, gyro_drift, gyro_gravity, 0, pts) ==
            MML_ERR_INVALID_ARG,
        "stride 0");
}

static int close_to(float got, float want) {
    return fabsf(got - want) <= 1e-4f * fabsf(want) + 1e-6f;
}

static void test_imu(void) {
    mml_imu_config_t c = {.channels = 6,
        .window = 50,
        .hop = 20,
        .bands = 4,
        .magnitude = 1,
        .queue = 8,
        .rate = 25.0f};
    size_t nmem = mml_imu_mem_floats(&c);
    CHECK(nmem > 0, "mem");
    static float mem[4096], got[256];
    CHECK(nmem <= 4096, "mem %u", (unsigned)nmem);
    mml_imu_t f;
    CHECK(mml_imu_init(&f, &c, mem, nmem - 1) == MML_ERR_INVALID_ARG, "short mem");
    for (int pass = 0; pass < 2; pass++) {
        CHECK(mml_imu_init(&f, &c, mem, nmem) == MML_OK, "init");
        CHECK(f.n_features == 8 * 15, "n_features %d", (int)f.n_features);
        CHECK(mml_imu_windows_for(&f, 130) == IMU_N_OUT, "windows_for");
        if (pass == 0) {
            CHECK(mml_imu_push(&f, imu_in, 130) == 130, "push");
        } else {
            // Uneven chunks: 1, 2, 3, ... samples.
            for (int32_t i = 0, k = 1; i < 130; i += k, k++) {
                int32_t m = i + k > 130 ? 130 - i : k;
                CHECK(mml_imu_push(&f, imu_in + 6 * i, m) == m, "chunk");
            }
        }
        CHECK(f.ready == IMU_N_OUT, "ready %d", (int)f.ready);
        int bad = 0;
        for (int v = 0; v < IMU_N_OUT; v++) {
            CHECK(mml_imu_read(&f, got) == 1, "read");
            for (int i = 0; i < f.n_features; i++) {
                if (!close_to(got[i], imu_out[v * f.n_features + i])) {
                    if (bad++ < 5) {
                        fprintf(stderr, "vector %d feature %d: %g, numpy %g\n", v, i,
                            (double)got[i], (double)imu_out[v * f.n_features + i]);
                    }
                }
            }
        }
        CHECK(bad == 0, "%d features off (pass %d)", bad, pass);
        CHECK(mml_imu_read(&f, got) == 0, "empty");
    }
    // A full queue stops the push at the window that finds no room.
    c.queue = 1;
    CHECK(mml_imu_init(&f, &c, mem, mml_imu_mem_floats(&c)) == MML_OK, "init q1");
    CHECK(mml_imu_push(&f, imu_in, 130) == 69, "stops before the second window");
    CHECK(f.ready == 1, "one ready");
    mml_imu_config_t bad_cfgs[] = {
        {.channels = 0, .window = 50, .hop = 1, .queue = 1, .rate = 1.0f},
        {.channels = 17, .window = 50, .hop = 1, .queue = 1, .rate = 1.0f},
        {.channels = 3, .window = 3, .hop = 1, .queue = 1, .rate = 1.0f},
        {.channels = 3, .window = 50, .hop = 51, .queue = 1, .rate = 1.0f},
        {.channels = 3, .window = 50, .hop = 0, .queue = 1, .rate = 1.0f},
        {.channels = 3, .window = 4, .hop = 1, .bands = 3, .queue = 1, .rate = 1.0f},
        {.channels = 3, .window = 50, .hop = 1, .queue = 0, .rate = 1.0f},
        {.channels = 3, .window = 50, .hop = 1, .queue = 1, .rate = NAN},
        {.channels = 3, .window = 50, .hop = 1, .magnitude = 2, .queue = 1, .rate = 1.0f},
    };
    for (size_t k = 0; k < sizeof(bad_cfgs) / sizeof(bad_cfgs[0]); k++) {
        CHECK(mml_imu_mem_floats(&bad_cfgs[k]) == 0, "bad config %d", (int)k);
        CHECK(mml_imu_init(&f, &bad_cfgs[k], mem, 4096) == MML_ERR_INVALID_ARG, "init %d", (int)k);
    }
}

int main(void) {
    test_stroke();
    test_gyro();
    test_imu();
    return mml_test_done("test_gesture");
}
