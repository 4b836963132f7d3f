// SPDX-License-Identifier: MIT
// BATCH_MATMUL: out[b] = op(lhs[b]) x op(rhs[b]) with op = transpose when adj_x / adj_y, batch
// dimensions (up to 3) broadcast. float32, int8 and int16 (per-tensor), as TFLite Micro's
// reference.
#include "nn/kernel.h"
#include "nn/ops.h"
#if MML_OP_ON(BATCH_MATMUL)

enum { OPT_ADJ_X = 0, OPT_ADJ_Y = 1 };

#define BMM_BATCH (3)

typedef struct {
    uint32_t lhs, rhs, output;
    uint32_t batch[BMM_BATCH];                               // output batch dimensions
    uint32_t lhs_bstride[BMM_BATCH], rhs_bstride[BMM_BATCH]; // 0 where broadcast
    uint32_t rows, cols, depth;
    uint32_t lhs_si, lhs_sk, rhs_sk, rhs_sj; // element strides of lhs(i,k), rhs(k,j)
    int32_t lhs_offset, rhs_offset, out_offset, mult, shift;
} bmm_t;

// Loops over batches and output elements; ACC(l, r) accumulates one product from lhs/rhs
// element offsets l and r, STORE(o) writes output element o.
#define BMM_LOOP(d, INIT, ACC, STORE)                                                              \
    do {                                                                                           \
        uint32_t o = 0;                                                                            \
        for (uint32_t b0 = 0; b0 < (d)->batch[0]; b0++) {                                          \
            for (uint32_t b1 = 0; b1 < (d)->batch[1]; b1++) {                                      \
                for (uint32_t b2 = 0; b2 < (d)->batch[2]; b2++) {                                  \
                    uint32_t lb = b0 * (d)->lhs_bstride[0] + b1 * (d)->lhs_bstride[1] +            \
                        b2 * (d)->lhs_bstride[2];                                                  \
                    uint32_t rb = b0 * (d)->rhs_bstride[0] + b1 * (d)->rhs_bstride[1] +            \
                        b2 * (d)->rhs_bstride[2];                                                  \
                    for (uint32_t i = 0; i < (d)->rows; i++) {                                     \
                        for (uint32_t j = 0; j < (d)->cols; j++, o++) {                            \
                            INIT;                                                                  \
                            uint32_t l = lb + i * (d)->lhs_si, r = rb + j * (d)->rhs_sj;           \
                            for (uint32_t k = 0; k < (d)->depth; k++) {                            \
                                ACC(l, r);                                                         \
                                l += (d)->lhs_sk;                                                  \
                                r += (d)->rhs_sk;                                                  \
                            }                                                                      \
                            STORE(o);                                                              \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static mml_status_t eval_f32(const mml_eval_ctx_t *ctx, void *data) {
    const bmm_t *d = (const bmm_t *)data;
    const float *lhs = (const float *)mml__ptr(ctx, d->lhs);
    const float *rhs = (const float *)mml__ptr(ctx, d->rhs);
    float *out = (float *)mml__ptr(ctx, d->output);
#define F_ACC(l, r) acc += lhs[l] * rhs[r]
#define F_STORE(o) out[o] = acc
    BMM_LOOP(d, float acc = 0.0f, F_ACC, F_STORE);
    return MML_OK;
}

static mml_status_t eval_s8(const mml_eval_ctx_t *ctx, void *data) {
    const bmm_t *d = (const bmm_t *)data;
    const int8_t *lhs = (const int8_t *)mml__ptr(ctx, d->lhs);
    const int8_t *rhs = (const int8_t *)mml__ptr(ctx, d->rhs);
    int8_t *out = (int8_t *)mml__ptr(ctx, d->output);
#define S8_ACC(l, r) acc += ((int32_t)lhs[l] + d->lhs_offset) * ((int32_t)rhs[r] + d->rhs_offset)
#define S8_STORE(o)                                                                                \
    do {                                                                                           \
        int32_t v = mml__mul_by_qm(acc, d->mult, d->shift) + d->out_offset;                        \
        out[o] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);                                    \
    } while (0)
    BMM_LOOP(d, int32_t acc = 0, S8_ACC, S8_STORE);
    return MML_OK;
}

static mml_status_t eval_s16(const mml_eval_ctx_t *ctx, void *data) {
    const bmm_t *d = (const bmm_t *)data;
    const int16_t *lhs = (const int16_t *)mml__ptr(ctx, d->lhs);
    const int16_t *rhs = (const int16_t *)mml__ptr(ctx, d->rhs);
    int16_t *out = (int16_t *)mml__ptr(ctx, d->output);
#define S16_ACC(l, r) acc += (int64_t)lhs[l] * (int64_t)rhs[r]
#define S16_STORE(o)                                                                               \
    do {                                                                                           \
        int32_t v = mml__mul_by_qm64(acc, d->mult, d->shift);                                      \
        out[o] = (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);                           \
    } while (0)
    BMM_LOOP(d, int64_t acc = 0, S16_ACC, S16_STORE);
    return MML_OK;
}

mml_status_t mml__prepare_batch_matmul(mml_prep_t *p) {
    mml__tensor_t lhs, rhs, out;
    mml_status_t st;
    if ((st = mml__prep_check_io(p, 2, 2, 1)) != MML_OK ||
        (st = mml__prep_check_version(p, 4)) != MML_OK ||
        (st = mml__prep_input(p, 0, &lhs)) != MML_OK ||
        (st = mml__prep_input(p, 1, &rhs)) != MML_OK ||
        (st = mml__prep_output(p, 0, &out)) != MML_OK) {
        return st;
    }
    if (lhs.dtype != rhs.dtype || lhs.dtype != out.dtype) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "mixed dtypes unsupported");
    }
    if (lhs.rank < 2 || lhs.rank > 5 || rhs.rank < 2 || rhs.rank > 5) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "ranks must be 2 to 5");
    }
    int adj_x = mml__opt_u8(p, OPT_ADJ_X, 0) != 0, adj_y = mml__opt_u8(p, OPT_ADJ_Y, 0) != 0;
    // Both shapes extended to 5-D with leading 1s: 3 batch dimensions, then the matrix.
    uint32_t ld[5], rd[5];
    for (int32_t i = 0; i < 5; i++) {
        int32_t li = i - (5 - lhs.rank), ri = i - (5 - rhs.rank);
        ld[i] = li >= 0 ? (uint32_t)lhs.dims[li] : 1;
        rd[i] = ri >= 0 ? (uint32_t)rhs.dims[ri] : 1;
    }
    uint32_t rows = adj_x ? ld[4] : ld[3], depth = adj_x ? ld[3] : ld[4];
    uint32_t cols = adj_y ? rd[3] : rd[4], rdepth = adj_y ? rd[4] : rd[3];
    if (depth != rdepth) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "inner dimensions %u and %u differ", depth,
            rdepth);
    }
    bmm_t r = {0};
    uint64_t n_out = (uint64_t)rows * cols;
    uint32_t lstride = ld[3] * ld[4], rstride = rd[3] * rd[4];
    for (int32_t i = BMM_BATCH; i-- > 0;) {
        if (ld[i] != rd[i] && ld[i] != 1 && rd[i] != 1) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "batch dimensions do not broadcast");
        }
        r.batch[i] = ld[i] > rd[i] ? ld[i] : rd[i];
        r.lhs_bstride[i] = ld[i] == 1 ? 0 : lstride;
        r.rhs_bstride[i] = rd[i] == 1 ? 0 : rstride;
        lstride *= ld[i];
        rstride *= rd[i];
        n_out *= r.batch[i];
    }
    if (n_out != out.elems) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "output has %u elements, expected %u",
            out.elems, (uint32_t)n_out);
    }
    r.rows = rows;
    r.cols = cols;
    r.depth = depth;
    r.lhs_si = adj_x ? 1 : depth;
    r.lhs_sk = adj_x ? rows : 1;
    r.rhs_sk = adj_y ? 1 : cols;
    r.rhs_sj = adj_y ? depth : 1;
    if (lhs.dtype == MML_INT8 || lhs.dtype == MML_INT16) {
        if (lhs.scales.n != 1 || rhs.scales.n != 1 || out.scales.n != 1) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "only per-tensor quantization");
        }
        double real = (double)mml__tensor_scale(p->m, &lhs, 0) *
            (double)mml__tensor_scale(p->m, &rhs, 0) / (double)mml__tensor_scale(p->m, &out, 0);
        if (!(real >= 0.0)) {
            return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "invalid scales");
        }
        mml__quantize_multiplier(real, &r.mult, &r.shift);
        r.lhs_offset = -mml__tensor_zero_point(p->m, &lhs, 0);
        r.rhs_offset = -mml__tensor_zero_point(p->m, &rhs, 0);
        r.out_offset = mml__tensor_zero_point(p->m, &out, 0);
        // Keep the accumulators exact: int32 for int8, the int64 rescale's range for int16.
        if (depth > (lhs.dtype == MML_INT8 ? 32768u : 65536u)) {
            return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "depth %u too large", depth);
        }
        if (lhs.dtype == MML_INT16) {
            if (r.lhs_offset != 0 || r.rhs_offset != 0 || r.out_offset != 0) {
                return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "int16 zero points must be 0");
            }
            if (r.shift > 7) {
                return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "scale ratio too large");
            }
            p->eval = eval_s16;
        } else {
            p->eval = eval_s8;
        }
    } else if (lhs.dtype == MML_FLOAT32) {
        p->eval = eval_f32;
    } else {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "dtype %s unsupported",
            mml_dtype_name((mml_dtype_t)lhs.dtype));
    }
    p->macs = n_out * depth;
    bmm_t *d = (bmm_t *)mml__prep_persist(p, sizeof(bmm_t));
    if (!d) {
        return MML_OK;
    }
    *d = r;
    d->lhs = mml__prep_loc(p, &lhs);
    d->rhs = mml__prep_loc(p, &rhs);
    d->output = mml__prep_loc(p, &out);
    return MML_OK;
}
#endif // MML_OP_ON(BATCH_MATMUL)
