// SPDX-License-Identifier: MIT
// Memory planner: tensor lifetimes over the op sequence, in-place reuse, and greedy placement
// of every per-inference buffer in the arena head (largest first, lowest offset that fits).
// Two kinds of reuse beyond disjoint lifetimes:
//  - in place: output 0 of an op that allows it takes input 0's memory (same offset) when input 0
//    dies at that op (RESHAPE, elementwise ops);
//  - overlap: output 0 of a raster-order window op (conv, depthwise, pooling) may start up to
//    overlap_max bytes after (or any distance before) input 0 when input 0 dies at that op: the
//    kernel overwrites only input bytes it will not read again.
#ifndef MICROML_NN_PLANNER_H
#define MICROML_NN_PLANNER_H

#include <stddef.h>
#include <stdint.h>
#include "core/tflite.h"
#include "nn/kernel.h"

enum { MML__BUF_NONE = 0, MML__BUF_ARENA, MML__BUF_CONST, MML__BUF_VARIABLE, MML__BUF_SCRATCH };

// One per tensor, then one per op (its scratch buffer). Lives in the caller's work buffer.
typedef struct mml__plan_entry {
    uint32_t size;   // bytes, aligned
    uint32_t offset; // arena offset once placed
    uint16_t first;  // first op that uses it (0xffff: none)
    uint16_t last;   // last op that uses it
    uint16_t root;   // entry whose memory it shares (itself unless in place)
    uint16_t next;   // placement list link
    uint8_t kind;    // MML__BUF_*
    uint8_t placed;
    uint8_t inplace;     // scratch entries: the op lets output 0 share input 0
    uint8_t overlap;     // scratch entries: the op lets output 0 overlap input 0 (see overlap_max)
    uint16_t partner;    // tensor entries: input it may overlap (NONE: none)
    int32_t overlap_max; // scratch entries: from the op; tensor entries: for partner
    uint8_t is_input;    // model input
    uint8_t is_output;   // model output
} mml__plan_entry_t;

typedef struct {
    const mml_model_t *m;
    mml__plan_entry_t *e;
    uint32_t n;          // entries: n_tensors + n_ops
    uint32_t head_bytes; // result of mml__plan_place
} mml__plan_t;

size_t mml__plan_work_size(uint32_t n_tensors, uint32_t n_ops);
mml_status_t mml__plan_begin(mml__plan_t *plan, const mml_model_t *m, void *work, mml_error_t *err);
// Records op's tensor uses and what its prepare asked for: scratch, in place, overlap.
void mml__plan_op(mml__plan_t *plan, const mml__op_t *op, const mml_prep_t *p);
// Resolves in-place sharing and places every buffer; sets head_bytes.
void mml__plan_place(mml__plan_t *plan);
// After placement: variable tensors get offsets from base, in tensor order.
void mml__plan_assign_variables(mml__plan_entry_t *e, const mml_model_t *m, uint32_t base);
uint32_t mml__plan_variable_bytes(const mml__plan_entry_t *e, const mml_model_t *m);
uint32_t mml__plan_scratch_offset(const mml__plan_entry_t *e, const mml_model_t *m, uint32_t op);
// Arena offset of tensor's memory (following in-place sharing).
uint32_t mml__plan_tensor_offset(const mml__plan_entry_t *e, uint32_t tensor);

#endif // MICROML_NN_PLANNER_H
