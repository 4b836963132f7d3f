// SPDX-License-Identifier: MIT
// Classical models (docs/classic-format.md): the loader, which validates every field of a blob,
// and the run path, which trusts it. Cost: one pass over the stages per sample; trees walk
// depth-many nodes per tree; no allocation, no writable statics, data read in place.
#include "microml/mml_classic.h"

#if MML_ENABLE_CLASSIC

#include <stdbool.h>
#include <string.h>

#include "core/mathf.h"
#include "core/status.h"

#define HEADER_BYTES (32u)
#define STAGE_BYTES (16u)
#define NODE_BYTES (16u)
#define TREES_SUM (1u) // trees param low byte: 0 mean of leaves (forests), 1 bias + sum (boosting)
#define TREES_IFOREST (2u)          // 2: isolation forest: -2^-(sum of leaves) - offset
#define TREES_CATEGORICAL (0x1000u) // trees param flag: categorical bitsets follow the leaves
#define TREES_COMPACT (0x2000u)     // trees param flag: 8-byte nodes, a threshold table
#define TREES_SPARSE (0x4000u) // trees param flag (format version 2): leaves as (class, value) pairs
#define FOREST_OTHER (1u)       // mml_classic_t.forest: a forest classifier,
#define FOREST_SPARSE_FULL (2u) // of plain 16-byte nodes and sparse leaves (the common form)
#define ACT_LOGISTIC (3u)           // dense activations: 0 identity, 1 relu, 2 tanh, 3 logistic
#define LINK_SOFTMAX (2u)

// A tree node as stored: feature < 0 marks a leaf whose `left` is its leaf index; an internal
// node's feature may carry MISSING_LEFT (a NaN input goes left: HistGradientBoosting) and
// CATEGORICAL (threshold's bits are a bitset index: HistGradientBoosting's categorical splits).
#define MISSING_LEFT (0x40000000)
#define CATEGORICAL (0x20000000)
#define FEATURE_MASK (0x1fffffff)
typedef struct {
    int32_t feature;
    float threshold;
    uint32_t left;
    uint32_t right;
} node_t;

// A compact node (TREES_COMPACT): children relative to the tree's first node; `value` indexes the
// threshold table (or the bitsets, or, in a leaf, the stage's table of distinct leaves).
#define C_LEAF (0xffffu)
#define C_MISSING_LEFT (0x4000u)
#define C_CATEGORICAL (0x2000u)
#define C_FEATURE_MASK (0x1fffu)
typedef struct {
    uint16_t feature, value, left, right;
} cnode_t;

// A trees stage's body, placed (docs/classic-format.md): mml_classic_trees_t.
typedef mml_classic_trees_t trees_t;

// A sparse leaf's entry (TREES_SPARSE): a class index and its value; PAIR_LAST marks a leaf's
// last pair. A leaf refers to its first pair.
#define PAIR_LAST (0x80000000u)
typedef struct {
    uint32_t cls;
    float value;
} pair_t;

// Keeps the compiler from deriving p's value another way (GCC: a register-offset load that
// costs an extra shift per tree node; a loop of stores turned into a memset call).
#if defined(__GNUC__)
#define OPAQUE(p) __asm__("" : "+r"(p))
#define NOINLINE __attribute__((noinline))
#else
#define OPAQUE(p) ((void)0)
#define NOINLINE
#endif

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double rd_f64(const uint8_t *p) {
    double v;
    memcpy(&v, p, 8); // the blob is only 4-byte aligned
    return v;
}

static uint16_t rd16(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

static const char *kind_name(uint32_t kind) {
    switch (kind) {
        case MML_CLASSIC_TREES:
            return "trees";
        case MML_CLASSIC_LINEAR:
            return "linear";
        case MML_CLASSIC_AFFINE:
            return "scaler";
        case MML_CLASSIC_NORMALIZER:
            return "normalizer";
        case MML_CLASSIC_PCA:
            return "pca";
        case MML_CLASSIC_DENSE:
            return "dense";
        case MML_CLASSIC_GAUSSIAN_NB:
            return "gaussian_nb";
        case MML_CLASSIC_SVM:
            return "svm";
        case MML_CLASSIC_CENTROIDS:
            return "centroids";
        case MML_CLASSIC_GMM:
            return "gmm";
        case MML_CLASSIC_KNN:
            return "knn";
        case MML_CLASSIC_MAHALANOBIS:
            return "mahalanobis";
        default:
            return "?";
    }
}

// A stage as the run path sees it (offsets already validated), decoded by load into m->stages.
typedef mml_classic_stage_t stage_t;

static const stage_t *stage_at(const mml_classic_t *m, uint32_t s) {
    return &m->stages[s];
}

// Reads a trees body's counts and, when its size (computed in 64 bits) fits in avail, places its
// arrays. Returns that size (0: the counts themselves are truncated).
static uint64_t trees_at(const uint8_t *b, uint64_t avail, uint32_t param, uint32_t n_out,
    trees_t *t) {
    memset(t, 0, sizeof(*t));
    t->agg = param & 0xff;
    t->link = (param >> 8) & 0xf;
    t->compact = (param & TREES_COMPACT) != 0;
    t->sparse = (param & TREES_SPARSE) != 0;
    bool cat = (param & TREES_CATEGORICAL) != 0;
    uint32_t head = 12 + (t->compact ? 4 : 0) + (cat ? 4 : 0);
    if (avail < head) {
        return 0;
    }
    t->n_trees = rd32(b);
    t->n_nodes = rd32(b + 4);
    t->n_leaves = rd32(b + 8);
    t->n_thr = t->compact ? rd32(b + 12) : 0;
    t->n_bitsets = cat ? rd32(b + head - 4) : 0;
    t->leaf_width = t->agg != 0 ? 1 : n_out;
    uint64_t roots = 4 * ((uint64_t)t->n_trees + 1);
    uint64_t o_thr = head + roots;
    uint64_t o_nodes = o_thr + 4 * (uint64_t)t->n_thr;
    uint64_t o_leaves = o_nodes + (uint64_t)(t->compact ? 8 : NODE_BYTES) * t->n_nodes;
    uint64_t o_extra = o_leaves + (t->sparse ? 8 * (uint64_t)t->n_leaves
                                             : 4 * (uint64_t)t->n_leaves * t->leaf_width);
    uint64_t o_bits = o_extra + (t->agg != 0 ? 4 * (uint64_t)n_out : 0);
    uint64_t need = o_bits + 64 * (uint64_t)t->n_bitsets;
    if (need <= avail) {
        t->root = (const uint32_t *)(b + head);
        t->thr = (const float *)(b + o_thr);
        t->nodes = b + o_nodes;
        t->leaves = (const float *)(b + o_leaves);
        t->pairs = (const uint32_t *)(b + o_leaves);
        t->extra = (const float *)(b + o_extra);
        t->bitsets = (const uint32_t *)(b + o_bits);
    }
    return need;
}

// The link that turns a model stage's raw output into probabilities (0: none, 1 binary logistic,
// 2 softmax, 3 one-vs-rest logistic).
static uint32_t stage_link(const stage_t *st) {
    switch (st->kind) {
        case MML_CLASSIC_LINEAR:
            return st->param;
        case MML_CLASSIC_TREES:
            return (st->param >> 8) & 0xf;
        case MML_CLASSIC_GAUSSIAN_NB:
        case MML_CLASSIC_GMM:
            return LINK_SOFTMAX;
        default:
            return 0;
    }
}

// A kernel SVM stage's body (see docs/classic-format.md).
#define SVM_HEAD (32u)
#define SVM_MAX_DEGREE (16u)
#define SVM_SCORE (1u) // flags: score_samples (OneClassSVM)
#define SVM_PROBA (2u) // flags: Platt sigmoids for predict_proba follow (SVC, NuSVC)
typedef struct {
    uint32_t kernel, degree, n_sv, n_groups, flags;
    float gamma, coef0, score_offset;
    const uint32_t *n_support; // n_groups
    const float *sv;           // [n_sv][n_in]
    const float *dual;         // [max(n_groups - 1, 1)][n_sv]
    const float *intercept;    // [n_pairs]
    const float *prob_a;       // SVM_PROBA: [n_pairs] libsvm's probA, then probB
} svm_t;

static uint32_t svm_pairs(uint32_t n_groups) {
    return n_groups > 1 ? n_groups * (n_groups - 1) / 2 : 1;
}

static svm_t svm_at(const stage_t *st) {
    const uint8_t *b = st->body;
    svm_t v;
    v.kernel = rd32(b);
    memcpy(&v.gamma, b + 4, 4);
    memcpy(&v.coef0, b + 8, 4);
    v.degree = rd32(b + 12);
    v.n_sv = rd32(b + 16);
    v.n_groups = rd32(b + 20);
    memcpy(&v.score_offset, b + 24, 4);
    v.flags = rd32(b + 28);
    v.n_support = (const uint32_t *)(b + SVM_HEAD);
    v.sv = (const float *)(v.n_support + v.n_groups);
    v.dual = v.sv + (size_t)v.n_sv * st->n_in;
    v.intercept = v.dual + (size_t)(v.n_groups > 1 ? v.n_groups - 1 : 1) * v.n_sv;
    v.prob_a = v.intercept + svm_pairs(v.n_groups);
    return v;
}

// Floats a stage writes at its output (an SVM also keeps its kernel values, pair decisions,
// confidences and, with probabilities, the pairwise ones there).
static uint64_t stage_room(const stage_t *st) {
    if (st->kind == MML_CLASSIC_KNN) {
        return st->n_out + 2 * (uint64_t)rd32(st->body); // + k (distance, index) pairs
    }
    if (st->kind == MML_CLASSIC_MAHALANOBIS) {
        return 2; // the result, then the squared distance
    }
    if (st->kind != MML_CLASSIC_SVM) {
        return st->n_out;
    }
    svm_t v = svm_at(st);
    uint64_t k = v.n_groups;
    return 2 * (uint64_t)st->n_out + v.n_sv + svm_pairs(v.n_groups) +
        ((v.flags & SVM_PROBA) != 0 ? k * k + k : 0);
}

// Whether a model stage's raw output is a decision function (linear, boosting, SVM).
static bool has_decision(const stage_t *st) {
    return st->kind == MML_CLASSIC_LINEAR || st->kind == MML_CLASSIC_SVM ||
        (st->kind == MML_CLASSIC_TREES && (st->param & 0xff) != 0) ||
        (st->kind == MML_CLASSIC_MAHALANOBIS && st->param == 1);
}

// Whether score_samples exists (decision + an offset): OneClassSVM, IsolationForest; GMM's
// log-likelihood; EllipticEnvelope's -mahalanobis.
static bool has_score(const stage_t *st) {
    return st->kind == MML_CLASSIC_GMM ||
        (st->kind == MML_CLASSIC_SVM && (svm_at(st).flags & SVM_SCORE) != 0) ||
        (st->kind == MML_CLASSIC_TREES && (st->param & 0xff) == TREES_IFOREST) ||
        (st->kind == MML_CLASSIC_MAHALANOBIS && st->param == 1);
}

static mml_status_t bad(mml_error_t *err, uint32_t s, const char *what) {
    return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed classic model: stage %u: %s", s, what);
}

// Checks n floats are not NaN (thresholds, coefficients: a NaN would make results meaningless).
static bool all_numbers(const float *v, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        if (v[i] != v[i]) {
            return false;
        }
    }
    return true;
}

// Trees: counts, ranges, and every node's feature, children, threshold (or bitset) and leaf;
// sparse leaves' ranges, classes and values. On success *out is the placed stage (its `plain`
// set when no node carries a flag).
static mml_status_t check_trees(const uint8_t *body, uint64_t avail, uint32_t s, uint32_t param,
    uint32_t n_in, uint32_t n_out, uint32_t version, bool classifier, trees_t *out,
    mml_error_t *err) {
    if (avail < 12) {
        return bad(err, s, "trees header truncated");
    }
    uint32_t agg = param & 0xff, lk = (param >> 8) & 0xf;
    uint32_t flags = TREES_CATEGORICAL | TREES_COMPACT | (version >= 2 ? TREES_SPARSE : 0);
    if (agg > TREES_IFOREST || lk > 3 || (param & ~(0xfffu | flags)) ||
        (agg == TREES_IFOREST && (n_out != 1 || lk != 0)) ||
        ((param & TREES_SPARSE) != 0 && agg != 0)) {
        return bad(err, s, "unknown tree aggregation, link or flags");
    }
    trees_t t;
    uint64_t need = trees_at(body, avail, param, n_out, &t);
    if (need == 0) {
        return bad(err, s, "trees header truncated");
    }
    if (t.n_trees == 0 || t.n_nodes == 0 || t.n_leaves == 0) {
        return bad(err, s, "no trees, nodes or leaves");
    }
    if (need != avail) {
        return bad(err, s, "trees size does not match its counts");
    }
    if (t.root[0] != 0 || t.root[t.n_trees] != t.n_nodes || (t.compact && t.n_leaves > C_LEAF)) {
        return bad(err, s, "tree ranges do not cover the nodes");
    }
    bool plain = true;
    for (uint32_t k = 0; k < t.n_trees; k++) {
        uint32_t first = t.root[k], end = t.root[k + 1];
        if (end <= first || (t.compact && end - first > C_LEAF)) {
            return bad(err, s, "empty or too large tree");
        }
        for (uint32_t i = first; i < end; i++) {
            bool ok;
            if (t.compact) {
                // Children after their parent and inside the tree: every walk ends at a leaf.
                const cnode_t *nd = (const cnode_t *)t.nodes + i;
                uint32_t local = i - first, size = end - first;
                if (nd->feature == C_LEAF) {
                    ok = nd->value < t.n_leaves;
                } else {
                    bool cat = (nd->feature & C_CATEGORICAL) != 0;
                    ok = (nd->feature & 0x8000u) == 0 && (nd->feature & C_FEATURE_MASK) < n_in &&
                        nd->left > local && nd->right > local && nd->left < size &&
                        nd->right < size && nd->value < (cat ? t.n_bitsets : t.n_thr);
                    plain = plain && nd->feature <= C_FEATURE_MASK;
                }
            } else {
                const node_t *nd = (const node_t *)t.nodes + i;
                if (nd->feature < 0) {
                    ok = nd->left < t.n_leaves;
                } else {
                    uint32_t bits;
                    memcpy(&bits, &nd->threshold, 4);
                    bool cat = (nd->feature & CATEGORICAL) != 0;
                    ok = (uint32_t)(nd->feature & FEATURE_MASK) < n_in && nd->left > i &&
                        nd->right > i && nd->left < end && nd->right < end &&
                        (cat ? bits < t.n_bitsets : nd->threshold == nd->threshold);
                    plain = plain && nd->feature <= FEATURE_MASK;
                }
            }
            if (!ok) {
                return mml__fail(err, MML_ERR_INVALID_MODEL,
                    "malformed classic model: node %u: bad feature, child or threshold (or leaf "
                    "index)",
                    i);
            }
        }
    }
    if (t.sparse) {
        // Every leaf's pairs end (the last pair ends a leaf: a walk from any pair stops in the
        // table); every class an output, every value a number.
        const pair_t *pr = (const pair_t *)t.pairs;
        if ((pr[t.n_leaves - 1].cls & PAIR_LAST) == 0) {
            return bad(err, s, "sparse leaves: the last pair does not end a leaf");
        }
        for (uint32_t i = 0; i < t.n_leaves; i++) {
            if ((pr[i].cls & ~PAIR_LAST) >= n_out || pr[i].value != pr[i].value) {
                return bad(err, s, "sparse leaf: class out of range or NaN value");
            }
        }
    }
    // A forest classifier's leaves are class probabilities: never negative (predict's argmax
    // relies on sums >= 0).
    if (classifier && agg == 0) {
        uint64_t n = t.sparse ? t.n_leaves : (uint64_t)t.n_leaves * t.leaf_width;
        for (uint64_t i = 0; i < n; i++) {
            float v = t.sparse ? ((const pair_t *)t.pairs)[i].value : t.leaves[i];
            if (v < 0.0f) {
                return bad(err, s, "negative class probability in a leaf");
            }
        }
    }
    if (!all_numbers(t.thr, t.n_thr) ||
        !all_numbers(t.leaves, t.sparse ? 0 : (uint64_t)t.n_leaves * t.leaf_width) ||
        !all_numbers(t.extra, agg != 0 ? n_out : 0)) {
        return bad(err, s, "NaN threshold or leaf value");
    }
    t.plain = plain;
    *out = t;
    return MML_OK;
}

static mml_status_t check_svm(const uint8_t *body, uint64_t avail, uint32_t s, uint32_t param,
    uint32_t n_in, uint32_t n_out, mml_error_t *err) {
    if (avail < SVM_HEAD) {
        return bad(err, s, "svm header truncated");
    }
    stage_t st = {MML_CLASSIC_SVM, param, n_in, n_out, body, (uint32_t)avail};
    uint32_t n_groups = rd32(body + 20), flags = rd32(body + 28);
    if (rd32(body) > 3 || rd32(body + 12) > SVM_MAX_DEGREE || param > 1 || n_groups == 0 ||
        n_groups > 0xffffu || (param == 0) != (n_groups >= 2) ||
        n_out != (param == 1 || n_groups == 2 ? 1u : n_groups) || flags > (SVM_SCORE | SVM_PROBA) ||
        ((flags & SVM_PROBA) != 0 && param != 0)) {
        return bad(err, s, "svm: bad kernel, degree, mode, groups, flags or outputs");
    }
    uint32_t n_sv = rd32(body + 16);
    uint64_t need = SVM_HEAD +
        4 *
            ((uint64_t)n_groups + (uint64_t)n_sv * n_in +
                (uint64_t)(n_groups > 1 ? n_groups - 1 : 1) * n_sv +
                (uint64_t)svm_pairs(n_groups) * ((flags & SVM_PROBA) != 0 ? 3 : 1));
    if (need != avail || n_sv == 0) {
        return bad(err, s, "svm size does not match its counts");
    }
    svm_t v = svm_at(&st);
    uint64_t total = 0;
    for (uint32_t g = 0; g < n_groups; g++) {
        total += v.n_support[g];
    }
    if (total != n_sv) {
        return bad(err, s, "svm: support counts do not add up");
    }
    if (!all_numbers(v.sv, (need - SVM_HEAD) / 4 - n_groups) || v.gamma != v.gamma ||
        v.coef0 != v.coef0 || v.score_offset != v.score_offset) {
        return bad(err, s, "NaN parameter");
    }
    return MML_OK;
}

// A knn stage's body: samples stored as float32, or (KNN_INT8 / KNN_INT16) as integers q with a
// per-feature scale, the sample value being exactly q * scale.
#define KNN_INT8 (0x400u)
#define KNN_INT16 (0x800u)
typedef struct {
    uint32_t k, n_samples, bytes; // bytes per stored sample value: 4, 1 or 2
    bool reg;
    const float *scale;     // [n_in] (integer storage)
    const float *xs;        // [n_samples][n_in] float32 storage, or
    const int8_t *xs8;      // int8 storage, or
    const int16_t *xs16;    // int16 storage
    const uint32_t *labels; // classifier: [n_samples]
    const float *y;         // regressor: [n_samples][n_out]
} knn_t;

// Reads a knn body's counts (its 8-byte head must be there) and, when its size fits in avail,
// places its arrays. Returns that size.
static uint64_t knn_at(const uint8_t *b, uint64_t avail, uint32_t param, uint32_t n_in,
    uint32_t n_out, knn_t *kn) {
    memset(kn, 0, sizeof(*kn));
    kn->k = rd32(b);
    kn->n_samples = rd32(b + 4);
    kn->reg = (param >> 9) & 1;
    kn->bytes = (param & KNN_INT8) != 0 ? 1 : (param & KNN_INT16) != 0 ? 2 : 4;
    uint64_t o_xs = 8 + (kn->bytes != 4 ? 4 * (uint64_t)n_in : 0);
    uint64_t xs_bytes = ((uint64_t)kn->n_samples * n_in * kn->bytes + 3) / 4 * 4;
    uint64_t o_tail = o_xs + xs_bytes;
    uint64_t need = o_tail + 4 * (uint64_t)kn->n_samples * (kn->reg ? n_out : 1);
    if (need > avail) {
        return need;
    }
    kn->scale = (const float *)(b + 8);
    kn->xs = (const float *)(b + o_xs);
    kn->xs8 = (const int8_t *)(b + o_xs);
    kn->xs16 = (const int16_t *)(b + o_xs);
    kn->labels = (const uint32_t *)(b + o_tail);
    kn->y = (const float *)(b + o_tail);
    return need;
}

static mml_status_t check_stage(const uint8_t *body, uint64_t avail, uint32_t s, uint32_t kind,
    uint32_t param, uint32_t n_in, uint32_t n_out, mml_classic_t *m, mml_error_t *err) {
    uint64_t need;
    switch (kind) {
        case MML_CLASSIC_SVM:
            return check_svm(body, avail, s, param, n_in, n_out, err);
        case MML_CLASSIC_TREES: // only a last stage may be trees: m->trees is that stage's
            return check_trees(body, avail, s, param, n_in, n_out, m->version,
                m->task == MML_CLASSIC_CLASSIFIER, &m->trees, err);
        case MML_CLASSIC_LINEAR:
            if (param > 3) {
                return bad(err, s, "unknown link function");
            }
            need = 4 * ((uint64_t)n_out * n_in + n_out);
            break;
        case MML_CLASSIC_AFFINE:
            need = 12 * (uint64_t)n_in;
            if (n_in != n_out) {
                return bad(err, s, "scaler changes the width");
            }
            break;
        case MML_CLASSIC_NORMALIZER:
            need = 0;
            if (n_in != n_out || param < 1 || param > 3) {
                return bad(err, s, "normalizer: bad width or norm");
            }
            break;
        case MML_CLASSIC_PCA:
            need = 4 * ((uint64_t)n_in + (uint64_t)n_out * n_in);
            break;
        case MML_CLASSIC_DENSE:
            if (param > ACT_LOGISTIC) {
                return bad(err, s, "unknown activation");
            }
            need = 4 * ((uint64_t)n_out * n_in + n_out);
            break;
        case MML_CLASSIC_GAUSSIAN_NB:
            need = 4 * (2 * (uint64_t)n_out * n_in + n_out);
            break;
        case MML_CLASSIC_GMM:
            need = 4 * ((uint64_t)n_out * n_in + (uint64_t)n_out * n_in * n_in + n_out);
            break;
        case MML_CLASSIC_KNN: {
            if (avail < 8 || (param & 0xff) > 1 || (param >> 8) > 0xb || (param >> 10) == 3) {
                return bad(err, s, "knn: truncated, or unknown metric, weights or storage");
            }
            knn_t kn;
            need = knn_at(body, avail, param, n_in, n_out, &kn);
            if (kn.k == 0 || kn.k > kn.n_samples || need != avail) {
                return bad(err, s, "knn: k or size does not match its counts");
            }
            for (uint32_t i = 0; !kn.reg && i < kn.n_samples; i++) {
                if (kn.labels[i] >= n_out) {
                    return bad(err, s, "knn: label out of range");
                }
            }
            if (!all_numbers(kn.scale, kn.bytes != 4 ? n_in : 0) ||
                !all_numbers(kn.xs, kn.bytes == 4 ? (uint64_t)kn.n_samples * n_in : 0) ||
                !all_numbers(kn.y, kn.reg ? (uint64_t)kn.n_samples * n_out : 0)) {
                return bad(err, s, "NaN parameter");
            }
            return MML_OK;
        }
        case MML_CLASSIC_CENTROIDS:
            if ((param & 0xff) > 1 || (param >> 8) > 1) {
                return bad(err, s, "unknown metric");
            }
            need = 4 * (uint64_t)n_out * n_in;
            break;
        case MML_CLASSIC_MAHALANOBIS:
            if (param > 1 || n_out != 1) {
                return bad(err, s, "mahalanobis: bad mode or outputs");
            }
            need = 8 * ((uint64_t)n_in + (uint64_t)n_in * n_in + 1);
            if (need != avail) {
                return bad(err, s, "size does not match its counts");
            }
            for (uint64_t i = 0; i < need / 8; i++) {
                if (rd_f64(body + 8 * i) != rd_f64(body + 8 * i)) {
                    return bad(err, s, "NaN parameter");
                }
            }
            return MML_OK;
        default:
            return mml__fail(err, MML_ERR_UNSUPPORTED,
                "classic model: stage %u has kind %u, unknown to this build", s, kind);
    }
    if (need != avail) {
        return bad(err, s, "size does not match its counts");
    }
    if (!all_numbers((const float *)body, need / 4)) {
        return bad(err, s, "NaN parameter");
    }
    return MML_OK;
}

mml_status_t mml_classic_load(mml_classic_t *m, const void *blob, size_t len, mml_error_t *err) {
    const uint8_t *b = blob;
    memset(m, 0, sizeof(*m));
    if (b == NULL || len < HEADER_BYTES) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "classic model truncated: %u bytes",
            (uint32_t)(len > 0xffffffffu ? 0xffffffffu : len));
    }
    if (memcmp(b, MML_CLASSIC_MAGIC, 4) != 0) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "not a classic model (no \"MMLC\" magic)");
    }
    if ((uintptr_t)b % 4 != 0) {
        return mml__fail(err, MML_ERR_INVALID_ARG, "classic model must be 4-byte aligned");
    }
    uint32_t version = rd16(b + 4), n_stages = rd16(b + 6), total = rd32(b + 8);
    if (version < MML_CLASSIC_VERSION_MIN || version > MML_CLASSIC_VERSION) {
        return mml__fail(err, MML_ERR_UNSUPPORTED,
            "classic model format version %u: this build reads versions %u to %u", version,
            (uint32_t)MML_CLASSIC_VERSION_MIN, (uint32_t)MML_CLASSIC_VERSION);
    }
    if (total != len) {
        return mml__fail(err, MML_ERR_INVALID_MODEL,
            "classic model truncated or padded: header says %u bytes, got %u", total,
            (uint32_t)(len > 0xffffffffu ? 0xffffffffu : len));
    }
    m->buf = b;
    m->len = total;
    m->version = version;
    m->task = rd32(b + 12);
    m->n_features = rd32(b + 16);
    m->n_classes = rd32(b + 20);
    m->n_targets = rd32(b + 24);
    if (m->task > MML_CLASSIC_COVARIANCE || m->n_features == 0 || rd32(b + 28) != 0) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed classic model: header");
    }
    if (m->task == MML_CLASSIC_CLASSIFIER ? m->n_classes < 2 || m->n_targets != 1
                                          : m->n_classes != 0 || m->n_targets == 0) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed classic model: classes/targets");
    }
    if (n_stages == 0 || n_stages > MML_CLASSIC_MAX_STAGES) {
        return mml__fail(err, MML_ERR_UNSUPPORTED, "classic model: %u stages (this build: 1..%u)",
            n_stages, (uint32_t)MML_CLASSIC_MAX_STAGES);
    }
    uint64_t off = HEADER_BYTES + 4 * (uint64_t)m->n_classes;
    if (off > len) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "classic model truncated in its classes");
    }
    m->classes = (const int32_t *)(b + HEADER_BYTES);
    m->n_stages = n_stages;
    uint32_t width = m->n_features, max_width = width;
    for (uint32_t s = 0; s < n_stages; s++) {
        if (off + STAGE_BYTES > len) {
            return bad(err, s, "truncated header");
        }
        const uint8_t *p = b + off;
        uint32_t kind = rd16(p), param = rd16(p + 2), size = rd32(p + 4), n_in = rd32(p + 8),
                 n_out = rd32(p + 12);
        if (size < STAGE_BYTES || size % 4 != 0 || off + size > len) {
            return bad(err, s, "size out of the blob");
        }
        if (n_in != width || n_out == 0) {
            return bad(err, s, "input width differs from the previous output");
        }
        mml_status_t st =
            check_stage(p + STAGE_BYTES, size - STAGE_BYTES, s, kind, param, n_in, n_out, m, err);
        if (st != MML_OK) {
            return st;
        }
        bool last = s + 1 == n_stages;
        bool is_model = kind == MML_CLASSIC_TREES || kind == MML_CLASSIC_LINEAR ||
            kind == MML_CLASSIC_GAUSSIAN_NB || kind == MML_CLASSIC_SVM ||
            kind == MML_CLASSIC_CENTROIDS || kind == MML_CLASSIC_GMM || kind == MML_CLASSIC_KNN ||
            kind == MML_CLASSIC_MAHALANOBIS;
        if (is_model != (last && m->task != MML_CLASSIC_TRANSFORMER)) {
            return bad(err, s, "models must be the last stage, transforms before it");
        }
        m->stage[s] = (uint32_t)off;
        off += size;
        width = n_out;
        stage_t st_s = {kind, param, n_in, n_out, p + STAGE_BYTES, size - STAGE_BYTES};
        m->stages[s] = st_s;
        uint64_t room = stage_room(&st_s);
        if (room > 0x3fffffffu) {
            return bad(err, s, "too wide");
        }
        max_width = room > max_width ? (uint32_t)room : max_width;
        if (last) {
            m->model_kind = kind;
            // A forest classifier (a mean of trees, two or more classes): predict's short path.
            const trees_t *t = &m->trees;
            m->forest = kind != MML_CLASSIC_TREES || (param & 0xff) != 0 || n_out < 2 ||
                    m->task != MML_CLASSIC_CLASSIFIER
                ? 0
                : t->sparse && t->plain && !t->compact ? FOREST_SPARSE_FULL
                                                       : FOREST_OTHER;
        }
    }
    if (off != len) {
        return mml__fail(err, MML_ERR_INVALID_MODEL, "malformed classic model: trailing bytes");
    }
    // The last stage's output must be what the task promises.
    stage_t last = *stage_at(m, n_stages - 1);
    uint32_t lk = stage_link(&last);
    bool ok, envelope = last.kind == MML_CLASSIC_MAHALANOBIS;
    if (m->task == MML_CLASSIC_CLASSIFIER) {
        ok = width == m->n_classes || (has_decision(&last) && width == 1 && m->n_classes == 2);
        ok = ok && (lk != 1 || width == 1) && (!envelope || last.param == 1);
    } else if (m->task == MML_CLASSIC_COVARIANCE) { // MinCovDet: the distance alone
        ok = envelope && last.param == 0 && m->n_targets == 1;
    } else {
        ok = width == m->n_targets && lk == 0 && !envelope;
    }
    if (!ok) {
        return mml__fail(err, MML_ERR_INVALID_MODEL,
            "malformed classic model: last stage (%s) gives %u values", kind_name(m->model_kind),
            width);
    }
    // Room for every result too (a binary logistic stage gives 1 value, 2 probabilities).
    m->max_width = max_width > m->n_classes ? max_width : m->n_classes;
    return MML_OK;
}

uint32_t mml_classic_scratch_floats(const mml_classic_t *m) {
    return 2 * m->max_width;
}

uint32_t mml_classic_outputs(const mml_classic_t *m, mml_classic_what_t what) {
    const stage_t *last = stage_at(m, m->n_stages - 1);
    switch (what) {
        case MML_CLASSIC_PREDICT:
            return m->task == MML_CLASSIC_REGRESSOR ? m->n_targets : 0;
        case MML_CLASSIC_PROBA:
            if (m->task != MML_CLASSIC_CLASSIFIER) {
                return 0;
            }
            return stage_link(last) != 0 || last->kind == MML_CLASSIC_KNN ||
                    (last->kind == MML_CLASSIC_TREES && !has_decision(last)) ||
                    (last->kind == MML_CLASSIC_SVM && (svm_at(last).flags & SVM_PROBA) != 0)
                ? m->n_classes
                : 0;
        case MML_CLASSIC_DECISION:
            return m->task == MML_CLASSIC_CLASSIFIER && has_decision(last) ? last->n_out : 0;
        case MML_CLASSIC_TRANSFORM:
            if (last->kind == MML_CLASSIC_CENTROIDS && (last->param >> 8) == 1) {
                return last->n_out; // KMeans: distances to the centers
            }
            return m->task == MML_CLASSIC_TRANSFORMER ? m->n_targets : 0;
        case MML_CLASSIC_SCORE:
            return has_score(last) ? 1 : 0;
        case MML_CLASSIC_MAHALANOBIS_DIST:
            return last->kind == MML_CLASSIC_MAHALANOBIS ? 1 : 0;
        default:
            return 0;
    }
}

// ---------------------------------------------------------------------------------------------
// The run path: trusts what load checked.

// A categorical split (HistGradientBoosting): the category (the value's integer part) goes left
// when in the left bitset, right when a known category, else where missing values go; NaN,
// negative values and values >= 256 (beyond any category) go where missing values go.
static bool category_left(const uint32_t *bits, float v, bool missing_left) {
    if (!(v >= 0.0f && v < 256.0f)) {
        return missing_left;
    }
    uint32_t c = (uint32_t)v;
    if ((bits[c >> 5] >> (c & 31)) & 1u) {
        return true;
    }
    return (bits[8 + (c >> 5)] >> (c & 31)) & 1u ? false : missing_left;
}

// scikit-learn: X[f] <= threshold goes left (the threshold rounded down to float32 by the
// converter, so the comparison is the same as scikit-learn's in double); NaN goes right, or left
// where the node says so.
static bool go_left(const trees_t *t, const node_t *nd, const float *x) {
    float v = x[nd->feature & FEATURE_MASK];
    bool missing_left = (nd->feature & MISSING_LEFT) != 0;
    if ((nd->feature & CATEGORICAL) != 0) {
        uint32_t b;
        memcpy(&b, &nd->threshold, 4);
        return category_left(t->bitsets + 16 * (size_t)b, v, missing_left);
    }
    return v <= nd->threshold || (v != v && missing_left);
}

// The leaf tree k reaches for x (any node: flags included).
static uint32_t tree_leaf(const trees_t *t, uint32_t k, const float *x) {
    if (t->compact) {
        const cnode_t *base = (const cnode_t *)t->nodes + t->root[k], *nd = base;
        const float *thr = t->thr;
        for (;;) {
            uint32_t f = nd->feature;
            if (f <= C_FEATURE_MASK) { // a plain split: one test per node
                nd = base + (x[f] <= thr[nd->value] ? nd->left : nd->right);
                continue;
            }
            if (f == C_LEAF) {
                break;
            }
            float v = x[f & C_FEATURE_MASK];
            bool left;
            if ((f & C_CATEGORICAL) != 0) {
                left = category_left(t->bitsets + 16 * (size_t)nd->value, v,
                    (f & C_MISSING_LEFT) != 0);
            } else {
                left = v <= thr[nd->value] || (v != v && (f & C_MISSING_LEFT) != 0);
            }
            nd = base + (left ? nd->left : nd->right);
        }
        return nd->value;
    }
    const node_t *nodes = t->nodes, *nd = nodes + t->root[k];
    for (;;) {
        uint32_t f = (uint32_t)nd->feature;
        if (f <= FEATURE_MASK) { // a plain split: one test per node
            nd = nodes + (x[f] <= nd->threshold ? nd->left : nd->right);
            continue;
        }
        if (nd->feature < 0) {
            break;
        }
        nd = nodes + (go_left(t, nd, x) ? nd->left : nd->right);
    }
    return nd->left;
}

// The walks of a plain stage (load checked that no node has a flag): a leaf has feature -1 (full
// form) or 0xffff (compact), every other node is x[feature] <= threshold, NaN going right.
static inline uint32_t walk_full(const node_t *nodes, uint32_t root, const float *x) {
    const node_t *nd = nodes + root;
    OPAQUE(nd);
    int32_t f;
    while ((f = nd->feature) >= 0) {
        uint32_t c = x[f] <= nd->threshold ? nd->left : nd->right;
        nd = nodes + c;
        OPAQUE(nd);
    }
    return nd->left;
}

static inline uint32_t walk_compact(const cnode_t *base, const float *thr, const float *x) {
    const cnode_t *nd = base;
    uint32_t f;
    while ((f = nd->feature) != C_LEAF) {
        uint32_t c = x[f] <= thr[nd->value] ? nd->left : nd->right;
        nd = base + c;
        OPAQUE(nd);
    }
    return nd->value;
}

// Sets n floats to 0 (a loop, two a step: the library's memset costs more for a few floats).
static inline void zero(float *out, uint32_t n) {
    float *end = out + n;
    for (; out + 1 < end; out += 2) {
        out[0] = 0.0f;
        out[1] = 0.0f;
        OPAQUE(out);
    }
    if (out < end) {
        *out = 0.0f;
    }
}

// A sparse leaf's pairs added to out (out[class] += value, in the leaf's order), from its first
// pair to the one marked last.
static inline void add_pairs(const trees_t *t, uint32_t leaf, float *out) {
    const pair_t *p = (const pair_t *)t->pairs + leaf;
    uint32_t c;
    do {
        OPAQUE(p);
        c = p->cls;
        out[c & ~PAIR_LAST] += p->value;
        p++;
    } while ((c & PAIR_LAST) == 0);
}

// Forests: out[j] = the sum of the trees' leaf rows, tree by tree in order. Sparse leaves skip
// their zeros: adding 0.0f to a sum (>= +0.0) leaves it bit-identical, so the sums are the dense
// form's. Dense leaves: TREES_CHUNK trees at a time so that each out[j] is loaded and stored once
// per chunk (the same additions in the same order).
#define TREES_CHUNK (16u)
// The common forest (plain 16-byte nodes, sparse leaves) on its own: the walk's loop gets the
// registers it needs.
static NOINLINE void sum_sparse_full(const trees_t *t, uint32_t n_out, const float *x,
    float *out) {
    zero(out, n_out);
    const node_t *nodes = t->nodes;
    const uint32_t *root = t->root, *end = root + t->n_trees;
    for (; root < end; root++) {
        add_pairs(t, walk_full(nodes, *root, x), out);
    }
}

static void sum_leaves(const trees_t *t, uint32_t n_out, const float *x, float *out) {
    if (t->sparse && t->plain && !t->compact) {
        sum_sparse_full(t, n_out, x, out);
        return;
    }
    zero(out, n_out);
    uint32_t n_trees = t->n_trees;
    if (t->sparse) {
        if (t->plain) {
            for (uint32_t k = 0; k < n_trees; k++) {
                add_pairs(t, walk_compact((const cnode_t *)t->nodes + t->root[k], t->thr, x), out);
            }
        } else {
            for (uint32_t k = 0; k < n_trees; k++) {
                add_pairs(t, tree_leaf(t, k, x), out);
            }
        }
        return;
    }
    const float *rows[TREES_CHUNK];
    for (uint32_t k0 = 0; k0 < n_trees; k0 += TREES_CHUNK) {
        uint32_t n = n_trees - k0 < TREES_CHUNK ? n_trees - k0 : TREES_CHUNK;
        for (uint32_t k = 0; k < n; k++) {
            rows[k] = t->leaves + (size_t)tree_leaf(t, k0 + k, x) * n_out;
        }
        for (uint32_t j = 0; j < n_out; j++) {
            float acc = out[j];
            for (uint32_t k = 0; k < n; k++) {
                acc += rows[k][j];
            }
            out[j] = acc;
        }
    }
}

// votes: the caller wants only the class (mml_classic_predict_class): a forest's sums are left
// undivided, predict_class resolves the argmax as the averaged values would.
static void run_trees(const trees_t *t, uint32_t n_out, const float *x, float *out, bool votes) {
    if (t->agg != 0) {
        // Boosting: bias, plus each tree's one leaf value (learning rate folded in) added to
        // output k % n_out (scikit-learn's stage order: one tree per class and stage).
        bool iforest = t->agg == TREES_IFOREST;
        for (uint32_t j = 0; j < n_out; j++) {
            out[j] = iforest ? 0.0f : t->extra[j];
        }
        for (uint32_t k = 0; k < t->n_trees; k++) {
            out[k % n_out] += t->leaves[tree_leaf(t, k, x)];
        }
        if (iforest) {
            // The leaves hold path lengths / (n_trees c(max_samples)), the extra slot the offset:
            // score = -2^-(sum), decision = score - offset.
            out[0] = -mml__expf(-out[0] * 0.693147182f) - t->extra[0];
        }
        return;
    }
    sum_leaves(t, n_out, x, out);
    if (t->n_trees > 1 && !votes) {
        float inv = (float)t->n_trees;
        for (uint32_t j = 0; j < n_out; j++) {
            out[j] /= inv;
        }
    }
}

static void run_linear(const stage_t *st, const float *x, float *out) {
    const float *coef = (const float *)st->body;
    const float *icpt = coef + (size_t)st->n_out * st->n_in;
    for (uint32_t j = 0; j < st->n_out; j++) {
        const float *w = coef + (size_t)j * st->n_in;
        float acc = 0.0f;
        for (uint32_t i = 0; i < st->n_in; i++) {
            acc += w[i] * x[i];
        }
        out[j] = acc + icpt[j];
    }
}

static float expit(float z) {
    return z >= 0.0f ? 1.0f / (1.0f + mml__expf(-z)) : mml__expf(z) / (1.0f + mml__expf(z));
}

// The linear stage's link: decision values d[n] -> probabilities p (n_classes).
static void link(uint32_t post, const float *d, uint32_t n, float *p) {
    if (post == 1) { // binary logistic
        p[1] = expit(d[0]);
        p[0] = 1.0f - p[1];
        return;
    }
    float sum = 0.0f;
    if (post == 2) { // softmax
        float mx = d[0];
        for (uint32_t j = 1; j < n; j++) {
            mx = d[j] > mx ? d[j] : mx;
        }
        for (uint32_t j = 0; j < n; j++) {
            p[j] = mml__expf(d[j] - mx);
            sum += p[j];
        }
    } else { // one-vs-rest: each expit, normalized
        for (uint32_t j = 0; j < n; j++) {
            p[j] = expit(d[j]);
            sum += p[j];
        }
    }
    for (uint32_t j = 0; j < n; j++) {
        p[j] /= sum;
    }
}

// A dense layer (MLP hidden layer): linear, then the activation.
static void run_dense(const stage_t *st, const float *x, float *out) {
    run_linear(st, x, out);
    for (uint32_t j = 0; j < st->n_out; j++) {
        float v = out[j];
        switch (st->param) {
            case 1:
                out[j] = v > 0.0f ? v : 0.0f;
                break;
            case 2:
                out[j] = mml__tanhf(v);
                break;
            case ACT_LOGISTIC:
                out[j] = expit(v);
                break;
            default:
                break;
        }
    }
}

// Gaussian naive Bayes: the joint log-likelihood of each class,
// c_k - sum_i (x_i - theta_ki)^2 * h_ki, with h = 0.5 / var and c_k = log prior_k - 0.5 sum log(2
// pi var).
static void run_gaussian_nb(const stage_t *st, const float *x, float *out) {
    uint32_t n = st->n_in;
    const float *theta = (const float *)st->body;
    const float *h = theta + (size_t)st->n_out * n;
    const float *c = h + (size_t)st->n_out * n;
    for (uint32_t k = 0; k < st->n_out; k++) {
        float acc = 0.0f;
        for (uint32_t i = 0; i < n; i++) {
            float d = x[i] - theta[(size_t)k * n + i];
            acc += d * d * h[(size_t)k * n + i];
        }
        out[k] = c[k] - acc;
    }
}

// The kernel of x and support vector sv (n values), as libsvm computes it.
static float kernel(const svm_t *v, const float *x, const float *sv, uint32_t n) {
    float acc = 0.0f;
    if (v->kernel == 2) { // rbf: exp(-gamma |x - sv|^2)
        for (uint32_t i = 0; i < n; i++) {
            float d = x[i] - sv[i];
            acc += d * d;
        }
        return mml__expf(-v->gamma * acc);
    }
    for (uint32_t i = 0; i < n; i++) {
        acc += x[i] * sv[i];
    }
    if (v->kernel == 0) { // linear
        return acc;
    }
    float z = v->gamma * acc + v->coef0;
    if (v->kernel == 3) { // sigmoid
        return mml__tanhf(z);
    }
    float r = 1.0f; // poly: z^degree
    for (uint32_t d = 0; d < v->degree; d++) {
        r *= z;
    }
    return r;
}

// Kernel SVM. out holds the result (n_out), then the kernel values (n_sv), the one-vs-one
// decisions (n_pairs) and the per-class confidences (n_out): stage_room() floats.
static void run_svm(const stage_t *st, const float *x, float *out) {
    svm_t v = svm_at(st);
    float *kv = out + st->n_out, *dec = kv + v.n_sv, *conf = dec + svm_pairs(v.n_groups);
    for (uint32_t s = 0; s < v.n_sv; s++) {
        kv[s] = kernel(&v, x, v.sv + (size_t)s * st->n_in, st->n_in);
    }
    if (v.n_groups == 1) { // SVR, OneClassSVM: sum + intercept
        float acc = v.intercept[0];
        for (uint32_t s = 0; s < v.n_sv; s++) {
            acc += v.dual[s] * kv[s];
        }
        out[0] = acc;
        return;
    }
    // One-vs-one, libsvm's order: pair (i, j), i < j, uses the dual coefficients of row j - 1
    // for class i's vectors and of row i for class j's.
    uint32_t p = 0, start_i = 0;
    for (uint32_t i = 0; i < v.n_groups; i++) {
        uint32_t start_j = start_i + v.n_support[i];
        for (uint32_t j = i + 1; j < v.n_groups; j++) {
            float acc = v.intercept[p];
            for (uint32_t s = 0; s < v.n_support[i]; s++) {
                acc += v.dual[(size_t)(j - 1) * v.n_sv + start_i + s] * kv[start_i + s];
            }
            for (uint32_t s = 0; s < v.n_support[j]; s++) {
                acc += v.dual[(size_t)i * v.n_sv + start_j + s] * kv[start_j + s];
            }
            dec[p++] = acc;
            start_j += v.n_support[j];
        }
        start_i += v.n_support[i];
    }
    if (v.n_groups == 2) {
        out[0] = -dec[0]; // scikit-learn's sign: positive means classes_[1]
        return;
    }
    // scikit-learn's one-vs-rest shape: votes + confidences squashed into (-1/3, 1/3).
    for (uint32_t c = 0; c < v.n_groups; c++) {
        out[c] = 0.0f;
        conf[c] = 0.0f;
    }
    p = 0;
    for (uint32_t i = 0; i < v.n_groups; i++) {
        for (uint32_t j = i + 1; j < v.n_groups; j++, p++) {
            conf[i] += dec[p];
            conf[j] -= dec[p];
            out[dec[p] >= 0.0f ? i : j] += 1.0f;
        }
    }
    for (uint32_t c = 0; c < v.n_groups; c++) {
        float a = conf[c] < 0.0f ? -conf[c] : conf[c];
        out[c] += conf[c] / (3.0f * (a + 1.0f));
    }
}

// libsvm's matrix Q of the pairwise probabilities r (k x k), computed from r as needed:
// Q[t][t] = sum over j != t of r[j][t]^2, Q[t][j] = -r[j][t] r[t][j].
static float svm_q(const float *r, uint32_t k, uint32_t t, uint32_t j) {
    if (t != j) {
        return -r[(size_t)j * k + t] * r[(size_t)t * k + j];
    }
    float acc = 0.0f;
    for (uint32_t i = 0; i < k; i++) {
        acc += i != t ? r[(size_t)i * k + t] * r[(size_t)i * k + t] : 0.0f;
    }
    return acc;
}

// Distances to each centroid (euclidean or manhattan).
static void run_centroids(const stage_t *st, const float *x, float *out) {
    const float *c = (const float *)st->body;
    for (uint32_t k = 0; k < st->n_out; k++) {
        float acc = 0.0f;
        for (uint32_t i = 0; i < st->n_in; i++) {
            float d = x[i] - c[(size_t)k * st->n_in + i];
            acc += (st->param & 0xff) == 1 ? (d < 0.0f ? -d : d) : d * d;
        }
        out[k] = (st->param & 0xff) == 1 ? acc : mml__sqrtf(acc);
    }
}

// Gaussian mixture: per component c_k - 0.5 |(x - mu_k) P_k|^2, P_k the Cholesky factor of the
// precision (every covariance type stored in full form), c_k = log w_k - n/2 log 2 pi + log det
// P_k.
static void run_gmm(const stage_t *st, const float *x, float *out) {
    uint32_t n = st->n_in;
    const float *mu = (const float *)st->body;
    const float *p = mu + (size_t)st->n_out * n;
    const float *c = p + (size_t)st->n_out * n * n;
    for (uint32_t k = 0; k < st->n_out; k++) {
        const float *pk = p + (size_t)k * n * n;
        float acc = 0.0f;
        for (uint32_t j = 0; j < n; j++) {
            float y = 0.0f;
            for (uint32_t i = 0; i < n; i++) {
                y += (x[i] - mu[(size_t)k * n + i]) * pk[(size_t)i * n + j];
            }
            acc += y * y;
        }
        out[k] = c[k] - 0.5f * acc;
    }
}

// The distance from x to the stored sample starting at row, the terms added in feature order.
// Integer storage: q * scale is exactly the float32 sample value (the converter checks it), so
// every distance equals the float32 form's. One loop per storage and metric: nothing is decided
// per term.
static float knn_distance(const knn_t *kn, const float *x, uint32_t n, size_t row, bool manhattan) {
    float d = 0.0f;
    if (kn->bytes == 4) {
        const float *xs = kn->xs + row;
        if (manhattan) {
            for (uint32_t i = 0; i < n; i++) {
                float t = x[i] - xs[i];
                d += t < 0.0f ? -t : t;
            }
        } else {
            for (uint32_t i = 0; i < n; i++) {
                float t = x[i] - xs[i];
                d += t * t;
            }
        }
    } else if (kn->bytes == 1) {
        const int8_t *xs = kn->xs8 + row;
        for (uint32_t i = 0; i < n; i++) {
            float t = x[i] - (float)xs[i] * kn->scale[i];
            d += manhattan ? (t < 0.0f ? -t : t) : t * t;
        }
    } else {
        const int16_t *xs = kn->xs16 + row;
        for (uint32_t i = 0; i < n; i++) {
            float t = x[i] - (float)xs[i] * kn->scale[i];
            d += manhattan ? (t < 0.0f ? -t : t) : t * t;
        }
    }
    return d;
}

// k nearest neighbours (the first stored sample wins a tie in distance). out: the result
// (n_out), then k (distance, index) pairs, nearest first: stage_room() floats.
static void run_knn(const stage_t *st, const float *x, float *out) {
    knn_t kn;
    knn_at(st->body, st->body_len, st->param, st->n_in, st->n_out, &kn);
    uint32_t k = kn.k, n_samples = kn.n_samples, n = st->n_in, found = 0;
    bool manhattan = (st->param & 0xff) == 1, by_distance = (st->param >> 8) & 1, reg = kn.reg;
    float *best = out + st->n_out; // best[2 j] distance, best[2 j + 1] the index's bits
    for (uint32_t s = 0; s < n_samples; s++) {
        float d = knn_distance(&kn, x, n, (size_t)s * n, manhattan);
        if (found == k && !(d < best[2 * (k - 1)])) {
            continue;
        }
        uint32_t j = found < k ? found++ : k - 1; // insertion into the sorted list
        while (j > 0 && d < best[2 * (j - 1)]) {
            best[2 * j] = best[2 * (j - 1)];
            best[2 * j + 1] = best[2 * j - 1];
            j--;
        }
        best[2 * j] = d;
        memcpy(&best[2 * j + 1], &s, 4);
    }
    // Weights: 1 each, or 1 / distance (scikit-learn: when some distances are 0, those
    // neighbours alone, with weight 1).
    bool exact = false;
    for (uint32_t j = 0; j < k; j++) {
        best[2 * j] = manhattan ? best[2 * j] : mml__sqrtf(best[2 * j]);
        exact = exact || best[2 * j] == 0.0f;
    }
    float total = 0.0f;
    for (uint32_t c = 0; c < st->n_out; c++) {
        out[c] = 0.0f;
    }
    for (uint32_t j = 0; j < k; j++) {
        float w = !by_distance ? 1.0f
            : exact            ? (best[2 * j] == 0.0f ? 1.0f : 0.0f)
                               : 1.0f / best[2 * j];
        uint32_t s;
        memcpy(&s, &best[2 * j + 1], 4);
        if (reg) {
            const float *y = kn.y + (size_t)s * st->n_out;
            for (uint32_t c = 0; c < st->n_out; c++) {
                out[c] += w * y[c];
            }
        } else {
            out[kn.labels[s]] += w;
        }
        total += w;
    }
    for (uint32_t c = 0; c < st->n_out; c++) {
        out[c] /= total;
    }
}

// EllipticEnvelope / MinCovDet: d2 = |(x - location) F|^2, F F^T = the precision matrix, in
// double from double parameters: the envelope's decision -d2 - offset cancels most of d2 near its
// boundary, where float32 would leave errors of ~1e-4. out[1] = d2; out[0] = d2 (MinCovDet) or
// the decision.
static void run_mahalanobis(const stage_t *st, const float *x, float *out) {
    uint32_t n = st->n_in;
    const uint8_t *loc = st->body, *f = loc + 8 * (size_t)n;
    double acc = 0.0;
    for (uint32_t j = 0; j < n; j++) {
        double y = 0.0;
        for (uint32_t i = 0; i < n; i++) {
            y += ((double)x[i] - rd_f64(loc + 8 * (size_t)i)) * rd_f64(f + 8 * ((size_t)i * n + j));
        }
        acc += y * y;
    }
    out[1] = (float)acc;
    out[0] = st->param == 1 ? (float)(-acc - rd_f64(f + 8 * (size_t)n * n)) : (float)acc;
}

// libsvm's probability: each pair's decision through its Platt sigmoid (1 / (1 + exp(A d + B)),
// kept in [1e-7, 1 - 1e-7]), then coupled into k class probabilities by Wu, Lin and Weng's
// method 2 (libsvm's multiclass_probability: the same iteration, start and stopping rule; also
// for two classes, as scikit-learn's libsvm does). r is the stage's output region after the
// confidences (k * k + k floats: the pairwise matrix, then Qp).
static void svm_proba(const stage_t *st, float *region, float *p) {
    svm_t v = svm_at(st);
    uint32_t k = v.n_groups, n_pairs = svm_pairs(k);
    const float *dec = region + st->n_out + v.n_sv;
    float *r = region + st->n_out + v.n_sv + n_pairs + st->n_out, *qp = r + (size_t)k * k;
    const float *prob_b = v.prob_a + n_pairs;
    uint32_t q = 0;
    for (uint32_t i = 0; i < k; i++) {
        for (uint32_t j = i + 1; j < k; j++, q++) {
            float f = dec[q] * v.prob_a[q] + prob_b[q], e, s;
            if (f >= 0.0f) {
                e = mml__expf(-f);
                s = e / (1.0f + e);
            } else {
                s = 1.0f / (1.0f + mml__expf(f));
            }
            s = s < 1e-7f ? 1e-7f : s > 1.0f - 1e-7f ? 1.0f - 1e-7f : s;
            r[(size_t)i * k + j] = s;
            r[(size_t)j * k + i] = 1.0f - s;
        }
    }
    float eps = 0.005f / (float)k;
    for (uint32_t t = 0; t < k; t++) {
        p[t] = 1.0f / (float)k;
    }
    uint32_t max_iter = k > 100 ? k : 100;
    for (uint32_t iter = 0; iter < max_iter; iter++) {
        float pqp = 0.0f, max_error = 0.0f;
        for (uint32_t t = 0; t < k; t++) {
            qp[t] = 0.0f;
            for (uint32_t j = 0; j < k; j++) {
                qp[t] += svm_q(r, k, t, j) * p[j];
            }
            pqp += p[t] * qp[t];
        }
        for (uint32_t t = 0; t < k; t++) {
            float e = qp[t] - pqp;
            e = e < 0.0f ? -e : e;
            max_error = e > max_error ? e : max_error;
        }
        if (max_error < eps) {
            break;
        }
        for (uint32_t t = 0; t < k; t++) {
            float qtt = svm_q(r, k, t, t), diff = (-qp[t] + pqp) / qtt;
            p[t] += diff;
            pqp = (pqp + diff * (diff * qtt + 2.0f * qp[t])) / (1.0f + diff) / (1.0f + diff);
            for (uint32_t j = 0; j < k; j++) {
                qp[j] = (qp[j] + diff * svm_q(r, k, t, j)) / (1.0f + diff);
                p[j] /= (1.0f + diff);
            }
        }
    }
}

// log(sum(exp(v))), stable.
static float logsumexp(const float *v, uint32_t n) {
    float mx = v[0], sum = 0.0f;
    for (uint32_t j = 1; j < n; j++) {
        mx = v[j] > mx ? v[j] : mx;
    }
    for (uint32_t j = 0; j < n; j++) {
        sum += mml__expf(v[j] - mx);
    }
    return mx + mml__logf(sum);
}

// libsvm's one-vs-one vote (predict): class i wins pair (i, j) when its decision is > 0; the
// first class with the most votes.
static uint32_t svm_vote(const stage_t *st, const float *out) {
    svm_t v = svm_at(st);
    const float *dec = out + st->n_out + v.n_sv;
    uint32_t best = 0, best_votes = 0;
    for (uint32_t c = 0; c < v.n_groups; c++) {
        uint32_t votes = 0, p = 0;
        for (uint32_t i = 0; i < v.n_groups; i++) {
            for (uint32_t j = i + 1; j < v.n_groups; j++, p++) {
                votes += (dec[p] > 0.0f ? i : j) == c;
            }
        }
        if (votes > best_votes) {
            best = c;
            best_votes = votes;
        }
    }
    return best;
}

static void run_transform(const stage_t *st, const float *x, float *out) {
    const float *f = (const float *)st->body;
    uint32_t n = st->n_in;
    switch (st->kind) {
        case MML_CLASSIC_AFFINE:
            for (uint32_t i = 0; i < n; i++) {
                out[i] = (x[i] - f[i]) * f[n + i] + f[2 * n + i];
            }
            break;
        case MML_CLASSIC_NORMALIZER: {
            float norm = 0.0f;
            for (uint32_t i = 0; i < n; i++) {
                float a = x[i] < 0.0f ? -x[i] : x[i];
                if (st->param == 3) {
                    norm = a > norm ? a : norm;
                } else {
                    norm += st->param == 1 ? a : a * a;
                }
            }
            norm = st->param == 2 ? mml__sqrtf(norm) : norm;
            norm = norm == 0.0f ? 1.0f : norm; // scikit-learn leaves zero rows unchanged
            for (uint32_t i = 0; i < n; i++) {
                out[i] = x[i] / norm;
            }
            break;
        }
        default: { // MML_CLASSIC_PCA
            const float *comp = f + n;
            for (uint32_t j = 0; j < st->n_out; j++) {
                float acc = 0.0f;
                for (uint32_t i = 0; i < n; i++) {
                    acc += (x[i] - f[i]) * comp[(size_t)j * n + i];
                }
                out[j] = acc;
            }
            break;
        }
    }
}

// Runs every stage; returns where the last stage's raw output is (in scratch).
// votes: see run_trees.
static const float *run_stages(const mml_classic_t *m, uint32_t n_stages, const float *x,
    float *scratch, bool votes) {
    const float *in = x;
    for (uint32_t s = 0; s < n_stages; s++) {
        const stage_t *st = stage_at(m, s);
        float *out = scratch + (s % 2) * m->max_width;
        if (st->kind == MML_CLASSIC_TREES) {
            run_trees(&m->trees, st->n_out, in, out, votes);
        } else if (st->kind == MML_CLASSIC_LINEAR) {
            run_linear(st, in, out);
        } else if (st->kind == MML_CLASSIC_DENSE) {
            run_dense(st, in, out);
        } else if (st->kind == MML_CLASSIC_GAUSSIAN_NB) {
            run_gaussian_nb(st, in, out);
        } else if (st->kind == MML_CLASSIC_SVM) {
            run_svm(st, in, out);
        } else if (st->kind == MML_CLASSIC_CENTROIDS) {
            run_centroids(st, in, out);
        } else if (st->kind == MML_CLASSIC_GMM) {
            run_gmm(st, in, out);
        } else if (st->kind == MML_CLASSIC_KNN) {
            run_knn(st, in, out);
        } else if (st->kind == MML_CLASSIC_MAHALANOBIS) {
            run_mahalanobis(st, in, out);
        } else {
            run_transform(st, in, out);
        }
        in = out;
    }
    return in;
}

mml_status_t mml_classic_run(const mml_classic_t *m, mml_classic_what_t what, const float *x,
    float *out, float *scratch) {
    uint32_t n = mml_classic_outputs(m, what);
    if (n == 0) {
        return MML_ERR_INVALID_ARG;
    }
    const float *r = run_stages(m, m->n_stages, x, scratch, false);
    const stage_t *last = stage_at(m, m->n_stages - 1);
    if (what == MML_CLASSIC_PROBA && stage_link(last) != 0) {
        link(stage_link(last), r, last->n_out, out);
    } else if (what == MML_CLASSIC_PROBA && last->kind == MML_CLASSIC_SVM) {
        svm_proba(last, (float *)r, out); // r: the scratch run_stages wrote
    } else if (last->kind == MML_CLASSIC_MAHALANOBIS && what != MML_CLASSIC_DECISION) {
        out[0] = what == MML_CLASSIC_SCORE ? -r[1] : r[1]; // score_samples: -d2; mahalanobis: d2
    } else if (what == MML_CLASSIC_SCORE && last->kind == MML_CLASSIC_GMM) {
        out[0] = logsumexp(r, last->n_out);
    } else if (what == MML_CLASSIC_SCORE) {
        out[0] = r[0] +
            (last->kind == MML_CLASSIC_SVM ? svm_at(last).score_offset : m->trees.extra[0]);
    } else {
        memcpy(out, r, (size_t)n * sizeof(float));
    }
    return MML_OK;
}

// The argmax of a forest's averaged values sums[j] / n_trees (the first on ties) from the sums:
// x -> x / n (n > 0, correctly rounded) never reverses an order, so the largest sum's class b
// wins unless an earlier class's quotient rounds to the same value: only those j < b are divided.
static uint32_t forest_argmax(const float *sums, uint32_t n, uint32_t n_trees) {
    // The sums are >= +0.0, never -0.0 (load refuses a negative leaf in a forest classifier; +0.0
    // + -0.0 is +0.0), and such floats order as their bits do as unsigned integers: the largest
    // bits first, then the first sum with them.
    uint32_t top = 0, bits, best, j;
    for (j = 0; j < n; j++) {
        memcpy(&bits, &sums[j], 4);
        top = bits > top ? bits : top;
    }
    for (best = 0;; best++) {
        memcpy(&bits, &sums[best], 4);
        if (bits == top) {
            break;
        }
    }
    if (best == 0 || n_trees == 1) {
        return best;
    }
    float inv = (float)n_trees, q = sums[best] / inv;
    for (j = 0; j < best; j++) {
        if (sums[j] / inv == q) {
            return j;
        }
    }
    return best;
}

// A forest classifier's predict: the transforms before it, its undivided sums, their argmax.
static NOINLINE uint32_t forest_predict(const mml_classic_t *m, const float *x, float *scratch) {
    const trees_t *t = &m->trees;
    uint32_t last_s = m->n_stages - 1, n = t->leaf_width;
    float *sums = scratch;
    if (last_s > 0) {
        x = run_stages(m, last_s, x, scratch, false);
        sums += (last_s % 2) * m->max_width;
    }
    if (m->forest == FOREST_SPARSE_FULL) {
        sum_sparse_full(t, n, x, sums);
    } else {
        sum_leaves(t, n, x, sums);
    }
    return forest_argmax(sums, n, t->n_trees);
}

uint32_t mml_classic_predict_class(const mml_classic_t *m, const float *x, float *scratch) {
    if (m->forest) {
        return forest_predict(m, x, scratch);
    }
    const stage_t *last = stage_at(m, m->n_stages - 1);
    uint32_t n = last->n_out;
    const float *r = run_stages(m, m->n_stages, x, scratch, false);
    if (last->kind == MML_CLASSIC_SVM && n > 1) {
        return svm_vote(last, r);
    }
    if (last->kind == MML_CLASSIC_MAHALANOBIS ||
        (last->kind == MML_CLASSIC_TREES && (last->param & 0xff) == TREES_IFOREST)) {
        return r[0] >= 0.0f ? 1u : 0u; // EllipticEnvelope, IsolationForest: inlier when >= 0
    }
    if (last->kind == MML_CLASSIC_CENTROIDS) { // the nearest (first on ties)
        uint32_t best = 0;
        for (uint32_t j = 1; j < n; j++) {
            best = r[j] < r[best] ? j : best;
        }
        return best;
    }
    if (n == 1) {
        return r[0] > 0.0f ? 1u : 0u;
    }
    uint32_t best = 0;
    for (uint32_t j = 1; j < n; j++) {
        best = r[j] > r[best] ? j : best;
    }
    return best;
}

#endif // MML_ENABLE_CLASSIC
