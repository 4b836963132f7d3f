// SPDX-License-Identifier: MIT
// RESHAPE: the same bytes under a new shape. Runs in place (output 0 shares input 0's memory)
// when the planner allows it, else copies. Also the shared prepare of SQUEEZE and EXPAND_DIMS.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(RESHAPE) || MML_OP_ON(SQUEEZE) || MML_OP_ON(EXPAND_DIMS)

enum { OPT_NEW_SHAPE = 0 };

typedef struct {
    uint32_t input, output, bytes;
} reshape_t;

static mml_status_t eval_copy(const mml_eval_ctx_t *ctx, void *data) {
    const reshape_t *d = (const reshape_t *)data;
    const void *in = mml__ptr(ctx, d->input);
    void *out = mml__ptr(ctx, d->output);
    if (out != in) {
        memcpy(out, in, d->bytes);
    }
    return MML_OK;
}

mml_status_t mml__prepare_same_bytes(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out) {
    if (in->dtype != out->dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output is %s, input %s",
            mml_dtype_name((mml_dtype_t)out->dtype), mml_dtype_name((mml_dtype_t)in->dtype));
    }
    if (in->elems != out->elems || in->bytes != out->bytes) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output has %u elements, input %u",
            out->elems, in->elems);
    }
    p->eval = eval_copy;
    p->inplace = 1;
    reshape_t *d = (reshape_t *)mml__prep_persist(p, sizeof(reshape_t));
    if (!d) {
        return MML_OK;
    }
    d->input = mml__prep_loc(p, in);
    d->output = mml__prep_loc(p, out);
    d->bytes = in->bytes;
    return MML_OK;
}

// Checks a requested shape (-1: the one inferred dimension) against the element count.
static mml_status_t check_shape(mml_prep_t *p, const int32_t *shape, uint32_t n, uint32_t elems,
    const char *what) {
    uint64_t known = 1;
    uint32_t stretch = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (shape[i] == -1) {
            stretch++;
        } else if (shape[i] < 0) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s has dimension %d", what, shape[i]);
        } else {
            known *= (uint32_t)shape[i];
            if (known > 0x7fffffffu) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s is oversized", what);
            }
        }
    }
    int ok = stretch == 0 ? known == elems : stretch == 1 && known != 0 && elems % known == 0;
    if (!ok) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s does not hold %u elements", what,
            elems);
    }
    return MML_OK;
}

mml_status_t mml__prepare_reshape(mml_prep_t *p) {
    mml__tensor_t in, out, shape_t;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 2)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    // The requested shape: a constant shape tensor, else ReshapeOptions.new_shape, else the
    // output's own shape. Only its element count matters to the copy.
    int32_t shape[MML_MAX_DIMS];
    uint32_t n = 0;
    const char *what = NULL;
    if (mml__prep_has_input(p, 1)) {
        if ((st = mml__prep_input(p, 1, &shape_t)) != MML_OK) {
            return st;
        }
        if (shape_t.is_constant) {
            if (shape_t.dtype != MML_INT32 || shape_t.rank > 1 || shape_t.elems > MML_MAX_DIMS) {
                return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
                    "shape tensor must be int32 with at most %u values", (uint32_t)MML_MAX_DIMS);
            }
            n = shape_t.elems;
            for (uint32_t i = 0; i < n; i++) {
                shape[i] = (int32_t)mml__rd_u32(shape_t.data + 4 * i);
            }
            what = "shape tensor";
        }
    }
    if (!what) {
        n = mml__opt_i32_vec(p, OPT_NEW_SHAPE, shape, MML_MAX_DIMS);
        // A legacy new_shape of [0] with one input means a scalar.
        if (n == 1 && shape[0] == 0 && mml__prep_n_inputs(p) == 1) {
            n = 0;
            what = "new_shape";
        } else if (n > 0) {
            what = "new_shape";
        }
    }
    if (what && (st = check_shape(p, shape, n, in.elems, what)) != MML_OK) {
        return st;
    }
    return mml__prepare_same_bytes(p, &in, &out);
}
#endif // MML_OP_ON(RESHAPE) || MML_OP_ON(SQUEEZE) || MML_OP_ON(EXPAND_DIMS)
