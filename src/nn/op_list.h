// SPDX-License-Identifier: MIT
// The op list: one line per operator the engine has a kernel for, included by nn/ops.c (the op
// table) with MML_OP / MML_CUSTOM_OP defined. No include guard: it is an X-macro list.
//   MML_OP(NAME, prepare)                 builtin op MML_OP_<NAME> (core/builtin_ops.h)
//   MML_CUSTOM_OP(NAME, "code", prepare)  custom op with that custom code; NAME is the code in
//                                         capitals, non-alphanumerics as _ (its switch name)
// Each op is a build switch, MML_OP_ON(NAME) (include/microml/mml_config.h): an op that is off
// keeps its line (its name is refused as "not in this build") and its kernel file compiles to
// nothing. Adding an op is one line here (see docs/adding-an-op.md).
MML_OP(FULLY_CONNECTED, mml__prepare_fully_connected)
// convolution and pooling
MML_OP(CONV_2D, mml__prepare_conv2d)
MML_OP(DEPTHWISE_CONV_2D, mml__prepare_depthwise_conv2d)
MML_OP(AVERAGE_POOL_2D, mml__prepare_average_pool2d)
MML_OP(MAX_POOL_2D, mml__prepare_max_pool2d)
MML_OP(PAD, mml__prepare_pad)
MML_OP(PADV2, mml__prepare_pad)
// elementwise, activations, quantization
MML_OP(ADD, mml__prepare_add)
MML_OP(SUB, mml__prepare_sub)
MML_OP(MUL, mml__prepare_mul)
MML_OP(DIV, mml__prepare_div)
MML_OP(MAXIMUM, mml__prepare_maximum)
MML_OP(MINIMUM, mml__prepare_minimum)
MML_OP(SOFTMAX, mml__prepare_softmax)
MML_OP(QUANTIZE, mml__prepare_quantize)
MML_OP(DEQUANTIZE, mml__prepare_dequantize)
MML_OP(RELU, mml__prepare_relu)
MML_OP(RELU6, mml__prepare_relu6)
MML_OP(LOGISTIC, mml__prepare_logistic)
MML_OP(TANH, mml__prepare_tanh)
MML_OP(HARD_SWISH, mml__prepare_hard_swish)
MML_OP(LEAKY_RELU, mml__prepare_leaky_relu)
MML_OP(CAST, mml__prepare_cast)
// shapes, data movement, reductions, matmul
MML_OP(RESHAPE, mml__prepare_reshape)
MML_OP(SQUEEZE, mml__prepare_squeeze)
MML_OP(EXPAND_DIMS, mml__prepare_expand_dims)
MML_OP(SHAPE, mml__prepare_shape)
MML_OP(CONCATENATION, mml__prepare_concatenation)
MML_OP(STRIDED_SLICE, mml__prepare_strided_slice)
MML_OP(TRANSPOSE, mml__prepare_transpose)
MML_OP(PACK, mml__prepare_pack)
MML_OP(UNPACK, mml__prepare_unpack)
MML_OP(SPLIT, mml__prepare_split)
MML_OP(MEAN, mml__prepare_mean)
MML_OP(BATCH_MATMUL, mml__prepare_batch_matmul)
// recurrent
MML_OP(UNIDIRECTIONAL_SEQUENCE_LSTM, mml__prepare_unidirectional_sequence_lstm)
