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

#endif // MICROML_NN_OPS_H
