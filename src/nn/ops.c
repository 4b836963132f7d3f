// SPDX-License-Identifier: MIT
// The op table: which prepare function runs each builtin (or custom) operator.
// Adding an op: write src/nn/kernels/<op>.c with its prepare, declare it in nn/ops.h, list it here.
#include <string.h>
#include "nn/kernel.h"
#include "nn/ops.h"

static const mml__kernel_t kernels[] = {
    {MML_OP_FULLY_CONNECTED, NULL, mml__prepare_fully_connected},
    // convolution and pooling
    {MML_OP_CONV_2D, NULL, mml__prepare_conv2d},
    {MML_OP_DEPTHWISE_CONV_2D, NULL, mml__prepare_depthwise_conv2d},
    {MML_OP_TRANSPOSE_CONV, NULL, mml__prepare_transpose_conv},
    {MML_OP_AVERAGE_POOL_2D, NULL, mml__prepare_average_pool2d},
    {MML_OP_MAX_POOL_2D, NULL, mml__prepare_max_pool2d},
    {MML_OP_PAD, NULL, mml__prepare_pad},
    {MML_OP_PADV2, NULL, mml__prepare_pad},
    // elementwise, activations, quantization
    {MML_OP_ADD, NULL, mml__prepare_add},
    {MML_OP_SUB, NULL, mml__prepare_sub},
    {MML_OP_MUL, NULL, mml__prepare_mul},
    {MML_OP_DIV, NULL, mml__prepare_div},
    {MML_OP_MAXIMUM, NULL, mml__prepare_maximum},
    {MML_OP_MINIMUM, NULL, mml__prepare_minimum},
    {MML_OP_SOFTMAX, NULL, mml__prepare_softmax},
    {MML_OP_QUANTIZE, NULL, mml__prepare_quantize},
    {MML_OP_DEQUANTIZE, NULL, mml__prepare_dequantize},
    {MML_OP_RELU, NULL, mml__prepare_relu},
    {MML_OP_RELU6, NULL, mml__prepare_relu6},
    {MML_OP_LOGISTIC, NULL, mml__prepare_logistic},
    {MML_OP_TANH, NULL, mml__prepare_tanh},
    {MML_OP_HARD_SWISH, NULL, mml__prepare_hard_swish},
    {MML_OP_LEAKY_RELU, NULL, mml__prepare_leaky_relu},
    {MML_OP_CAST, NULL, mml__prepare_cast},
    // shapes, data movement, reductions, matmul
    {MML_OP_RESHAPE, NULL, mml__prepare_reshape},
    {MML_OP_SQUEEZE, NULL, mml__prepare_squeeze},
    {MML_OP_EXPAND_DIMS, NULL, mml__prepare_expand_dims},
    {MML_OP_SHAPE, NULL, mml__prepare_shape},
    {MML_OP_CONCATENATION, NULL, mml__prepare_concatenation},
    {MML_OP_STRIDED_SLICE, NULL, mml__prepare_strided_slice},
    {MML_OP_TRANSPOSE, NULL, mml__prepare_transpose},
    {MML_OP_PACK, NULL, mml__prepare_pack},
    {MML_OP_UNPACK, NULL, mml__prepare_unpack},
    {MML_OP_SPLIT, NULL, mml__prepare_split},
    {MML_OP_SPLIT_V, NULL, mml__prepare_split_v},
    {MML_OP_MEAN, NULL, mml__prepare_mean},
    {MML_OP_BATCH_MATMUL, NULL, mml__prepare_batch_matmul},
    // recurrent
    {MML_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, NULL, mml__prepare_unidirectional_sequence_lstm},
    // subgraphs and resource variables
    {MML_OP_CALL_ONCE, NULL, mml__prepare_call_once},
    {MML_OP_VAR_HANDLE, NULL, mml__prepare_var_handle},
    {MML_OP_READ_VARIABLE, NULL, mml__prepare_read_variable},
    {MML_OP_ASSIGN_VARIABLE, NULL, mml__prepare_assign_variable},
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
