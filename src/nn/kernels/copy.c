// SPDX-License-Identifier: MIT
// The data-movement ops' shared strided copy and constant-vector reader. See copy.h.
#include <string.h>
#include "nn/kernels/copy.h"

void mml__copy_init(mml__copy_t *c, uint32_t rank, const uint32_t *dims, const int32_t *step,
    uint32_t base, uint32_t size) {
    c->rank = 0;
    c->size = size;
    c->base = base;
    for (uint32_t k = 0; k < rank; k++) {
        if (dims[k] == 1) {
            continue;
        }
        uint32_t r = c->rank;
        // Merge into the previous dimension when it steps over exactly this one.
        if (r > 0 && c->step[r - 1] == step[k] * (int32_t)dims[k]) {
            c->dims[r - 1] *= dims[k];
            c->step[r - 1] = step[k];
            continue;
        }
        c->dims[r] = dims[k];
        c->step[r] = step[k];
        c->rank++;
    }
}

mml_status_t mml__copy_eval(const mml_eval_ctx_t *ctx, void *data) {
    const mml__copy_t *c = (const mml__copy_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, c->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, c->output);
    const size_t size = c->size;
    if (c->rank == 0) {
        memmove(out, in + (size_t)c->base * size, size);
        return MML_OK;
    }
    // Walk every dimension but the last; the last is one run.
    const uint32_t last = c->rank - 1, run = c->dims[last];
    const int32_t run_step = c->step[last];
    uint32_t idx[MML_COPY_DIMS] = {0};
    int64_t at = c->base;
    for (;;) {
        if (run_step == 1) {
            memmove(out, in + (size_t)at * size, run * size);
            out += run * size;
        } else {
            int64_t e = at;
            for (uint32_t i = 0; i < run; i++, e += run_step) {
                memmove(out, in + (size_t)e * size, size);
                out += size;
            }
        }
        uint32_t k = last;
        for (;;) {
            if (k == 0) {
                return MML_OK;
            }
            k--;
            at += c->step[k];
            if (++idx[k] < c->dims[k]) {
                break;
            }
            at -= (int64_t)c->step[k] * c->dims[k];
            idx[k] = 0;
        }
    }
}

mml_status_t mml__copy_finish(mml_prep_t *p, const mml__copy_t *c, const mml__tensor_t *in,
    const mml__tensor_t *out, bool safe_inplace) {
    p->eval = mml__copy_eval;
    if (safe_inplace) {
        p->overlap = 1;
        p->overlap_max = 0;
    }
    mml__copy_t *d = (mml__copy_t *)mml__prep_persist(p, sizeof(mml__copy_t));
    if (!d) {
        return MML_OK;
    }
    *d = *c;
    d->input = mml__prep_loc(p, in);
    d->output = mml__prep_loc(p, out);
    return MML_OK;
}

mml_status_t mml__prep_check_elems(mml_prep_t *p, const mml__tensor_t *t) {
    if (t->elems == 0) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "empty tensor %u unsupported", t->index);
    }
    if (t->elems > (uint32_t)INT32_MAX) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "tensor %u has 2^31 elements or more",
            t->index);
    }
    return MML_OK;
}

static mml_status_t const_ints(mml_prep_t *p, uint32_t i, const char *what, bool pairs, int32_t *v,
    uint32_t max, uint32_t *n) {
    mml__tensor_t t;
    mml_status_t st = mml__prep_input(p, i, &t);
    if (st != MML_OK) {
        return st;
    }
    bool shape_ok = pairs ? t.rank == 2 && t.dims[1] == 2 : t.rank <= 1;
    if ((t.dtype != MML_INT32 && t.dtype != MML_INT64) || !shape_ok || t.elems > max) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s must be an int32 or int64 %s", what,
            pairs ? "[n, 2] matrix" : "vector");
    }
    if (!t.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant %s unsupported", what);
    }
    for (uint32_t k = 0; k < t.elems; k++) {
        if (t.dtype == MML_INT32) {
            v[k] = (int32_t)mml__rd_u32(t.data + 4 * k);
            continue;
        }
        int64_t w = (int64_t)mml__rd_u64(t.data + 8 * k);
        if (w < INT32_MIN || w > INT32_MAX) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s value out of range", what);
        }
        v[k] = (int32_t)w;
    }
    *n = t.elems;
    return MML_OK;
}

mml_status_t mml__prep_const_ints(mml_prep_t *p, uint32_t i, const char *what, int32_t *v,
    uint32_t max, uint32_t *n) {
    return const_ints(p, i, what, false, v, max, n);
}

mml_status_t mml__prep_const_pairs(mml_prep_t *p, uint32_t i, const char *what, int32_t *v,
    uint32_t max, uint32_t *n) {
    return const_ints(p, i, what, true, v, max, n);
}

mml_status_t mml__prep_in_ints_out(mml_prep_t *p, int32_t max_version, mml__tensor_t *in,
    mml__tensor_t *out, const char *what, int32_t *v, uint32_t max, uint32_t *n) {
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, max_version)) != MML_OK ||
        (st = mml__prep_input(p, 0, in)) != MML_OK ||
        (st = mml__prep_output(p, 0, out)) != MML_OK ||
        (st = mml__prep_check_elems(p, in)) != MML_OK ||
        (st = mml__prep_check_elems(p, out)) != MML_OK ||
        (st = mml__prep_const_ints(p, 1, what, v, max, n)) != MML_OK) {
        return st;
    }
    return MML_OK;
}

// SPACE_TO_DEPTH and DEPTH_TO_SPACE options (SpaceToDepthOptions, DepthToSpaceOptions).
enum { OPT_BLOCK_SIZE = 0 };

mml_status_t mml__prep_block_io(mml_prep_t *p, mml__tensor_t *in, mml__tensor_t *out,
    int32_t *block) {
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 1, 1, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 2)) != MML_OK ||
        (st = mml__prep_input(p, 0, in)) != MML_OK ||
        (st = mml__prep_output(p, 0, out)) != MML_OK ||
        (st = mml__prep_check_elems(p, in)) != MML_OK ||
        (st = mml__prep_check_elems(p, out)) != MML_OK) {
        return st;
    }
    if (out->dtype != in->dtype || mml_dtype_size((mml_dtype_t)in->dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    *block = mml__opt_i32(p, OPT_BLOCK_SIZE, 0);
    if (in->rank != 4 || out->rank != 4) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "input and output must be 4-D");
    }
    return MML_OK;
}

mml_status_t mml__prep_batch_space(mml_prep_t *p, const char *what, mml__tensor_t *in,
    mml__tensor_t *out, mml__batch_space_t *g, int32_t *bottom, int32_t *right) {
    int32_t block[2], edges[4];
    uint32_t nb = 0, ne = 0;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 3, 3, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, in)) != MML_OK ||
        (st = mml__prep_output(p, 0, out)) != MML_OK ||
        (st = mml__prep_check_elems(p, in)) != MML_OK ||
        (st = mml__prep_check_elems(p, out)) != MML_OK ||
        (st = mml__prep_const_ints(p, 1, "block_shape", block, 2, &nb)) != MML_OK ||
        (st = mml__prep_const_pairs(p, 2, what, edges, 4, &ne)) != MML_OK) {
        return st;
    }
    if (out->dtype != in->dtype || mml_dtype_size((mml_dtype_t)in->dtype) == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if ((in->rank != 3 && in->rank != 4) || out->rank != in->rank) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input and output must be 3-D or 4-D");
    }
    uint32_t spatial = in->rank - 2u;
    if (nb != spatial || ne != 2 * spatial) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "block_shape needs %u values and %s %u",
            spatial, what, 2 * spatial);
    }
    int32_t c = in->dims[in->rank - 1];
    memset(g, 0, sizeof(*g));
    g->size = (uint32_t)c * mml_dtype_size((mml_dtype_t)in->dtype);
    g->in_b = in->dims[0];
    g->in_h = in->dims[1];
    g->in_w = spatial == 2 ? in->dims[2] : 1;
    g->out_b = out->dims[0];
    g->out_h = out->dims[1];
    g->out_w = spatial == 2 ? out->dims[2] : 1;
    g->bh = block[0];
    g->bw = spatial == 2 ? block[1] : 1;
    g->top = edges[0];
    g->left = spatial == 2 ? edges[2] : 0;
    *bottom = edges[1];
    *right = spatial == 2 ? edges[3] : 0;
    return MML_OK;
}
