// SPDX-License-Identifier: MIT
// The data-movement ops' shared copy (SLICE, TILE, BROADCAST_TO, SPACE_TO_DEPTH, DEPTH_TO_SPACE):
// the output, in row-major order, is a strided walk over the input's elements. Also reads the
// small constant int vectors (begin, size, shape, multiples ...) those ops take as inputs, and
// holds the prepare checks the block rearrangements (SPACE_TO_DEPTH, DEPTH_TO_SPACE,
// BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND) share.
#ifndef MICROML_NN_KERNELS_COPY_H
#define MICROML_NN_KERNELS_COPY_H

#include "nn/kernel.h"

// TILE walks (tile, element) per input dimension: twice the rank.
#define MML_COPY_DIMS (2 * MML_MAX_DIMS)

// Output element (i_0, ..., i_{rank-1}) (row-major, dims[] outermost first) is input element
// base + sum(i_k * step[k]). Built by mml__copy_init, which drops extents of 1 and merges
// dimensions the input walks contiguously, so a plain copy is one memcpy.
typedef struct {
    uint32_t input, output;
    uint32_t rank, size;          // size: bytes per element
    uint32_t base;                // input element of output element 0
    uint32_t dims[MML_COPY_DIMS]; // output extents, each >= 2 (rank 0: one element)
    int32_t step[MML_COPY_DIMS];  // input element step per output dimension (0: repeat)
} mml__copy_t;

// Fills c (all but input/output) from a walk of rank dimensions (rank <= MML_COPY_DIMS).
void mml__copy_init(mml__copy_t *c, uint32_t rank, const uint32_t *dims, const int32_t *step,
    uint32_t base, uint32_t size);
// The eval of every op built on it: data is an mml__copy_t.
mml_status_t mml__copy_eval(const mml_eval_ctx_t *ctx, void *data);
// Allocates the record, copies c into it with the tensor locations (FILL mode) and sets the
// eval; in place of or below its input when safe_inplace (the walk never reads an input element
// before the output element at the same position is written: slices).
MML__PREPARE mml_status_t mml__copy_finish(mml_prep_t *p, const mml__copy_t *c,
    const mml__tensor_t *in, const mml__tensor_t *out, bool safe_inplace);

// Refuses an empty tensor, or one of 2^31 elements or more (the kernels index in int32).
MML__PREPARE mml_status_t mml__prep_check_elems(mml_prep_t *p, const mml__tensor_t *t);

// Reads constant input i, an int32 or int64 vector (or scalar) of at most max elements, into v
// (int64 values must fit int32); what names it in messages. Sets *n to its length.
// Too long (more than max): refused as invalid.
MML__PREPARE mml_status_t mml__prep_const_ints(mml_prep_t *p, uint32_t i, const char *what,
    int32_t *v, uint32_t max, uint32_t *n);
// The same for an [n, 2] matrix (paddings, crops): *n is its element count, 2n.
MML__PREPARE mml_status_t mml__prep_const_pairs(mml_prep_t *p, uint32_t i, const char *what,
    int32_t *v, uint32_t max, uint32_t *n);

// The prepare head of an op taking (data, constant int vector) to one output (TILE,
// BROADCAST_TO, ARG_MAX, ARG_MIN): 2 inputs and 1 output, version <= max_version, in and out
// neither empty nor too large (mml__prep_check_elems), input 1 read by mml__prep_const_ints.
MML__PREPARE mml_status_t mml__prep_in_ints_out(mml_prep_t *p, int32_t max_version,
    mml__tensor_t *in, mml__tensor_t *out, const char *what, int32_t *v, uint32_t max, uint32_t *n);

// SPACE_TO_DEPTH / DEPTH_TO_SPACE prepare checks: one input, one output of its fixed-size dtype,
// version <= 2, both 4-D; *block is option 0 (block_size), not yet checked.
MML__PREPARE mml_status_t mml__prep_block_io(mml_prep_t *p, mml__tensor_t *in, mml__tensor_t *out,
    int32_t *block);

// The record of BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND: [b, h, w, pixel] input and output (a
// 3-D [N,H,C] tensor has w = 1), the block shape and the top/left crops or paddings.
typedef struct {
    uint32_t input, output, size; // size: bytes per pixel (depth x element size)
    int32_t in_b, in_h, in_w;
    int32_t out_b, out_h, out_w;
    int32_t bh, bw, top, left;
} mml__batch_space_t;

// Their shared prepare: inputs (data, constant block_shape, constant [spatial, 2] matrix named
// what: "crops" or "paddings"), equal fixed-size dtypes, 3-D or 4-D, one block value and one
// pair per spatial dimension. Fills g (all but input/output; block and edges not yet checked),
// and the bottom and right edges.
MML__PREPARE mml_status_t mml__prep_batch_space(mml_prep_t *p, const char *what, mml__tensor_t *in,
    mml__tensor_t *out, mml__batch_space_t *g, int32_t *bottom, int32_t *right);

#endif // MICROML_NN_KERNELS_COPY_H
