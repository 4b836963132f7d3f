// SPDX-License-Identifier: MIT
// Micro-kernels of the x86-64 SIMD variants (<immintrin.h>), written once for both widths:
// 256-bit AVX2 or 128-bit SSE4.1 (mml_arch.h). int8 -> int16 expansion, int8 x int16 dot products
// by PMADDWD, the horizontal sums of eight accumulators, and the requantization of eight sums.
#ifndef MICROML_NN_KERNELS_PRIM_X86_H
#define MICROML_NN_KERNELS_PRIM_X86_H

#include <stdint.h>
#include <string.h>
#include "nn/kernels/mml_arch.h"

#if MML_ARCH_X86
#include <immintrin.h>
#include "nn/kernels/nn_s8.h"
#include "nn/kernels/prim_s8.h"

// mml__x86_v: one vector of int32 sums. MML_X86_K int16 values (and int8 weights) per PMADDWD,
// MML_X86_L int32 lanes per vector.
#if MML_ISA_X86_AVX2
typedef __m256i mml__x86_v;
#define MML_X86_K 16
#define MML_X86_L 8
static inline mml__x86_v mml__x86_zero(void) {
    return _mm256_setzero_si256();
}
static inline mml__x86_v mml__x86_add(mml__x86_v a, mml__x86_v b) {
    return _mm256_add_epi32(a, b);
}
// acc + the products of K int16 values x[] with K int8 values w[], summed in pairs (PMADDWD:
// |x| <= 255 and |w| <= 128, so no pair reaches the one overflowing case -2^15 * -2^15 * 2).
static inline mml__x86_v mml__x86_madd(mml__x86_v acc, const int16_t *x, const int8_t *w) {
    const __m256i xv = _mm256_loadu_si256((const __m256i *)(const void *)x);
    const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)w));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(xv, wv));
}
// K int8 values x[] plus offset as int16 (|x + offset| <= 255), for mml__x86_madd_v.
static inline mml__x86_v mml__x86_widen(const int8_t *x, mml__x86_v offset16) {
    return _mm256_add_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)x)),
        offset16);
}
static inline mml__x86_v mml__x86_set1_16(int32_t v) {
    return _mm256_set1_epi16((int16_t)v);
}
// acc + the products of the K int16 values of xv with K int8 values w[], summed in pairs.
static inline mml__x86_v mml__x86_madd_v(mml__x86_v acc, mml__x86_v xv, const int8_t *w) {
    const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)w));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(xv, wv));
}
// L int8 values sign-extended to int32 lanes.
static inline mml__x86_v mml__x86_load_s8_i32(const int8_t *p) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)p));
}
static inline mml__x86_v mml__x86_mullo(mml__x86_v a, mml__x86_v b) {
    return _mm256_mullo_epi32(a, b);
}
static inline mml__x86_v mml__x86_set1(int32_t v) {
    return _mm256_set1_epi32(v);
}
static inline void mml__x86_store(int32_t *p, mml__x86_v v) {
    _mm256_storeu_si256((__m256i *)(void *)p, v);
}
static inline mml__x86_v mml__x86_load_i32(const int32_t *p) {
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}
#else // SSE4.1
typedef __m128i mml__x86_v;
#define MML_X86_K 8
#define MML_X86_L 4
static inline mml__x86_v mml__x86_zero(void) {
    return _mm_setzero_si128();
}
static inline mml__x86_v mml__x86_add(mml__x86_v a, mml__x86_v b) {
    return _mm_add_epi32(a, b);
}
static inline mml__x86_v mml__x86_madd(mml__x86_v acc, const int16_t *x, const int8_t *w) {
    const __m128i xv = _mm_loadu_si128((const __m128i *)(const void *)x);
    const __m128i wv = _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)w));
    return _mm_add_epi32(acc, _mm_madd_epi16(xv, wv));
}
static inline mml__x86_v mml__x86_widen(const int8_t *x, mml__x86_v offset16) {
    return _mm_add_epi16(_mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)x)),
        offset16);
}
static inline mml__x86_v mml__x86_set1_16(int32_t v) {
    return _mm_set1_epi16((int16_t)v);
}
static inline mml__x86_v mml__x86_madd_v(mml__x86_v acc, mml__x86_v xv, const int8_t *w) {
    const __m128i wv = _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)w));
    return _mm_add_epi32(acc, _mm_madd_epi16(xv, wv));
}
static inline mml__x86_v mml__x86_load_s8_i32(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm_cvtepi8_epi32(_mm_cvtsi32_si128(v));
}
static inline mml__x86_v mml__x86_mullo(mml__x86_v a, mml__x86_v b) {
    return _mm_mullo_epi32(a, b);
}
static inline mml__x86_v mml__x86_set1(int32_t v) {
    return _mm_set1_epi32(v);
}
static inline void mml__x86_store(int32_t *p, mml__x86_v v) {
    _mm_storeu_si128((__m128i *)(void *)p, v);
}
static inline mml__x86_v mml__x86_load_i32(const int32_t *p) {
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}
#endif

// dst[i] = src[i] + offset as int16 for i < n (|src + offset| <= 255), 16 at a time.
static inline void mml__x86_expand(const int8_t *src, int16_t *dst, int32_t n, int32_t offset) {
    const __m128i off = _mm_set1_epi16((int16_t)offset);
    int32_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
        _mm_storeu_si128((__m128i *)(void *)(dst + i), _mm_add_epi16(_mm_cvtepi8_epi16(v), off));
        _mm_storeu_si128((__m128i *)(void *)(dst + i + 8),
            _mm_add_epi16(_mm_cvtepi8_epi16(_mm_srli_si128(v, 8)), off));
    }
    for (; i < n; i++) {
        dst[i] = (int16_t)(src[i] + offset);
    }
}

// init[c] plus the sum of accumulator a[c]'s lanes (with wrapping) into s[c], c < 8.
static inline void mml__x86_hsum8(const mml__x86_v a[8], const int32_t *init, int32_t s[8]) {
#if MML_ISA_X86_AVX2
    const __m256i t0 = _mm256_hadd_epi32(a[0], a[1]), t1 = _mm256_hadd_epi32(a[2], a[3]);
    const __m256i t2 = _mm256_hadd_epi32(a[4], a[5]), t3 = _mm256_hadd_epi32(a[6], a[7]);
    const __m256i u0 = _mm256_hadd_epi32(t0, t1), u1 = _mm256_hadd_epi32(t2, t3);
    // u0 = [s0 s1 s2 s3 | s0 s1 s2 s3] (halves of each sum), u1 likewise for s4..s7.
    const __m256i r = _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20),
        _mm256_permute2x128_si256(u0, u1, 0x31));
    _mm256_storeu_si256((__m256i *)(void *)s,
        _mm256_add_epi32(r, _mm256_loadu_si256((const __m256i *)(const void *)init)));
#else
    const __m128i lo = _mm_hadd_epi32(_mm_hadd_epi32(a[0], a[1]), _mm_hadd_epi32(a[2], a[3]));
    const __m128i hi = _mm_hadd_epi32(_mm_hadd_epi32(a[4], a[5]), _mm_hadd_epi32(a[6], a[7]));
    _mm_storeu_si128((__m128i *)(void *)s,
        _mm_add_epi32(lo, _mm_loadu_si128((const __m128i *)(const void *)init)));
    _mm_storeu_si128((__m128i *)(void *)(s + 4),
        _mm_add_epi32(hi, _mm_loadu_si128((const __m128i *)(const void *)(init + 4))));
#endif
}

// Eight output channels' sums acc[0..7] (bias included) requantized to out[0..n-1], n <= 8:
// mml__requant_i32 with mult[c], shift[c] (eight entries each, readable), then
//  - wrap == 1: plus offset with 32-bit wrapping, clamped to [lo, hi] (mml__conv_out_s8);
//  - wrap == 0: plus offset without wrapping, clamped (FULLY_CONNECTED's output stage).
// AVX2 does all eight lanes at once (per-lane shifts VPSLLVD/VPSRAVD): TFLite's
// MultiplyByQuantizedMultiplier step by step, as core/quant.h:
//   x = acc << left;  SRDHM(x, m) = (x*m + 2^30) >> 31  (arithmetic: prim_s8.h shows it equals
//   TFLite's nudged truncating division for every x when m != INT32_MIN);
//   RoundingDivideByPOT(y, right) = (y >> right) + ((y & mask) > (mask >> 1) + [y < 0]).
// The 64-bit products come from VPMULDQ on the even lanes and on the odd lanes shifted down;
// bits 31..62 of each (the result, which fits 32 bits) are moved into place and blended.
// SSE4.1 has no per-lane shifts: there each lane goes through prim_s8.h's scalar form.
static inline void mml__x86_requant8(const int32_t acc[8], const int32_t *mult, const int8_t *shift,
    int32_t offset, int32_t lo, int32_t hi, int wrap, int8_t *out, int32_t n) {
#if MML_ISA_X86_AVX2
    const __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)acc);
    const __m256i m = _mm256_loadu_si256((const __m256i *)(const void *)mult);
    const __m256i sh = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)shift));
    const __m256i zero = _mm256_setzero_si256();
    const __m256i left = _mm256_max_epi32(sh, zero), right = _mm256_sub_epi32(left, sh);
    const __m256i x = _mm256_sllv_epi32(a, left);
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, m), nudge);
    __m256i po = _mm256_add_epi64(
        _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(m, 32)), nudge);
    pe = _mm256_srli_epi64(pe, 31); // low dword: bits 31..62
    po = _mm256_slli_epi64(po, 1);  // high dword: bits 31..62
    const __m256i y = _mm256_blend_epi32(pe, po, 0xAA);
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
    const __m256i thr = _mm256_add_epi32(_mm256_srli_epi32(mask, 1), _mm256_srli_epi32(y, 31));
    const __m256i up = _mm256_cmpgt_epi32(_mm256_and_si256(y, mask), thr); // -1 where rounding up
    __m256i r = _mm256_sub_epi32(_mm256_srav_epi32(y, right), up);
    if (wrap) {
        r = _mm256_add_epi32(r, _mm256_set1_epi32(offset));
        r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
    } else { // clamp to [lo - offset, hi - offset] first: the sum cannot wrap
        r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(lo - offset)),
            _mm256_set1_epi32(hi - offset));
        r = _mm256_add_epi32(r, _mm256_set1_epi32(offset));
    }
    const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    const __m128i p8 = _mm_packs_epi16(p16, p16);
    if (n == 8) {
        _mm_storel_epi64((__m128i *)(void *)out, p8);
    } else {
        int8_t tmp[16];
        _mm_storeu_si128((__m128i *)(void *)tmp, p8);
        memcpy(out, tmp, (size_t)n);
    }
#else
    for (int32_t i = 0; i < n; i++) {
        if (wrap) {
            out[i] = mml__requant_s8((uint32_t)acc[i], mult[i], shift[i], offset, lo, hi);
        } else {
            const int64_t v =
                (int64_t)mml__requant_i32((uint32_t)acc[i], mult[i], shift[i]) + offset;
            out[i] = (int8_t)(v < lo ? lo : v > hi ? hi : v);
        }
    }
#endif
}

#endif // MML_ARCH_X86
#endif // MICROML_NN_KERNELS_PRIM_X86_H
