// SPDX-License-Identifier: MIT
// microml: the host command-line tool.
//   microml info MODEL [--json]       tensors, ops (version, MACs), arena bytes (32-bit target),
//                                     weight bytes, and every op it cannot run, with the reason
//   microml run MODEL IN.bin OUT.bin  one inference on raw input bytes -> raw output bytes
//                                     (IN.bin holding k frames runs k inferences, state carried)
//   microml bench MODEL [-n N]        time per op and per inference, and the arena
// Exit status 0 on success, 1 with a one-line message on stderr on any error.
#define _POSIX_C_SOURCE 199309L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "microml/microml.h"

static const char *prog = "microml";

static int die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

// Reads a whole file into a malloc'd buffer (16-byte aligned by malloc). NULL on error.
static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) {
            break;
        }
        uint8_t *bigger = realloc(buf, cap *= 2);
        if (!bigger) {
            free(buf);
        }
        buf = bigger;
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

typedef struct {
    mml_model_t m;
    uint8_t *bytes;
    void *work;
    uint8_t *arena;
    mml_error_t err;
} cli_model_t;

static void free_model(cli_model_t *c) {
    free(c->bytes);
    free(c->work);
    free(c->arena);
}

// Load and plan; prepare too if ready. Returns 0 or prints the error and returns 1.
static int open_model(cli_model_t *c, const char *path, int prepare) {
    memset(c, 0, sizeof(*c));
    size_t len = 0;
    c->bytes = read_file(path, &len);
    if (!c->bytes) {
        return die("cannot read %s: %s", path, strerror(errno));
    }
    if (mml_model_load(&c->m, c->bytes, len, &c->err) != MML_OK) {
        return die("%s: %s", path, c->err.msg);
    }
    c->work = malloc(mml_model_work_size(&c->m) + 8);
    if (!c->work) {
        return die("out of memory");
    }
    if (!prepare) {
        return 0;
    }
    if (mml_model_plan(&c->m, c->work, mml_model_work_size(&c->m), &c->err) != MML_OK) {
        return die("%s: %s", path, c->err.msg);
    }
    c->arena = malloc(c->m.arena_bytes ? c->m.arena_bytes : 1); // malloc aligns to 16
    if (!c->arena) {
        return die("out of memory");
    }
    if (mml_model_prepare(&c->m, c->work, c->arena, c->m.arena_bytes, &c->err) != MML_OK) {
        return die("%s: %s", path, c->err.msg);
    }
    return 0;
}

static void print_shape(FILE *out, const mml_tensor_info_t *t) {
    fputc('[', out);
    for (int d = 0; d < t->rank; d++) {
        fprintf(out, d ? ",%d" : "%d", (int)t->shape[d]);
    }
    fputc(']', out);
}

static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            fprintf(out, "\\%c", ch);
        } else if (ch < 0x20) {
            fprintf(out, "\\u%04x", ch);
        } else {
            fputc(ch, out);
        }
    }
    fputc('"', out);
}

static void json_tensor(FILE *out, uint32_t index, const mml_tensor_info_t *t) {
    fprintf(out, "{\"index\": %u, \"name\": ", (unsigned)index);
    json_str(out, t->name);
    fprintf(out, ", \"shape\": ");
    print_shape(out, t);
    fprintf(out,
        ", \"dtype\": \"%s\", \"bytes\": %u, \"scale\": %.9g, \"zero_point\": %d, "
        "\"n_scales\": %u, \"constant\": %s, \"variable\": %s}",
        mml_dtype_name((mml_dtype_t)t->dtype), (unsigned)t->bytes, (double)t->scale,
        (int)t->zero_point, (unsigned)t->n_scales, t->is_constant ? "true" : "false",
        t->is_variable ? "true" : "false");
}

static void text_tensor(FILE *out, uint32_t index, const mml_tensor_info_t *t) {
    fprintf(out, "  %4u %-8s ", (unsigned)index, mml_dtype_name((mml_dtype_t)t->dtype));
    print_shape(out, t);
    if (t->n_scales == 1) {
        fprintf(out, " scale=%.9g zero_point=%d", (double)t->scale, (int)t->zero_point);
    } else if (t->n_scales > 1) {
        fprintf(out, " per-channel(%u) scale[0]=%.9g", (unsigned)t->n_scales, (double)t->scale);
    }
    fprintf(out, "%s%s %s\n", t->is_constant ? " const" : "", t->is_variable ? " variable" : "",
        t->name);
}

static uint32_t io_tensor(const mml_model_t *m, int output, uint32_t i) {
    const uint8_t *p = m->buf + (output ? m->outputs : m->inputs) + 4 * i;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmd_info(const char *path, int json) {
    cli_model_t c;
    if (open_model(&c, path, 0)) {
        free_model(&c);
        return 1;
    }
    mml_model_t *m = &c.m;
    FILE *out = stdout;
    uint64_t weight_bytes = 0;
    for (uint32_t i = 0; i < m->n_tensors; i++) {
        mml_tensor_info_t t;
        mml_model_tensor_info(m, i, &t);
        if (t.is_constant) {
            weight_bytes += t.bytes;
        }
    }
    // Every op that cannot run, each with its reason.
    uint32_t n_bad = 0;
    uint64_t total_macs = 0;
    mml_error_t *reasons = calloc(m->n_ops ? m->n_ops : 1, sizeof(mml_error_t));
    uint64_t *macs = calloc(m->n_ops ? m->n_ops : 1, sizeof(uint64_t));
    if (!reasons || !macs) {
        free(reasons);
        free(macs);
        free_model(&c);
        return die("out of memory");
    }
    uint32_t n_hybrid = 0;
    for (uint32_t i = 0; i < m->n_ops; i++) {
        if (mml_model_check_op(m, i, &macs[i], &reasons[i]) != MML_OK) {
            n_bad++;
        }
        total_macs += macs[i];
        mml_op_info_t op;
        n_hybrid += mml_model_op_info(m, i, &op) == MML_OK && op.hybrid;
    }
    mml_status_t plan_st = MML_ERR_UNSUPPORTED;
    if (n_bad == 0) {
        plan_st = mml_model_plan(m, c.work, mml_model_work_size(m), &c.err);
    }
    if (json) {
        fprintf(out, "{\"model\": ");
        json_str(out, path);
        fprintf(out,
            ", \"model_bytes\": %u, \"weight_bytes\": %llu, \"macs\": %llu,\n \"inputs\": [",
            (unsigned)m->len, (unsigned long long)weight_bytes, (unsigned long long)total_macs);
        for (int o = 0; o < 2; o++) {
            uint32_t n = o ? m->n_outputs : m->n_inputs;
            for (uint32_t i = 0; i < n; i++) {
                mml_tensor_info_t t;
                uint32_t ti = io_tensor(m, o, i);
                mml_model_tensor_info(m, ti, &t);
                fprintf(out, i ? ", " : "");
                json_tensor(out, ti, &t);
            }
            fprintf(out, o ? "],\n" : "],\n \"outputs\": [");
        }
        fprintf(out, " \"ops\": [");
        for (uint32_t i = 0; i < m->n_ops; i++) {
            mml_op_info_t op;
            mml_model_op_info(m, i, &op);
            fprintf(out, "%s\n  {\"index\": %u, \"name\": ", i ? "," : "", (unsigned)i);
            json_str(out, op.name);
            fprintf(out,
                ", \"builtin_code\": %d, \"version\": %d, \"macs\": %llu, \"supported\": %s, "
                "\"hybrid\": %s}",
                (int)op.builtin_code, (int)op.version, (unsigned long long)macs[i],
                reasons[i].status == MML_OK ? "true" : "false", op.hybrid ? "true" : "false");
        }
        fprintf(out, "],\n \"hybrid\": %s,\n \"unsupported\": [", n_hybrid ? "true" : "false");
        for (uint32_t i = 0, k = 0; i < m->n_ops; i++) {
            if (reasons[i].status != MML_OK) {
                mml_op_info_t op;
                mml_model_op_info(m, i, &op);
                fprintf(out, "%s\n  {\"index\": %u, \"name\": ", k++ ? "," : "", (unsigned)i);
                json_str(out, op.name);
                fprintf(out, ", \"version\": %d, \"reason\": ", (int)op.version);
                json_str(out, reasons[i].msg);
                fputc('}', out);
            }
        }
        fprintf(out, "],\n \"tensors\": [");
        for (uint32_t i = 0; i < m->n_tensors; i++) {
            mml_tensor_info_t t;
            mml_model_tensor_info(m, i, &t);
            fprintf(out, "%s\n  ", i ? "," : "");
            json_tensor(out, i, &t);
        }
        fprintf(out, "],\n");
        if (plan_st == MML_OK) {
            fprintf(out,
                " \"arena_bytes\": %u, \"arena_bytes_32bit\": %u, "
                "\"arena_head_bytes\": %u, \"arena_persistent_bytes\": %u\n}\n",
                (unsigned)m->arena_bytes, (unsigned)m->arena_bytes_32, (unsigned)m->head_bytes,
                (unsigned)m->persistent_bytes);
        } else {
            fprintf(out, " \"arena_bytes\": null, \"arena_bytes_32bit\": null\n}\n");
        }
    } else {
        fprintf(out, "model %s: %u bytes, %u tensors, %u ops, %llu weight bytes, %llu MACs\n", path,
            (unsigned)m->len, (unsigned)m->n_tensors, (unsigned)m->n_ops,
            (unsigned long long)weight_bytes, (unsigned long long)total_macs);
        for (int o = 0; o < 2; o++) {
            uint32_t n = o ? m->n_outputs : m->n_inputs;
            fprintf(out, "%s:\n", o ? "outputs" : "inputs");
            for (uint32_t i = 0; i < n; i++) {
                mml_tensor_info_t t;
                uint32_t ti = io_tensor(m, o, i);
                mml_model_tensor_info(m, ti, &t);
                text_tensor(out, ti, &t);
            }
        }
        fprintf(out, "ops:\n");
        for (uint32_t i = 0; i < m->n_ops; i++) {
            mml_op_info_t op;
            mml_model_op_info(m, i, &op);
            fprintf(out, "  %4u %-28s v%-2d %12llu MACs%s%s\n", (unsigned)i, op.name,
                (int)op.version, (unsigned long long)macs[i], op.hybrid ? "  hybrid" : "",
                reasons[i].status == MML_OK ? "" : "  (unsupported)");
        }
        if (n_hybrid) {
            fprintf(out,
                "hybrid: %u ops with float activations and int8 weights (inputs quantized "
                "per batch at run time, as TFLite)\n",
                (unsigned)n_hybrid);
        }
        fprintf(out, "tensors:\n");
        for (uint32_t i = 0; i < m->n_tensors; i++) {
            mml_tensor_info_t t;
            mml_model_tensor_info(m, i, &t);
            text_tensor(out, i, &t);
        }
        if (plan_st == MML_OK) {
            fprintf(out,
                "arena: %u bytes on a 32-bit target (%u here): %u per-inference, %u "
                "persistent\n",
                (unsigned)m->arena_bytes_32, (unsigned)m->arena_bytes, (unsigned)m->head_bytes,
                (unsigned)(m->arena_bytes - m->head_bytes));
        } else if (n_bad == 0) {
            fprintf(out, "arena: unknown (%s)\n", c.err.msg);
        } else {
            fprintf(out, "arena: unknown (unsupported ops)\n");
        }
        fprintf(out, "unsupported ops: %u\n", (unsigned)n_bad);
        for (uint32_t i = 0; i < m->n_ops; i++) {
            if (reasons[i].status != MML_OK) {
                fprintf(out, "  %s\n", reasons[i].msg);
            }
        }
    }
    free(reasons);
    free(macs);
    free_model(&c);
    return 0;
}

static int cmd_run(const char *path, const char *in_path, const char *out_path) {
    cli_model_t c;
    int rc = open_model(&c, path, 1);
    size_t in_len = 0;
    uint8_t *in = rc ? NULL : read_file(in_path, &in_len);
    if (!rc && !in) {
        rc = die("cannot read %s: %s", in_path, strerror(errno));
    }
    mml_model_t *m = &c.m;
    size_t need = 0;
    for (uint32_t i = 0; !rc && i < m->n_inputs; i++) {
        mml_tensor_info_t t;
        mml_model_input_info(m, i, &t);
        need += t.bytes;
    }
    if (!rc && (need == 0 ? in_len != 0 : (in_len == 0 || in_len % need != 0))) {
        rc = die("%s has %zu bytes, the model's inputs need %zu", in_path, in_len, need);
    }
    FILE *f = rc ? NULL : fopen(out_path, "wb");
    if (!rc && !f) {
        rc = die("cannot write %s: %s", out_path, strerror(errno));
    }
    // Each frame of IN.bin is one inference on the same model, so recurrent state carries over.
    size_t frames = need ? in_len / need : 1;
    for (size_t k = 0, at = 0; !rc && k < frames; k++) {
        for (uint32_t i = 0; i < m->n_inputs; i++) {
            mml_tensor_info_t t;
            mml_model_input_info(m, i, &t);
            memcpy(mml_model_input_data(m, i), in + at, t.bytes);
            at += t.bytes;
        }
        if (mml_model_invoke(m, &c.err) != MML_OK) {
            rc = die("%s: %s", path, c.err.msg);
        }
        for (uint32_t i = 0; !rc && i < m->n_outputs; i++) {
            mml_tensor_info_t t;
            mml_model_output_info(m, i, &t);
            if (fwrite(mml_model_output_data(m, i), 1, t.bytes, f) != t.bytes) {
                rc = die("cannot write %s: %s", out_path, strerror(errno));
            }
        }
    }
    if (f && fclose(f) != 0 && !rc) {
        rc = die("cannot write %s: %s", out_path, strerror(errno));
    }
    free(in);
    free_model(&c);
    return rc;
}

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

// Times every op over n inferences (n = 0: as many as fit in about a second).
static int cmd_bench(const char *path, long n) {
    cli_model_t c;
    if (open_model(&c, path, 1)) {
        free_model(&c);
        return 1;
    }
    mml_model_t *m = &c.m;
    // A fixed, non-trivial input pattern.
    for (uint32_t i = 0; i < m->n_inputs; i++) {
        mml_tensor_info_t t;
        mml_model_input_info(m, i, &t);
        uint8_t *d = mml_model_input_data(m, i);
        for (uint32_t k = 0; k < t.bytes; k++) {
            d[k] = t.dtype == MML_FLOAT32 ? (uint8_t)(k % 4 == 3 ? 0x3e : k * 7)
                                          : (uint8_t)(k * 37 + 11);
        }
    }
    double *op_us = calloc(m->n_ops ? m->n_ops : 1, sizeof(double));
    uint64_t *macs = calloc(m->n_ops ? m->n_ops : 1, sizeof(uint64_t));
    int rc = !op_us || !macs ? die("out of memory") : 0;
    double t0 = now_us();
    if (!rc && mml_model_invoke(m, &c.err) != MML_OK) { // warm-up
        rc = die("%s: %s", path, c.err.msg);
    }
    if (n <= 0) {
        double once = now_us() - t0;
        n = once > 0 ? (long)(1e6 / once) : 1000;
        n = n < 1 ? 1 : n > 10000 ? 10000 : n;
    }
    for (long it = 0; !rc && it < n; it++) {
        for (uint32_t i = 0; !rc && i < m->n_ops; i++) {
            double a = now_us();
            if (mml_model_invoke_op(m, i, &c.err) != MML_OK) {
                rc = die("%s: %s", path, c.err.msg);
            }
            op_us[i] += now_us() - a;
        }
    }
    if (!rc) {
        double total = 0;
        uint64_t total_macs = 0;
        for (uint32_t i = 0; i < m->n_ops; i++) {
            mml_model_check_op(m, i, &macs[i], NULL);
            total += op_us[i];
            total_macs += macs[i];
        }
        printf("model %s: %ld inferences\n", path, n);
        printf("  %4s %-28s %12s %12s %6s\n", "op", "name", "MACs", "us/inference", "%");
        for (uint32_t i = 0; i < m->n_ops; i++) {
            mml_op_info_t op;
            mml_model_op_info(m, i, &op);
            printf("  %4u %-28s %12llu %12.2f %6.1f\n", (unsigned)i, op.name,
                (unsigned long long)macs[i], op_us[i] / (double)n,
                total > 0 ? 100.0 * op_us[i] / total : 0.0);
        }
        printf("total: %.2f us per inference, %llu MACs\n", total / (double)n,
            (unsigned long long)total_macs);
        printf("arena: %u bytes on a 32-bit target (%u here)\n", (unsigned)m->arena_bytes_32,
            (unsigned)m->arena_bytes);
    }
    free(op_us);
    free(macs);
    free_model(&c);
    return rc;
}

static int usage(void) {
    fprintf(stderr,
        "usage: microml info MODEL [--json] | microml run MODEL IN.bin OUT.bin | "
        "microml bench MODEL [-n N]\n");
    return 1;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "info") == 0) {
        int json = argc == 4 && strcmp(argv[3], "--json") == 0;
        if (argc > 4 || (argc == 4 && !json)) {
            return usage();
        }
        return cmd_info(argv[2], json);
    }
    if (argc == 5 && strcmp(argv[1], "run") == 0) {
        return cmd_run(argv[2], argv[3], argv[4]);
    }
    if ((argc == 3 || (argc == 5 && strcmp(argv[3], "-n") == 0)) && strcmp(argv[1], "bench") == 0) {
        char *end = NULL;
        long n = argc == 5 ? strtol(argv[4], &end, 10) : 0;
        if (argc == 5 && (*end || n <= 0)) {
            return usage();
        }
        return cmd_bench(argv[2], n);
    }
    return usage();
}
