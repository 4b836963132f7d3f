// SPDX-License-Identifier: MIT
// Prepare functions of every kernel in src/nn/kernels/ (one op per file).
#ifndef MICROML_NN_OPS_H
#define MICROML_NN_OPS_H

#include "nn/kernel.h"

MML__PREPARE mml_status_t mml__prepare_fully_connected(mml_prep_t *p);
// convolution and pooling
MML__PREPARE mml_status_t mml__prepare_conv2d(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_depthwise_conv2d(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_transpose_conv(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_average_pool2d(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_max_pool2d(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_pad(mml_prep_t *p); // PAD and PADV2
// elementwise, activations, quantization
MML__PREPARE mml_status_t mml__prepare_add(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_sub(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_mul(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_div(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_maximum(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_minimum(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_softmax(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_quantize(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_dequantize(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_relu(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_relu6(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_logistic(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_tanh(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_hard_swish(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_leaky_relu(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_cast(mml_prep_t *p);
// math, comparison, logical and selection ops
MML__PREPARE mml_status_t mml__prepare_prelu(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_squared_difference(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_rsqrt(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_equal(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_not_equal(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_less(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_less_equal(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_greater(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_greater_equal(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_logical_and(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_logical_or(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_logical_not(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_select_v2(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_exp(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_log(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_abs(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_sqrt(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_neg(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_floor(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_square(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_zeros_like(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_fill(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_l2_normalization(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_elu(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_log_softmax(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_gelu(mml_prep_t *p);
// shapes, data movement, reductions, matmul
MML__PREPARE mml_status_t mml__prepare_reshape(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_squeeze(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_expand_dims(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_shape(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_concatenation(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_strided_slice(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_transpose(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_pack(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_unpack(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_split(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_split_v(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_slice(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_tile(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_broadcast_to(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_space_to_depth(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_depth_to_space(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_gather(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_batch_to_space_nd(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_space_to_batch_nd(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_resize_bilinear(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_resize_nearest_neighbor(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_arg_max(mml_prep_t *p); // ARG_MAX and ARG_MIN: arg_min_max.c
MML__PREPARE mml_status_t mml__prepare_arg_min(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_mean(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_sum(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_reduce_max(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_reduce_min(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_batch_matmul(mml_prep_t *p);
// RESHAPE's prepare tail, shared by SQUEEZE and EXPAND_DIMS: same dtype and bytes, in place.
MML__PREPARE mml_status_t mml__prepare_same_bytes(mml_prep_t *p, const mml__tensor_t *in,
    const mml__tensor_t *out);
// recurrent
MML__PREPARE mml_status_t mml__prepare_unidirectional_sequence_lstm(mml_prep_t *p);
// subgraphs and resource variables
MML__PREPARE mml_status_t mml__prepare_call_once(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_var_handle(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_read_variable(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_assign_variable(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_svdf(mml_prep_t *p);

// TFLite Micro's signal library (custom ops)
MML__PREPARE mml_status_t mml__prepare_signal_window(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_fft_auto_scale(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_rfft(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_irfft(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_energy(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_filter_bank(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_filter_bank_square_root(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_filter_bank_spectral_subtraction(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_pcan(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_filter_bank_log(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_framer(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_stacker(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_delay(mml_prep_t *p);
MML__PREPARE mml_status_t mml__prepare_signal_overlap_add(mml_prep_t *p);

// Dtype paths (MML_OP_DTYPE lines of nn/op_list.h): evals that a build for some models links
// only if one of their operators takes that path.
mml_status_t mml__fully_connected_eval_s8ref(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__fully_connected_eval_s16(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__fully_connected_eval_f32(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__fully_connected_eval_hybrid(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__conv2d_eval_s8ref(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__conv2d_eval_s16(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__conv2d_eval_f32(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__conv2d_eval_hybrid(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__depthwise_conv2d_eval_s8ref(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__depthwise_conv2d_eval_s16(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__depthwise_conv2d_eval_f32(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__average_pool2d_eval_s16(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__average_pool2d_eval_f32(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__max_pool2d_eval_s16(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__max_pool2d_eval_f32(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__softmax_eval_s16(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__softmax_eval_f32(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__unidirectional_sequence_lstm_eval_s8ref(const mml_eval_ctx_t *ctx, void *data);
mml_status_t mml__unidirectional_sequence_lstm_eval_f32(const mml_eval_ctx_t *ctx, void *data);

#endif // MICROML_NN_OPS_H
