// SPDX-License-Identifier: MIT
// STRIDED_SLICE: input[begin:end:stride] per axis with constant begin/end/strides, up to 5-D,
// with TFLite's begin/end/ellipsis/new-axis/shrink-axis masks and offset; any fixed-size dtype.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(STRIDED_SLICE)

enum {
    OPT_BEGIN_MASK = 0,
    OPT_END_MASK = 1,
    OPT_ELLIPSIS_MASK = 2,
    OPT_NEW_AXIS_MASK = 3,
    OPT_SHRINK_AXIS_MASK = 4,
    OPT_OFFSET = 5
};

#define SS_DIMS (5)

typedef struct {
    uint32_t input, output, size; // size: bytes per element
    uint32_t start;               // input element offset of the first element
    uint32_t count[SS_DIMS];      // elements taken per axis (leading axes padded with 1)
    int32_t step[SS_DIMS];        // input element step per axis
} strided_slice_t;

static mml_status_t eval_strided_slice(const mml_eval_ctx_t *ctx, void *data) {
    const strided_slice_t *d = (const strided_slice_t *)data;
    const uint8_t *in = (const uint8_t *)mml__ptr(ctx, d->input);
    uint8_t *out = (uint8_t *)mml__ptr(ctx, d->output);
    const uint32_t *c = d->count;
    const int32_t *s = d->step;
    const uint32_t size = d->size;
    int64_t o0 = d->start;
    for (uint32_t i0 = 0; i0 < c[0]; i0++, o0 += s[0]) {
        int64_t o1 = o0;
        for (uint32_t i1 = 0; i1 < c[1]; i1++, o1 += s[1]) {
            int64_t o2 = o1;
            for (uint32_t i2 = 0; i2 < c[2]; i2++, o2 += s[2]) {
                int64_t o3 = o2;
                for (uint32_t i3 = 0; i3 < c[3]; i3++, o3 += s[3]) {
                    if (s[4] == 1) {
                        memcpy(out, in + (size_t)o3 * size, (size_t)c[4] * size);
                        out += (size_t)c[4] * size;
                        continue;
                    }
                    int64_t o4 = o3;
                    for (uint32_t i4 = 0; i4 < c[4]; i4++, o4 += s[4]) {
                        memcpy(out, in + (size_t)o4 * size, size);
                        out += size;
                    }
                }
            }
        }
    }
    return MML_OK;
}

static int32_t clamp(int64_t v, int32_t lo, int32_t hi) {
    return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

static mml_status_t read_vec(mml_prep_t *p, uint32_t i, int32_t *v, uint32_t *n) {
    mml__tensor_t t;
    mml_status_t st = mml__prep_input(p, i, &t);
    if (st != MML_OK) {
        return st;
    }
    if (t.dtype != MML_INT32 || t.rank != 1 || t.elems > 8 || (i > 1 && t.elems != *n)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL,
            "begin/end/strides must be int32 vectors of one length, at most 8");
    }
    if (!t.is_constant) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "non-constant begin/end/strides");
    }
    *n = t.elems;
    for (uint32_t k = 0; k < t.elems; k++) {
        v[k] = (int32_t)mml__rd_u32(t.data + 4 * k);
    }
    return MML_OK;
}

mml_status_t mml__prepare_strided_slice(mml_prep_t *p) {
    mml__tensor_t in, out;
    int32_t begin[8], end[8], strides[8];
    uint32_t n = 0;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 4, 4, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 8)) != MML_OK ||
        (st = mml__prep_input(p, 0, &in)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK ||
        (st = read_vec(p, 1, begin, &n)) != MML_OK || (st = read_vec(p, 2, end, &n)) != MML_OK ||
        (st = read_vec(p, 3, strides, &n)) != MML_OK) {
        return st;
    }
    if (in.dtype != out.dtype) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output dtype differs from input");
    }
    if (in.rank > SS_DIMS) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "input rank %u above %u", (uint32_t)in.rank,
            (uint32_t)SS_DIMS);
    }
    uint32_t begin_mask = (uint32_t)mml__opt_i32(p, OPT_BEGIN_MASK, 0);
    uint32_t end_mask = (uint32_t)mml__opt_i32(p, OPT_END_MASK, 0);
    uint32_t ellipsis_mask = (uint32_t)mml__opt_i32(p, OPT_ELLIPSIS_MASK, 0);
    uint32_t new_axis_mask = (uint32_t)mml__opt_i32(p, OPT_NEW_AXIS_MASK, 0);
    uint32_t shrink_mask = (uint32_t)mml__opt_i32(p, OPT_SHRINK_AXIS_MASK, 0);
    int offset = mml__opt_u8(p, OPT_OFFSET, 0) != 0;

    // TFLite's canonical form: expand the ellipsis and the new axes into an effective input
    // shape with one (begin, end, stride, masks) per axis.
    int32_t rank = in.rank, n_spec = (int32_t)n, added = 0;
    for (int32_t i = 0; i < n_spec; i++) {
        added += !(ellipsis_mask >> i & 1) && (new_axis_mask >> i & 1);
    }
    int32_t dims = rank + added;
    if (dims > SS_DIMS) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "more than %u dimensions with new axes",
            (uint32_t)SS_DIMS);
    }
    uint32_t eff_ellipsis = 0, eff_new_axis = 0;
    int32_t ellipsis_start = dims, expanded = 0;
    for (int32_t i = 0; i < dims;) {
        if (ellipsis_mask >> i & 1) {
            int32_t stop = i + 1 + added + rank - n_spec;
            stop = stop < dims ? stop : dims;
            stop = stop > i + 1 ? stop : i + 1;
            ellipsis_start = i;
            expanded = stop - i - 1;
            for (; i < stop; i++) {
                eff_ellipsis |= 1u << i;
            }
            continue;
        }
        if (new_axis_mask >> (i - expanded) & 1) {
            eff_new_axis |= 1u << i;
        }
        i++;
    }
    int32_t shape[SS_DIMS], b[SS_DIMS], e[SS_DIMS], s[SS_DIMS];
    uint32_t bm = 0, em = 0, sm = 0;
    int32_t added_ellipsis = 0, added_axes = 0;
    for (int32_t i = 0; i < dims; i++) {
        int32_t src = i - added_axes; // input dimension behind effective axis i
        b[i] = 0;
        e[i] = 0;
        s[i] = 1;
        if (eff_ellipsis >> i & 1) {
            added_ellipsis = i - ellipsis_start > 0 ? i - ellipsis_start : 0;
            bm |= 1u << i;
            em |= 1u << i;
        } else if (eff_new_axis >> i & 1) {
            e[i] = 1;
            added_axes++;
            shape[i] = 1;
            continue;
        } else if (i >= n_spec + expanded) {
            bm |= 1u << i;
            em |= 1u << i;
        } else {
            int32_t k = i - added_ellipsis;
            if (k < 0 || k >= n_spec) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "masks do not fit the input");
            }
            b[i] = begin[k];
            e[i] = end[k];
            s[i] = strides[k];
            bm |= (begin_mask >> k & 1u) << i;
            em |= (end_mask >> k & 1u) << i;
            sm |= (shrink_mask >> k & 1u) << i;
        }
        if (src < 0 || src >= rank) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "masks do not fit the input");
        }
        shape[i] = in.dims[src];
    }
    if (dims - added_axes != rank) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "masks do not fit the input");
    }
    // Per axis: first index, step and count, as TFLite's StartForAxis/EndForAxis compute them.
    strided_slice_t r;
    memset(&r, 0, sizeof(r));
    int32_t out_dims[SS_DIMS];
    int32_t out_rank = 0;
    int64_t first = 0, stride = 1;
    int64_t in_stride[SS_DIMS];
    for (int32_t i = dims; i-- > 0;) {
        in_stride[i] = stride;
        stride *= shape[i];
    }
    int empty = 0;
    for (int32_t i = 0; i < dims; i++) {
        int32_t size = shape[i], st_i = s[i];
        if (st_i == 0) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "stride 0");
        }
        int64_t start = b[i], stop = e[i];
        if (bm >> i & 1) {
            start = st_i > 0 ? 0 : size - 1;
        } else {
            start = start < 0 ? start + size : start;
            start = st_i > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
        }
        int32_t count;
        if (sm >> i & 1) {
            // One element: begin must name a real index, walked forwards.
            if (start < 0 || start >= size || st_i < 0) {
                return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "shrink axis %d out of range", i);
            }
            count = 1;
        } else {
            if (em >> i & 1) {
                stop = st_i > 0 ? size : -1;
            } else {
                stop = offset ? stop + start : stop;
                stop = stop < 0 ? stop + size : stop;
                stop = st_i > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
            }
            int64_t span = st_i > 0 ? stop - start : start - stop;
            int64_t step = st_i > 0 ? st_i : -(int64_t)st_i;
            count = span > 0 ? (int32_t)((span + step - 1) / step) : 0;
            out_dims[out_rank++] = count;
        }
        empty |= count == 0;
        uint32_t slot = (uint32_t)(SS_DIMS - dims + i);
        r.count[slot] = (uint32_t)count;
        r.step[slot] = (int32_t)(st_i * in_stride[i]);
        if (count > 0) {
            // Every index read lies in [0, size): the clamps above guarantee it; checked anyway.
            int64_t last = start + (int64_t)(count - 1) * st_i;
            if (start < 0 || start >= size || last < 0 || last >= size) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "slice out of range");
            }
            first += start * in_stride[i];
        }
    }
    int ok = out_rank == out.rank;
    for (int32_t i = 0; ok && i < out_rank; i++) {
        ok = out.dims[i] == out_dims[i];
    }
    if (!ok) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output shape does not match the slice");
    }
    for (int32_t i = 0; i < SS_DIMS - dims; i++) {
        r.count[i] = 1;
    }
    if (empty) {
        r.count[0] = 0;
        first = 0;
    }
    p->eval = eval_strided_slice;
    strided_slice_t *d = (strided_slice_t *)mml__prep_persist(p, sizeof(strided_slice_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->input = mml__prep_loc(p, &in);
    d->output = mml__prep_loc(p, &out);
    d->size = mml_dtype_size((mml_dtype_t)in.dtype);
    d->start = (uint32_t)first;
    return MML_OK;
}
#endif // MML_OP_ON(STRIDED_SLICE)
