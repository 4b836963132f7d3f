// SPDX-License-Identifier: MIT
// UNIDIRECTIONAL_SEQUENCE_LSTM int8, x86-64 SIMD variant (lstm_s8.h; AVX2 or SSE4.1,
// prim_x86.h); equal to mml__unidirectional_sequence_lstm_s8_ref. Per step: the input and hidden
// vectors plus their offsets widened once to int16 (widen: whole blocks, then the rest at the end
// of a zero-led block); for each gate its input and recurrent FCs eight rows at a time (PMADDWD,
// the column loaded once for the eight rows), the eight rows' two int32 sums rescaled to Q3.12
// and saturated in vectors, then the int16 LUT sigmoid/tanh (AVX2: by gathers; SSE4.1: scalar);
// then the cell and hidden updates a vector of lanes at a time. A weights zero point w_zp (0 in
// TFLite's int8 models) adds -w_zp * sum(x + x_offset) to a row's sum, the same int32 modulo 2^32
// as the reference's sum of (w - w_zp) * (x + x_offset). callgrind, whole model: mnist_lstm_int8
// 0.19 M instructions with AVX2, 0.36 M with SSE4.1, against 1.45 M with `_ref`.
#include "nn/kernels/lstm_s8.h"
#include "nn/kernels/prim_x86.h"
#include "nn/ops.h"

#if MML_ARCH_X86 && MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)

// n rounded up to a multiple of m (a power of two).
static inline uint32_t round_up(uint32_t n, uint32_t m) {
    return (n + m - 1u) & ~(m - 1u);
}

static inline int32_t sat_s16(int32_t x) {
    return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

// Scratch: the four gates of a step (4 * round_up(nb * state, 2) int16), then the widened
// inputs (nb * round_up(in_dim, K) int16) and hidden states (nb * round_up(state, K) int16).
uint32_t mml__unidirectional_sequence_lstm_s8_x86_scratch(const mml__lstm_s8_t *p) {
    const uint32_t nb = p->time_major ? p->batches : 1u;
    const uint32_t k = MML_X86_K;
    return 2u *
        (4u * round_up(nb * p->state, 2u) + nb * (round_up(p->in_dim, k) + round_up(p->state, k)));
}

// A rescaling x * mult * 2^shift of a vector's int32 lanes (core/quant.h's mml__mul_by_qm),
// prepared once per call: TFLite's MultiplyByQuantizedMultiplier step by step as prim_x86.h's
// mml__x86_requant8 does it, with one shift for all lanes (the count in a register):
//   x = acc << left;  y = (x*mult + 2^30) >> 31 (the 64-bit products of PMULDQ on the even lanes
//   and on the odd ones shifted down, bits 31..62 blended back);
//   RoundingDivideByPOT(y, right) = (y >> right) + ((y & mask) > (mask >> 1) + [y < 0]).
typedef struct {
    mml__x86_v mult, mask, half; // mult; 2^right - 1; mask >> 1
    __m128i left, right;         // max(shift, 0), max(-shift, 0)
} vq_t;

static vq_t vq_prep(mml__lstm_qm_t q) {
    vq_t v;
    const int32_t left = q.shift > 0 ? q.shift : 0, right = q.shift < 0 ? -q.shift : 0;
    const int32_t mask = (int32_t)((1u << right) - 1u);
    v.mult = mml__x86_set1(q.mult);
    v.mask = mml__x86_set1(mask);
    v.half = mml__x86_set1(mask >> 1);
    v.left = _mm_cvtsi32_si128(left);
    v.right = _mm_cvtsi32_si128(right);
    return v;
}

#if MML_ISA_X86_AVX2
static inline mml__x86_v vq_apply(mml__x86_v acc, const vq_t *q) {
    const __m256i x = _mm256_sll_epi32(acc, q->left);
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    const __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, q->mult), nudge);
    const __m256i po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), q->mult), nudge);
    const __m256i y = _mm256_blend_epi32(_mm256_srli_epi64(pe, 31), _mm256_slli_epi64(po, 1), 0xAA);
    const __m256i thr = _mm256_add_epi32(q->half, _mm256_srli_epi32(y, 31));
    const __m256i up = _mm256_cmpgt_epi32(_mm256_and_si256(y, q->mask), thr); // -1: round up
    return _mm256_sub_epi32(_mm256_sra_epi32(y, q->right), up);
}
static inline mml__x86_v sat_v16(mml__x86_v v) {
    return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(-32768)),
        _mm256_set1_epi32(32767));
}
static inline mml__x86_v vmin(mml__x86_v a, mml__x86_v b) {
    return _mm256_min_epi32(a, b);
}
static inline mml__x86_v vmax(mml__x86_v a, mml__x86_v b) {
    return _mm256_max_epi32(a, b);
}
static inline mml__x86_v vsra(mml__x86_v a, __m128i count) {
    return _mm256_sra_epi32(a, count);
}
// L int16 values sign-extended to int32 lanes; L int32 lanes in the int16 (int8) range stored.
static inline mml__x86_v load_s16(const int16_t *p) {
    return _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(const void *)p));
}
static inline void store_lanes_s16(mml__x86_v v, int16_t *p) {
    const __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(v, v), 0x08);
    _mm_storeu_si128((__m128i *)(void *)p, _mm256_castsi256_si128(w));
}
static inline void store_lanes_s8(mml__x86_v v, int8_t *p) {
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)(void *)p, _mm_packs_epi16(w, w));
}
#else
static inline mml__x86_v vq_apply(mml__x86_v acc, const vq_t *q) {
    const __m128i x = _mm_sll_epi32(acc, q->left);
    const __m128i nudge = _mm_set1_epi64x((int64_t)1 << 30);
    const __m128i pe = _mm_add_epi64(_mm_mul_epi32(x, q->mult), nudge);
    const __m128i po = _mm_add_epi64(_mm_mul_epi32(_mm_srli_epi64(x, 32), q->mult), nudge);
    const __m128i y = _mm_blend_epi16(_mm_srli_epi64(pe, 31), _mm_slli_epi64(po, 1), 0xCC);
    const __m128i thr = _mm_add_epi32(q->half, _mm_srli_epi32(y, 31));
    const __m128i up = _mm_cmpgt_epi32(_mm_and_si128(y, q->mask), thr); // -1: round up
    return _mm_sub_epi32(_mm_sra_epi32(y, q->right), up);
}
static inline mml__x86_v sat_v16(mml__x86_v v) {
    return _mm_min_epi32(_mm_max_epi32(v, _mm_set1_epi32(-32768)), _mm_set1_epi32(32767));
}
static inline mml__x86_v vmin(mml__x86_v a, mml__x86_v b) {
    return _mm_min_epi32(a, b);
}
static inline mml__x86_v vmax(mml__x86_v a, mml__x86_v b) {
    return _mm_max_epi32(a, b);
}
static inline mml__x86_v vsra(mml__x86_v a, __m128i count) {
    return _mm_sra_epi32(a, count);
}
static inline mml__x86_v load_s16(const int16_t *p) {
    return _mm_cvtepi16_epi32(_mm_loadl_epi64((const __m128i *)(const void *)p));
}
static inline void store_lanes_s16(mml__x86_v v, int16_t *p) {
    _mm_storel_epi64((__m128i *)(void *)p, _mm_packs_epi32(v, v));
}
static inline void store_lanes_s8(mml__x86_v v, int8_t *p) {
    const __m128i w = _mm_packs_epi32(v, v);
    const int32_t b = _mm_cvtsi128_si32(_mm_packs_epi16(w, w));
    memcpy(p, &b, 4);
}
#endif

// v[j] = sat16(sat16(rescale_w(sw[j])) + sat16(rescale_r(sr[j]))), j < 8: a gate's input before
// its activation.
static inline void gate_in8(const int32_t sw[8], const int32_t sr[8], const vq_t *wq,
    const vq_t *rq, int32_t v[8]) {
    for (uint32_t j = 0; j < 8; j += MML_X86_L) {
        const mml__x86_v a = sat_v16(vq_apply(mml__x86_load_i32(sw + j), wq));
        const mml__x86_v b = sat_v16(vq_apply(mml__x86_load_i32(sr + j), rq));
        mml__x86_store(v + j, sat_v16(mml__x86_add(a, b)));
    }
}

#if MML_ISA_X86_AVX2
// prim_s8.h's mml__tanh_lut_s16 on eight int32 lanes (|v| < 2^31): the table's two neighbours
// t[i], t[i + 1] by one 32-bit gather at t + i (little-endian: t[i] in the low half); i past the
// table's end (255 and up) gives the saturated value as there.
static inline __m256i tanh_v(__m256i v, const uint16_t *t) {
    const __m256i a = _mm256_abs_epi32(v), i = _mm256_srli_epi32(a, 8);
    const __m256i big = _mm256_cmpgt_epi32(i, _mm256_set1_epi32(254));
    const __m256i pair = _mm256_i32gather_epi32((const int *)(const void *)t,
        _mm256_min_epu32(i, _mm256_set1_epi32(254)), 2);
    const __m256i lo = _mm256_and_si256(pair, _mm256_set1_epi32(0xFFFF));
    const __m256i d = _mm256_sub_epi32(_mm256_srli_epi32(pair, 16), lo);
    __m256i r = _mm256_add_epi32(_mm256_slli_epi32(lo, 8),
        _mm256_mullo_epi32(_mm256_and_si256(a, _mm256_set1_epi32(0xFF)), d));
    r = _mm256_blendv_epi8(r, _mm256_set1_epi32(0xFFFF << 8), big);
    const __m256i pos = _mm256_add_epi32(r, _mm256_set1_epi32(-(1 << 23) + (1 << 7)));
    const __m256i neg = _mm256_sub_epi32(_mm256_set1_epi32((1 << 23) + (1 << 7) - 1), r);
    const __m256i y = _mm256_blendv_epi8(pos, neg, _mm256_cmpgt_epi32(_mm256_setzero_si256(), v));
    return _mm256_srai_epi32(y, 8);
}

// prim_s8.h's mml__logistic_q312_s16 on eight Q3.12 lanes (|3x| < 255 * 2^9: i <= 192).
static inline __m256i sigmoid_v(__m256i x, const uint16_t *t) {
    const __m256i v = _mm256_add_epi32(_mm256_add_epi32(x, x), x);
    const __m256i a = _mm256_abs_epi32(v);
    const __m256i pair =
        _mm256_i32gather_epi32((const int *)(const void *)t, _mm256_srli_epi32(a, 9), 2);
    const __m256i lo = _mm256_and_si256(pair, _mm256_set1_epi32(0xFFFF));
    const __m256i d = _mm256_sub_epi32(_mm256_srli_epi32(pair, 16), lo);
    const __m256i r = _mm256_add_epi32(_mm256_slli_epi32(lo, 9),
        _mm256_mullo_epi32(_mm256_and_si256(a, _mm256_set1_epi32(0x1FF)), d));
    const __m256i pos = _mm256_add_epi32(r, _mm256_set1_epi32(1 << 9));
    const __m256i neg = _mm256_sub_epi32(_mm256_set1_epi32((1 << 25) + (1 << 9) - 1), r);
    const __m256i y = _mm256_blendv_epi8(pos, neg, _mm256_cmpgt_epi32(_mm256_setzero_si256(), v));
    return _mm256_srli_epi32(y, 10);
}

// The eight int32 lanes of y (int16 values) into out[0..n-1], n <= 8.
static inline void store_s16(__m256i y, int16_t *out, uint32_t n) {
    const __m256i p = _mm256_permute4x64_epi64(_mm256_packs_epi32(y, y), 0x08);
    if (n == 8) {
        _mm_storeu_si128((__m128i *)(void *)out, _mm256_castsi256_si128(p));
    } else {
        int16_t tmp[8];
        _mm_storeu_si128((__m128i *)(void *)tmp, _mm256_castsi256_si128(p));
        memcpy(out, tmp, 2u * n);
    }
}
#endif

// mml__tanh_lut_s16 of each lane (|v| < 2^31): AVX2 by tanh_v, SSE4.1 one lane at a time.
static inline mml__x86_v tanh_lanes(mml__x86_v v, const uint16_t *t) {
#if MML_ISA_X86_AVX2
    return tanh_v(v, t);
#else
    int32_t x[4];
    mml__x86_store(x, v);
    for (uint32_t k = 0; k < 4; k++) {
        x[k] = mml__tanh_lut_s16(x[k], t);
    }
    return mml__x86_load_i32(x);
#endif
}

// out[k] = act(v[k]) for k < n <= 8 (v: eight readable): tanh of the Q3.12 value (3v into the
// table's scale) or sigmoid.
static inline void act8(const int32_t v[8], int is_tanh, const uint16_t *t, int16_t *out,
    uint32_t n) {
#if MML_ISA_X86_AVX2
    const __m256i x = mml__x86_load_i32(v);
    store_s16(is_tanh ? tanh_v(_mm256_add_epi32(_mm256_add_epi32(x, x), x), t) : sigmoid_v(x, t),
        out, n);
#else
    for (uint32_t k = 0; k < n; k++) {
        out[k] = is_tanh ? mml__tanh_lut_s16(3 * v[k], t) : mml__logistic_q312_s16(v[k], t);
    }
#endif
}

// The gate FCs' multipliers for vectors, prepared once per call, and the cell update's
// (lstm_s8.h's mml__lstm_cell_prep_t, and its three rescalings for vectors).
typedef struct {
    vq_t w_v[4], r_v[4]; // the gate FCs' rescalings
    mml__lstm_cell_prep_t cell;
    vq_t forget_v, input_v, output_v; // cell.forget_q ... for vectors
} prep_t;

// A vector of depth int8 values plus offset widened to int16 in round_up(depth, K) entries:
// the whole K-blocks in place, then the last depth % K values at the end of one more block
// whose first entries are 0. A row's last partial block is then read as the K weights that end
// the row, inside it: those already summed meet the zeros. With depth < K the single block
// holds the depth values at its end (fc8 sums those one by one).
static void widen(const int8_t *src, uint32_t depth, int32_t offset, int16_t *dst) {
    const uint32_t kfull = depth - depth % MML_X86_K;
    mml__x86_expand(src, dst, (int32_t)kfull, offset);
    if (kfull != depth) {
        const uint32_t rest = depth - kfull, zeros = MML_X86_K - rest;
        memset(dst + kfull, 0, 2u * zeros);
        mml__x86_expand(src + kfull, dst + kfull + zeros, (int32_t)rest, offset);
    }
}

// v[j] += the products of xv with the K weights r[j] + kb, j < 8, written out: as a loop GCC -O2
// keeps v in memory.
static inline void madd8(mml__x86_v v[8], mml__x86_v xv, const int8_t *const r[8], size_t kb) {
    v[0] = mml__x86_madd_v(v[0], xv, r[0] + kb);
    v[1] = mml__x86_madd_v(v[1], xv, r[1] + kb);
    v[2] = mml__x86_madd_v(v[2], xv, r[2] + kb);
    v[3] = mml__x86_madd_v(v[3], xv, r[3] + kb);
    v[4] = mml__x86_madd_v(v[4], xv, r[4] + kb);
    v[5] = mml__x86_madd_v(v[5], xv, r[5] + kb);
    v[6] = mml__x86_madd_v(v[6], xv, r[6] + kb);
    v[7] = mml__x86_madd_v(v[7], xv, r[7] + kb);
}

// s[j] = init[j] + r[j] . x for eight rows r[j] of depth int8 weights, x widened by widen().
__attribute__((always_inline)) static inline void fc8(const int8_t *const r[8], uint32_t depth,
    const int16_t *x, const int32_t init[8], int32_t s[8]) {
    if (depth < MML_X86_K) { // a block would reach past the row's start: one by one
        const int16_t *xv = x + MML_X86_K - depth;
        for (uint32_t j = 0; j < 8; j++) {
            uint32_t acc = (uint32_t)init[j];
            for (uint32_t k = 0; k < depth; k++) {
                acc += (uint32_t)(r[j][k] * xv[k]);
            }
            s[j] = (int32_t)acc;
        }
        return;
    }
    const uint32_t kfull = depth - depth % MML_X86_K;
    const mml__x86_v z = mml__x86_zero();
    mml__x86_v v[8] = {z, z, z, z, z, z, z, z};
    for (uint32_t kb = 0; kb < kfull; kb += MML_X86_K) {
        madd8(v, mml__x86_load_i32((const int32_t *)(const void *)(x + kb)), r, kb);
    }
    if (kfull != depth) {
        madd8(v, mml__x86_load_i32((const int32_t *)(const void *)(x + kfull)), r,
            depth - MML_X86_K);
    }
    mml__x86_hsum8(v, init, s);
}

// The sum of n widened values (wrapping), for a weights zero point.
static uint32_t sum_off(const int16_t *x, uint32_t n) {
    uint32_t sum = 0;
    for (uint32_t k = 0; k < n; k++) {
        sum += (uint32_t)(int32_t)x[k];
    }
    return sum;
}

// out[o] = act(sat16(sat16(rescale(W_g[o] . x + bias[o])) + sat16(rescale(R_g[o] . h)))) for
// o < state, eight rows at a time: the reference's gate_s8; act = tanh for the cell gate (Q3.12
// input: 3x into the table's scale), else sigmoid. xsum and hsum: the sums of x and h (with
// their offsets) where a weights zero point needs them, else 0.
static void gate_x86(const mml__lstm_s8_t *p, const prep_t *q, const mml__lstm_s8_weights_t *wt,
    uint32_t g, const int16_t *xb, const int16_t *hb, uint32_t xsum, uint32_t hsum, int16_t *out) {
    const uint32_t n = p->in_dim, st = p->state;
    const int8_t *w = wt->w[g], *rw = wt->r[g];
    const int32_t *bias = wt->bias[g];
    const uint32_t wo = (uint32_t)p->w_offset[g] * xsum, ro = (uint32_t)p->r_offset[g] * hsum;
    const vq_t *wq = &q->w_v[g], *rq = &q->r_v[g];
    const int is_tanh = g == MML_LSTM_CELL;
    for (uint32_t o0 = 0; o0 < st; o0 += 8) {
        const uint32_t nr = st - o0 < 8u ? st - o0 : 8u;
        const int8_t *r_w[8], *r_r[8];
        int32_t i_w[8], i_r[8], s_w[8], s_r[8], v[8];
        for (uint32_t j = 0; j < 8; j++) { // past state: the last row again (its sum unused)
            const uint32_t o = o0 + (j < nr ? j : nr - 1u);
            r_w[j] = w + (size_t)o * n;
            r_r[j] = rw + (size_t)o * st;
            i_w[j] = (int32_t)((uint32_t)bias[o] + wo);
            i_r[j] = (int32_t)ro;
        }
        fc8(r_w, n, xb, i_w, s_w);
        fc8(r_r, st, hb, i_r, s_r);
        gate_in8(s_w, s_r, wq, rq, v);
        act8(v, is_tanh, q->cell.lut, out + o0, nr);
    }
}

// c = clamp(sat_s16(f * c) + sat_s16(i * g)), then h = out = sat8(tanh(c) * o + zp), for k < n.
static void update(const prep_t *q, int32_t zp, const int16_t *gf, const int16_t *gi,
    const int16_t *gc, const int16_t *go, uint32_t n, int16_t *c, int8_t *h, int8_t *out) {
    const int32_t lo = q->cell.lo, hi = q->cell.hi, tm = q->cell.tanh_m, tr = q->cell.tanh_round,
                  ts = q->cell.tanh_shift;
    uint32_t k = 0;
    {
        const mml__x86_v lo_v = mml__x86_set1(lo), hi_v = mml__x86_set1(hi);
        const mml__x86_v tm_v = mml__x86_set1(tm), tr_v = mml__x86_set1(tr);
        const mml__x86_v zp_v = mml__x86_set1(zp);
        const mml__x86_v lo8 = mml__x86_set1(-128), hi8 = mml__x86_set1(127);
        const __m128i ts_v = _mm_cvtsi32_si128(ts);
        for (; k + MML_X86_L <= n; k += MML_X86_L) {
            const mml__x86_v fc =
                sat_v16(vq_apply(mml__x86_mullo(load_s16(gf + k), load_s16(c + k)), &q->forget_v));
            const mml__x86_v ig =
                sat_v16(vq_apply(mml__x86_mullo(load_s16(gi + k), load_s16(gc + k)), &q->input_v));
            // sat16 then the clip: [lo, hi] lies inside the int16 range.
            const mml__x86_v v = vmin(vmax(mml__x86_add(fc, ig), lo_v), hi_v);
            store_lanes_s16(v, c + k);
            const mml__x86_v t =
                tanh_lanes(vsra(mml__x86_add(mml__x86_mullo(v, tm_v), tr_v), ts_v), q->cell.lut);
            const mml__x86_v y =
                mml__x86_add(vq_apply(mml__x86_mullo(t, load_s16(go + k)), &q->output_v), zp_v);
            const mml__x86_v y8 = vmin(vmax(y, lo8), hi8);
            store_lanes_s8(y8, h + k);
            store_lanes_s8(y8, out + k);
        }
    }
    for (; k < n; k++) {
        const int32_t fc = sat_s16(mml__requant_i32p((uint32_t)(gf[k] * c[k]), &q->cell.forget_q));
        const int32_t ig = sat_s16(mml__requant_i32p((uint32_t)(gi[k] * gc[k]), &q->cell.input_q));
        int32_t v = sat_s16(fc + ig);
        v = v > hi ? hi : v < lo ? lo : v;
        c[k] = (int16_t)v;
        const int32_t t = mml__tanh_lut_s16((v * tm + tr) >> ts, q->cell.lut);
        // As the reference: the zero point added in int32, then clamped to int8.
        const int32_t y = mml__requant_i32p((uint32_t)(t * go[k]), &q->cell.output_q) + zp;
        h[k] = out[k] = (int8_t)(y < -128 ? -128 : y > 127 ? 127 : y);
    }
}

// One step for nb batches: x [nb, in_dim], h and out [nb, state], c [nb, state]; gates: scratch
// for [4][round_up(nb * state, 2)] int16, xs and hs for the widened x and h.
static void step_x86(const mml__lstm_s8_t *p, const prep_t *q, const mml__lstm_s8_weights_t *wt,
    const int8_t *x, int8_t *h, int16_t *c, uint32_t nb, int8_t *out, int16_t *gates, int16_t *xs,
    int16_t *hs) {
    const uint32_t n = p->in_dim, s = p->state;
    const uint32_t xn = round_up(n, MML_X86_K), hn = round_up(s, MML_X86_K);
    const uint32_t ns = nb * s, gs = round_up(ns, 2u);
    for (uint32_t b = 0; b < nb; b++) {
        widen(x + b * n, n, p->input_offset, xs + b * xn);
        widen(h + b * s, s, p->hidden_offset, hs + b * hn);
    }
    for (uint32_t b = 0; b < nb; b++) {
        const int16_t *xb = xs + b * xn, *hb = hs + b * hn;
        const uint32_t xsum = q->cell.weight_offsets ? sum_off(xb, xn) : 0u;
        const uint32_t hsum = q->cell.weight_offsets ? sum_off(hb, hn) : 0u;
        for (uint32_t g = 0; g < 4; g++) {
            gate_x86(p, q, wt, g, xb, hb, xsum, hsum, gates + g * gs + b * s);
        }
    }
    update(q, p->hidden_zp, gates + MML_LSTM_FORGET * gs, gates + MML_LSTM_INPUT * gs,
        gates + MML_LSTM_CELL * gs, gates + MML_LSTM_OUTPUT * gs, ns, c, h, out);
}

void mml__unidirectional_sequence_lstm_s8_x86(const mml__lstm_s8_t *p,
    const mml__lstm_s8_weights_t *wt, const int8_t *in, int8_t *h, int16_t *c, int8_t *out,
    void *scratch) {
    prep_t q;
    for (uint32_t g = 0; g < 4; g++) {
        q.w_v[g] = vq_prep(p->w_q[g]);
        q.r_v[g] = vq_prep(p->r_q[g]);
    }
    mml__lstm_cell_prep(p, &q.cell);
    q.forget_v = vq_prep(p->forget_q);
    q.input_v = vq_prep(p->input_q);
    q.output_v = vq_prep(p->output_q);
    const uint32_t n = p->in_dim, s = p->state;
    const uint32_t nb = p->time_major ? p->batches : 1u;
    int16_t *gates = (int16_t *)scratch;
    int16_t *xs = gates + 4u * round_up(nb * s, 2u);
    int16_t *hs = xs + nb * round_up(n, MML_X86_K);
    if (p->time_major) {
        for (uint32_t t = 0; t < p->steps; t++) {
            step_x86(p, &q, wt, in + t * nb * n, h, c, nb, out + t * nb * s, gates, xs, hs);
        }
    } else {
        for (uint32_t b = 0; b < p->batches; b++) {
            for (uint32_t t = 0; t < p->steps; t++) {
                const uint32_t bt = b * p->steps + t;
                step_x86(p, &q, wt, in + bt * n, h + b * s, c + b * s, 1, out + bt * s, gates, xs,
                    hs);
            }
        }
    }
}
#endif // MML_ARCH_X86 && MML_OP_ON(UNIDIRECTIONAL_SEQUENCE_LSTM)
