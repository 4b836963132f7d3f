// SPDX-License-Identifier: MIT
// Natural log of a vector, DCT-II as a precomputed [n_out][n_in] cosine table (three scalings),
// and MFCC of one frame (window, rfft, spectrum, mel, log, DCT).
#include "microml/mml_dsp.h"
#include "core/mathf.h"
#include "dsp/dsp_math.h"

#if MML_ENABLE_DSP

void mml_log_f32(const float *x, int32_t n, float offset, float *out) {
    for (int32_t i = 0; i < n; i++) {
        out[i] = mml__logf(x[i] + offset);
    }
}

mml_status_t mml_dct_f32_init(mml_dct_f32_t *dct, int32_t n_in, int32_t n_out, mml_dct_norm_t norm,
    float *table) {
    if (!dct || !table || n_in < 1 || n_out < 1 || n_out > n_in ||
        (norm != MML_DCT_NONE && norm != MML_DCT_ORTHO && norm != MML_DCT_TF)) {
        return MML_ERR_INVALID_ARG;
    }
    // 1 / sqrt(v) at init, through exp(-ln(v) / 2).
    const double inv_sqrt_2n = mml__exp(-0.5 * mml__log(2.0 * n_in));
    for (int32_t k = 0; k < n_out; k++) {
        double scale = 2.0;
        if (norm == MML_DCT_TF) {
            scale = 2.0 * inv_sqrt_2n;
        } else if (norm == MML_DCT_ORTHO) {
            // sqrt(1 / 4N) for k = 0, sqrt(1 / 2N) otherwise, times the 2.
            scale = 2.0 * inv_sqrt_2n * (k == 0 ? 0.70710678118654752440 : 1.0);
        }
        for (int32_t i = 0; i < n_in; i++) {
            // cos(pi k (2i + 1) / 2N) = cos(2 pi k (2i + 1) / 4N).
            table[k * n_in + i] = (float)(scale * mml__cos_turn((long)k * (2 * i + 1), 4L * n_in));
        }
    }
    dct->n_in = n_in;
    dct->n_out = n_out;
    dct->table = table;
    return MML_OK;
}

void mml_dct_f32(const mml_dct_f32_t *dct, const float *x, float *out) {
    const float *row = dct->table;
    for (int32_t k = 0; k < dct->n_out; k++, row += dct->n_in) {
        float acc = 0.0f;
        for (int32_t i = 0; i < dct->n_in; i++) {
            acc += row[i] * x[i];
        }
        out[k] = acc;
    }
}

void mml_mfcc_f32(const mml_mfcc_f32_t *mfcc, const float *frame, float *scratch, float *out) {
    const int32_t n = mfcc->fft->n;
    float *buf = scratch, *spec = scratch + n;
    mml_window_apply_f32(frame, mfcc->window, mfcc->frame_len, buf);
    for (int32_t i = mfcc->frame_len; i < n; i++) {
        buf[i] = 0.0f;
    }
    mml_rfft_f32(mfcc->fft, buf, spec);
    if (mfcc->power) {
        mml_spectrum_power_f32(spec, n / 2 + 1, spec);
    } else {
        mml_spectrum_magnitude_f32(spec, n / 2 + 1, spec);
    }
    // The mel energies go to the (now free) front of the scratch.
    mml_mel_f32_apply(mfcc->mel, spec, buf);
    mml_log_f32(buf, mfcc->mel->n_mels, mfcc->log_offset, buf);
    mml_dct_f32(mfcc->dct, buf, out);
}

#endif // MML_ENABLE_DSP
