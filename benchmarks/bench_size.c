// SPDX-License-Identifier: MIT
// Minimal Cortex-M4F application for benchmarks/run's code-size figure: everything an app
// needs to run one model (load, plan, prepare, set input, invoke, read output) and nothing
// else. Linked with -Wl,--gc-sections against the core compiled with -ffunction-sections
// -fdata-sections, the linker map then shows which core bytes one model really pulls in.
// The model, work buffer and arena come from the outside (volatile pointers), so no model
// bytes are counted: TFLM's figure also excludes the model.
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "microml/microml.h"

const uint8_t *volatile bench_model;
volatile size_t bench_model_len;
void *volatile bench_work;
uint8_t *volatile bench_arena;
volatile size_t bench_arena_len;
volatile uint8_t bench_sink;

int main(void) {
    static mml_model_t m;
    mml_error_t err;
    if (mml_model_load(&m, bench_model, bench_model_len, &err) != MML_OK ||
        mml_model_plan(&m, bench_work, mml_model_work_size(&m), &err) != MML_OK ||
        mml_model_prepare(&m, bench_work, bench_arena, bench_arena_len, &err) != MML_OK) {
        return 1;
    }
    memset(mml_model_input_data(&m, 0), 0, 1);
    if (mml_model_invoke(&m, &err) != MML_OK) {
        return 2;
    }
    bench_sink = *(const uint8_t *)mml_model_output_data(&m, 0);
    return 0;
}
