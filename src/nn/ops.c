// SPDX-License-Identifier: MIT
// The op table: which prepare function runs each builtin (or custom) operator.
// Adding an op: write src/nn/kernels/<op>.c with its prepare, declare it in nn/ops.h, list it here.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"

static const mml__kernel_t kernels[] = {
    {MML_OP_FULLY_CONNECTED, NULL, mml__prepare_fully_connected},
    // convolution and pooling
    // elementwise, activations, quantization
    // shapes, data movement, reductions, matmul
    // recurrent
    {MML_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, NULL, mml__prepare_unidirectional_sequence_lstm},
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
