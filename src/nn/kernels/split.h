// SPDX-License-Identifier: MIT
// The copy loop of SPLIT (split.c), shared with UNPACK: an unpack is a split into slices of 1
// along the axis, which the outputs then drop; and the axis reader SPLIT shares with SPLIT_V.
#ifndef MICROML_NN_KERNELS_SPLIT_H
#define MICROML_NN_KERNELS_SPLIT_H

#include "nn/kernel.h"

// Ends the prepare of an op that cuts in along axis into outputs 0..n-1 of part slices each, in
// order (the caller has checked the outputs): sets p->eval and, in FILL mode, fills the record.
MML__PREPARE mml_status_t mml__split_finish(mml_prep_t *p, const mml__tensor_t *in, int32_t axis,
    uint32_t part, uint32_t n);

// Reads the constant axis of SPLIT / SPLIT_V (one int32; negative counts from in's rank) into
// *axis, in [0, in->rank).
MML__PREPARE mml_status_t mml__split_axis(mml_prep_t *p, const mml__tensor_t *axis_t,
    const mml__tensor_t *in, int32_t *axis);

#endif // MICROML_NN_KERNELS_SPLIT_H
