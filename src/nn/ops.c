// The op table: which prepare function runs each builtin (or custom) operator, built from the
// op list (nn/op_list.h); an op switched off (MML_OP_ON, mml_config.h) keeps its row with no
// prepare, so that it is refused by name. Adding an op: see nn/op_list.h.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"

// MML__OPS_IF(on, fn): fn if on is the token 1, NULL if 0.
#define MML__OPS_IF(on, fn) MML__OPS_IF_(on, fn)
#define MML__OPS_IF_(on, fn) MML__OPS_IF_##on(fn)
#define MML__OPS_IF_1(fn) fn
#define MML__OPS_IF_0(fn) NULL

static const mml__kernel_t kernels[] = {
#define MML_OP(NAME, prepare) {MML_OP_##NAME, NULL, MML__OPS_IF(MML_OP_ON(NAME), prepare)},
#define MML_CUSTOM_OP(NAME, code, prepare)                                                         \
    {MML_OP_CUSTOM, code, MML__OPS_IF(MML_OP_ON(NAME), prepare)},
#include "nn/op_list.h"
#undef MML_OP
#undef MML_CUSTOM_OP
};

const mml__kernel_t *mml__kernel_find(const mml__op_t *op) {
    for (uint32_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
        const mml__kernel_t *k = &kernels[i];
        if (k->builtin_code != op->builtin_code) {
            continue;
        }
        if (k->builtin_code != MML_OP_CUSTOM ||
            (op->custom_name && strcmp(k->custom_name, op->custom_name) == 0)) {
            return k;
        }
    }
    return NULL;
}
