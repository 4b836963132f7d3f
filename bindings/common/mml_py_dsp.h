// SPDX-License-Identifier: MIT
// microml.dsp, written once for every binding: the DSP front ends of include/microml/mml_dsp.h as
// Python transform objects (RFFT, MelFilterbank, DCT, MFCC, SOSFilter, MLPerfKWS, MicroFrontend)
// and functions (window, power_spectrum, magnitude_spectrum, log). Each call takes a typed buffer
// and writes into a new array or a caller's out= (then nothing is allocated). A binding fills an
// mml_py_dsp_t with one of the config calls, allocates mem_len bytes (8-byte aligned), calls
// mml_py_dsp_init, and per call: in_check, out_check (or allocate n_out items of out_tc), run.
// Nothing here allocates, raises or uses a C library beyond memcpy/memset.
#ifndef MICROML_BINDINGS_MML_PY_DSP_H
#define MICROML_BINDINGS_MML_PY_DSP_H

#include "mml_py.h"
#include "microml/mml_dsp.h"

#if MML_ENABLE_DSP

typedef enum {
    MML_PY_DSP_RFFT_F32,
    MML_PY_DSP_RFFT_S16,
    MML_PY_DSP_MEL,
    MML_PY_DSP_DCT,
    MML_PY_DSP_MFCC,
    MML_PY_DSP_SOS,
    MML_PY_DSP_MLPERF,
    MML_PY_DSP_MICRO,
    // The functions (no memory, no state): a transform made for one call.
    MML_PY_DSP_WINDOW, // no input
    MML_PY_DSP_POWER,
    MML_PY_DSP_MAGNITUDE,
    MML_PY_DSP_LOG,
} mml_py_dsp_kind_t;

// Named choices a Python argument gives as a str (or None: len == 0 with s == NULL).
typedef enum {
    MML_PY_DSP_CHOICE_WINDOW,   // 'hann' 'hamming'
    MML_PY_DSP_CHOICE_SCALE,    // 'htk' 'slaney'
    MML_PY_DSP_CHOICE_MEL_NORM, // None 'slaney'
    MML_PY_DSP_CHOICE_SHAPE,    // 'hz' (librosa) 'tf' (tf.signal)
    MML_PY_DSP_CHOICE_DCT_NORM, // None 'ortho' 'tf'
    MML_PY_DSP_CHOICE_TYPECODE, // 'f' (float32) 'h' (int16)
} mml_py_dsp_choice_t;

typedef struct {
    uint8_t kind;   // mml_py_dsp_kind_t
    char in_tc;     // typecode of the input values: 'f' or 'h' (0: no input)
    char out_tc;    // typecode of the results: 'f', 'h' or 'b'
    int32_t n_in;   // input values per call; 0: any count (the functions, SOS, MicroFrontend)
    int32_t n_out;  // results per call when n_in is fixed
    size_t mem_len; // bytes the binding allocates for mml_py_dsp_init (8-byte aligned)
    void *mem;
    union {
        struct {
            int32_t n;
        } rfft;
        mml_mel_config_t mel;
        struct {
            int32_t n_in, n_out, norm;
        } dct;
        struct {
            int32_t window, frame_len;
        } mfcc;
        struct {
            int32_t n_sections;
        } sos;
        struct {
            float scale;
            int32_t zero_point;
        } mlperf;
        mml_microfrontend_config_t micro;
        struct {
            int32_t n, kind, periodic;
        } window;
        float log_offset;
    } c; // configuration, kept from the config call to init
    union {
        mml_rfft_f32_t f32;
        mml_rfft_s16_t s16;
        mml_mel_f32_t mel;
        mml_dct_f32_t dct;
        mml_mfcc_f32_t mfcc;
        mml_iir_f32_t iir;
        mml_kws_mfcc_t kws;
        mml_microfrontend_t micro;
    } u; // the core's state, made by init
} mml_py_dsp_t;

// A named choice: *v gets its enum value (mml_dsp.h's), or a ValueError lists the choices.
bool mml_py_dsp_choice(mml_py_dsp_choice_t what, const char *s, size_t len, int32_t *v,
    mml_py_err_t *e);

// Config calls: check the arguments, fill d (kind, typecodes, counts, mem_len).
// RFFT(n, typecode): n a power of two in [4, 4096]; typecode 'f' or 'h' (mml_py_dsp_choice).
bool mml_py_dsp_rfft(mml_py_dsp_t *d, int32_t n, int32_t typecode, mml_py_err_t *e);
// MelFilterbank: fmax < 0 means sample_rate / 2. scale, norm, shape: mml_dsp.h's enums.
bool mml_py_dsp_mel(mml_py_dsp_t *d, int32_t sample_rate, int32_t n_fft, int32_t n_mels,
    float fmin, float fmax, int32_t scale, int32_t norm, int32_t shape, mml_py_err_t *e);
// DCT(n_in, n_out): n_out 0 means n_in.
bool mml_py_dsp_dct(mml_py_dsp_t *d, int32_t n_in, int32_t n_out, int32_t norm, mml_py_err_t *e);
// MFCC from made transforms (borrowed: the binding keeps them alive): a float32 RFFT, a
// MelFilterbank of the same n_fft, a DCT over its n_mels. frame_len 0 means n_fft.
bool mml_py_dsp_mfcc(mml_py_dsp_t *d, const mml_py_dsp_t *fft, const mml_py_dsp_t *mel,
    const mml_py_dsp_t *dct, int32_t frame_len, int32_t window, bool power, float log_offset,
    mml_py_err_t *e);
// SOSFilter(sos): sos as scipy makes it, n_sections x 6 values (float32 or float64 buffer, or a
// flat list); mml_py_dsp_init reads it again (the same value).
bool mml_py_dsp_sos(mml_py_dsp_t *d, const mml_py_value_t *sos, mml_py_err_t *e);
// MLPerfKWS: scale 0 gives the 490 float32 MFCCs, scale > 0 the model's int8 input.
bool mml_py_dsp_mlperf(mml_py_dsp_t *d, float scale, int32_t zero_point, mml_py_err_t *e);
// MicroFrontend(step_ms): ESPHome's settings (mml_microfrontend_config_esphome), int8 rows.
bool mml_py_dsp_micro(mml_py_dsp_t *d, int32_t step_ms, mml_py_err_t *e);
bool mml_py_dsp_window(mml_py_dsp_t *d, int32_t n, int32_t kind, bool periodic, mml_py_err_t *e);
void mml_py_dsp_spectrum(mml_py_dsp_t *d, bool power);
void mml_py_dsp_log(mml_py_dsp_t *d, float offset);

// mem: d->mem_len bytes, 8-byte aligned, kept by the binding as long as d lives. sos: the value
// given to mml_py_dsp_sos (SOS only, else NULL).
bool mml_py_dsp_init(mml_py_dsp_t *d, void *mem, const mml_py_value_t *sos, mml_py_err_t *e);

// Checks x (NULL for the window) and finds the number of results (*n_out items of out_tc).
bool mml_py_dsp_in_check(const mml_py_dsp_t *d, const mml_py_value_t *x, size_t *n_out,
    mml_py_err_t *e);
// Checks a caller's out=: writable, typecode out_tc (a bytearray for 'b'), n_out items
// (MicroFrontend: at least n_out). out may be x itself for the elementwise functions and SOS.
// x: the checked input (NULL for the window), to refuse an overlap where it would be wrong.
bool mml_py_dsp_out_check(const mml_py_dsp_t *d, const mml_py_value_t *x,
    const mml_py_value_t *out, bool writable, size_t n_out, mml_py_err_t *e);
// Runs on the checked x, writing n_out results at dst (aligned for out_tc). MicroFrontend:
// returns the number of frames written; the others 1.
size_t mml_py_dsp_run(mml_py_dsp_t *d, const mml_py_value_t *x, void *dst);
// Back to the state after init (SOS: zero state; MicroFrontend: no samples, no noise estimate).
void mml_py_dsp_reset(mml_py_dsp_t *d);
// "<microml.dsp.RFFT n=512 float32>"
void mml_py_dsp_repr(const mml_py_dsp_t *d, char *out, size_t out_len);

#endif // MML_ENABLE_DSP

#endif // MICROML_BINDINGS_MML_PY_DSP_H
