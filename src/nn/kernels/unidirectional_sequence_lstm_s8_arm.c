// SPDX-License-Identifier: MIT
// UNIDIRECTIONAL_SEQUENCE_LSTM int8, Cortex-M DSP variant (lstm_s8.h); equal to
// mml__unidirectional_sequence_lstm_s8_ref. Per step: the input and hidden vectors plus their
// offsets expanded once to int16; for each gate its input and recurrent FCs four rows at a time
// by SMLAD (mml__dot_4xn_s8_q15r: the column loaded once for four rows), the two int32 sums
// rescaled to Q3.12 (prepared multipliers, one loop per kind of shift), saturated with SSAT and
// through the int16 LUT sigmoid/tanh; then the cell and hidden updates. A weights zero point
// w_zp (0 in TFLite's int8 models) adds -w_zp * sum(x + x_offset) to a row's sum, the same
// int32 modulo 2^32 as the reference's sum of (w - w_zp) * (x + x_offset). On the Cortex-M4F:
// 3.3 instructions per MAC on mnist_lstm_int8's shape, 1.7 on micro_speech_lstm's
// (benchmarks/kernels.md), against 10.8 and 7.5 for `_ref`.
#include "nn/kernels/lstm_s8.h"
#include "nn/kernels/prim_arm.h"
#include "nn/kernels/prim_s8.h"
#include "nn/ops.h"

#if MML_ARCH_ARM_DSP && MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)

// int16 values of a vector of n, rounded up so that the next vector stays 4-aligned.
static inline uint32_t padded(uint32_t n) {
    return (n + 1u) & ~1u;
}

// Scratch: the four gates of a step (4 * nb * state int16), the expanded inputs
// (nb * padded(in_dim) int16) and hidden states (nb * padded(state) int16), then one gate's two
// FC sums (2 * state int32).
uint32_t mml__unidirectional_sequence_lstm_s8_arm_scratch(const mml__lstm_s8_t *p) {
    const uint32_t nb = p->time_major ? p->batches : 1u;
    return 2u * nb * (4u * padded(p->state) + padded(p->in_dim) + padded(p->state)) + 8u * p->state;
}

// The gate FCs' multipliers, prepared once per call (prim_s8.h), and the cell update's
// (lstm_s8.h's mml__lstm_cell_prep_t).
typedef struct {
    mml__qm_prep_t w_q[4], r_q[4];
    mml__lstm_cell_prep_t cell;
} prep_t;

// sums[o] += w_o . col for rows o < rows of depth bytes (sums holds the bias or 0 before).
static void fc_sums(const int8_t *w, int32_t depth, uint32_t rows, const int16_t *col,
    uint32_t *sums) {
    const uint32_t r4 = rows & ~3u;
    const int32_t k4 = depth & ~3;
    mml__dot_4xn_s8_q15r(w, depth, col, depth, r4 / 4u, sums);
    if (k4 != depth) { // the last depth & 3 values of those rows
        for (uint32_t o = 0; o < r4; o++) {
            const int8_t *wr = w + (size_t)o * (uint32_t)depth;
            for (int32_t j = k4; j < depth; j++) {
                sums[o] += (uint32_t)(wr[j] * col[j]);
            }
        }
    }
    for (uint32_t o = r4; o < rows; o++) {
        sums[o] = mml__dot_1x1_s8_q15r(w + (size_t)o * (uint32_t)depth, col, depth, sums[o]);
    }
}

// mml__requant_i32p for a multiplier with shift < 0 (q->left < 0), its fields in registers.
static inline int32_t rescale_right(uint32_t acc, int32_t mult, int64_t k, int32_t right) {
    const int64_t ks = k - (int64_t)((acc >> 31) << 31);
    return (int32_t)(((int64_t)(int32_t)acc * mult + ks) >> 32) >> right;
}

// v[o] = ssat16(rescale(v[o])) for o < n, in place: one loop per kind of shift, so that each
// keeps its few constants in registers.
static void rescale_rows(uint32_t *v, uint32_t n, const mml__qm_prep_t *q) {
    const int32_t mult = q->mult;
    if (q->left >= 0) {
        const int32_t left = q->left;
        for (uint32_t o = 0; o < n; o++) {
            const int32_t a = (int32_t)(v[o] << left);
            v[o] = (uint32_t)mml__ssat16((int32_t)(((int64_t)a * mult + (1 << 30)) >> 31));
        }
    } else {
        const int64_t k = q->k;
        const int32_t right = q->right;
        for (uint32_t o = 0; o < n; o++) {
            const int64_t ks = k - (int64_t)((v[o] >> 31) << 31);
            const int32_t hi = (int32_t)(((int64_t)(int32_t)v[o] * mult + ks) >> 32);
            v[o] = (uint32_t)mml__ssat16(hi >> right);
        }
    }
}

// out[o] = act(ssat16(sw[o] + ssat16(rescale(sr[o])))) for o < rows, sw rescaled by
// rescale_rows: the reference's gate_s8 after its two FCs; act = tanh for the cell gate, else
// sigmoid. The recurrent sums' rescaling (a negative shift in TFLite's models) is done here.
static void gate_act(const uint32_t *sw, uint32_t *sr, uint32_t rows, const mml__qm_prep_t *rq,
    int is_tanh, const uint16_t *lut, int16_t *out) {
    if (rq->left >= 0) {
        rescale_rows(sr, rows, rq);
        for (uint32_t o = 0; o < rows; o++) {
            const int32_t v = mml__ssat16((int32_t)sw[o] + (int32_t)sr[o]);
            out[o] = is_tanh ? mml__tanh_lut_s16(3 * v, lut) : mml__logistic_q312_s16(v, lut);
        }
        return;
    }
    const int32_t mult = rq->mult, right = rq->right;
    const int64_t k = rq->k;
    if (is_tanh) {
        for (uint32_t o = 0; o < rows; o++) {
            const int32_t r = mml__ssat16(rescale_right(sr[o], mult, k, right));
            out[o] = mml__tanh_lut_s16(3 * mml__ssat16((int32_t)sw[o] + r), lut);
        }
    } else {
        for (uint32_t o = 0; o < rows; o++) {
            const int32_t r = mml__ssat16(rescale_right(sr[o], mult, k, right));
            out[o] = mml__logistic_q312_s16(mml__ssat16((int32_t)sw[o] + r), lut);
        }
    }
}

// mml__requant_i32p for a shift <= -2: k's low word is then 2^30, its high word round =
// 2^(-shift - 2), so three constants (mult, round, right = -shift - 1) in registers.
static inline int32_t rescale_right2(uint32_t acc, int32_t mult, int32_t round, int32_t right) {
    const int64_t ks = ((int64_t)round << 32) + (1 << 30) - (int64_t)((acc >> 31) << 31);
    return (int32_t)(((int64_t)(int32_t)acc * mult + ks) >> 32) >> right;
}

// c = clamp(ssat16(f * c) + ssat16(i * g)), then h = out = ssat8(tanh(c) * o + zp), for k < n.
// Not inlined into the step, whose live pointers would push its constants onto the stack.
__attribute__((noinline)) static void update(const prep_t *q, int32_t zp, const int16_t *gf,
    const int16_t *gi, const int16_t *gc, const int16_t *go, uint32_t n, int16_t *c, int8_t *h,
    int8_t *out) {
    const mml__qm_prep_t *fq = &q->cell.forget_q, *iq = &q->cell.input_q, *oq = &q->cell.output_q;
    const int32_t lo = q->cell.lo, hi = q->cell.hi, tm = q->cell.tanh_m, tr = q->cell.tanh_round,
                  ts = q->cell.tanh_shift;
    const uint16_t *lut = q->cell.lut;
    if (fq->right >= 1 && iq->right >= 1 && oq->right >= 1 &&
        (fq->left & iq->left & oq->left) < 0 && lo == -32768 && hi == 32767) {
        // The usual (shifts of -14 and below, no clip): two loops, each with its constants in
        // registers.
        const int32_t fm = fq->mult, fr = fq->right, fround = 1 << (fr - 1);
        const int32_t im = iq->mult, ir = iq->right, iround = 1 << (ir - 1);
        for (uint32_t k = 0; k < n; k++) {
            const int32_t fc =
                mml__ssat16(rescale_right2((uint32_t)(gf[k] * c[k]), fm, fround, fr));
            const int32_t ig =
                mml__ssat16(rescale_right2((uint32_t)(gi[k] * gc[k]), im, iround, ir));
            c[k] = (int16_t)mml__ssat16(fc + ig);
        }
        const int32_t om = oq->mult, orr = oq->right, oround = 1 << (orr - 1);
        for (uint32_t k = 0; k < n; k++) {
            const int32_t t = mml__tanh_lut_s16((c[k] * tm + tr) >> ts, lut);
            const int32_t y = rescale_right2((uint32_t)(t * go[k]), om, oround, orr) + zp;
            h[k] = out[k] = (int8_t)mml__ssat8(y);
        }
        return;
    }
    for (uint32_t k = 0; k < n; k++) {
        const int32_t fc = mml__ssat16(mml__requant_i32p((uint32_t)(gf[k] * c[k]), fq));
        const int32_t ig = mml__ssat16(mml__requant_i32p((uint32_t)(gi[k] * gc[k]), iq));
        int32_t v = fc + ig;
        v = v > hi ? hi : v < lo ? lo : v;
        c[k] = (int16_t)v;
        const int32_t t = mml__tanh_lut_s16((v * tm + tr) >> ts, lut);
        // As the reference: the zero point added in int32, then clamped to int8.
        const int32_t y = mml__requant_i32p((uint32_t)(t * go[k]), oq) + zp;
        h[k] = out[k] = (int8_t)mml__ssat8(y);
    }
}

static uint32_t sum_q15(const int16_t *v, uint32_t n) {
    uint32_t sum = 0;
    for (uint32_t k = 0; k < n; k++) {
        sum += (uint32_t)(int32_t)v[k];
    }
    return sum;
}

// One step for nb batches: x [nb, in_dim], h and out [nb, state], c [nb, state]; gates: scratch
// for [4][nb * state] int16, xs and hs for the expanded x and h, sums for 2 * state int32.
static void step_arm(const mml__lstm_s8_t *p, const prep_t *q, const mml__lstm_s8_weights_t *wt,
    const int8_t *x, int8_t *h, int16_t *c, uint32_t nb, int8_t *out, int16_t *gates, int16_t *xs,
    int16_t *hs, uint32_t *sums) {
    const uint32_t n = p->in_dim, s = p->state, xn = padded(n), hn = padded(s);
    const uint32_t ns = nb * s;
    for (uint32_t b = 0; b < nb; b++) {
        mml__expand_q15r(x + b * n, xs + b * xn, (int32_t)n, p->input_offset);
        mml__expand_q15r(h + b * s, hs + b * hn, (int32_t)s, p->hidden_offset);
    }
    for (uint32_t b = 0; b < nb; b++) {
        const int16_t *xc = xs + b * xn, *hc = hs + b * hn;
        const uint32_t xsum = q->cell.weight_offsets ? sum_q15(xc, n) : 0u;
        const uint32_t hsum = q->cell.weight_offsets ? sum_q15(hc, s) : 0u;
        for (uint32_t g = 0; g < 4; g++) {
            const int32_t *bias = wt->bias[g];
            const uint32_t wo = (uint32_t)p->w_offset[g] * xsum,
                           ro = (uint32_t)p->r_offset[g] * hsum;
            for (uint32_t o = 0; o < s; o++) {
                sums[o] = (uint32_t)bias[o] + wo;
                sums[s + o] = ro;
            }
            fc_sums(wt->w[g], (int32_t)n, s, xc, sums);
            fc_sums(wt->r[g], (int32_t)s, s, hc, sums + s);
            rescale_rows(sums, s, &q->w_q[g]);
            gate_act(sums, sums + s, s, &q->r_q[g], g == MML_LSTM_CELL, q->cell.lut,
                gates + g * ns + b * s);
        }
    }
    update(q, p->hidden_zp, gates + MML_LSTM_FORGET * ns, gates + MML_LSTM_INPUT * ns,
        gates + MML_LSTM_CELL * ns, gates + MML_LSTM_OUTPUT * ns, ns, c, h, out);
}

void mml__unidirectional_sequence_lstm_s8_arm(const mml__lstm_s8_t *p,
    const mml__lstm_s8_weights_t *wt, const int8_t *in, int8_t *h, int16_t *c, int8_t *out,
    void *scratch) {
    prep_t q;
    for (uint32_t g = 0; g < 4; g++) {
        q.w_q[g] = mml__qm_prep(p->w_q[g].mult, p->w_q[g].shift);
        q.r_q[g] = mml__qm_prep(p->r_q[g].mult, p->r_q[g].shift);
    }
    mml__lstm_cell_prep(p, &q.cell);
    const uint32_t n = p->in_dim, s = p->state;
    const uint32_t nb = p->time_major ? p->batches : 1u;
    int16_t *gates = (int16_t *)scratch;
    int16_t *xs = gates + 4u * nb * padded(s), *hs = xs + nb * padded(n);
    uint32_t *sums = (uint32_t *)(void *)(hs + nb * padded(s));
    if (p->time_major) {
        for (uint32_t t = 0; t < p->steps; t++) {
            step_arm(p, &q, wt, in + t * nb * n, h, c, nb, out + t * nb * s, gates, xs, hs, sums);
        }
    } else {
        for (uint32_t b = 0; b < p->batches; b++) {
            for (uint32_t t = 0; t < p->steps; t++) {
                const uint32_t bt = b * p->steps + t;
                step_arm(p, &q, wt, in + bt * n, h + b * s, c + b * s, 1, out + bt * s, gates, xs,
                    hs, sums);
            }
        }
    }
}
#endif // MML_ARCH_ARM_DSP && MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)
