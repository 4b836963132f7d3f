// SPDX-License-Identifier: MIT
// Shared pieces of the signal-library ops (see signal.h): options and tensor checks (their
// integer arithmetic is in src/dsp/audio_fixed.c). Built when any signal op is. No allocation.
#include <string.h>
#include "nn/kernels/signal.h"

#if MML_OP_ON(SIGNALWINDOW) || MML_OP_ON(SIGNALFFTAUTOSCALE) || MML_OP_ON(SIGNALRFFT) ||          \
    MML_OP_ON(SIGNALIRFFT) || MML_OP_ON(SIGNALENERGY) || MML_OP_ON(SIGNALFILTERBANK) ||            \
    MML_OP_ON(SIGNALFILTERBANKSQUAREROOT) || MML_OP_ON(SIGNALFILTERBANKSPECTRALSUBTRACTION) ||     \
    MML_OP_ON(SIGNALPCAN) || MML_OP_ON(SIGNALFILTERBANKLOG) || MML_OP_ON(SIGNALFRAMER) ||          \
    MML_OP_ON(SIGNALSTACKER) || MML_OP_ON(SIGNALDELAY) || MML_OP_ON(SIGNALOVERLAPADD)

mml_status_t mml__signal_options(mml_prep_t *p, mml__flex_t *map) {
#if MML_ENABLE_FLEXBUF
    const mml__op_t *op = p->op;
    if (!op->custom_options || op->custom_options_len == 0) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "options missing");
    }
    if (!mml__flex_root(op->custom_options, op->custom_options_len, map) ||
        map->type != MML__FLEX_MAP) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "options are not a FlexBuffers map");
    }
    return MML_OK;
#else
    (void)map;
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED,
        "options reader not in this build (MML_ENABLE_FLEXBUF = 0)");
#endif
}

#if MML_ENABLE_FLEXBUF
// The value of key, required; fails with the key's name.
static mml_status_t find(mml_prep_t *p, const mml__flex_t *map, const char *key, mml__flex_t *v) {
    int r = mml__flex_find(map, key, v);
    if (r == MML__FLEX_ABSENT) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' missing", key);
    }
    if (r != MML__FLEX_FOUND) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "options map malformed");
    }
    return MML_OK;
}
#endif

mml_status_t mml__signal_int(mml_prep_t *p, const mml__flex_t *map, const char *key, int32_t lo,
    int32_t hi, int32_t *v) {
    *v = 0;
#if MML_ENABLE_FLEXBUF
    mml__flex_t r;
    int64_t x;
    mml_status_t st = find(p, map, key, &r);
    if (st != MML_OK) {
        return st;
    }
    if (r.type == MML__FLEX_FLOAT || r.type == MML__FLEX_INDIRECT_FLOAT || !mml__flex_int(&r, &x)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' is not an integer", key);
    }
    if (x < lo || x > hi) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' is %d, expected %d to %d",
            key, (int32_t)(x < INT32_MIN ? INT32_MIN : x > INT32_MAX ? INT32_MAX : x), lo, hi);
    }
    *v = (int32_t)x;
    return MML_OK;
#else
    (void)map, (void)lo, (void)hi;
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "option '%s' unreadable in this build", key);
#endif
}

mml_status_t mml__signal_bool(mml_prep_t *p, const mml__flex_t *map, const char *key, bool *v) {
    *v = false;
#if MML_ENABLE_FLEXBUF
    mml__flex_t r;
    mml_status_t st = find(p, map, key, &r);
    if (st != MML_OK) {
        return st;
    }
    if (!mml__flex_bool(&r, v)) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "option '%s' is not a bool", key);
    }
    return MML_OK;
#else
    (void)map;
    return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "option '%s' unreadable in this build", key);
#endif
}

mml_status_t mml__signal_tensor(mml_prep_t *p, int out, uint32_t i, mml_dtype_t dtype,
    int32_t rank, mml__tensor_t *t) {
    mml_status_t st = out ? mml__prep_output(p, i, t) : mml__prep_input(p, i, t);
    if (st != MML_OK) {
        return st;
    }
    if (t->dtype != dtype) {
        return mml__prep_fail(p, MML_ERR_UNSUPPORTED, "%s %u is %s, expected %s",
            out ? "output" : "input", i, mml_dtype_name((mml_dtype_t)t->dtype),
            mml_dtype_name(dtype));
    }
    if (rank >= 0 ? t->rank != (uint32_t)rank : t->rank < 1) {
        return mml__prep_fail(p, MML_ERR_INVALID_MODEL, "%s %u has rank %u, expected %s%d",
            out ? "output" : "input", i, t->rank, rank >= 0 ? "" : "at least ",
            rank >= 0 ? rank : 1);
    }
    return MML_OK;
}

#endif // any signal op
