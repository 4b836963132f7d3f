// SPDX-License-Identifier: MIT
// The data-movement ops' shared copy (SLICE, TILE, BROADCAST_TO, SPACE_TO_DEPTH, DEPTH_TO_SPACE):
// the output, in row-major order, is a strided walk over the input's elements. Also reads the
// small constant int vectors (begin, size, shape, multiples ...) those ops take as inputs, and
// holds the prepare checks SPACE_TO_DEPTH and DEPTH_TO_SPACE share.
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
mml_status_t mml__copy_finish(mml_prep_t *p, const mml__copy_t *c, const mml__tensor_t *in,
    const mml__tensor_t *out, bool safe_inplace);

// Refuses an empty tensor, or one of 2^31 elements or more (the kernels index in int32).
mml_status_t mml__prep_check_elems(mml_prep_t *p, const mml__tensor_t *t);

// Reads constant input i, an int32 or int64 vector (or scalar) of at most max elements, into v
// (int64 values must fit int32); what names it in messages. Sets *n to its length.
// Too long (more than max): refused as invalid.
mml_status_t mml__prep_const_ints(mml_prep_t *p, uint32_t i, const char *what, int32_t *v,
    uint32_t max, uint32_t *n);
// The same for an [n, 2] matrix (paddings, crops): *n is its element count, 2n.
mml_status_t mml__prep_const_pairs(mml_prep_t *p, uint32_t i, const char *what, int32_t *v,
    uint32_t max, uint32_t *n);

// SPACE_TO_DEPTH / DEPTH_TO_SPACE prepare checks: one input, one output of its fixed-size dtype,
// version <= 2, both 4-D; *block is option 0 (block_size), not yet checked.
mml_status_t mml__prep_block_io(mml_prep_t *p, mml__tensor_t *in, mml__tensor_t *out,
    int32_t *block);

#endif // MICROML_NN_KERNELS_COPY_H
