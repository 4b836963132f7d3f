// SPDX-License-Identifier: MIT
// microml.dsp's behaviour for every binding (see mml_py_dsp.h): argument checks, memory sizes,
// typecode and length checks with their messages, and the calls into src/dsp. Cost: no
// allocation and no writable statics; a call copies nothing but RFFT's input (the core's FFT
// works in place) and MLPerfKWS's float features before they are quantized.
#include "mml_py_dsp.h"

#include <stdarg.h>
#include <string.h>

#if MML_ENABLE_DSP

// ---------------------------------------------------------------------------------------------
// Messages: every message of microml.dsp, in one table.

typedef enum {
    MSG_CHOICE,        // what, choices
    MSG_RFFT_N,        // n
    MSG_MEL_ARGS,      // (no args)
    MSG_MEL_N_MELS,    // n_mels
    MSG_DCT_ARGS,      // n_in, n_out
    MSG_MFCC_KINDS,    //
    MSG_MFCC_NFFT,     // fft n, mel n_fft
    MSG_MFCC_DCT,      // dct n_in, n_mels
    MSG_MFCC_FRAME,    // frame_len, n
    MSG_MFCC_OFFSET,   //
    MSG_SOS_KIND,      //
    MSG_SOS_COUNT,     // values
    MSG_SOS_A0,        // section
    MSG_MLPERF_SCALE,  //
    MSG_MICRO_STEP,    // step_ms
    MSG_WINDOW_N,      // n
    MSG_IN_KIND,       // tc, what
    MSG_IN_TYPECODE,   // tc, what, got
    MSG_IN_COUNT,      // needed, got
    MSG_IN_MAX,        // max, got
    MSG_IN_EVEN,       // got
    MSG_IN_UNALIGNED,  // size
    MSG_IN_ODD,        // bytes
    MSG_LOG_DOMAIN,    // index
    MSG_OUT_WRITABLE,  //
    MSG_OUT_TYPECODE,  // tc, what, got
    MSG_OUT_COUNT,     // needed, got
    MSG_OUT_ROOM,      // needed, got
    MSG_OUT_UNALIGNED, // size
    MSG_OUT_OVERLAP,   //
    MSG_COUNT
} msg_t;

static const mml_py_msg_def_t msgs[MSG_COUNT] = {
    [MSG_CHOICE] = {MML_PY_EXC_VALUE, "%s must be one of %s"},
    [MSG_RFFT_N] = {MML_PY_EXC_VALUE, "RFFT: n must be a power of two in [4, 4096], got %d"},
    [MSG_MEL_ARGS] = {MML_PY_EXC_VALUE,
        "MelFilterbank: needs sample_rate > 0, n_fft a power of two in [4, 4096] and "
        "0 <= fmin < fmax <= sample_rate / 2"},
    [MSG_MEL_N_MELS] = {MML_PY_EXC_VALUE, "MelFilterbank: n_mels must be in [1, 128], got %d"},
    [MSG_DCT_ARGS] = {MML_PY_EXC_VALUE,
        "DCT: needs 1 <= n_out <= n_in <= 1024, got n_in %d, n_out %d"},
    [MSG_MFCC_KINDS] = {MML_PY_EXC_TYPE,
        "MFCC(fft, mel, dct): a float32 RFFT, a MelFilterbank and a DCT"},
    [MSG_MFCC_NFFT] = {MML_PY_EXC_VALUE, "MFCC: the RFFT has n %d, the MelFilterbank n_fft %d"},
    [MSG_MFCC_DCT] = {MML_PY_EXC_VALUE, "MFCC: the DCT takes %d values, the MelFilterbank gives %d"},
    [MSG_MFCC_FRAME] = {MML_PY_EXC_VALUE, "MFCC: frame_len must be in [1, %d], got %d"},
    [MSG_MFCC_OFFSET] = {MML_PY_EXC_VALUE, "MFCC: log_offset must be > 0"},
    [MSG_SOS_KIND] = {MML_PY_EXC_TYPE,
        "SOSFilter: sos must be a float32/float64 array or a flat list of numbers"},
    [MSG_SOS_COUNT] = {MML_PY_EXC_VALUE,
        "SOSFilter: sos needs n_sections x 6 values (1 to 64 sections), got %u values"},
    [MSG_SOS_A0] = {MML_PY_EXC_VALUE, "SOSFilter: section %u has a0 == 0 or a value not finite"},
    [MSG_MLPERF_SCALE] = {MML_PY_EXC_VALUE, "MLPerfKWS: scale must be > 0 (or None for float32)"},
    [MSG_MICRO_STEP] = {MML_PY_EXC_VALUE, "MicroFrontend: step_ms must be in [1, 30], got %d"},
    [MSG_WINDOW_N] = {MML_PY_EXC_VALUE, "window: n must be in [1, 65536], got %d"},
    [MSG_IN_KIND] = {MML_PY_EXC_TYPE, "x must be an array of typecode '%c' (%s values)"},
    [MSG_IN_TYPECODE] = {MML_PY_EXC_TYPE, "x must have typecode '%c' (%s), got '%c'"},
    [MSG_IN_COUNT] = {MML_PY_EXC_VALUE, "x needs %u values, got %u"},
    [MSG_IN_MAX] = {MML_PY_EXC_VALUE, "x takes at most %u values, got %u"},
    [MSG_IN_EVEN] = {MML_PY_EXC_VALUE,
        "x needs an even number of values (complex re, im pairs), got %u"},
    [MSG_IN_UNALIGNED] = {MML_PY_EXC_VALUE, "x must be %u-byte aligned"},
    [MSG_IN_ODD] = {MML_PY_EXC_VALUE, "x has %u bytes: not a whole number of int16 samples"},
    [MSG_LOG_DOMAIN] = {MML_PY_EXC_VALUE, "log: x[%u] + offset is not > 0"},
    [MSG_OUT_WRITABLE] = {MML_PY_EXC_VALUE, "out must be a writable array"},
    [MSG_OUT_TYPECODE] = {MML_PY_EXC_TYPE, "out must have typecode '%c' (%s), got '%c'"},
    [MSG_OUT_COUNT] = {MML_PY_EXC_VALUE, "out needs %u values, got %u"},
    [MSG_OUT_ROOM] = {MML_PY_EXC_VALUE, "out needs room for %u values, got %u"},
    [MSG_OUT_UNALIGNED] = {MML_PY_EXC_VALUE, "out must be %u-byte aligned"},
    [MSG_OUT_OVERLAP] = {MML_PY_EXC_VALUE, "out must not overlap x for this transform"},
};

// FAIL(id, args...): the caller's e from message id (mml_py_fail_in: %u, %d, %s, %c); false.
#define FAIL(...) mml_py_fail_in(e, msgs, __VA_ARGS__)


// ---------------------------------------------------------------------------------------------
// Named choices

static const struct {
    const char *what;
    const char *list; // for the message
    const char *names[3]; // NULL: None (the value at that index)
    uint8_t n;
    int8_t values[3];
} choices[] = {
    [MML_PY_DSP_CHOICE_WINDOW] = {"window", "'hann', 'hamming'", {"hann", "hamming"}, 2,
        {MML_WINDOW_HANN, MML_WINDOW_HAMMING}},
    [MML_PY_DSP_CHOICE_SCALE] = {"scale", "'htk', 'slaney'", {"htk", "slaney"}, 2,
        {MML_MEL_HTK, MML_MEL_SLANEY}},
    [MML_PY_DSP_CHOICE_MEL_NORM] = {"norm", "None, 'slaney'", {NULL, "slaney"}, 2,
        {MML_MEL_NORM_NONE, MML_MEL_NORM_SLANEY}},
    [MML_PY_DSP_CHOICE_SHAPE] = {"shape", "'hz', 'tf'", {"hz", "tf"}, 2,
        {MML_MEL_TRIANGLES_HZ, MML_MEL_TRIANGLES_MEL_TF}},
    [MML_PY_DSP_CHOICE_DCT_NORM] = {"norm", "None, 'ortho', 'tf'", {NULL, "ortho", "tf"}, 3,
        {MML_DCT_NONE, MML_DCT_ORTHO, MML_DCT_TF}},
    [MML_PY_DSP_CHOICE_TYPECODE] = {"typecode", "'f', 'h'", {"f", "h"}, 2, {'f', 'h'}},
};

bool mml_py_dsp_choice(mml_py_dsp_choice_t what, const char *s, size_t len, int32_t *v,
    mml_py_err_t *e) {
    for (uint8_t i = 0; i < choices[what].n; i++) {
        const char *name = choices[what].names[i];
        bool match = name == NULL ? s == NULL
                                  : s != NULL && strlen(name) == len && memcmp(name, s, len) == 0;
        if (match) {
            *v = choices[what].values[i];
            return true;
        }
    }
    return FAIL(MSG_CHOICE, choices[what].what, choices[what].list);
}

// ---------------------------------------------------------------------------------------------
// Config

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

static bool is_pow2_in(int32_t n, int32_t lo, int32_t hi) {
    return n >= lo && n <= hi && (n & (n - 1)) == 0;
}

static void setup(mml_py_dsp_t *d, mml_py_dsp_kind_t kind, char in_tc, char out_tc, int32_t n_in,
    int32_t n_out, size_t mem_len) {
    memset(d, 0, sizeof(*d));
    d->kind = (uint8_t)kind;
    d->in_tc = in_tc;
    d->out_tc = out_tc;
    d->n_in = n_in;
    d->n_out = n_out;
    d->mem_len = mem_len;
}

bool mml_py_dsp_rfft(mml_py_dsp_t *d, int32_t n, int32_t typecode, mml_py_err_t *e) {
    if (!is_pow2_in(n, 4, 4096)) {
        return FAIL(MSG_RFFT_N, n);
    }
    if (typecode == 'h') {
        setup(d, MML_PY_DSP_RFFT_S16, 'h', 'h', n, n + 2,
            ALIGN8((size_t)(MML_RFFT_S16_TABLE_LEN(n) + MML_RFFT_S16_SCRATCH_LEN(n)) * 2));
    } else {
        setup(d, MML_PY_DSP_RFFT_F32, 'f', 'f', n, n + 2,
            (size_t)(MML_RFFT_F32_TABLE_LEN(n) + n) * 4);
    }
    d->c.rfft.n = n;
    return true;
}

#define MEL_MAX 128

bool mml_py_dsp_mel(mml_py_dsp_t *d, int32_t sample_rate, int32_t n_fft, int32_t n_mels,
    float fmin, float fmax, int32_t scale, int32_t norm, int32_t shape, mml_py_err_t *e) {
    if (n_mels < 1 || n_mels > MEL_MAX) {
        return FAIL(MSG_MEL_N_MELS, n_mels);
    }
    if (fmax < 0.0f && sample_rate > 0) {
        fmax = 0.5f * (float)sample_rate;
    }
    const mml_mel_config_t cfg = {sample_rate, n_fft, n_mels, fmin, fmax,
        (mml_mel_scale_t)scale, (mml_mel_norm_t)norm, (mml_mel_shape_t)shape};
    if (sample_rate <= 0 || !is_pow2_in(n_fft, 4, 4096) || !(fmin >= 0.0f) || !(fmax > fmin) ||
        fmax > 0.5f * (float)sample_rate) {
        return FAIL(MSG_MEL_ARGS);
    }
    // A first pass with no room for weights counts them.
    int16_t bands[2 * MEL_MAX];
    float none;
    mml_mel_f32_t mel;
    mml_error_t err;
    err.needed = 0;
    mml_status_t st = mml_mel_f32_init(&mel, &cfg, bands, &none, 0, &err);
    if (st != MML_OK && err.needed == 0) {
        return FAIL(MSG_MEL_ARGS);
    }
    setup(d, MML_PY_DSP_MEL, 'f', 'f', n_fft / 2 + 1, n_mels,
        ALIGN8((size_t)n_mels * 4) + (size_t)(err.needed > 0 ? err.needed : 1) * 4);
    d->c.mel = cfg;
    return true;
}

bool mml_py_dsp_dct(mml_py_dsp_t *d, int32_t n_in, int32_t n_out, int32_t norm, mml_py_err_t *e) {
    n_out = n_out == 0 ? n_in : n_out;
    if (n_in < 1 || n_in > 1024 || n_out < 1 || n_out > n_in) {
        return FAIL(MSG_DCT_ARGS, n_in, n_out);
    }
    setup(d, MML_PY_DSP_DCT, 'f', 'f', n_in, n_out, (size_t)n_in * (size_t)n_out * 4);
    d->c.dct.n_in = n_in;
    d->c.dct.n_out = n_out;
    d->c.dct.norm = norm;
    return true;
}

bool mml_py_dsp_mfcc(mml_py_dsp_t *d, const mml_py_dsp_t *fft, const mml_py_dsp_t *mel,
    const mml_py_dsp_t *dct, int32_t frame_len, int32_t window, bool power, float log_offset,
    mml_py_err_t *e) {
    if (fft->kind != MML_PY_DSP_RFFT_F32 || mel->kind != MML_PY_DSP_MEL ||
        dct->kind != MML_PY_DSP_DCT) {
        return FAIL(MSG_MFCC_KINDS);
    }
    const int32_t n = fft->c.rfft.n;
    if (mel->c.mel.n_fft != n) {
        return FAIL(MSG_MFCC_NFFT, n, mel->c.mel.n_fft);
    }
    if (dct->c.dct.n_in != mel->c.mel.n_mels) {
        return FAIL(MSG_MFCC_DCT, dct->c.dct.n_in, mel->c.mel.n_mels);
    }
    frame_len = frame_len == 0 ? n : frame_len;
    if (frame_len < 1 || frame_len > n) {
        return FAIL(MSG_MFCC_FRAME, n, frame_len);
    }
    if (!(log_offset > 0.0f)) {
        return FAIL(MSG_MFCC_OFFSET);
    }
    setup(d, MML_PY_DSP_MFCC, 'f', 'f', frame_len, dct->c.dct.n_out,
        (size_t)(frame_len + 2 * n + 2) * 4);
    d->c.mfcc.window = window;
    d->c.mfcc.frame_len = frame_len;
    d->u.mfcc.fft = &fft->u.f32;
    d->u.mfcc.window = NULL; // set by init
    d->u.mfcc.frame_len = frame_len;
    d->u.mfcc.power = power ? 1 : 0;
    d->u.mfcc.mel = &mel->u.mel;
    d->u.mfcc.log_offset = log_offset;
    d->u.mfcc.dct = &dct->u.dct;
    return true;
}

// Item k of a checked sos value as a float.
static bool sos_item(const mml_py_value_t *v, size_t k, float *f) {
    if (v->kind == MML_PY_VAL_SEQ) {
        return v->get(v->ctx, k, f);
    }
    if (v->typecode == 'd') {
        double x;
        memcpy(&x, v->data + 8 * k, 8);
        *f = (float)x;
    } else {
        memcpy(f, v->data + 4 * k, 4);
    }
    return true;
}

static size_t sos_count(const mml_py_value_t *v) {
    return v->kind == MML_PY_VAL_SEQ ? v->len : v->len / (v->typecode == 'd' ? 8 : 4);
}

bool mml_py_dsp_sos(mml_py_dsp_t *d, const mml_py_value_t *sos, mml_py_err_t *e) {
    if (sos->kind != MML_PY_VAL_SEQ &&
        !(sos->kind == MML_PY_VAL_TYPED && (sos->typecode == 'f' || sos->typecode == 'd'))) {
        return FAIL(MSG_SOS_KIND);
    }
    size_t count = sos_count(sos);
    if (count == 0 || count % 6 != 0 || count > 6 * 64) {
        return FAIL(MSG_SOS_COUNT, (uint32_t)count);
    }
    const int32_t ns = (int32_t)(count / 6);
    setup(d, MML_PY_DSP_SOS, 'f', 'f', 0, 0, (size_t)ns * (5 + 2 + 6) * 4);
    d->c.sos.n_sections = ns;
    return true;
}

bool mml_py_dsp_mlperf(mml_py_dsp_t *d, float scale, int32_t zero_point, mml_py_err_t *e) {
    if (!(scale >= 0.0f) || scale > 1e30f) {
        return FAIL(MSG_MLPERF_SCALE);
    }
    const int32_t n = MML_KWS_MFCC_FRAMES * MML_KWS_MFCC_COEFFS;
    setup(d, MML_PY_DSP_MLPERF, 'h', scale > 0.0f ? 'b' : 'f', MML_KWS_MFCC_SAMPLES, n,
        ALIGN8(mml_kws_mfcc_mem_size()) + (scale > 0.0f ? (size_t)n * 4 : 0));
    d->c.mlperf.scale = scale;
    d->c.mlperf.zero_point = zero_point;
    return true;
}

bool mml_py_dsp_micro(mml_py_dsp_t *d, int32_t step_ms, mml_py_err_t *e) {
    mml_microfrontend_config_t cfg;
    mml_microfrontend_config_esphome(&cfg, step_ms);
    size_t mem = step_ms >= 1 && step_ms <= 30 ? mml_microfrontend_mem_size(&cfg) : 0;
    if (mem == 0) {
        return FAIL(MSG_MICRO_STEP, step_ms);
    }
    setup(d, MML_PY_DSP_MICRO, 'h', 'b', 0, cfg.num_channels, ALIGN8(mem));
    d->c.micro = cfg;
    return true;
}

bool mml_py_dsp_window(mml_py_dsp_t *d, int32_t n, int32_t kind, bool periodic, mml_py_err_t *e) {
    if (n < 1 || n > 65536) {
        return FAIL(MSG_WINDOW_N, n);
    }
    setup(d, MML_PY_DSP_WINDOW, 0, 'f', 0, n, 0);
    d->c.window.n = n;
    d->c.window.kind = kind;
    d->c.window.periodic = periodic ? 1 : 0;
    return true;
}

void mml_py_dsp_spectrum(mml_py_dsp_t *d, bool power) {
    setup(d, power ? MML_PY_DSP_POWER : MML_PY_DSP_MAGNITUDE, 'f', 'f', 0, 0, 0);
}

void mml_py_dsp_log(mml_py_dsp_t *d, float offset) {
    setup(d, MML_PY_DSP_LOG, 'f', 'f', 0, 0, 0);
    d->c.log_offset = offset;
}

// ---------------------------------------------------------------------------------------------
// Init

static bool status(mml_py_err_t *e, mml_status_t st) {
    return mml_py_status(e, st, NULL);
}

bool mml_py_dsp_init(mml_py_dsp_t *d, void *mem, const mml_py_value_t *sos, mml_py_err_t *e) {
    d->mem = mem;
    uint8_t *m = mem;
    switch ((mml_py_dsp_kind_t)d->kind) {
        case MML_PY_DSP_RFFT_F32:
            return status(e, mml_rfft_f32_init(&d->u.f32, d->c.rfft.n, (float *)mem));
        case MML_PY_DSP_RFFT_S16:
            return status(e, mml_rfft_s16_init(&d->u.s16, d->c.rfft.n, (int16_t *)mem));
        case MML_PY_DSP_MEL: {
            const size_t bands = ALIGN8((size_t)d->c.mel.n_mels * 4);
            return status(e, mml_mel_f32_init(&d->u.mel, &d->c.mel, (int16_t *)m,
                                 (float *)(m + bands), (int32_t)((d->mem_len - bands) / 4), NULL));
        }
        case MML_PY_DSP_DCT:
            return status(e, mml_dct_f32_init(&d->u.dct, d->c.dct.n_in, d->c.dct.n_out,
                                 (mml_dct_norm_t)d->c.dct.norm, (float *)mem));
        case MML_PY_DSP_MFCC:
            d->u.mfcc.window = (const float *)mem;
            return status(e, mml_window_f32((mml_window_kind_t)d->c.mfcc.window, 1,
                                 d->c.mfcc.frame_len, (float *)mem));
        case MML_PY_DSP_SOS: {
            const int32_t ns = d->c.sos.n_sections;
            float *coeffs = (float *)mem, *state = coeffs + 5 * ns, *six = state + 2 * ns;
            for (int32_t k = 0; k < 6 * ns; k++) {
                if (!sos_item(sos, (size_t)k, &six[k])) {
                    return FAIL(MSG_SOS_KIND);
                }
            }
            for (int32_t s = 0; s < ns; s++) {
                const float a0 = six[6 * s + 3];
                for (int32_t k = 0; k < 6; k++) {
                    const float v = six[6 * s + k];
                    if (!(v - v == 0.0f) || a0 == 0.0f) {
                        return FAIL(MSG_SOS_A0, (uint32_t)s);
                    }
                }
            }
            return status(e, mml_iir_f32_init(&d->u.iir, ns, six, coeffs, state));
        }
        case MML_PY_DSP_MLPERF:
            return status(e, mml_kws_mfcc_init(&d->u.kws, mem, mml_kws_mfcc_mem_size()));
        case MML_PY_DSP_MICRO: {
            mml_error_t err;
            return mml_py_status(e,
                mml_microfrontend_init(&d->u.micro, &d->c.micro, mem, d->mem_len, &err), &err);
        }
        default: // the functions have no state
            return true;
    }
}

// ---------------------------------------------------------------------------------------------
// Calls

static const char *tc_name(char tc) {
    return tc == 'f' ? "float32" : tc == 'h' ? "int16" : "int8";
}

// Values of v for the typecode tc: TYPED of that typecode, or raw bytes for int16 and int8.
static bool typed_count(const mml_py_value_t *v, char tc, size_t *count, bool is_out,
    mml_py_err_t *e) {
    const size_t size = tc == 'f' ? 4 : tc == 'h' ? 2 : 1;
    bool raw_ok = v->kind == MML_PY_VAL_RAW && tc != 'f';
    if (!raw_ok && v->kind != MML_PY_VAL_TYPED) {
        return is_out ? FAIL(MSG_OUT_TYPECODE, tc, tc_name(tc), '?')
                      : FAIL(MSG_IN_KIND, tc, tc_name(tc));
    }
    if (!raw_ok && v->typecode != tc) {
        return FAIL(is_out ? MSG_OUT_TYPECODE : MSG_IN_TYPECODE, tc, tc_name(tc),
            v->typecode != '\0' ? v->typecode : '?');
    }
    if (raw_ok && v->len % size != 0) {
        return is_out ? FAIL(MSG_OUT_UNALIGNED, (uint32_t)size)
                      : FAIL(MSG_IN_ODD, (uint32_t)v->len);
    }
    if (((uintptr_t)v->data & (size - 1)) != 0) {
        return FAIL(is_out ? MSG_OUT_UNALIGNED : MSG_IN_UNALIGNED, (uint32_t)size);
    }
    *count = v->len / size;
    return true;
}

bool mml_py_dsp_in_check(const mml_py_dsp_t *d, const mml_py_value_t *x, size_t *n_out,
    mml_py_err_t *e) {
    if (d->kind == MML_PY_DSP_WINDOW) {
        *n_out = (size_t)d->n_out;
        return true;
    }
    size_t n;
    if (!typed_count(x, d->in_tc, &n, false, e)) {
        return false;
    }
    switch ((mml_py_dsp_kind_t)d->kind) {
        case MML_PY_DSP_MLPERF:
            if (n > MML_KWS_MFCC_SAMPLES) {
                return FAIL(MSG_IN_MAX, (uint32_t)MML_KWS_MFCC_SAMPLES, (uint32_t)n);
            }
            *n_out = (size_t)d->n_out;
            return true;
        case MML_PY_DSP_MICRO: {
            const mml_microfrontend_t *fe = &d->u.micro;
            const size_t have = (size_t)fe->input_used + n;
            const size_t frames =
                have < (size_t)fe->size ? 0 : 1 + (have - (size_t)fe->size) / (size_t)fe->step;
            *n_out = frames * (size_t)fe->num_channels;
            return true;
        }
        case MML_PY_DSP_SOS:
            *n_out = n;
            return true;
        case MML_PY_DSP_LOG: {
            const float *v = (const float *)x->data;
            for (size_t i = 0; i < n; i++) {
                if (!(v[i] + d->c.log_offset > 0.0f)) {
                    return FAIL(MSG_LOG_DOMAIN, (uint32_t)i);
                }
            }
            *n_out = n;
            return true;
        }
        case MML_PY_DSP_POWER:
        case MML_PY_DSP_MAGNITUDE:
            if (n % 2 != 0) {
                return FAIL(MSG_IN_EVEN, (uint32_t)n);
            }
            *n_out = n / 2;
            return true;
        default:
            if (n != (size_t)d->n_in) {
                return FAIL(MSG_IN_COUNT, (uint32_t)d->n_in, (uint32_t)n);
            }
            *n_out = (size_t)d->n_out;
            return true;
    }
}

bool mml_py_dsp_out_check(const mml_py_dsp_t *d, const mml_py_value_t *x,
    const mml_py_value_t *out, bool writable, size_t n_out, mml_py_err_t *e) {
    size_t n;
    if (!writable) {
        return FAIL(MSG_OUT_WRITABLE);
    }
    if (!typed_count(out, d->out_tc, &n, true, e)) {
        return false;
    }
    if (d->kind == MML_PY_DSP_MICRO ? n < n_out : n != n_out) {
        return FAIL(d->kind == MML_PY_DSP_MICRO ? MSG_OUT_ROOM : MSG_OUT_COUNT,
            (uint32_t)n_out, (uint32_t)n);
    }
    // The elementwise ones may work in place; the others read x after writing out.
    bool in_place_ok = d->kind == MML_PY_DSP_SOS || d->kind == MML_PY_DSP_LOG ||
        d->kind == MML_PY_DSP_POWER || d->kind == MML_PY_DSP_MAGNITUDE;
    if (x != NULL && !in_place_ok && out->data < x->data + x->len &&
        x->data < out->data + out->len) {
        return FAIL(MSG_OUT_OVERLAP);
    }
    return true;
}

size_t mml_py_dsp_run(mml_py_dsp_t *d, const mml_py_value_t *x, void *dst) {
    const float *xf = x != NULL ? (const float *)x->data : NULL;
    const int16_t *xs = x != NULL ? (const int16_t *)x->data : NULL;
    float *out = dst;
    switch ((mml_py_dsp_kind_t)d->kind) {
        case MML_PY_DSP_RFFT_F32: {
            float *scratch = (float *)d->mem + MML_RFFT_F32_TABLE_LEN(d->c.rfft.n);
            memcpy(scratch, xf, (size_t)d->c.rfft.n * 4);
            mml_rfft_f32(&d->u.f32, scratch, out);
            break;
        }
        case MML_PY_DSP_RFFT_S16:
            mml_rfft_s16(&d->u.s16, xs,
                (int16_t *)d->mem + MML_RFFT_S16_TABLE_LEN(d->c.rfft.n), (int16_t *)dst);
            break;
        case MML_PY_DSP_MEL:
            mml_mel_f32_apply(&d->u.mel, xf, out);
            break;
        case MML_PY_DSP_DCT:
            mml_dct_f32(&d->u.dct, xf, out);
            break;
        case MML_PY_DSP_MFCC:
            mml_mfcc_f32(&d->u.mfcc, xf, (float *)d->mem + d->c.mfcc.frame_len, out);
            break;
        case MML_PY_DSP_SOS:
            mml_iir_f32(&d->u.iir, xf, out, (int32_t)(x->len / 4));
            break;
        case MML_PY_DSP_MLPERF: {
            const int32_t n = (int32_t)(x->len / 2);
            if (d->out_tc == 'f') {
                mml_kws_mfcc_f32(&d->u.kws, xs, n, out);
            } else {
                float *f = (float *)((uint8_t *)d->mem + ALIGN8(mml_kws_mfcc_mem_size()));
                mml_kws_mfcc_f32(&d->u.kws, xs, n, f);
                mml_kws_mfcc_quantize(f, d->n_out, d->c.mlperf.scale, d->c.mlperf.zero_point,
                    (int8_t *)dst);
            }
            break;
        }
        case MML_PY_DSP_MICRO: {
            mml_microfrontend_t *fe = &d->u.micro;
            size_t left = x->len / 2, frames = 0;
            while (left > 0) {
                size_t used = 0;
                if (mml_microfrontend_process(fe, xs, left, &used)) {
                    mml_microfrontend_to_s8(fe->output, fe->num_channels,
                        (int8_t *)dst + frames * (size_t)fe->num_channels);
                    frames++;
                }
                xs += used;
                left -= used;
            }
            return frames;
        }
        case MML_PY_DSP_WINDOW:
            mml_window_f32((mml_window_kind_t)d->c.window.kind, d->c.window.periodic,
                d->c.window.n, out);
            break;
        case MML_PY_DSP_POWER:
            mml_spectrum_power_f32(xf, (int32_t)(x->len / 8), out);
            break;
        case MML_PY_DSP_MAGNITUDE:
            mml_spectrum_magnitude_f32(xf, (int32_t)(x->len / 8), out);
            break;
        case MML_PY_DSP_LOG:
            mml_log_f32(xf, (int32_t)(x->len / 4), d->c.log_offset, out);
            break;
    }
    return 1;
}

void mml_py_dsp_reset(mml_py_dsp_t *d) {
    if (d->kind == MML_PY_DSP_SOS) {
        mml_iir_f32_reset(&d->u.iir);
    } else if (d->kind == MML_PY_DSP_MICRO) {
        mml_microfrontend_reset(&d->u.micro);
    }
}

void mml_py_dsp_repr(const mml_py_dsp_t *d, char *out, size_t out_len) {
    static const char *const names[] = {
        [MML_PY_DSP_RFFT_F32] = "RFFT",
        [MML_PY_DSP_RFFT_S16] = "RFFT",
        [MML_PY_DSP_MEL] = "MelFilterbank",
        [MML_PY_DSP_DCT] = "DCT",
        [MML_PY_DSP_MFCC] = "MFCC",
        [MML_PY_DSP_SOS] = "SOSFilter",
        [MML_PY_DSP_MLPERF] = "MLPerfKWS",
        [MML_PY_DSP_MICRO] = "MicroFrontend",
        [MML_PY_DSP_WINDOW] = "window",
        [MML_PY_DSP_POWER] = "power_spectrum",
        [MML_PY_DSP_MAGNITUDE] = "magnitude_spectrum",
        [MML_PY_DSP_LOG] = "log",
    };
    mml_py_err_t b;
    size_t pos = 0;
    mml_py_putf(&b, &pos, "<microml.dsp.%s", names[d->kind]);
    if (d->kind == MML_PY_DSP_SOS) {
        mml_py_putf(&b, &pos, " %d sections", d->c.sos.n_sections);
    } else if (d->n_in > 0) {
        mml_py_putf(&b, &pos, " %d %s", d->n_in, tc_name(d->in_tc));
    }
    mml_py_putf(&b, &pos, d->kind == MML_PY_DSP_MICRO ? " -> rows of " : " -> ");
    if (d->n_out > 0) {
        mml_py_putf(&b, &pos, "%d ", d->n_out);
    }
    mml_py_putf(&b, &pos, "%s>", tc_name(d->out_tc));
    size_t n = pos < out_len ? pos : out_len - 1;
    memcpy(out, b.msg, n);
    out[n] = '\0';
}

#endif // MML_ENABLE_DSP
