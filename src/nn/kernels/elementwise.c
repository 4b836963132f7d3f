// SPDX-License-Identifier: MIT
// Prepare-time helpers shared by the elementwise kernels: broadcasting and quantization checks.
#include "core/mathf.h"
#include "nn/kernels/elementwise.h"

// t's dims right-aligned into MML_MAX_DIMS (leading 1s), as TFLite's ExtendedShape.
static void extend(const mml__tensor_t *t, uint32_t *d) {
    uint32_t pad = MML_MAX_DIMS - t->rank;
    for (uint32_t k = 0; k < MML_MAX_DIMS; k++) {
        d[k] = k < pad ? 1 : (uint32_t)t->dims[k - pad];
    }
}

mml_status_t mml__ew_binary(mml_prep_t *p, int32_t max_version, mml__tensor_t *a, mml__tensor_t *b,
    mml__tensor_t *out, mml__bcast_t *bc) {
    mml_status_t st = mml__ew_binary_any(p, max_version, a, b, out, bc);
    if (st != MML_OK) {
        return st;
    }
    if (a->dtype != b->dtype || a->dtype != out->dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "inputs are %s and %s, output %s",
            mml_dtype_name((mml_dtype_t)a->dtype), mml_dtype_name((mml_dtype_t)b->dtype),
            mml_dtype_name((mml_dtype_t)out->dtype));
    }
    p->inplace = a->elems == out->elems;
    return MML_OK;
}

mml_status_t mml__ew_binary_any(mml_prep_t *p, int32_t max_version, mml__tensor_t *a,
    mml__tensor_t *b, mml__tensor_t *out, mml__bcast_t *bc) {
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, max_version)) != MML_OK ||
        (st = mml__prep_input(p, 0, a)) != MML_OK || (st = mml__prep_input(p, 1, b)) != MML_OK ||
        (st = mml__prep_output(p, 0, out)) != MML_OK) {
        return st;
    }
    if (a->rank > MML_MAX_DIMS || b->rank > MML_MAX_DIMS || out->rank > MML_MAX_DIMS) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "rank above %d", MML_MAX_DIMS);
    }
    memset(bc, 0, sizeof(*bc));
    bc->n = out->elems;
    if (a->elems == out->elems && b->elems == out->elems) {
        // Same element count everywhere: a plain elementwise loop (as TFLite does when the flat
        // sizes match, whatever the shapes).
        bc->rank = 1;
        bc->dims[0] = out->elems;
        bc->s1[0] = bc->s2[0] = 1;
    } else {
        uint32_t da[MML_MAX_DIMS], db[MML_MAX_DIMS], dout[MML_MAX_DIMS];
        uint32_t sa[MML_MAX_DIMS], sb[MML_MAX_DIMS];
        extend(a, da);
        extend(b, db);
        extend(out, dout);
        uint32_t ka = 1, kb = 1;
        for (uint32_t k = MML_MAX_DIMS; k-- > 0;) {
            uint32_t want = da[k] == 1 ? db[k] : da[k];
            if ((da[k] != 1 && db[k] != 1 && da[k] != db[k]) || dout[k] != want) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                    "shapes do not broadcast to the output (dim %u: %u, %u -> %u)", k, da[k], db[k],
                    dout[k]);
            }
            sa[k] = da[k] == 1 ? 0 : ka;
            sb[k] = db[k] == 1 ? 0 : kb;
            ka *= da[k];
            kb *= db[k];
        }
        // Drop the size-1 output dimensions.
        uint32_t r = 0;
        for (uint32_t k = 0; k < MML_MAX_DIMS; k++) {
            if (dout[k] != 1) {
                bc->dims[r] = dout[k];
                bc->s1[r] = sa[k];
                bc->s2[r] = sb[k];
                r++;
            }
        }
        // Merge dim j into the run above it when, for both inputs, the run's innermost stride
        // is stride(j) * dims(j) (contiguous across, or both broadcast).
        uint32_t w = 0;
        for (uint32_t j = 0; j < r; j++) {
            if (w > 0 && bc->s1[w - 1] == bc->s1[j] * bc->dims[j] &&
                bc->s2[w - 1] == bc->s2[j] * bc->dims[j]) {
                bc->dims[w - 1] *= bc->dims[j];
                bc->s1[w - 1] = bc->s1[j];
                bc->s2[w - 1] = bc->s2[j];
                continue;
            }
            bc->dims[w] = bc->dims[j];
            bc->s1[w] = bc->s1[j];
            bc->s2[w] = bc->s2[j];
            w++;
        }
        if (w == 0) { // every dimension is 1: a single element
            bc->dims[0] = 1;
            w = 1;
        }
        bc->rank = w;
    }
    return MML_OK;
}

mml_status_t mml__ew_unary(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out) {
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, max_version)) != MML_OK ||
        (st = mml__prep_input(p, 0, in)) != MML_OK ||
        (st = mml__prep_output(p, 0, out)) != MML_OK) {
        return st;
    }
    if (in->elems != out->elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input has %u elements, output %u",
            in->elems, out->elems);
    }
    return MML_OK;
}

mml_status_t mml__ew_unary_same(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out, mml__ew_unary_t *io) {
    mml_status_t st = mml__ew_unary(p, max_version, in, out);
    if (st != MML_OK) {
        return st;
    }
    if (in->dtype != out->dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output dtypes differ");
    }
    io->n = out->elems;
    return MML_OK;
}

mml_status_t mml__ew_unary_f32_prepare(mml_prep_t *p, int32_t max_version, mml__eval_fn eval) {
    mml__tensor_t in, out;
    mml__ew_unary_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_unary_same(p, max_version, &in, &out, &r);
    if (st != MML_OK) {
        return st;
    }
    if (in.dtype != MML_FLOAT32) {
        return mml__ew_fail_dtype(p, in.dtype);
    }
    p->eval = eval;
    return mml__ew_unary_store(p, &r, sizeof(r), &in, &out);
}

mml_status_t mml__ew_binary_store(mml_prep_t *p, const void *r, uint32_t bytes,
    const mml__tensor_t *a, const mml__tensor_t *b, const mml__tensor_t *out) {
    mml__ew_binary_t *d = (mml__ew_binary_t *)mml__prep_persist(p, bytes);
    if (!d) {
        return MML_OK;
    }
    memcpy(d, r, bytes);
    d->in1 = mml__prep_loc(p, a);
    d->in2 = mml__prep_loc(p, b);
    d->out = mml__prep_loc(p, out);
    return MML_OK;
}

mml_status_t mml__ew_unary_store(mml_prep_t *p, const void *r, uint32_t bytes,
    const mml__tensor_t *in, const mml__tensor_t *out) {
    p->inplace = 1;
    mml__ew_unary_t *d = (mml__ew_unary_t *)mml__prep_persist(p, bytes);
    if (!d) {
        return MML_OK;
    }
    memcpy(d, r, bytes);
    d->in = mml__prep_loc(p, in);
    d->out = mml__prep_loc(p, out);
    return MML_OK;
}

mml_status_t mml__ew_arith_quant(mml_prep_t *p, const mml__tensor_t *a, const mml__tensor_t *b,
    const mml__tensor_t *out, float *s1, float *s2, float *so, mml__ew_arith_t *q) {
    int32_t z1, z2, zo;
    mml_status_t st;
    if ((st = mml__ew_quant(p, a, s1, &z1)) != MML_OK ||
        (st = mml__ew_quant(p, b, s2, &z2)) != MML_OK ||
        (st = mml__ew_quant(p, out, so, &zo)) != MML_OK) {
        return st;
    }
    q->in1_offset = -z1;
    q->in2_offset = -z2;
    q->out_offset = zo;
    return MML_OK;
}

mml_status_t mml__ew_arith_plain(mml_prep_t *p, const char *name, int32_t act,
    const mml__tensor_t *a, const mml__tensor_t *b, const mml__tensor_t *out, mml__ew_arith_t *q,
    mml__eval_fn eval_s32, mml__eval_fn eval_f32) {
    mml_status_t st;
    if (out->dtype == MML_INT32) {
        if (a->scales.n || b->scales.n || out->scales.n) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "quantized int32 %s unsupported", name);
        }
        if ((st = mml__ew_act_range_i32(p, act, &q->act_min, &q->act_max)) != MML_OK) {
            return st;
        }
        p->eval = eval_s32;
    } else if (out->dtype == MML_FLOAT32) {
        if ((st = mml__ew_act_range_f(p, act, &q->act_min_f, &q->act_max_f)) != MML_OK) {
            return st;
        }
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, out->dtype);
    }
    return MML_OK;
}

mml_status_t mml__ew_binary_raw_prepare(mml_prep_t *p, int32_t max_version,
    const mml__ew_evals_t *evals) {
    mml__tensor_t a, b, out;
    mml__ew_binary_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary(p, max_version, &a, &b, &out, &r.bc);
    if (st != MML_OK) {
        return st;
    }
    p->eval = out.dtype == MML_INT8 ? evals->s8
        : out.dtype == MML_UINT8    ? evals->u8
        : out.dtype == MML_INT16    ? evals->s16
        : out.dtype == MML_INT32    ? evals->s32
        : out.dtype == MML_FLOAT32  ? evals->f32
                                    : NULL;
    if (!p->eval) {
        return mml__ew_fail_dtype(p, out.dtype);
    }
    return mml__ew_binary_store(p, &r, sizeof(r), &a, &b, &out);
}

mml_status_t mml__ew_fail_dtype(mml_prep_t *p, uint8_t dtype) {
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
        mml_dtype_name((mml_dtype_t)dtype));
}

mml_status_t mml__ew_quant(mml_prep_t *p, const mml__tensor_t *t, float *scale, int32_t *zp) {
    if (t->scales.n != 1 || t->zero_points.n > 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "tensor %u needs one quantization scale, has %u", t->index, t->scales.n);
    }
    float s = mml__tensor_scale(p->m, t, 0);
    int32_t z = mml__tensor_zero_point(p->m, t, 0);
    int32_t lo = t->dtype == MML_INT8 ? -128 : t->dtype == MML_UINT8 ? 0 : -32768;
    int32_t hi = t->dtype == MML_INT8 ? 127 : t->dtype == MML_UINT8 ? 255 : 32767;
    if (t->dtype == MML_INT32) {
        lo = INT32_MIN;
        hi = INT32_MAX;
    }
    if (!(s > 0.0f && s < 4294967296.0f)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "tensor %u has scale %g", t->index,
            (double)s);
    }
    if (z < lo || z > hi) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "tensor %u has zero point %d", t->index, z);
    }
    *scale = s;
    *zp = z;
    return MML_OK;
}

mml_status_t mml__ew_check_shift(mml_prep_t *p, int32_t shift, int32_t lo, int32_t hi) {
    if (shift < lo || shift > hi) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "rescale shift %d outside [%d, %d]", shift,
            lo, hi);
    }
    return MML_OK;
}

mml_status_t mml__ew_multiplier_lt1(mml_prep_t *p, double m, int32_t *q, int32_t *shift) {
    if (!(m > 0.0 && m < 1.0)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "rescale multiplier %g not in (0, 1)", m);
    }
    mml__quantize_multiplier(m, q, shift);
    return mml__ew_check_shift(p, *shift, -31, 0);
}

mml_status_t mml__ew_multiplier(mml_prep_t *p, double m, int32_t *q, int32_t *shift, int32_t lo,
    int32_t hi) {
    if (!(m > -1e30 && m < 1e30)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "rescale multiplier %g out of range", m);
    }
    mml__quantize_multiplier(m, q, shift);
    return mml__ew_check_shift(p, *shift, lo, hi);
}

static mml_status_t fail_act(mml_prep_t *p, int32_t act) {
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "fused activation %d unsupported", act);
}

mml_status_t mml__ew_act_range_q(mml_prep_t *p, int32_t act, uint8_t dtype, float scale, int32_t zp,
    int32_t *lo, int32_t *hi) {
    int32_t qmin, qmax;
    mml__ew_qrange(dtype, &qmin, &qmax);
    return mml__activation_range_q(act, scale, zp, qmin, qmax, lo, hi) ? MML_OK : fail_act(p, act);
}

mml_status_t mml__ew_act_range_f(mml_prep_t *p, int32_t act, float *lo, float *hi) {
    return mml__activation_range_f(act, lo, hi) ? MML_OK : fail_act(p, act);
}

mml_status_t mml__ew_act_range_i32(mml_prep_t *p, int32_t act, int32_t *lo, int32_t *hi) {
    switch (act) {
        case MML_ACT_NONE:
            *lo = INT32_MIN;
            *hi = INT32_MAX;
            return MML_OK;
        case MML_ACT_RELU:
            *lo = 0;
            *hi = INT32_MAX;
            return MML_OK;
        case MML_ACT_RELU6:
            *lo = 0;
            *hi = 6;
            return MML_OK;
        case MML_ACT_RELU_N1_TO_1:
            *lo = -1;
            *hi = 1;
            return MML_OK;
        default:
            return fail_act(p, act);
    }
}

int mml__ew_checked_log2(float x, int32_t *log2) {
    float l = mml__logf(x) * (1.0f / mml__logf(2.0f));
    float rounded = mml__roundf(l);
    float frac = l - rounded;
    *log2 = mml__round_to_i32(rounded);
    return (frac < 0.0f ? -frac : frac) < 1e-3f;
}

mml_status_t mml__ew_q4_params(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    int32_t *out_zp, mml__ew_q4_t *q) {
    float si, so;
    mml_status_t st;
    if ((st = mml__ew_quant(p, in, &si, &q->in_zp)) != MML_OK ||
        (st = mml__ew_quant(p, out, &so, out_zp)) != MML_OK) {
        return st;
    }
    double m = mml__frexp((double)si * 134217728.0, &q->left_shift);
    int64_t qf = (int64_t)mml__round(m * 2147483648.0);
    q->mult = qf >= ((int64_t)1 << 31) ? INT32_MIN : (int32_t)qf; // as TFLite's cast wraps
    if (q->left_shift < 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input scale %g too small", (double)si);
    }
    q->radius = mml__input_radius(4, q->left_shift);
    return MML_OK;
}

mml_status_t mml__ew_lut16_params(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    int32_t max_pot_shift, int32_t *mult, int32_t *left_shift) {
    float si, so;
    int32_t zi, zo, l2;
    mml_status_t st;
    if ((st = mml__ew_quant(p, in, &si, &zi)) != MML_OK ||
        (st = mml__ew_quant(p, out, &so, &zo)) != MML_OK) {
        return st;
    }
    if (zi != 0 || zo != 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 needs zero points 0");
    }
    if (!mml__ew_checked_log2(so, &l2) || l2 != -15) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 output scale must be 2^-15");
    }
    int pot = mml__ew_checked_log2(si, &l2);
    int32_t shift = (15 - 3) + l2;
    if (pot && shift >= 0 && shift <= max_pot_shift) {
        *mult = 0;
        *left_shift = shift;
        return MML_OK;
    }
    // Rescale the input to 1 / (3 * 4096) per step (+-2^17 represents +-10.7).
    double m = (double)si * 4096.0 * 3.0;
    shift = 0;
    while (m <= 32767.0 / 2.0 && shift <= 30) {
        shift++;
        m *= 2.0;
    }
    if (!(m <= 32767.0)) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "int16 input scale %g too large", (double)si);
    }
    *mult = (int32_t)m;
    *left_shift = shift;
    return MML_OK;
}

// TFLite GetInvSqrtQuantizedMultiplierExp(x, reverse_shift -1) for x >= 2: 1 / sqrt(x) as a
// multiplier (q, shift), through five gemmlowp Newton-Raphson steps in Q3 (x = 0 and 1: INT32_MAX,
// shift 0).
void mml__ew_inv_sqrt(int32_t x, int32_t *q, int32_t *shift) {
    if (x <= 1) {
        *q = INT32_MAX;
        *shift = 0;
        return;
    }
    int32_t s = 11;
    while (x >= (1 << 29)) {
        x /= 4;
        s++;
    }
    int32_t pairs = (mml__clz32((uint32_t)x) - 1) / 2 - 1;
    s -= pairs;
    x <<= 2 * pairs;
    const int32_t half_input = mml__rdbpot(x >> 1, 1); // Q3
    const int32_t half_three = (1 << 28) + (1 << 27);  // 1.5 in Q3
    int32_t r = 1 << 28;                               // 1.0 in Q3
    for (int k = 0; k < 5; k++) {
        int32_t r3 = mml__fp_mul_pot(mml__srdhm(mml__srdhm(r, r), r), 6); // Q9 -> Q3
        int32_t v = mml__wrap_sub(mml__srdhm(half_three, r), mml__srdhm(half_input, r3));
        r = mml__fp_mul_pot(v, 3); // Q6 -> Q3
    }
    r = mml__srdhm(r, 1518500250); // * sqrt(2) / 2 (Q0)
    if (s < 0) {
        r = (int32_t)((uint32_t)r << -s);
        s = 0;
    }
    *q = r;
    *shift = -s;
}

mml_status_t mml__ew_lut_s8(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    float (*fn)(float), int8_t *table) {
    float si, so;
    int32_t zi, zo;
    mml_status_t st;
    if ((st = mml__ew_quant(p, in, &si, &zi)) != MML_OK ||
        (st = mml__ew_quant(p, out, &so, &zo)) != MML_OK) {
        return st;
    }
    const float inverse_scale = 1.0f / so;
    for (int32_t v = -128; v < 128; v++) {
        float y = mml__roundf(fn(si * (float)(v - zi)) * inverse_scale) + (float)zo;
        // Clamped in float first: the int conversion stays defined for any y (NaN gives 0).
        y = y > 127.0f ? 127.0f : y < -128.0f ? -128.0f : y;
        table[v + 128] = (int8_t)mml__round_to_i32(y);
    }
    return MML_OK;
}

mml_status_t mml__ew_rows(mml_prep_t *p, const mml__tensor_t *in, const mml__tensor_t *out,
    uint32_t *depth, uint32_t *rows) {
    if (in->rank == 0 || in->rank != out->rank || in->dims[in->rank - 1] <= 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output shapes differ");
    }
    for (uint32_t k = 0; k < in->rank; k++) {
        if (in->dims[k] != out->dims[k]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output shapes differ");
        }
    }
    *depth = (uint32_t)in->dims[in->rank - 1];
    *rows = in->elems / *depth;
    return MML_OK;
}
