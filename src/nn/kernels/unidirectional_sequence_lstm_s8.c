// SPDX-License-Identifier: MIT
// The normative int8 UNIDIRECTIONAL_SEQUENCE_LSTM kernel (mml__unidirectional_sequence_lstm_s8_ref,
// lstm_s8.h): TFLite Micro's integer LSTM (lstm_eval), straight loops, one gate after another.
//
// Per step, for gates g: gate_g = act_g(sat16(FC(x, W_g, b_g)) + sat16(FC(h, R_g))), each FC
// an int32 sum rescaled into Q3.12 and saturated to int16; act is TFLite's int16 sigmoid (tanh
// for the cell gate), giving Q0.15. Then c = sat16(sat16(f * c) + sat16(i * g)) (clipped if
// asked) and h = clamp8(tanh(c) * o + hidden_zp), each product rescaled by its multiplier.
#include <string.h>
#include "core/quant.h"
#include "nn/kernels/lstm_s8.h"
#include "nn/ops.h"

#if MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)

static int16_t sat16(int32_t x) {
    return (int16_t)(x < -32768 ? -32768 : x > 32767 ? 32767 : x);
}

// One int8 FC output for row o into the gate's Q3.12 domain (TFLite's int8 x int8 -> int16 FC).
static int32_t fc_s8(const int8_t *x, const int8_t *w, uint32_t depth, int32_t x_off, int32_t w_off,
    int32_t bias, mml__lstm_qm_t q) {
    // int32 accumulation as TFLite's, wrapping (not undefined) if a damaged model overflows it.
    uint32_t acc = (uint32_t)bias;
    for (uint32_t k = 0; k < depth; k++) {
        acc += (uint32_t)(((int32_t)w[k] + w_off) * ((int32_t)x[k] + x_off));
    }
    return sat16(mml__mul_by_qm((int32_t)acc, q.mult, q.shift));
}

// gate[b, o] = act(FC(x, W_g, b_g) + FC(h, R_g)) for nb batches.
static void gate_s8(const mml__lstm_s8_t *p, const mml__lstm_s8_weights_t *wt, uint32_t g,
    const int8_t *x, const int8_t *h, uint32_t nb, int16_t *out) {
    const int8_t *w = wt->w[g], *r = wt->r[g];
    const int32_t *bias = wt->bias[g];
    uint32_t n = p->in_dim, s = p->state;
    for (uint32_t b = 0; b < nb; b++) {
        for (uint32_t o = 0; o < s; o++) {
            int32_t a =
                fc_s8(x + b * n, w + o * n, n, p->input_offset, p->w_offset[g], bias[o], p->w_q[g]);
            int32_t c =
                fc_s8(h + b * s, r + o * s, s, p->hidden_offset, p->r_offset[g], 0, p->r_q[g]);
            int16_t v = sat16(a + c);
            // Gates are Q3.12: multiplier 0 / shift 0 is the power-of-two case (x * 3).
            out[b * s + o] =
                g == MML_LSTM_CELL ? mml__tanh_s16(v, 0, 0) : mml__logistic_s16(v, 0, 0);
        }
    }
}

// TFLite's MulElementwise for int16 inputs, before its offset and clamp: a * b rescaled.
static int32_t mul_q(int16_t a, int16_t b, mml__lstm_qm_t q) {
    return mml__mul_by_qm((int32_t)a * (int32_t)b, q.mult, q.shift);
}

static void step_s8(const mml__lstm_s8_t *p, const mml__lstm_s8_weights_t *wt, const int8_t *x,
    int8_t *h, int16_t *c, uint32_t nb, int8_t *out, int16_t *buf) {
    uint32_t n = nb * p->state;
    int16_t *f = buf, *i = buf + n, *g = buf + 2 * n;
    gate_s8(p, wt, MML_LSTM_FORGET, x, h, nb, f);
    gate_s8(p, wt, MML_LSTM_INPUT, x, h, nb, i);
    gate_s8(p, wt, MML_LSTM_CELL, x, h, nb, g);
    for (uint32_t k = 0; k < n; k++) {
        int16_t fc = sat16(mul_q(f[k], c[k], p->forget_q));
        int16_t ig = sat16(mul_q(i[k], g[k], p->input_q));
        int16_t v = sat16((int32_t)fc + ig);
        if (p->clip) {
            int16_t lim = p->cell_clip;
            v = v > lim ? lim : v < -lim ? (int16_t)-lim : v;
        }
        c[k] = v;
    }
    int16_t *o = i; // the input and cell gates are consumed
    gate_s8(p, wt, MML_LSTM_OUTPUT, x, h, nb, o);
    for (uint32_t k = 0; k < n; k++) {
        int16_t t = mml__tanh_s16(c[k], p->tanh_mult, p->tanh_shift);
        int32_t v = mul_q(t, o[k], p->output_q) + p->hidden_zp;
        h[k] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
    memcpy(out, h, n);
}

uint32_t mml__unidirectional_sequence_lstm_s8_ref_scratch(const mml__lstm_s8_t *p) {
    return 3u * (p->time_major ? p->batches : 1u) * p->state * (uint32_t)sizeof(int16_t);
}

void mml__unidirectional_sequence_lstm_s8_ref(const mml__lstm_s8_t *p,
    const mml__lstm_s8_weights_t *wt, const int8_t *in, int8_t *h, int16_t *c, int8_t *out,
    void *scratch) {
    int16_t *buf = (int16_t *)scratch;
    uint32_t n = p->in_dim, s = p->state;
    if (p->time_major) {
        uint32_t nb = p->batches;
        for (uint32_t t = 0; t < p->steps; t++) {
            step_s8(p, wt, in + t * nb * n, h, c, nb, out + t * nb * s, buf);
        }
    } else {
        for (uint32_t b = 0; b < p->batches; b++) {
            for (uint32_t t = 0; t < p->steps; t++) {
                uint32_t bt = b * p->steps + t;
                step_s8(p, wt, in + bt * n, h + b * s, c + b * s, 1, out + bt * s, buf);
            }
        }
    }
}
#endif // MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)
