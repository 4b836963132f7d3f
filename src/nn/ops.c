// SPDX-License-Identifier: MIT
// The op table: which prepare function runs each builtin (or custom) operator, built from the
// op list (nn/op_list.h); an op switched off (MML_OP_ON, mml_config.h) is listed by its code
// (builtin) or name (custom) only, so that it is refused by name; and the table of dtype paths
// (MML_OP_DTYPE lines), so that a build links only the paths its models use. Adding an op: see
// nn/op_list.h.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"

// MML__OPS_IF(on, ...): the arguments if on is the token 1, nothing if 0.
#define MML__OPS_IF(on, ...) MML__OPS_IF_(on, __VA_ARGS__)
#define MML__OPS_IF_(on, ...) MML__OPS_IF_##on(__VA_ARGS__)
#define MML__OPS_IF_1(...) __VA_ARGS__
#define MML__OPS_IF_0(...)
#define MML__OPS_NOT(on) MML__OPS_NOT_(on)
#define MML__OPS_NOT_(on) MML__OPS_NOT_##on
#define MML__OPS_NOT_1 0
#define MML__OPS_NOT_0 1

// The ops in this build. The last row (code -1) ends the list, which is never empty.
static const mml__kernel_t kernels[] = {
#define MML_OP(NAME, prepare) MML__OPS_IF(MML_OP_ON(NAME), {MML_OP_##NAME, NULL, prepare}, )
#define MML_CUSTOM_OP(NAME, code, prepare)                                                         \
    MML__OPS_IF(MML_OP_ON(NAME), {MML_OP_CUSTOM, code, prepare}, )
#define MML_OP_DTYPE(NAME, PATH, eval)
#include "nn/op_list.h"
#undef MML_OP
#undef MML_CUSTOM_OP
#undef MML_OP_DTYPE
    {-1, NULL, NULL},
};

// The builtin ops switched off: one byte each (every builtin code is below 256, checked here).
static const uint8_t off_builtins[] = {
#define MML_OP(NAME, prepare) MML__OPS_IF(MML__OPS_NOT(MML_OP_ON(NAME)), MML_OP_##NAME, )
#define MML_CUSTOM_OP(NAME, code, prepare)
#define MML_OP_DTYPE(NAME, PATH, eval)
#include "nn/op_list.h"
#undef MML_OP
#undef MML_CUSTOM_OP
#undef MML_OP_DTYPE
    MML_OP_CUSTOM, // ends the list (never a builtin to refuse: custom ops are named below)
};
typedef char mml__ops_codes_fit_a_byte[MML_OP_COUNT <= 256 ? 1 : -1];

// The custom codes of the custom ops switched off, one after the other, each ending with NUL.
static const char off_customs[] =
#define MML_OP(NAME, prepare)
#define MML_CUSTOM_OP(NAME, code, prepare) MML__OPS_IF(MML__OPS_NOT(MML_OP_ON(NAME)), code "\0")
#define MML_OP_DTYPE(NAME, PATH, eval)
#include "nn/op_list.h"
#undef MML_OP
#undef MML_CUSTOM_OP
#undef MML_OP_DTYPE
    ""; // the extra NUL that ends the list

// The dtype paths in this build (MML_DTYPE_ON), ended by a row with code -1.
static const mml__dtype_eval_t dtype_evals[] = {
#define MML_OP(NAME, prepare)
#define MML_CUSTOM_OP(NAME, code, prepare)
#define MML_OP_DTYPE(NAME, PATH, eval)                                                             \
    MML__OPS_IF(MML_DTYPE_ON(NAME, PATH), {MML_OP_##NAME, MML_DTYPE_PATH_##PATH, eval}, )
#include "nn/op_list.h"
#undef MML_OP
#undef MML_CUSTOM_OP
#undef MML_OP_DTYPE
    {-1, 0, NULL},
};

// 1 if op is one of the ops switched off in this build.
static bool switched_off(const mml__op_t *op) {
    bool off = false;
    if (op->builtin_code != MML_OP_CUSTOM) {
        for (const uint8_t *c = off_builtins; *c != MML_OP_CUSTOM && !off; c++) {
            off = *c == op->builtin_code;
        }
    } else if (op->custom_name) {
        for (const char *s = off_customs; *s && !off; s += strlen(s) + 1) {
            off = strcmp(s, op->custom_name) == 0;
        }
    }
    return off;
}

mml__prepare_fn mml__kernel_find(const mml__op_t *op, bool *listed) {
    for (const mml__kernel_t *k = kernels; k->builtin_code >= 0; k++) {
        if (k->builtin_code == op->builtin_code &&
            (k->builtin_code != MML_OP_CUSTOM ||
                (op->custom_name && strcmp(k->custom_name, op->custom_name) == 0))) {
            *listed = true;
            return k->prepare;
        }
    }
    // Only the message tells an op switched off from one no build has: a build without message
    // text (MML_ERROR_TEXT = 0) leaves the lists of switched-off ops out.
    *listed = MML_ERROR_TEXT && switched_off(op);
    return NULL;
}

mml__eval_fn mml__kernel_dtype_eval(int32_t builtin_code, uint8_t path) {
    for (const mml__dtype_eval_t *e = dtype_evals; e->builtin_code >= 0; e++) {
        if (e->builtin_code == builtin_code && e->path == path) {
            return e->eval;
        }
    }
    return NULL;
}
