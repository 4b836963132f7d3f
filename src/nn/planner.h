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

// STATE: an op entry for state kept across invocations (a resource variable, at its first
// VAR_HANDLE; a CALL_ONCE flag; a stateful op's own state, mml__prep_state), placed with the
// variable tensors and reset to its fill byte.
enum {
    MML__BUF_NONE = 0,
    MML__BUF_ARENA,
    MML__BUF_CONST,
    MML__BUF_VARIABLE,
    MML__BUF_SCRATCH,
    MML__BUF_STATE
};

// One per tensor, then one per op (its scratch buffer), over every subgraph (global indices).
// Lives in the caller's work buffer. Lifetimes are in time steps: ops run in the order of the
// timeline, where a subgraph that CALL_ONCE runs sits just before the CALL_ONCE.
typedef struct mml__plan_entry {
    uint32_t size;   // bytes, aligned (STATE: exact bytes)
    uint32_t offset; // arena offset once placed
    uint16_t first;  // first time step that uses it (0xffff: none)
    uint16_t last;   // last time step that uses it
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
    uint8_t fill;        // STATE entries: byte the state is reset to
    uint16_t time;       // op entries: the op's time step
    uint16_t var;        // tensor entries of resources: 1 + the op entry of their variable
} mml__plan_entry_t;

typedef struct {
    const mml_model_t *m;
    mml__plan_entry_t *e;
    uint32_t n;          // entries: n_tensors_all + n_ops_all
    uint32_t head_bytes; // result of mml__plan_place
    uint32_t steps;      // time steps of subgraph 0 and the subgraphs it runs
    uint32_t n_resource_variables;
} mml__plan_t;

size_t mml__plan_work_size(uint32_t n_tensors, uint32_t n_ops);
mml_status_t mml__plan_begin(mml__plan_t *plan, const mml_model_t *m, void *work, mml_error_t *err);
// Records op's tensor uses and what its prepare asked for: scratch, in place, overlap.
void mml__plan_op(mml__plan_t *plan, const mml__op_t *op, const mml_prep_t *p);
// Resolves in-place sharing and places every buffer; sets head_bytes.
void mml__plan_place(mml__plan_t *plan);
// Orders the ops of every subgraph in time (plan->e[].time, plan->steps): subgraph 0's ops, each
// subgraph a CALL_ONCE runs laid out just before that CALL_ONCE; then the subgraphs nothing runs.
// Fails on a subgraph run twice or by itself (subgraph.c).
mml_status_t mml__plan_timeline(mml__plan_t *plan, mml_error_t *err);
// Resolves resource variables: each VAR_HANDLE's variable (by container and shared name), the
// variable's bytes and fill byte from its first ASSIGN_VARIABLE; makes STATE entries for the
// variables and CALL_ONCE flags (subgraph.c).
mml_status_t mml__plan_resources(mml__plan_t *plan, mml_error_t *err);
// After placement: variable tensors get offsets from base, in tensor order, then STATE entries.
void mml__plan_assign_variables(mml__plan_entry_t *e, const mml_model_t *m, uint32_t base);
uint32_t mml__plan_variable_bytes(const mml__plan_entry_t *e, const mml_model_t *m);
// The op entry (a STATE entry) of the resource variable a RESOURCE tensor names, or 0 if none.
uint32_t mml__plan_variable_of(const mml__plan_entry_t *e, const mml_model_t *m, uint32_t tensor);
// Number of STATE entries (resource variables, CALL_ONCE flags, ops' own state).
uint32_t mml__plan_state_items(const mml__plan_entry_t *e, const mml_model_t *m);
uint32_t mml__plan_scratch_offset(const mml__plan_entry_t *e, const mml_model_t *m, uint32_t op);
// Arena offset of tensor's memory (following in-place sharing).
uint32_t mml__plan_tensor_offset(const mml__plan_entry_t *e, uint32_t tensor);

#endif // MICROML_NN_PLANNER_H
