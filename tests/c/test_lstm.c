// SPDX-License-Identifier: MIT
// The int16 LUT sigmoid and tanh of quant.h (used by UNIDIRECTIONAL_SEQUENCE_LSTM): spot values
// and an FNV-1a hash of the outputs over the whole int16 input range, for several input scalings.
// Expected values come from an independent Python model of TFLite's reference_integer_ops
// Logistic/Tanh (int16), which reproduces TFLite Micro's mnist_lstm_int8 vectors bit for bit.
#include <stdint.h>
#include "core/quant.h"
#include "mml_test.h"

typedef int16_t (*lut_fn)(int16_t, int32_t, int32_t);

static const int16_t probes[8] = {-32768, -4096, -1, 0, 1, 100, 4096, 32767};

typedef struct {
    int is_tanh;
    int32_t multiplier, left_shift;
    uint32_t hash;
    int16_t at[8]; // outputs at probes[]
} case_t;

static const case_t cases[] = {
    {0, 0, 0, 0xab090d95u, {11, 8812, 16382, 16384, 16386, 16584, 23956, 32757}},
    {0, 0, 1, 0xd1271751u, {1, 3906, 16380, 16384, 16388, 16784, 28862, 32767}},
    {0, 3, 1, 0x0f4d4119u, {589, 12371, 16383, 16384, 16385, 16484, 20397, 32178}},
    {0, 3, 3, 0xfe4c23e8u, {8812, 15361, 16384, 16384, 16384, 16409, 17407, 23956}},
    {0, 0, 3, 0x2a51ae20u, {1, 11, 16368, 16384, 16400, 17979, 32757, 32767}},
    {1, 0, 0, 0x96f4c825u, {-32767, -24956, -8, 0, 8, 800, 24956, 32767}},
    {1, 0, 1, 0xbc9f8a61u, {-32767, -31589, -16, 0, 16, 1599, 31589, 32767}},
    {1, 3, 1, 0xdb557974u, {-32746, -15143, -3, 0, 5, 400, 15143, 32746}},
    {1, 3, 3, 0x39467dfbu, {-24956, -4075, 0, 0, 0, 101, 4075, 24956}},
    {1, 0, 3, 0x5f8e0a17u, {-32767, -32767, -64, 0, 64, 6319, 32767, 32767}},
};

int main(void) {
    for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const case_t *k = &cases[c];
        lut_fn f = k->is_tanh ? mml__tanh_s16 : mml__logistic_s16;
        const char *name = k->is_tanh ? "tanh" : "logistic";
        for (int i = 0; i < 8; i++) {
            int16_t y = f(probes[i], k->multiplier, k->left_shift);
            CHECK(y == k->at[i], "%s(%d, %d, %d) = %d, expected %d", name, probes[i],
                (int)k->multiplier, (int)k->left_shift, y, k->at[i]);
        }
        uint32_t h = 2166136261u;
        for (int32_t x = -32768; x <= 32767; x++) {
            uint16_t u = (uint16_t)f((int16_t)x, k->multiplier, k->left_shift);
            h = (h ^ (u & 0xffu)) * 16777619u;
            h = (h ^ (u >> 8)) * 16777619u;
        }
        CHECK(h == k->hash, "%s multiplier %d shift %d: hash %08x, expected %08x", name,
            (int)k->multiplier, (int)k->left_shift, (unsigned)h, (unsigned)k->hash);
    }
    return mml_test_done("test_lstm");
}
