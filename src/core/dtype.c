// SPDX-License-Identifier: MIT
// Element types: sizes, names, and float access to quantized tensors for bindings and tools.
#include <string.h>
#include "core/quant.h"
#include "microml/mml_model.h"

// clang-format off
static const uint8_t dtype_sizes[MML_DTYPE_COUNT] = {
    [MML_FLOAT32] = 4, [MML_FLOAT16] = 2, [MML_INT32] = 4, [MML_UINT8] = 1, [MML_INT64] = 8,
    [MML_STRING] = 0, [MML_BOOL] = 1, [MML_INT16] = 2, [MML_COMPLEX64] = 8, [MML_INT8] = 1,
    [MML_FLOAT64] = 8, [MML_COMPLEX128] = 16, [MML_UINT64] = 8, [MML_RESOURCE] = 0,
    [MML_VARIANT] = 0, [MML_UINT32] = 4, [MML_UINT16] = 2, [MML_INT4] = 0,
};
// clang-format on

// clang-format off
static const char *const dtype_names[MML_DTYPE_COUNT] = {
    [MML_FLOAT32] = "float32", [MML_FLOAT16] = "float16", [MML_INT32] = "int32",
    [MML_UINT8] = "uint8", [MML_INT64] = "int64", [MML_STRING] = "string", [MML_BOOL] = "bool",
    [MML_INT16] = "int16", [MML_COMPLEX64] = "complex64", [MML_INT8] = "int8",
    [MML_FLOAT64] = "float64", [MML_COMPLEX128] = "complex128", [MML_UINT64] = "uint64",
    [MML_RESOURCE] = "resource", [MML_VARIANT] = "variant", [MML_UINT32] = "uint32",
    [MML_UINT16] = "uint16", [MML_INT4] = "int4",
};
// clang-format on

uint32_t mml_dtype_size(mml_dtype_t dtype) {
    return (unsigned)dtype < MML_DTYPE_COUNT ? dtype_sizes[dtype] : 0;
}

const char *mml_dtype_name(mml_dtype_t dtype) {
    return (unsigned)dtype < MML_DTYPE_COUNT ? dtype_names[dtype] : "unknown";
}

static int32_t clamp_round(float x, int32_t lo, int32_t hi) {
    if (!(x == x)) {
        return 0; // NaN
    }
    if (x <= (float)lo) {
        return lo;
    }
    if (x >= (float)hi) {
        return hi;
    }
    return (int32_t)mml__roundf(x);
}

void mml_tensor_set_float(const mml_tensor_info_t *info, void *data, uint32_t i, float x) {
    if (info->dtype == MML_FLOAT32) {
        memcpy((uint8_t *)data + 4 * i, &x, 4);
        return;
    }
    float q = x;
    int32_t zp = 0;
    if (info->n_scales > 0 && info->scale != 0.0f) {
        q = mml__roundf(x / info->scale);
        zp = info->zero_point;
    }
    switch (info->dtype) {
        case MML_INT8:
            ((int8_t *)data)[i] = (int8_t)clamp_round(q + (float)zp, -128, 127);
            break;
        case MML_UINT8:
            ((uint8_t *)data)[i] = (uint8_t)clamp_round(q + (float)zp, 0, 255);
            break;
        case MML_BOOL:
            ((uint8_t *)data)[i] = x != 0.0f;
            break;
        case MML_INT16: {
            int16_t v = (int16_t)clamp_round(q + (float)zp, -32768, 32767);
            memcpy((uint8_t *)data + 2 * i, &v, 2);
            break;
        }
        case MML_INT32: {
            int32_t v = clamp_round(q + (float)zp, INT32_MIN, INT32_MAX);
            memcpy((uint8_t *)data + 4 * i, &v, 4);
            break;
        }
        default:
            break;
    }
}

float mml_tensor_get_float(const mml_tensor_info_t *info, const void *data, uint32_t i) {
    const uint8_t *p = (const uint8_t *)data;
    float v = 0.0f;
    switch (info->dtype) {
        case MML_FLOAT32:
            memcpy(&v, p + 4 * i, 4);
            return v;
        case MML_INT8:
            v = (float)((int32_t)((const int8_t *)p)[i] - info->zero_point);
            break;
        case MML_UINT8:
        case MML_BOOL:
            v = (float)((int32_t)p[i] - info->zero_point);
            break;
        case MML_INT16: {
            int16_t q;
            memcpy(&q, p + 2 * i, 2);
            v = (float)((int32_t)q - info->zero_point);
            break;
        }
        case MML_INT32: {
            int32_t q;
            memcpy(&q, p + 4 * i, 4);
            v = (float)((int64_t)q - info->zero_point);
            break;
        }
        default:
            return 0.0f;
    }
    return info->n_scales > 0 && info->scale != 0.0f ? v * info->scale : v;
}
