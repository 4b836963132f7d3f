// SPDX-License-Identifier: MIT
// PAD and PADV2: surround a tensor (rank <= 5) with constant values, paddings from a constant
// int32 [rank,2] tensor. int8 (pads with the output zero point), int16, int32, float32, as TFLite.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(PAD) || MML_OP_ON(PADV2)

#define PAD_DIMS (5)

typedef struct {
    uint32_t input, output, value; // locations; value (a scalar) valid if has_value
    int32_t in_dims[PAD_DIMS], out_dims[PAD_DIMS], left[PAD_DIMS]; // left-extended to 5-D
    uint8_t elem_size;                                             // 1, 2 or 4
    uint8_t has_value;
    uint8_t pad[4]; // pad value bytes when !has_value
} pad_t;

static void fill(uint8_t *dst, const uint8_t *value, uint32_t size, uint32_t n) {
    if (size == 1) {
        memset(dst, value[0], n);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        memcpy(dst + (size_t)i * size, value, size);
    }
}

// Row by row along the last dimension: rows outside the input are all padding, the others are
// left padding, a copy of an input row, right padding.
static mml_status_t eval_pad(const mml_eval_ctx_t *ctx, void *data) {
    const pad_t *d = (const pad_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    const uint8_t *value = d->has_value ? (const uint8_t *)mml__ptr(ctx, d->value) : d->pad;
    const uint32_t es = d->elem_size;
    const int32_t *od = d->out_dims, *id = d->in_dims, *l = d->left;
    const uint32_t row = (uint32_t)od[4], in_row = (uint32_t)id[4], left = (uint32_t)l[4];
    for (int32_t a = 0; a < od[0]; a++) {
        const int32_t ia = a - l[0];
        for (int32_t b = 0; b < od[1]; b++) {
            const int32_t ib = b - l[1];
            for (int32_t c = 0; c < od[2]; c++) {
                const int32_t ic = c - l[2];
                for (int32_t e = 0; e < od[3]; e++) {
                    const int32_t ie = e - l[3];
                    if (ia < 0 || ia >= id[0] || ib < 0 || ib >= id[1] || ic < 0 || ic >= id[2] ||
                        ie < 0 || ie >= id[3]) {
                        fill(out, value, es, row);
                    } else {
                        size_t src =
                            ((((size_t)ia * id[1] + ib) * id[2] + ic) * id[3] + ie) * in_row;
                        fill(out, value, es, left);
                        memcpy(out + (size_t)left * es, in + src * es, (size_t)in_row * es);
                        fill(out + (size_t)(left + in_row) * es, value, es, row - left - in_row);
                    }
                    out += (size_t)row * es;
                }
            }
        }
    }
    return MML_OK;
}

mml_status_t mml__prepare_pad(mml_prep_t *p) {
    mml__tensor_t in, paddings, value, out;
    mml_status_t st;
    // Version 4 is rank 5; versions 2 and 3 int8 and int16.
    if ((st = mml__prep_check_io(p, 2, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_input(p, 1, &paddings)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = mml__prep_check_dtype(p, &out, (mml_dtype_t)in.dtype)) != MML_OK) {
        return st;
    }
    uint8_t has_value = mml__prep_has_input(p, 2);
    if (has_value) {
        if ((st = mml__prep_input(p, 2, &value)) != MML_OK ||
            (st = mml__prep_check_dtype(p, &value, (mml_dtype_t)in.dtype)) != MML_OK) {
            return st;
        }
        if (value.elems != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "constant_values must be a scalar");
        }
    }
    uint32_t es = mml_dtype_size((mml_dtype_t)in.dtype);
    if (in.dtype != MML_INT8 && in.dtype != MML_INT16 && in.dtype != MML_INT32 &&
        in.dtype != MML_FLOAT32) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)in.dtype));
    }
    uint32_t rank = out.rank;
    if (in.rank != rank || rank > PAD_DIMS) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input rank %u, output rank %u (at most %d)",
            (uint32_t)in.rank, rank, (int32_t)PAD_DIMS);
    }
    // TFLite Micro needs the paddings at prepare time: a constant int32 [rank, 2].
    if (!paddings.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant paddings unsupported");
    }
    if ((st = mml__prep_check_dtype(p, &paddings, MML_INT32)) != MML_OK) {
        return st;
    }
    if (paddings.elems != 2 * rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "paddings has %u elements, expected %u",
            paddings.elems, 2 * rank);
    }
    int32_t in_dims[PAD_DIMS], out_dims[PAD_DIMS], left[PAD_DIMS];
    uint32_t lead = PAD_DIMS - rank;
    for (uint32_t i = 0; i < PAD_DIMS; i++) {
        in_dims[i] = out_dims[i] = 1;
        left[i] = 0;
    }
    for (uint32_t i = 0; i < rank; i++) {
        int32_t before = (int32_t)mml__rd_u32(paddings.data + 8 * i);
        int32_t after = (int32_t)mml__rd_u32(paddings.data + 8 * i + 4);
        if (before < 0 || after < 0 ||
            (int64_t)in.dims[i] + before + after != (int64_t)out.dims[i]) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "dimension %u: %d + %d + %d padded differs from output's %d", i, before, in.dims[i],
                after, out.dims[i]);
        }
        in_dims[lead + i] = in.dims[i];
        out_dims[lead + i] = out.dims[i];
        left[lead + i] = before;
    }
    int32_t zp = 0;
    if (in.dtype == MML_INT8) {
        if (out.scales.n != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "missing quantization parameters");
        }
        zp = mml__tensor_zero_point(p->m, &out, 0);
        // Padding with zero needs zero representable; constant_values must share the output's
        // quantization.
        if (!has_value && (zp < -128 || zp > 127)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output zero point %d out of range",
                zp);
        }
        if (has_value &&
            (value.scales.n != 1 || mml__tensor_zero_point(p->m, &value, 0) != zp ||
                mml__tensor_scale(p->m, &value, 0) != mml__tensor_scale(p->m, &out, 0))) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
                "constant_values quantization differs from the output's");
        }
    }
    p->eval = eval_pad;
    pad_t *d = (pad_t *)mml__prep_persist(p, sizeof(pad_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->value = has_value ? mml__prep_loc(p, &value) : 0;
    d->has_value = has_value;
    d->elem_size = (uint8_t)es;
    memcpy(d->in_dims, in_dims, sizeof(in_dims));
    memcpy(d->out_dims, out_dims, sizeof(out_dims));
    memcpy(d->left, left, sizeof(left));
    // Without constant_values: zero, i.e. the zero point for int8 (0 for the other dtypes).
    d->pad[0] = (uint8_t)(int8_t)zp;
    return MML_OK;
}
#endif // MML_OP_ON(PAD) || MML_OP_ON(PADV2)
