// SPDX-License-Identifier: MIT
// GELU: x * P(X <= x) for a standard normal X, exact (0.5 x erfc(-x / sqrt 2)) or with the tanh
// approximation (GeluOptions.approximate), as TFLite's reference kernel (TFLite Micro has none):
// float32, and int8 through TFLite's 256-entry table built at prepare. erfc without libm: a
// Chebyshev fit of erfc(z) / exp(-z^2) (fractional error below 1.2e-7, Numerical Recipes' erfcc).
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(GELU)

enum { OPT_APPROXIMATE = 0 };

typedef struct {
    mml__ew_unary_t io;
    int8_t lut[256]; // output for input value v at lut[v + 128]
} gelu_t;

static float erfc_f32(float x) {
    float z = x < 0.0f ? -x : x;
    float t = 1.0f / (1.0f + 0.5f * z);
    float poly = -1.26551223f +
        t *
            (1.00002368f +
                t *
                    (0.37409196f +
                        t *
                            (0.09678418f +
                                t *
                                    (-0.18628806f +
                                        t *
                                            (0.27886807f +
                                                t *
                                                    (-1.13520398f +
                                                        t *
                                                            (1.48851587f +
                                                                t *
                                                                    (-0.82215223f +
                                                                        t * 0.17087277f))))))));
    float r = t * mml__expf(-z * z + poly);
    return x >= 0.0f ? r : 2.0f - r;
}

static float gelu_exact(float x) {
    return 0.5f * x * erfc_f32(x * -0.707106781186547524f);
}

static float gelu_tanh(float x) {
    const float sqrt_2_over_pi = 0.797884560802865356f;
    return 0.5f * x * (1.0f + mml__tanhf(sqrt_2_over_pi * (x + 0.044715f * x * x * x)));
}

MML_EW_UNARY_EVAL(eval_s8, gelu_t, int8_t, d->lut[x + 128])
MML_EW_UNARY_EVAL(eval_f32, gelu_t, float, gelu_exact(x))
MML_EW_UNARY_EVAL(eval_f32_tanh, gelu_t, float, gelu_tanh(x))

mml_status_t mml__prepare_gelu(mml_prep_t *p) {
    mml__tensor_t in, out;
    gelu_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, 2, &in, &out, &r.io);
    if (st != MML_OK) {
        return st;
    }
    int approximate = mml__opt_u8(p, OPT_APPROXIMATE, 0) != 0;
    if (in.dtype == MML_INT8) {
        if ((st = mml__ew_lut_s8(p, &in, &out, approximate ? gelu_tanh : gelu_exact, r.lut)) !=
            MML_OK) {
            return st;
        }
        p->eval = eval_s8;
    } else if (in.dtype == MML_FLOAT32) {
        p->eval = approximate ? eval_f32_tanh : eval_f32;
    } else {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}

#endif // MML_OP_ON(GELU)
