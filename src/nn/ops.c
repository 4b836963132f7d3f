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
    // math, comparison, logical and selection ops
    {MML_OP_PRELU, NULL, mml__prepare_prelu},
    {MML_OP_SQUARED_DIFFERENCE, NULL, mml__prepare_squared_difference},
    {MML_OP_RSQRT, NULL, mml__prepare_rsqrt},
    {MML_OP_EQUAL, NULL, mml__prepare_equal},
    {MML_OP_NOT_EQUAL, NULL, mml__prepare_not_equal},
    {MML_OP_LESS, NULL, mml__prepare_less},
    {MML_OP_LESS_EQUAL, NULL, mml__prepare_less_equal},
    {MML_OP_GREATER, NULL, mml__prepare_greater},
    {MML_OP_GREATER_EQUAL, NULL, mml__prepare_greater_equal},
    {MML_OP_LOGICAL_AND, NULL, mml__prepare_logical_and},
    {MML_OP_LOGICAL_OR, NULL, mml__prepare_logical_or},
    {MML_OP_LOGICAL_NOT, NULL, mml__prepare_logical_not},
    {MML_OP_SELECT_V2, NULL, mml__prepare_select_v2},
    {MML_OP_EXP, NULL, mml__prepare_exp},
    {MML_OP_LOG, NULL, mml__prepare_log},
    {MML_OP_ABS, NULL, mml__prepare_abs},
    {MML_OP_SQRT, NULL, mml__prepare_sqrt},
    {MML_OP_NEG, NULL, mml__prepare_neg},
    {MML_OP_FLOOR, NULL, mml__prepare_floor},
    {MML_OP_SQUARE, NULL, mml__prepare_square},
    {MML_OP_ZEROS_LIKE, NULL, mml__prepare_zeros_like},
    {MML_OP_FILL, NULL, mml__prepare_fill},
    {MML_OP_L2_NORMALIZATION, NULL, mml__prepare_l2_normalization},
    {MML_OP_ELU, NULL, mml__prepare_elu},
    {MML_OP_LOG_SOFTMAX, NULL, mml__prepare_log_softmax},
    {MML_OP_GELU, NULL, mml__prepare_gelu},
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
    {MML_OP_SLICE, NULL, mml__prepare_slice},
    {MML_OP_TILE, NULL, mml__prepare_tile},
    {MML_OP_BROADCAST_TO, NULL, mml__prepare_broadcast_to},
    {MML_OP_SPACE_TO_DEPTH, NULL, mml__prepare_space_to_depth},
    {MML_OP_DEPTH_TO_SPACE, NULL, mml__prepare_depth_to_space},
    {MML_OP_GATHER, NULL, mml__prepare_gather},
    {MML_OP_BATCH_TO_SPACE_ND, NULL, mml__prepare_batch_to_space_nd},
    {MML_OP_SPACE_TO_BATCH_ND, NULL, mml__prepare_space_to_batch_nd},
    {MML_OP_RESIZE_BILINEAR, NULL, mml__prepare_resize_bilinear},
    {MML_OP_RESIZE_NEAREST_NEIGHBOR, NULL, mml__prepare_resize_nearest_neighbor},
    {MML_OP_ARG_MAX, NULL, mml__prepare_arg_max},
    {MML_OP_ARG_MIN, NULL, mml__prepare_arg_min},
    {MML_OP_MEAN, NULL, mml__prepare_mean},
    {MML_OP_SUM, NULL, mml__prepare_sum},
    {MML_OP_REDUCE_MAX, NULL, mml__prepare_reduce_max},
    {MML_OP_REDUCE_MIN, NULL, mml__prepare_reduce_min},
    {MML_OP_BATCH_MATMUL, NULL, mml__prepare_batch_matmul},
    // recurrent
    {MML_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, NULL, mml__prepare_unidirectional_sequence_lstm},
    // subgraphs and resource variables
    {MML_OP_CALL_ONCE, NULL, mml__prepare_call_once},
    {MML_OP_VAR_HANDLE, NULL, mml__prepare_var_handle},
    {MML_OP_READ_VARIABLE, NULL, mml__prepare_read_variable},
    {MML_OP_ASSIGN_VARIABLE, NULL, mml__prepare_assign_variable},
    {MML_OP_SVDF, NULL, mml__prepare_svdf},
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
