// SPDX-License-Identifier: MIT
// microml: the host command-line tool.
//   microml info MODEL [--json]       a check first (can every op run, arena bytes on a 32-bit
//                                     target and here, weight bytes, MACs, every op it cannot run
//                                     with the reason), then inputs, outputs, ops, tensors;
//                                     exit status 2 when some op cannot run
//   microml run [--invocations N] MODEL IN.bin OUT.bin
//                                     N inferences on one prepared model (state carried): N
//                                     inputs back to back in IN.bin, N outputs written to
//                                     OUT.bin; without the flag N = IN.bin's size / input size
//   microml ops MODEL...              the ops the models need, sorted, one per line: builtin
//                                     names (CONV_2D), custom ops as CUSTOM:<code>
//   microml bench MODEL [-n N]        time per op and per inference, and the arena
//   microml features micro [--step-ms 10|20] IN.wav OUT.bin
//                                     TFLite Micro's microfrontend with ESPHome's settings on a
//                                     16-bit mono 16 kHz WAV: int8 rows of 40, time order
//   microml features mlperf IN.wav OUT.bin
//                                     the MLPerf Tiny KWS MFCC of the first second: 49 x 10 int8
//                                     (kws_ref_model.tflite's input)
// Exit status 0 on success, 1 with a one-line message on stderr on any error.
#define _POSIX_C_SOURCE 199309L
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "microml/microml.h"

#define BUILTIN_CUSTOM 32 // TFLite's BuiltinOperator CUSTOM

// An op's name in op lists: custom ops as "CUSTOM:<code>" (as TFLM's tools write them), builtin
// codes this build cannot name as "BUILTIN_<code>".
static const char *op_label(const mml_op_info_t *op, char *buf, size_t len) {
    if (op->builtin_code == BUILTIN_CUSTOM) {
        snprintf(buf, len, "CUSTOM:%s", op->name);
        return buf;
    }
    if (strcmp(op->name, "UNKNOWN") == 0) {
        snprintf(buf, len, "BUILTIN_%d", (int)op->builtin_code);
        return buf;
    }
    return op->name;
}

// The JSON value of an op's dtype path (its name as in src/nn/op_list.h), or null.
static const char *dtype_path_json(uint8_t path) {
    return path == MML_DTYPE_PATH_S16   ? "\"S16\""
        : path == MML_DTYPE_PATH_F32    ? "\"F32\""
        : path == MML_DTYPE_PATH_HYBRID ? "\"HYBRID\""
                                        : "null";
}

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

// Subgraphs and resource variables (a block of its own in `info`): how many subgraphs, the ops
// of every subgraph counted by name (as TFLM's op_sequence_by_subgraph), the ops of subgraphs
// other than 0 with the reason any cannot run, and the state kept across invocations (after plan).
static void info_subgraphs(FILE *out, const mml_model_t *m, int json, int planned) {
    uint32_t n = m->n_ops_all;
    if (json) {
        fprintf(out, " \"subgraphs\": %u, \"ops_all_subgraphs\": %u, \"op_counts_all\": {",
            (unsigned)m->n_subgraphs, (unsigned)n);
    } else {
        fprintf(out, "subgraphs: %u, %u ops in all\n", (unsigned)m->n_subgraphs, (unsigned)n);
    }
    // Counts by name, each name once, in order of first appearance.
    for (uint32_t i = 0, k = 0; i < n; i++) {
        mml_op_info_t op, prev;
        mml_model_op_info(m, i, &op);
        uint32_t count = 0, seen = 0;
        for (uint32_t j = 0; j < n && !seen; j++) {
            mml_model_op_info(m, j, &prev);
            if (strcmp(prev.name, op.name) == 0) {
                seen = j < i;
                count++;
            }
        }
        if (seen || (!json && m->n_subgraphs < 2)) {
            continue;
        }
        if (json) {
            fprintf(out, "%s", k++ ? ", " : "");
            json_str(out, op.name);
            fprintf(out, ": %u", (unsigned)count);
        } else {
            fprintf(out, "  %-28s %u\n", op.name, (unsigned)count);
        }
    }
    if (json) {
        fprintf(out, "},\n \"subgraph_ops\": [");
    }
    for (uint32_t i = m->n_ops, k = 0; i < n; i++) {
        mml_op_info_t op;
        mml_error_t why;
        mml_model_op_info(m, i, &op);
        int ok = mml_model_check_op(m, i, NULL, &why) == MML_OK;
        if (json) {
            fprintf(out, "%s\n  {\"index\": %u, \"subgraph\": %u, \"name\": ", k++ ? "," : "",
                (unsigned)i, (unsigned)op.subgraph);
            json_str(out, op.name);
            fprintf(out, ", \"supported\": %s}", ok ? "true" : "false");
        } else {
            fprintf(out, "  %4u %-28s subgraph %u%s%s\n", (unsigned)i, op.name,
                (unsigned)op.subgraph, ok ? "" : "  (unsupported) ", ok ? "" : why.msg);
        }
    }
    if (json && planned) {
        fprintf(out, "],\n \"resource_variables\": %u, \"state_bytes\": %u\n",
            (unsigned)m->n_resource_variables, (unsigned)m->state_bytes);
    } else if (json) {
        fprintf(out, "],\n \"resource_variables\": null, \"state_bytes\": null\n");
    } else if (planned) {
        fprintf(out, "resource variables: %u; state kept across invocations: %u bytes\n",
            (unsigned)m->n_resource_variables, (unsigned)m->state_bytes);
    }
}

// The core's reason, as the Python faces show it, and the op's version:
// "op 3 SVDF: op not supported (v1)".
static void print_reason(FILE *out, uint32_t index, const mml_model_t *m, const char *msg) {
    mml_op_info_t op;
    mml_model_op_info(m, index, &op);
    fprintf(out, "%s (v%d)", msg, (int)op.version);
}

// Exit status: 0 every op can run, 2 some cannot (the model is fine), 1 any other error.
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
    // Every op of every subgraph that cannot run, each with its reason; MACs per inference are
    // subgraph 0's (the others run once, through CALL_ONCE).
    uint32_t n_all = m->n_ops_all;
    uint32_t n_bad = 0;
    uint64_t total_macs = 0;
    mml_error_t *reasons = calloc(n_all ? n_all : 1, sizeof(mml_error_t));
    uint64_t *macs = calloc(n_all ? n_all : 1, sizeof(uint64_t));
    if (!reasons || !macs) {
        free(reasons);
        free(macs);
        free_model(&c);
        return die("out of memory");
    }
    uint32_t n_hybrid = 0;
    for (uint32_t i = 0; i < n_all; i++) {
        if (mml_model_check_op(m, i, &macs[i], &reasons[i]) != MML_OK) {
            n_bad++;
        }
        total_macs += i < m->n_ops ? macs[i] : 0;
        mml_op_info_t op;
        n_hybrid += mml_model_op_info(m, i, &op) == MML_OK && op.hybrid;
    }
    mml_status_t plan_st = MML_ERR_UNSUPPORTED;
    if (n_bad == 0) {
        plan_st = mml_model_plan(m, c.work, mml_model_work_size(m), &c.err);
    }
    // Plan can refuse what the per-op checks let through: that op (or, without an op index, the
    // model) cannot run either. Any other plan failure is an error.
    int model_bad = 0;
    if (plan_st == MML_ERR_UNSUPPORTED && n_bad == 0) {
        if (c.err.op_index >= 0 && (uint32_t)c.err.op_index < n_all) {
            reasons[c.err.op_index] = c.err;
        } else {
            model_bad = 1;
        }
        n_bad = 1;
    }
    int supported = plan_st == MML_OK;
    int rc = supported ? 0 : plan_st == MML_ERR_UNSUPPORTED ? 2 : 1;
    uint32_t persistent_32 = m->arena_bytes_32 - m->head_bytes;
    if (json) {
        // Summary keys first; arena_bytes is the 32-bit target figure (arena_bytes_32bit too,
        // for older readers), arena_bytes_host this machine's.
        fprintf(out, "{\"model\": ");
        json_str(out, path);
        fprintf(out, ", \"supported\": %s, \"n_unsupported\": %u,\n",
            rc == 1         ? "null"
                : supported ? "true"
                            : "false",
            (unsigned)n_bad);
        if (supported) {
            fprintf(out,
                " \"arena_bytes\": %u, \"arena_bytes_32bit\": %u, \"arena_bytes_host\": %u,\n"
                " \"arena_head_bytes\": %u, \"arena_persistent_bytes\": %u, "
                "\"arena_persistent_bytes_host\": %u,\n",
                (unsigned)m->arena_bytes_32, (unsigned)m->arena_bytes_32, (unsigned)m->arena_bytes,
                (unsigned)m->head_bytes, (unsigned)persistent_32, (unsigned)m->persistent_bytes);
        } else {
            fprintf(out,
                " \"arena_bytes\": null, \"arena_bytes_32bit\": null, \"arena_bytes_host\": null,"
                "\n \"plan_error\": ");
            json_str(out, n_bad && !model_bad ? "unsupported ops" : c.err.msg);
            fprintf(out, ",\n");
        }
        fprintf(out,
            " \"model_bytes\": %u, \"weight_bytes\": %llu, \"macs\": %llu, \"n_tensors\": %u, "
            "\"n_ops\": %u, \"hybrid\": %s,\n \"unsupported\": [",
            (unsigned)m->len, (unsigned long long)weight_bytes, (unsigned long long)total_macs,
            (unsigned)m->n_tensors, (unsigned)m->n_ops, n_hybrid ? "true" : "false");
        if (model_bad) {
            fprintf(out,
                "\n  {\"index\": null, \"subgraph\": null, \"name\": null, \"version\": null, "
                "\"reason\": ");
            json_str(out, c.err.msg);
            fputc('}', out);
        }
        for (uint32_t i = 0, k = model_bad; i < n_all; i++) {
            if (reasons[i].status != MML_OK) {
                mml_op_info_t op;
                mml_model_op_info(m, i, &op);
                fprintf(out, "%s\n  {\"index\": %u, \"subgraph\": %u, \"name\": ", k++ ? "," : "",
                    (unsigned)i, (unsigned)op.subgraph);
                json_str(out, op.name);
                fprintf(out, ", \"version\": %d, \"reason\": ", (int)op.version);
                json_str(out, reasons[i].msg);
                fputc('}', out);
            }
        }
        fprintf(out, "],\n \"inputs\": [");
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
            char label[300];
            fprintf(out, "%s\n  {\"index\": %u, \"name\": ", i ? "," : "", (unsigned)i);
            json_str(out, op_label(&op, label, sizeof(label)));
            fprintf(out,
                ", \"builtin_code\": %d, \"version\": %d, \"macs\": %llu, \"supported\": %s, "
                "\"hybrid\": %s, \"dtype_path\": %s}",
                (int)op.builtin_code, (int)op.version, (unsigned long long)macs[i],
                reasons[i].status == MML_OK ? "true" : "false", op.hybrid ? "true" : "false",
                dtype_path_json(op.dtype_path));
        }
        fprintf(out, "],\n \"tensors\": [");
        for (uint32_t i = 0; i < m->n_tensors; i++) {
            mml_tensor_info_t t;
            mml_model_tensor_info(m, i, &t);
            fprintf(out, "%s\n  ", i ? "," : "");
            json_tensor(out, i, &t);
        }
        fprintf(out, "],\n");
        info_subgraphs(out, m, 1, supported);
        fprintf(out, "}\n");
    } else {
        // The summary a script or a person checks first, then the details.
        fprintf(out, "model %s: %u bytes, %u tensors, %u ops\n", path, (unsigned)m->len,
            (unsigned)m->n_tensors, (unsigned)m->n_ops);
        if (supported) {
            fprintf(out, "supported: yes, every op can run\n");
        } else if (rc == 1) {
            fprintf(out, "supported: unknown (plan failed: %s)\n", c.err.msg);
        } else if (model_bad) {
            fprintf(out, "supported: no (%s)\n", c.err.msg);
        } else {
            fprintf(out, "supported: no, %u of %u ops cannot run\n", (unsigned)n_bad,
                (unsigned)n_all);
        }
        if (supported) {
            fprintf(out,
                "arena: %u bytes on a 32-bit target (%u on this host): %u per-inference, %u "
                "persistent\n",
                (unsigned)m->arena_bytes_32, (unsigned)m->arena_bytes, (unsigned)m->head_bytes,
                (unsigned)persistent_32);
        } else {
            fprintf(out, "arena: unknown (%s)\n", rc == 2 ? "unsupported ops" : "plan failed");
        }
        fprintf(out, "weights: %llu bytes\nMACs: %llu per inference\n",
            (unsigned long long)weight_bytes, (unsigned long long)total_macs);
        fprintf(out, "unsupported ops: %u\n", (unsigned)n_bad);
        if (model_bad) {
            fprintf(out, "  model: %s\n", c.err.msg);
        }
        for (uint32_t i = 0; i < n_all; i++) {
            if (reasons[i].status != MML_OK) {
                fprintf(out, "  ");
                print_reason(out, i, m, reasons[i].msg);
                fputc('\n', out);
            }
        }
        info_subgraphs(out, m, 0, supported);
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
            char label[300];
            fprintf(out, "  %4u %-28s v%-2d %12llu MACs%s%s\n", (unsigned)i,
                op_label(&op, label, sizeof(label)),
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
    }
    if (fflush(out) != 0) {
        rc = die("cannot write the report: %s", strerror(errno));
    } else if (rc == 1) {
        die("%s: %s", path, c.err.msg);
    }
    free(reasons);
    free(macs);
    free_model(&c);
    return rc;
}

// invocations: N from --invocations, or 0 to take IN's size divided by the inputs' size.
static int cmd_run(const char *path, const char *in_path, const char *out_path, long invocations) {
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
    size_t frames = 0;
    if (rc) {
        // reported
    } else if (invocations > 0) {
        frames = (size_t)invocations;
        if (need != 0 && frames > SIZE_MAX / need) {
            rc = die("%ld invocations of %zu input bytes are too many", invocations, need);
        } else if (in_len != frames * need) {
            rc = die("%s has %zu bytes, %zu invocations of the model's %zu input bytes need %zu",
                in_path, in_len, frames, need, frames * need);
        }
    } else if (need == 0 ? in_len != 0 : (in_len == 0 || in_len % need != 0)) {
        rc = die("%s has %zu bytes, not a whole number of the model's %zu input bytes", in_path,
            in_len, need);
    } else {
        frames = need ? in_len / need : 1;
    }
    FILE *f = rc ? NULL : fopen(out_path, "wb");
    if (!rc && !f) {
        rc = die("cannot write %s: %s", out_path, strerror(errno));
    }
    // Each frame of IN is one inference on the same prepared model, so state carries over.
    for (size_t k = 0, at = 0; !rc && k < frames; k++) {
        for (uint32_t i = 0; i < m->n_inputs; i++) {
            mml_tensor_info_t t;
            mml_model_input_info(m, i, &t);
            memcpy(mml_model_input_data(m, i), in + at, t.bytes);
            at += t.bytes;
        }
        if (mml_model_invoke(m, &c.err) != MML_OK) {
            rc = die("%s: invocation %zu: %s", path, k + 1, c.err.msg);
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
    if (f && rc) {
        remove(out_path); // no half-written output
    }
    free(in);
    free_model(&c);
    return rc;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// The op names a set of models needs, sorted, one per line, each once.
static int cmd_ops(int n_paths, char **paths) {
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (int k = 0; !rc && k < n_paths; k++) {
        cli_model_t c;
        rc = open_model(&c, paths[k], 0);
        for (uint32_t i = 0; !rc && i < c.m.n_ops_all; i++) { // every subgraph
            mml_op_info_t op;
            mml_model_op_info(&c.m, i, &op);
            char buf[300];
            const char *name = op_label(&op, buf, sizeof(buf));
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                char **bigger = realloc(names, cap * sizeof(*names));
                if (!bigger) {
                    rc = die("out of memory");
                    break;
                }
                names = bigger;
            }
            names[n] = malloc(strlen(name) + 1);
            if (!names[n]) {
                rc = die("out of memory");
                break;
            }
            strcpy(names[n++], name);
        }
        free_model(&c);
    }
    if (!rc && n) {
        qsort(names, n, sizeof(*names), cmp_str);
        for (size_t i = 0; i < n; i++) {
            if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
                printf("%s\n", names[i]);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    if (!rc && fflush(stdout) != 0) {
        rc = die("cannot write the list: %s", strerror(errno));
    }
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

#if MML_ENABLE_DSP
// The samples of a WAV file that is 16-bit PCM, mono, 16 kHz (malloc'd, *n of them), or NULL
// after printing what the file is instead.
static int16_t *read_wav_16k_mono(const char *path, size_t *n) {
    size_t len = 0;
    uint8_t *b = read_file(path, &len);
    if (!b) {
        die("cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
#define LE16(p) ((uint32_t)(p)[0] | (uint32_t)(p)[1] << 8)
#define LE32(p) (LE16(p) | LE16((p) + 2) << 16)
    if (len < 12 || memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WAVE", 4) != 0) {
        die("%s: not a WAV file (no RIFF/WAVE header; %zu bytes)", path, len);
        free(b);
        return NULL;
    }
    const uint8_t *fmt = NULL, *data = NULL;
    size_t data_len = 0;
    for (size_t off = 12; off + 8 <= len;) {
        size_t size = LE32(b + off + 4), body = off + 8;
        if (size > len - body) {
            size = len - body; // a truncated last chunk: take what is there
        }
        if (memcmp(b + off, "fmt ", 4) == 0 && size >= 16) {
            fmt = b + body;
        } else if (memcmp(b + off, "data", 4) == 0 && !data) {
            data = b + body;
            data_len = size;
        }
        off = body + size + (size & 1);
    }
    if (!fmt || !data) {
        die("%s: WAV file without a %s chunk", path, fmt ? "data" : "fmt");
        free(b);
        return NULL;
    }
    uint32_t tag = LE16(fmt), channels = LE16(fmt + 2), rate = LE32(fmt + 4), bits = LE16(fmt + 14);
    if (tag == 0xFFFE && LE32(fmt + 4) && LE16(fmt - 4) >= 40) {
        tag = LE16(fmt + 24); // WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
    }
    if (tag != 1 || bits != 16 || channels != 1 || rate != 16000) {
        die("%s: WAV %s, %u-bit, %u channel%s, %u Hz; need 16-bit PCM, mono, 16000 Hz", path,
            tag == 1       ? "PCM"
                : tag == 3 ? "float"
                : tag == 6 ? "A-law"
                : tag == 7 ? "mu-law"
                           : "compressed",
            (unsigned)bits, (unsigned)channels, channels == 1 ? "" : "s", (unsigned)rate);
        free(b);
        return NULL;
    }
#undef LE16
#undef LE32
    *n = data_len / 2;
    int16_t *s = malloc(*n ? *n * sizeof(int16_t) : 1);
    if (!s) {
        die("out of memory");
    } else {
        for (size_t i = 0; i < *n; i++) {
            s[i] = (int16_t)(uint16_t)(data[2 * i] | data[2 * i + 1] << 8);
        }
    }
    free(b);
    return s;
}

// microml features micro: TFLite Micro's microfrontend with ESPHome's settings and int8
// conversion, 40 int8 per frame, frames in time order, the first once 480 samples are in.
static int cmd_features_micro(const char *in, const char *out_path, int step_ms) {
    size_t n = 0;
    int16_t *samples = read_wav_16k_mono(in, &n);
    if (!samples) {
        return 1;
    }
    mml_microfrontend_config_t cfg;
    mml_microfrontend_config_esphome(&cfg, step_ms);
    size_t mem_len = mml_microfrontend_mem_size(&cfg);
    uint64_t *mem = malloc(mem_len);
    mml_microfrontend_t fe;
    mml_error_t err = {0};
    FILE *out = NULL;
    int rc = 0;
    if (!mem) {
        rc = die("out of memory");
    } else if (mml_microfrontend_init(&fe, &cfg, mem, mem_len, &err) != MML_OK) {
        rc = die("microfrontend: %s", err.msg);
    } else if (!(out = fopen(out_path, "wb"))) {
        rc = die("cannot write %s: %s", out_path, strerror(errno));
    }
    int8_t row[128];
    for (size_t pos = 0; !rc && pos < n;) {
        size_t used = 0;
        if (mml_microfrontend_process(&fe, samples + pos, n - pos, &used)) {
            mml_microfrontend_to_s8(fe.output, fe.num_channels, row);
            if (fwrite(row, 1, (size_t)fe.num_channels, out) != (size_t)fe.num_channels) {
                rc = die("cannot write %s: %s", out_path, strerror(errno));
            }
        }
        pos += used;
    }
    if (out && fclose(out) != 0 && !rc) {
        rc = die("cannot write %s: %s", out_path, strerror(errno));
    }
    free(mem);
    free(samples);
    return rc;
}

// microml features mlperf: the MLPerf Tiny KWS front end on the first second of the WAV, 49 x 10
// int8 in kws_ref_model.tflite's input quantization (scale 0.584702909, zero point 83).
static int cmd_features_mlperf(const char *in, const char *out_path) {
    size_t n = 0;
    int16_t *samples = read_wav_16k_mono(in, &n);
    if (!samples) {
        return 1;
    }
    mml_kws_mfcc_t kws;
    uint64_t *mem = malloc(mml_kws_mfcc_mem_size());
    float mfcc[MML_KWS_MFCC_FRAMES * MML_KWS_MFCC_COEFFS];
    int8_t q[MML_KWS_MFCC_FRAMES * MML_KWS_MFCC_COEFFS];
    int rc = 0;
    FILE *out = NULL;
    if (!mem || mml_kws_mfcc_init(&kws, mem, mml_kws_mfcc_mem_size()) != MML_OK) {
        rc = die("out of memory");
    } else {
        mml_kws_mfcc_f32(&kws, samples,
            n > MML_KWS_MFCC_SAMPLES ? MML_KWS_MFCC_SAMPLES : (int32_t)n, mfcc);
        mml_kws_mfcc_quantize(mfcc, MML_KWS_MFCC_FRAMES * MML_KWS_MFCC_COEFFS, 0.584702909f, 83, q);
        if (!(out = fopen(out_path, "wb")) || fwrite(q, 1, sizeof q, out) != sizeof q) {
            rc = die("cannot write %s: %s", out_path, strerror(errno));
        }
    }
    if (out && fclose(out) != 0 && !rc) {
        rc = die("cannot write %s: %s", out_path, strerror(errno));
    }
    free(mem);
    free(samples);
    return rc;
}

// microml features KIND [options] IN.wav OUT.bin
static int cmd_features(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[0], "mlperf") == 0) {
        return cmd_features_mlperf(argv[1], argv[2]);
    }
    if (argc < 1 || strcmp(argv[0], "micro") != 0) {
        return die("features: the front ends are: micro [--step-ms 10|20] IN.wav OUT.bin "
                   "(TFLite Micro's microfrontend, ESPHome's settings), mlperf IN.wav OUT.bin "
                   "(MLPerf Tiny KWS MFCC, int8)");
    }
    const char *pos[2];
    int n_pos = 0, step_ms = 10;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--step-ms") == 0) {
            if (i + 1 >= argc ||
                (strcmp(argv[i + 1], "10") != 0 && strcmp(argv[i + 1], "20") != 0)) {
                return die("--step-ms takes 10 or 20");
            }
            step_ms = atoi(argv[++i]);
        } else if (n_pos < 2 && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            pos[n_pos++] = argv[i];
        } else {
            return die("usage: microml features micro [--step-ms 10|20] IN.wav OUT.bin");
        }
    }
    if (n_pos != 2) {
        return die("usage: microml features micro [--step-ms 10|20] IN.wav OUT.bin");
    }
    return cmd_features_micro(pos[0], pos[1], step_ms);
}
#else
static int cmd_features(int argc, char **argv) {
    return die("features: not in this build (the DSP front ends are off: MML_ENABLE_DSP=0)");
}
#endif // MML_ENABLE_DSP

static int usage(void) {
    fprintf(stderr,
        "usage: microml info MODEL [--json] | microml run [--invocations N] MODEL IN.bin OUT.bin"
        " | microml ops MODEL... | microml bench MODEL [-n N]"
        " | microml features micro [--step-ms 10|20] IN.wav OUT.bin"
        " | microml features mlperf IN.wav OUT.bin\n");
    return 1;
}

// A positive count ("--invocations 3", "-n 10"), or -1.
static long parse_count(const char *s) {
    char *end = NULL;
    errno = 0;
    long n = strtol(s, &end, 10);
    return end == s || *end || errno || n <= 0 ? -1 : n;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "info") == 0) {
        int json = argc == 4 && strcmp(argv[3], "--json") == 0;
        if (argc > 4 || (argc == 4 && !json)) {
            return usage();
        }
        return cmd_info(argv[2], json);
    }
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        // MODEL IN OUT with --invocations N before, between or after them.
        const char *pos[3];
        int n_pos = 0;
        long invocations = 0;
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--invocations") == 0) {
                if (i + 1 >= argc || invocations || (invocations = parse_count(argv[++i])) < 0) {
                    return die("--invocations takes one positive number");
                }
            } else if (n_pos < 3 && argv[i][0] != '-') {
                pos[n_pos++] = argv[i];
            } else {
                return usage();
            }
        }
        if (n_pos != 3) {
            return usage();
        }
        return cmd_run(pos[0], pos[1], pos[2], invocations);
    }
    if (argc >= 3 && strcmp(argv[1], "ops") == 0) {
        return cmd_ops(argc - 2, argv + 2);
    }
    if ((argc == 3 || (argc == 5 && strcmp(argv[3], "-n") == 0)) && strcmp(argv[1], "bench") == 0) {
        long n = argc == 5 ? parse_count(argv[4]) : 0;
        if (n < 0) {
            return usage();
        }
        return cmd_bench(argv[2], n);
    }
    if (argc >= 2 && strcmp(argv[1], "features") == 0) {
        return cmd_features(argc - 2, argv + 2);
    }
    return usage();
}
