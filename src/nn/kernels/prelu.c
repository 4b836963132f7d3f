// SPDX-License-Identifier: MIT
// PRELU: output = x >= 0 ? x : alpha * x, alpha broadcast onto the input (NumPy rules). int8, and
// int16 with int8 alpha, through TFLite's two rescales (identity and input * alpha); float32; as
// TFLite Micro's reference kernel.
#include "nn/kernels/elementwise.h"
#include "nn/ops.h"

#if MML_OP_ON(PRELU)

typedef struct {
    mml__ew_binary_t io;
    int32_t in_offset, alpha_offset, out_offset; // -zp(input), -zp(alpha), zp(output)
    int32_t id_mult, id_shift;                   // input scale / output scale
    int32_t alpha_mult, alpha_shift;             // input scale * alpha scale / output scale
    int32_t lo, hi;                              // output dtype range
} prelu_t;

static int32_t prelu_q(const prelu_t *d, int32_t x, int32_t alpha) {
    int32_t v = x + d->in_offset;
    int32_t o = v >= 0
        ? mml__mul_by_qm(v, d->id_mult, d->id_shift)
        : mml__mul_by_qm(v * (alpha + d->alpha_offset), d->alpha_mult, d->alpha_shift);
    return mml__clamp_i32(mml__wrap_add(o, d->out_offset), d->lo, d->hi);
}

MML_EW_BINARY_EVAL(eval_s8, prelu_t, int8_t, prelu_q(d, x, y))
MML_EW_BINARY_EVAL_MIXED(eval_s16, prelu_t, int16_t, int8_t, int16_t, prelu_q(d, x, y))
MML_EW_BINARY_EVAL(eval_f32, prelu_t, float, x >= 0.0f ? x : x * y)

mml_status_t mml__prepare_prelu(mml_prep_t *p) {
    mml__tensor_t in, alpha, out;
    prelu_t r;
    memset(&r, 0, sizeof(r));
    mml_status_t st = mml__ew_binary_any(p, 2, &in, &alpha, &out, &r.io.bc);
    if (st != MML_OK) {
        return st;
    }
    mml_dtype_t want_alpha = in.dtype == MML_INT16 ? MML_INT8 : (mml_dtype_t)in.dtype;
    if (out.dtype != in.dtype || alpha.dtype != want_alpha) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input %s, alpha %s, output %s",
            mml_dtype_name((mml_dtype_t)in.dtype), mml_dtype_name((mml_dtype_t)alpha.dtype),
            mml_dtype_name((mml_dtype_t)out.dtype));
    }
    if (in.elems != out.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "alpha must broadcast onto the input");
    }
    p->inplace = 1; // the output has the input's shape and dtype
    if (out.dtype == MML_INT8 || out.dtype == MML_INT16) {
        float si, sa, so;
        int32_t zi, za, zo;
        if ((st = mml__ew_quant(p, &in, &si, &zi)) != MML_OK ||
            (st = mml__ew_quant(p, &alpha, &sa, &za)) != MML_OK ||
            (st = mml__ew_quant(p, &out, &so, &zo)) != MML_OK) {
            return st;
        }
        r.in_offset = -zi;
        r.alpha_offset = -za;
        r.out_offset = zo;
        if ((st = mml__ew_multiplier(p, (double)si / (double)so, &r.id_mult, &r.id_shift, -31,
                 30)) != MML_OK ||
            (st = mml__ew_multiplier(p, (double)si * (double)sa / (double)so, &r.alpha_mult,
                 &r.alpha_shift, -31, 30)) != MML_OK) {
            return st;
        }
        mml__ew_qrange(out.dtype, &r.lo, &r.hi);
        p->eval = out.dtype == MML_INT8 ? eval_s8 : eval_s16;
    } else if (out.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__ew_fail_dtype(p, out.dtype);
    }
    return mml__ew_binary_store(p, &r, sizeof(r), &in, &alpha, &out);
}

#endif // MML_OP_ON(PRELU)
