// SPDX-License-Identifier: MIT
// Power (re^2 + im^2) and magnitude spectra of an interleaved complex spectrum.
#include "microml/mml_dsp.h"
#include "core/mathf.h"

#if MML_ENABLE_DSP

void mml_spectrum_power_f32(const float *spec, int32_t bins, float *out) {
    for (int32_t k = 0; k < bins; k++) {
        const float re = spec[2 * k], im = spec[2 * k + 1];
        out[k] = re * re + im * im;
    }
}

void mml_spectrum_magnitude_f32(const float *spec, int32_t bins, float *out) {
    for (int32_t k = 0; k < bins; k++) {
        const float re = spec[2 * k], im = spec[2 * k + 1];
        out[k] = mml__sqrtf(re * re + im * im);
    }
}

#endif // MML_ENABLE_DSP
