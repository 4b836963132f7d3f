// SPDX-License-Identifier: MIT
// Classical models converted from scikit-learn (python/microml_tools/sklearn.py): the ".mml"
// format of docs/classic-format.md, read in place. Check-then-run: mml_classic_load() validates
// every length, index and child link; the run functions trust it. No allocation: the caller gives
// a float scratch buffer of mml_classic_scratch_floats() items. Built when MML_ENABLE_CLASSIC
// (mml_config.h) is 1.
//   mml_classic_t m;  mml_error_t err;
//   mml_classic_load(&m, blob, len, &err);            // borrows blob (4-byte aligned)
//   float scratch[...mml_classic_scratch_floats(&m)];
//   uint32_t c = mml_classic_predict_class(&m, x, scratch);  // classifiers: m.classes[c]
//   mml_classic_run(&m, MML_CLASSIC_PROBA, x, out, scratch); // out: mml_classic_outputs() floats
#ifndef MICROML_MML_CLASSIC_H
#define MICROML_MML_CLASSIC_H

#include <stddef.h>
#include <stdint.h>
#include "mml_config.h"
#include "mml_status.h"

#define MML_CLASSIC_MAGIC "MMLC"
#define MML_CLASSIC_VERSION (2)     // written by the converter; sparse classifier leaves
#define MML_CLASSIC_VERSION_MIN (1) // version 1: version 2 without sparse leaves, still read
#ifndef MML_CLASSIC_MAX_STAGES
#define MML_CLASSIC_MAX_STAGES (8) // transforms + the model of one pipeline
#endif

// What a model is for (header field "task").
typedef enum {
    MML_CLASSIC_REGRESSOR = 0,   // predict gives n_targets floats
    MML_CLASSIC_CLASSIFIER = 1,  // predict gives a class index into classes[]
    MML_CLASSIC_TRANSFORMER = 2, // only transform
    MML_CLASSIC_COVARIANCE = 3   // a covariance estimator (MinCovDet): only mahalanobis
} mml_classic_task_t;

// Stage kinds (the "kind" of each stage header).
typedef enum {
    MML_CLASSIC_TREES = 1,  // trees: mean of leaves (forests), bias + sum (boosting), path lengths
                            // (isolation forest)
    MML_CLASSIC_LINEAR = 2, // X @ coef.T + intercept, then a link (see post)
    MML_CLASSIC_AFFINE = 3, // (x - sub) * mul + add per feature: the scalers
    MML_CLASSIC_NORMALIZER = 4,   // rows scaled to unit l1 / l2 / max norm
    MML_CLASSIC_PCA = 5,          // (x - mean) @ components.T
    MML_CLASSIC_DENSE = 6,        // an MLP hidden layer: X @ coef.T + intercept, then activation
    MML_CLASSIC_GAUSSIAN_NB = 7,  // Gaussian naive Bayes: joint log-likelihood per class
    MML_CLASSIC_SVM = 8,          // kernel SVM: SVC (one-vs-one), SVR, OneClassSVM
    MML_CLASSIC_CENTROIDS = 9,    // distances to centroids: NearestCentroid, KMeans
    MML_CLASSIC_GMM = 10,         // Gaussian mixture: weighted log-likelihood per component
    MML_CLASSIC_KNN = 11,         // k nearest neighbours: class shares or mean target
    MML_CLASSIC_MAHALANOBIS = 12, // squared Mahalanobis distance: EllipticEnvelope, MinCovDet
    MML_CLASSIC_KIND_COUNT
} mml_classic_kind_t;

// What to compute.
typedef enum {
    MML_CLASSIC_PREDICT = 0, // regressor: its targets; classifier: see predict_class
    MML_CLASSIC_PROBA = 1,   // classifier: n_classes probabilities
    MML_CLASSIC_DECISION =
        2, // linear / boosting classifier: decision_function (1 value for 2 classes)
    MML_CLASSIC_TRANSFORM = 3, // transformer pipeline: the last transform's output
    MML_CLASSIC_SCORE = 4,     // score_samples (OneClassSVM, IsolationForest: decision + offset;
                               // GaussianMixture: log-likelihood; EllipticEnvelope: -mahalanobis)
    MML_CLASSIC_MAHALANOBIS_DIST = 5, // EllipticEnvelope, MinCovDet: squared Mahalanobis distance
    MML_CLASSIC_WHAT_COUNT
} mml_classic_what_t;

// A stage's header, decoded once by load: the run path reads this table, not the blob's bytes.
typedef struct {
    uint32_t kind, param, n_in, n_out; // mml_classic_kind_t, its parameter word, widths
    const uint8_t *body;               // the stage's body (after its header), in the blob
    uint32_t body_len;
} mml_classic_stage_t;

// The last stage's trees, placed by load (mml_classic_t.trees): the run path reads these
// pointers, not the body's counts. Internal to src/classic/classic.c.
typedef struct {
    uint32_t n_trees, n_nodes, n_leaves, n_thr, n_bitsets, agg, link, leaf_width; // sparse:
                                                     // n_leaves counts the pairs
    uint8_t compact; // 8-byte nodes and a threshold table
    uint8_t sparse;  // leaves as (class, value) pairs; a leaf refers to its first pair
    uint8_t plain;   // no node has a missing-value or categorical flag (load checked every node)
    const uint32_t *root;       // [n_trees + 1] first node of each tree
    const float *thr;           // compact: [n_thr] thresholds
    const void *nodes;          // [n_nodes] 16-byte nodes, or 8-byte ones (compact)
    const float *leaves;        // dense: [n_leaves][leaf_width]
    const uint32_t *pairs;      // sparse: [n_leaves][2] class index (bit 31: a leaf's last), f32
    const float *extra;         // aggregation 1: bias[n_out]; 2: the offset
    const uint32_t *bitsets;    // [n_bitsets][16]: categories going left, then the known ones
} mml_classic_trees_t;

typedef struct {
    const uint8_t *buf; // the blob, borrowed
    uint32_t len;
    uint32_t task;          // mml_classic_task_t
    uint32_t n_features;    // inputs per sample
    uint32_t n_classes;     // classifier: classes; else 0
    uint32_t n_targets;     // regressor: values per sample; transformer: outputs; classifier: 1
    const int32_t *classes; // n_classes labels, in scikit-learn's order (classes_)
    uint32_t n_stages;
    uint32_t stage[MML_CLASSIC_MAX_STAGES];             // byte offset of each stage header
    mml_classic_stage_t stages[MML_CLASSIC_MAX_STAGES]; // each stage's header, decoded
    uint32_t max_width;  // widest stage input/output or result (floats), for the scratch
    uint32_t model_kind; // kind of the last stage
    uint32_t version;    // the blob's format version
    uint32_t forest;     // nonzero: a forest classifier (predict_class's short path)
    mml_classic_trees_t trees; // the last stage's, when it is a trees stage
} mml_classic_t;

// Validates blob (len bytes, 4-byte aligned) and fills m; the blob is borrowed. Errors:
// MML_ERR_INVALID_MODEL (damaged/truncated; err->msg says which field), MML_ERR_UNSUPPORTED
// (another format version, an unknown stage kind).
mml_status_t mml_classic_load(mml_classic_t *m, const void *blob, size_t len, mml_error_t *err);

// Floats of scratch the run functions need.
uint32_t mml_classic_scratch_floats(const mml_classic_t *m);

// Number of floats mml_classic_run(what) writes, 0 if the model does not have it.
uint32_t mml_classic_outputs(const mml_classic_t *m, mml_classic_what_t what);

// Runs one sample x (n_features floats) and writes mml_classic_outputs(m, what) floats to out.
// MML_ERR_INVALID_ARG if the model does not have `what`.
mml_status_t mml_classic_run(const mml_classic_t *m, mml_classic_what_t what, const float *x,
    float *out, float *scratch);

// Classifier: index into m->classes of the predicted class (first on ties, as numpy's argmax).
uint32_t mml_classic_predict_class(const mml_classic_t *m, const float *x, float *scratch);

#endif // MICROML_MML_CLASSIC_H
