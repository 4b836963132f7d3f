// SPDX-License-Identifier: MIT
// Cascade of biquads in transposed direct form II, scipy.signal.sosfilt's structure and state
// layout (zi[section][2]), float32. 5 multiplies and 4 adds per section per sample.
#include "microml/mml_dsp.h"

#if MML_ENABLE_DSP

mml_status_t mml_iir_f32_init(mml_iir_f32_t *iir, int32_t n_sections, const float *sos,
    float *coeffs, float *state) {
    if (!iir || !sos || !coeffs || !state || n_sections < 1) {
        return MML_ERR_INVALID_ARG;
    }
    for (int32_t s = 0; s < n_sections; s++) {
        const float a0 = sos[6 * s + 3];
        if (!(a0 == a0) || a0 == 0.0f) {
            return MML_ERR_INVALID_ARG;
        }
        coeffs[5 * s + 0] = sos[6 * s + 0] / a0;
        coeffs[5 * s + 1] = sos[6 * s + 1] / a0;
        coeffs[5 * s + 2] = sos[6 * s + 2] / a0;
        coeffs[5 * s + 3] = sos[6 * s + 4] / a0;
        coeffs[5 * s + 4] = sos[6 * s + 5] / a0;
    }
    iir->n_sections = n_sections;
    iir->coeffs = coeffs;
    iir->state = state;
    mml_iir_f32_reset(iir);
    return MML_OK;
}

void mml_iir_f32_reset(mml_iir_f32_t *iir) {
    for (int32_t i = 0; i < 2 * iir->n_sections; i++) {
        iir->state[i] = 0.0f;
    }
}

void mml_iir_f32(mml_iir_f32_t *iir, const float *x, float *y, int32_t n) {
    for (int32_t t = 0; t < n; t++) {
        float v = x[t];
        const float *c = iir->coeffs;
        float *z = iir->state;
        for (int32_t s = 0; s < iir->n_sections; s++, c += 5, z += 2) {
            const float out = c[0] * v + z[0];
            z[0] = c[1] * v - c[3] * out + z[1];
            z[1] = c[2] * v - c[4] * out;
            v = out;
        }
        y[t] = v;
    }
}

#endif // MML_ENABLE_DSP
