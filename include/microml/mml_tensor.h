// SPDX-License-Identifier: MIT
// Tensors as every model family describes them: element types, their sizes and names, the
// caller's view of a tensor, and float access to its elements (quantize / dequantize).
#ifndef MICROML_MML_TENSOR_H
#define MICROML_MML_TENSOR_H

#include <stdint.h>
#include "mml_config.h"

// Element types, numbered as TFLite's TensorType so model values map one to one.
typedef enum {
    MML_FLOAT32 = 0,
    MML_FLOAT16 = 1,
    MML_INT32 = 2,
    MML_UINT8 = 3,
    MML_INT64 = 4,
    MML_STRING = 5,
    MML_BOOL = 6,
    MML_INT16 = 7,
    MML_COMPLEX64 = 8,
    MML_INT8 = 9,
    MML_FLOAT64 = 10,
    MML_COMPLEX128 = 11,
    MML_UINT64 = 12,
    MML_RESOURCE = 13,
    MML_VARIANT = 14,
    MML_UINT32 = 15,
    MML_UINT16 = 16,
    MML_INT4 = 17,
    MML_DTYPE_COUNT
} mml_dtype_t;

// Bytes per element of dtype, 0 for types without a fixed size (string, int4, resource...).
uint32_t mml_dtype_size(mml_dtype_t dtype);
// Lower-case numpy-style name ("int8", "float32"); "unknown" for out-of-range values.
const char *mml_dtype_name(mml_dtype_t dtype);

// A tensor as the caller sees it. name points into the model bytes (NUL-terminated) or "".
typedef struct {
    const char *name;
    uint32_t index; // tensor index (global: subgraph 0's tensors first)
    int32_t shape[MML_MAX_DIMS];
    uint8_t rank;
    uint8_t dtype;         // mml_dtype_t
    uint8_t is_constant;   // data lives in the model bytes
    uint8_t is_variable;   // state kept across invocations
    uint32_t bytes;        // elements * mml_dtype_size(dtype)
    uint32_t n_scales;     // 0: not quantized; 1: per tensor; >1: per channel
    float scale;           // first scale (0 if none)
    int32_t zero_point;    // first zero point
    int32_t quantized_dim; // axis of per-channel quantization
} mml_tensor_info_t;

// Element access in a tensor's own dtype with float values, for bindings and tools: set
// quantizes with info's scale/zero point (round half away from zero, clamp to the dtype range),
// as TFLite's QUANTIZE does; get dequantizes. Tensors without a scale store/load the value as is
// (float32 directly; integer dtypes rounded and clamped). i: element index, bounds are the
// caller's.
void mml_tensor_set_float(const mml_tensor_info_t *info, void *data, uint32_t i, float x);
float mml_tensor_get_float(const mml_tensor_info_t *info, const void *data, uint32_t i);

#endif // MICROML_MML_TENSOR_H
