// SPDX-License-Identifier: MIT
// Prepare functions of every kernel in src/nn/kernels/ (one op per file).
#ifndef MICROML_NN_OPS_H
#define MICROML_NN_OPS_H

#include "nn/kernel.h"

mml_status_t mml__prepare_fully_connected(mml_prep_t *p);
// convolution and pooling
// elementwise, activations, quantization
// shapes, data movement, reductions, matmul
// recurrent
mml_status_t mml__prepare_unidirectional_sequence_lstm(mml_prep_t *p);

#endif // MICROML_NN_OPS_H
