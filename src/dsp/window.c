// SPDX-License-Identifier: MIT
// Hann and Hamming windows (periodic or symmetric, scipy.signal's definitions) and their product
// with a frame. The window is built once (double cos), applying it is n multiplies.
#include "microml/mml_dsp.h"
#include "dsp/dsp_math.h"

#if MML_ENABLE_DSP

mml_status_t mml_window_f32(mml_window_kind_t kind, int periodic, int32_t n, float *out) {
    if (!out || n < 1 || (kind != MML_WINDOW_HANN && kind != MML_WINDOW_HAMMING)) {
        return MML_ERR_INVALID_ARG;
    }
    if (n == 1) {
        out[0] = 1.0f;
        return MML_OK;
    }
    // w[i] = a - (1 - a) cos(2 pi i / M), M = n (periodic) or n - 1 (symmetric).
    const double a = kind == MML_WINDOW_HANN ? 0.5 : 0.54;
    const long period = periodic ? n : n - 1;
    for (int32_t i = 0; i < n; i++) {
        out[i] = (float)(a - (1.0 - a) * mml__cos_turn(i, period));
    }
    return MML_OK;
}

void mml_window_apply_f32(const float *x, const float *w, int32_t n, float *out) {
    for (int32_t i = 0; i < n; i++) {
        out[i] = x[i] * w[i];
    }
}

#endif // MML_ENABLE_DSP
