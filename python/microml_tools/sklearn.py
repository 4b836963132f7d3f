# SPDX-License-Identifier: MIT
"""Converts fitted scikit-learn estimators to microml's classic model format (.mml).

The format is specified in docs/classic-format.md; the C reader is src/classic/classic.c.

    from microml_tools.sklearn import convert
    blob = convert(fitted_estimator)          # bytes, loaded on the device by microml.load(blob)

    python3 -m microml_tools.sklearn MODEL.joblib -o MODEL.mml

Anything it cannot convert raises ConversionError naming the estimator class and the parameter.
"""
import argparse
import struct
import sys

import numpy as np

MAGIC = b"MMLC"
VERSION = 2  # 2: sparse classifier leaves (TREES_SPARSE); the reader also reads 1
REGRESSOR, CLASSIFIER, TRANSFORMER = 0, 1, 2
TREES, LINEAR, AFFINE, NORMALIZER, PCA_KIND, DENSE, GAUSSIAN_NB, SVM = 1, 2, 3, 4, 5, 6, 7, 8
KERNELS = {"linear": 0, "poly": 1, "rbf": 2, "sigmoid": 3}
CENTROIDS = 9
GMM = 10
KNN = 11
MAHALANOBIS = 12
COVARIANCE = 3  # task of a covariance estimator (MinCovDet): mahalanobis only
TREES_IFOREST = 2
TREES_MEAN, TREES_SUM = 0, 1
TREES_CATEGORICAL, TREES_COMPACT, TREES_SPARSE = 0x1000, 0x2000, 0x4000
PAIR_LAST = 0x80000000  # sparse leaves: the class word of a leaf's last pair
MISSING_LEFT, CATEGORICAL = 0x40000000, 0x20000000
SVM_SCORE, SVM_PROBA = 1, 2
KNN_INT8, KNN_INT16 = 0x400, 0x800
COMPACT = (None, "int8", "int16")
_SPARSE_LEAVES = True  # forests' leaves sparse where smaller (False: the dense form, for tests)
ACTIVATIONS = {"identity": 0, "relu": 1, "tanh": 2, "logistic": 3}
LINK_NONE, LINK_LOGISTIC, LINK_SOFTMAX, LINK_OVR = 0, 1, 2, 3


class ConversionError(ValueError):
    """The estimator (or one of its parameters) has no microml form."""


def _refuse(est, param, why):
    raise ConversionError(f"{type(est).__name__}: {param}={getattr(est, param, '?')!r}: {why}")


def _f32(a):
    a = np.asarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ConversionError("parameters contain NaN or infinity")
    return a.astype("<f4")


def _f64(a):
    a = np.asarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ConversionError("parameters contain NaN or infinity")
    return a.astype("<f8")


def _stage(kind, param, n_in, n_out, body):
    body = b"".join(body)
    assert len(body) % 4 == 0
    return struct.pack("<HHIII", kind, param, 16 + len(body), n_in, n_out) + body


def threshold_f32(t):
    """The largest float32 <= t: for float32 x, x <= t (double) exactly when x <= this."""
    t = np.asarray(t, dtype=np.float64)
    f = t.astype(np.float32)
    over = f.astype(np.float64) > t
    f[over] = np.nextafter(f[over], np.float32(-np.inf))
    return f


# --- trees ---------------------------------------------------------------------------------------
#
# The tree builders below describe each tree as a list of nodes with children numbered inside the
# tree: an internal node (feature | MISSING_LEFT | CATEGORICAL flags, float32 threshold or bitset
# index, left, right), a leaf (-1, None, global leaf index, 0). _trees_stage() writes them in the
# full form (16-byte nodes) or, with compact="int16", the compact one (8-byte nodes whose
# threshold is a 16-bit index into a table of the distinct float32 thresholds, and whose leaves
# index a table of the distinct leaf values: every comparison is the very same float32
# comparison and every leaf the same floats, so predictions are identical for every input).

def _check_children(est, left, right, n):
    if left <= n or right <= n:
        raise ConversionError(f"{type(est).__name__}: tree with a child before its parent")


def _leaf_rows(param, rows, extra):
    """(param, count, the leaves' bytes, refs) for float32 leaf rows: dense (count rows, refs[i] =
    i), or for a mean of leaves (forests) sparse where that is smaller: (u32 class, f32 value)
    pairs of each row's nonzero values, bit 31 of the class marking a row's last pair (count
    pairs, refs[i] = row i's first pair). Skipping a 0.0 leaves every float32 sum bit-identical."""
    rows = np.asarray(rows, np.float32).reshape(len(rows), -1)
    tail = _f32(extra).tobytes() if extra is not None else b""
    nz = [np.nonzero(r)[0] for r in rows]
    nz = [c if len(c) else np.array([0]) for c in nz]  # an all-zero row: one pair (0, 0.0)
    n_pairs = sum(len(c) for c in nz)
    if _SPARSE_LEAVES and (param & 0xff) == TREES_MEAN and 8 * n_pairs < rows.nbytes:
        refs = [int(v) for v in np.cumsum([0] + [len(c) for c in nz])[:-1]]
        pairs = b"".join(struct.pack("<If", int(j) | (PAIR_LAST if j == c[-1] else 0), float(r[j]))
                         for r, c in zip(rows, nz) for j in c)
        return param | TREES_SPARSE, n_pairs, pairs + tail, refs
    return param, len(rows), rows.astype("<f4").tobytes() + tail, list(range(len(rows)))


def _trees_stage(est, param, n_in, n_out, trees, leaves, extra, bitsets, compact):
    name = type(est).__name__
    roots = np.cumsum([0] + [len(t) for t in trees])
    if bitsets:
        param |= TREES_CATEGORICAL
    bits = np.asarray(bitsets, "<u4").tobytes() if bitsets else b""
    if compact == "int8":
        raise ConversionError(f"{name}: compact='int8': trees have no 8-bit form (children need 16 "
                              "bits); use compact='int16'")
    if compact is None:
        param, n_leaves, leaf_bytes, refs = _leaf_rows(param, _f32(np.array(leaves)), extra)
        nodes = []
        for t, base in zip(trees, roots):
            for feature, value, left, right in t:
                if feature < 0:
                    nodes.append(struct.pack("<iIII", -1, 0, refs[left], 0))
                elif feature & CATEGORICAL:
                    nodes.append(struct.pack("<iIII", feature, value, base + left, base + right))
                else:
                    nodes.append(struct.pack("<ifII", feature, value, base + left, base + right))
        head = (struct.pack("<III", len(trees), int(roots[-1]), n_leaves) +
                (struct.pack("<I", len(bitsets)) if bitsets else b""))
        body = [head, np.asarray(roots, "<u4").tobytes(), b"".join(nodes), leaf_bytes, bits]
        return _stage(TREES, param, n_in, n_out, body)
    thr = np.unique(np.array([v for t in trees for f, v, _, _ in t if f >= 0 and not f & CATEGORICAL],
                             dtype=np.float32))
    if len(thr) > 0xffff or len(bitsets) > 0xffff:
        raise ConversionError(f"{name}: compact='int16': {len(thr)} distinct thresholds and "
                              f"{len(bitsets)} categorical splits (at most 65535 each)")
    # Leaves: one copy of each distinct value (by its float32 bytes): a fully grown classifier's
    # leaves are a few one-hot rows.
    rows = _f32(np.array(leaves)).reshape(len(leaves), -1)
    index, distinct = {}, []
    for r in rows:
        if r.tobytes() not in index:
            index[r.tobytes()] = len(distinct)
            distinct.append(r)
    param, n_leaves, leaf_bytes, refs = _leaf_rows(param, np.array(distinct, dtype=np.float32),
                                                   extra)
    leaf_map = [refs[index[r.tobytes()]] for r in rows]
    if n_leaves > 0xffff:
        raise ConversionError(f"{name}: compact='int16': {n_leaves} distinct leaves (or their "
                              "values: at most 65535)")
    nodes = []
    for t in trees:
        if len(t) > 0xffff:
            raise ConversionError(f"{name}: compact='int16': a tree of {len(t)} nodes (at most 65535)")
        for feature, value, left, right in t:
            if feature < 0:
                nodes.append(struct.pack("<HHHH", 0xffff, leaf_map[left], 0, 0))
                continue
            f = feature & 0x1fffffff
            if f >= 0x2000:
                raise ConversionError(f"{name}: compact='int16': feature {f} (at most 8191)")
            flags = (0x4000 if feature & MISSING_LEFT else 0) | (0x2000 if feature & CATEGORICAL else 0)
            v = value if feature & CATEGORICAL else int(np.searchsorted(thr, np.float32(value)))
            nodes.append(struct.pack("<HHHH", f | flags, v, left, right))
    counts = struct.pack("<III", len(trees), int(roots[-1]), n_leaves)
    head = counts + struct.pack("<I", len(thr)) + (struct.pack("<I", len(bitsets)) if bitsets else b"")
    body = [head, np.asarray(roots, "<u4").tobytes(), thr.astype("<f4").tobytes(),
            b"".join(nodes), leaf_bytes, bits]
    return _stage(TREES, param | TREES_COMPACT, n_in, n_out, body)


def _sk_tree(est, t, leaves, leaf_value, features=None):
    """The nodes of a fitted sklearn.tree Tree; leaf_value(i) gives leaf i's values."""
    thr = threshold_f32(t.threshold)
    nodes = []
    for i in range(t.node_count):
        left, right = int(t.children_left[i]), int(t.children_right[i])
        if left == -1:
            nodes.append((-1, None, len(leaves), 0))
            leaves.append(leaf_value(i))
        else:
            _check_children(est, left, right, i)
            f = int(t.feature[i]) if features is None else int(features[t.feature[i]])
            nodes.append((f, float(thr[i]), left, right))
    return nodes


def _trees(est, trees, n_in, classifier, compact):
    leaves = []

    def value(t):
        def leaf(i):
            v = t.value[i].reshape(-1).astype(np.float64)
            if classifier:
                s = v.sum()
                v = v / s if s > 0 else v
            return v
        return leaf

    nodes = [_sk_tree(est, tree.tree_, leaves, value(tree.tree_)) for tree in trees]
    n_out = len(leaves[0])
    return _trees_stage(est, TREES_MEAN, n_in, n_out, nodes, leaves, None, [], compact), n_out


def _boosting(est, n_in, classifier, classes, compact):
    """GradientBoosting: bias (the init's raw prediction) + learning_rate * each tree's leaf."""
    if est.init not in (None, "zero"):
        _refuse(est, "init", "only the default init or 'zero'")
    if classifier and est.loss == "exponential":
        _refuse(est, "loss", "exponential loss is not supported")
    n_stages, k = est.estimators_.shape
    bias = np.asarray(est._raw_predict_init(np.zeros((1, n_in), dtype=np.float32)),
                      dtype=np.float64).reshape(-1)
    leaves, trees = [], []
    for i in range(n_stages):
        for j in range(k):
            t = est.estimators_[i, j].tree_
            trees.append(_sk_tree(est, t, leaves,
                                  lambda n, t=t: est.learning_rate * float(t.value[n].reshape(-1)[0])))
    link = 0
    if classifier:
        link = 1 if k == 1 else 2
    return _trees_stage(est, TREES_SUM | link << 8, n_in, k, trees, leaves, bias, [], compact), k


def _svm(est, n_in, n_groups, n_support, dual, intercept, mode, score_offset=None):
    """A kernel SVM stage; SVC / NuSVC with probability=True add libsvm's Platt sigmoids
    (probA_, probB_, one per pair of classes) for predict_proba."""
    kernel = KERNELS.get(est.kernel) if isinstance(est.kernel, str) else None
    if kernel is None:
        _refuse(est, "kernel", "must be 'linear', 'poly', 'rbf' or 'sigmoid' (no callables or "
                "precomputed kernels)")
    if kernel == 1 and not (0 <= est.degree <= 16):
        _refuse(est, "degree", "must be 0..16")
    sv = np.asarray(est.support_vectors_, dtype=np.float64)
    n_out = 1 if n_groups <= 2 else n_groups
    proba = mode == 0 and getattr(est, "probability", False)
    flags = (SVM_SCORE if score_offset is not None else 0) | (SVM_PROBA if proba else 0)
    head = struct.pack("<IffIIIfI", kernel, float(est._gamma), float(est.coef0), int(est.degree),
                       sv.shape[0], n_groups, float(score_offset or 0.0), flags)
    body = [head, np.asarray(n_support, "<u4").tobytes(), _f32(sv).tobytes(), _f32(dual).tobytes(),
            _f32(intercept).tobytes()]
    if proba:
        n_pairs = n_groups * (n_groups - 1) // 2
        a, b = np.asarray(est.probA_).reshape(-1), np.asarray(est.probB_).reshape(-1)
        if a.size != n_pairs or b.size != n_pairs:
            _refuse(est, "probA_", f"needs {n_pairs} Platt sigmoids")
        body += [_f32(a).tobytes(), _f32(b).tobytes()]
    return _stage(SVM, mode, n_in, n_out, body)


def _iforest(est, n_in, compact):
    """IsolationForest: each leaf holds (depth + c(n_samples)) / (n_trees c(max_samples))."""
    from sklearn.ensemble._iforest import _average_path_length

    n_trees = len(est.estimators_)
    denom = n_trees * float(_average_path_length([est.max_samples_])[0])
    leaves, trees = [], []
    for tree, features in zip(est.estimators_, est.estimators_features_):
        t = tree.tree_
        depth = np.zeros(t.node_count, dtype=np.int64)
        for n in range(t.node_count):
            left, right = int(t.children_left[n]), int(t.children_right[n])
            if left != -1:
                _check_children(est, left, right, n)
                depth[left] = depth[right] = depth[n] + 1
        apl = _average_path_length(t.n_node_samples)
        trees.append(_sk_tree(est, t, leaves, lambda n: (depth[n] + apl[n]) / denom, features))
    return _trees_stage(est, TREES_IFOREST, n_in, 1, trees, leaves, [est.offset_], [], compact)


def _hist_boosting(est, n_in, classifier, compact):
    """HistGradientBoosting: its predictors' nodes (raw thresholds, NaN direction; categorical
    splits with scikit-learn's bitsets of the categories going left and of the known ones), bias
    the baseline prediction."""
    loss = est.loss
    if not classifier and loss not in ("squared_error", "absolute_error", "quantile"):
        _refuse(est, "loss", "only squared_error, absolute_error or quantile (no link)")
    k = est.n_trees_per_iteration_
    known, f_idx_map = est._bin_mapper.make_known_categories_bitsets()
    leaves, trees, bitsets = [], [], []
    for iteration in est._predictors:
        for pred in iteration:
            nd = pred.nodes
            thr = threshold_f32(nd["num_threshold"])
            nodes = []
            for n in range(len(nd)):
                if nd["is_leaf"][n]:
                    nodes.append((-1, None, len(leaves), 0))
                    leaves.append(float(nd["value"][n]))
                    continue
                left, right = int(nd["left"][n]), int(nd["right"][n])
                _check_children(est, left, right, n)
                f = int(nd["feature_idx"][n])
                feat = f | (MISSING_LEFT if nd["missing_go_to_left"][n] else 0)
                if nd["is_categorical"][n]:
                    words = np.concatenate([pred.raw_left_cat_bitsets[nd["bitset_idx"][n]],
                                            known[f_idx_map[f]]])
                    nodes.append((feat | CATEGORICAL, len(bitsets), left, right))
                    bitsets.append(words.astype(np.uint32))
                else:
                    nodes.append((feat, float(thr[n]), left, right))
            trees.append(nodes)
    bias = np.asarray(est._baseline_prediction, dtype=np.float64).reshape(-1)
    link = 0
    if classifier:
        link = 1 if k == 1 else 2
    return _trees_stage(est, TREES_SUM | link << 8, n_in, k, trees, leaves, bias, bitsets,
                        compact), k


def _covariance(est, n_in, envelope):
    """EllipticEnvelope / MinCovDet (any EmpiricalCovariance): location and a factor F of the
    precision matrix (F F^T = precision, from its eigen decomposition), and the envelope's
    offset_."""
    prec = np.asarray(est.get_precision(), dtype=np.float64)
    w, v = np.linalg.eigh((prec + prec.T) / 2.0)
    if w.min() < -1e-9 * max(abs(w.max()), 1e-300):
        _refuse(est, "precision_", "the precision matrix is not positive semi-definite")
    factor = v * np.sqrt(np.clip(w, 0.0, None))
    offset = float(est.offset_) if envelope else 0.0
    body = [_f64(est.location_).tobytes(), _f64(factor).tobytes(), _f64([offset]).tobytes()]
    return _stage(MAHALANOBIS, 1 if envelope else 0, n_in, 1, body)


def _knn_samples(est, xs, compact):
    """(param flag, bytes) of the stored samples: float32, or integers with a per-feature
    power-of-two scale when every sample value is exactly q * scale (else refused)."""
    x32 = _f32(xs)
    if compact is None:
        return 0, x32.tobytes()
    limit, dtype, flag = {"int8": (127, "<i1", KNN_INT8), "int16": (32767, "<i2", KNN_INT16)}[compact]
    scales, qs = [], []
    for j in range(x32.shape[1]):
        col = x32[:, j].astype(np.float64)
        nz = col[col != 0]
        if len(nz) == 0:
            e = 0
        else:
            m, ex = np.frexp(nz)  # nz = m 2^ex, |m| in [0.5, 1): m 2^24 is an integer
            mant = np.abs(m * 2.0 ** 24).astype(np.int64)
            tz = np.array([(int(v) & -int(v)).bit_length() - 1 for v in mant])
            e = int(np.min(ex - 24 + tz))
        q = col / 2.0 ** e
        if not -126 <= e <= 127 or np.max(np.abs(q)) > limit:
            raise ConversionError(
                f"{type(est).__name__}: compact={compact!r}: feature {j}'s stored values are not "
                f"all q * 2^e with |q| <= {limit} (the same e): no exact {compact} form")
        back = (q.astype(np.float32) * np.float32(2.0 ** e)).astype(np.float32)
        assert np.array_equal(back, x32[:, j])
        scales.append(2.0 ** e)
        qs.append(q)
    data = np.asarray(np.stack(qs, axis=1), dtype=dtype).tobytes()
    data += b"\0" * (-len(data) % 4)
    return flag, _f32(scales).tobytes() + data


def _model_stage(est, n_in, compact=None):
    """(stage bytes, task, classes, n_targets) for the final estimator, and any stages before it
    (an MLP's hidden layers). compact: None, or "int16" / "int8" (trees, k nearest neighbours)."""
    from sklearn import covariance, ensemble, linear_model, naive_bayes, neural_network, svm, tree

    name = type(est).__name__
    compactable = (tree.BaseDecisionTree, ensemble.BaseEnsemble,
                   ensemble.HistGradientBoostingClassifier, ensemble.HistGradientBoostingRegressor)
    from sklearn import neighbors as _nb
    if compact is not None and not isinstance(est, compactable + (
            _nb.KNeighborsClassifier, _nb.KNeighborsRegressor)):
        raise ConversionError(f"{name}: compact={compact!r}: only trees, forests, boosting and "
                              "k nearest neighbours have a compact form")
    if isinstance(est, covariance.EllipticEnvelope):
        return _covariance(est, n_in, True), CLASSIFIER, np.array([-1, 1]), 1
    if isinstance(est, covariance.EmpiricalCovariance):
        return _covariance(est, n_in, False), COVARIANCE, None, 1
    classifier = hasattr(est, "classes_")
    classes = None
    if classifier:
        classes = np.asarray(est.classes_)
        if classes.dtype.kind not in "iub" and not (
                classes.dtype.kind == "f" and np.all(classes == np.round(classes))):
            _refuse(est, "classes_", "only integer class labels are supported")
        if np.asarray(classes).ndim != 1 or len(classes) < 2:
            _refuse(est, "classes_", "needs a single output with at least 2 classes")
        classes = classes.astype(np.int64)
        if classes.min() < -2**31 or classes.max() >= 2**31:
            _refuse(est, "classes_", "class labels must fit int32")

    if isinstance(est, (tree.DecisionTreeClassifier, tree.DecisionTreeRegressor,
                        tree.ExtraTreeClassifier, tree.ExtraTreeRegressor)):
        trees = [est]
    elif isinstance(est, (ensemble.RandomForestClassifier, ensemble.RandomForestRegressor,
                          ensemble.ExtraTreesClassifier, ensemble.ExtraTreesRegressor)):
        trees = list(est.estimators_)
    else:
        trees = None
    if trees is not None:
        if getattr(est, "n_outputs_", 1) != 1:
            _refuse(est, "n_outputs_", "multi-output trees are not supported")
        stage, n_out = _trees(est, trees, n_in, classifier, compact)
        if classifier:
            assert n_out == len(classes)
            return stage, CLASSIFIER, classes, 1
        return stage, REGRESSOR, None, n_out

    if isinstance(est, (ensemble.GradientBoostingClassifier, ensemble.GradientBoostingRegressor)):
        stage, k = _boosting(est, n_in, classifier, classes, compact)
        if classifier:
            return stage, CLASSIFIER, classes, 1
        return stage, REGRESSOR, None, k

    from sklearn import cluster, mixture, neighbors

    if isinstance(est, (neighbors.KNeighborsClassifier, neighbors.KNeighborsRegressor)):
        metric = est.effective_metric_
        p = est.effective_metric_params_.get("p", 2) if metric == "minkowski" else None
        code = {"euclidean": 0, "manhattan": 1, "l2": 0, "l1": 1, "cityblock": 1}.get(metric)
        if metric == "minkowski":
            code = {2: 0, 1: 1}.get(p)
        if code is None:
            _refuse(est, "metric", "must be euclidean or manhattan (minkowski p=2 or 1)")
        if est.weights not in ("uniform", "distance"):
            _refuse(est, "weights", "must be 'uniform' or 'distance'")
        xs = np.asarray(est._fit_X, dtype=np.float64)
        storage, samples = _knn_samples(est, xs, compact)
        param = code | (est.weights == "distance") << 8 | (not classifier) << 9 | storage
        if classifier:
            y = np.asarray(est._y)
            if y.ndim != 1:
                _refuse(est, "outputs_2d_", "multi-output neighbours are not supported")
            tail = np.asarray(y, "<u4").tobytes()
            n_out = len(classes)
        else:
            y = np.asarray(est._y, dtype=np.float64).reshape(xs.shape[0], -1)
            tail = _f32(y).tobytes()
            n_out = y.shape[1]
        stage = _stage(KNN, param, n_in, n_out, [struct.pack("<II", est.n_neighbors, xs.shape[0]),
                                                  samples, tail])
        if classifier:
            return stage, CLASSIFIER, classes, 1
        return stage, REGRESSOR, None, n_out

    if isinstance(est, mixture.GaussianMixture):
        k, n = est.means_.shape
        pc = np.asarray(est.precisions_cholesky_, dtype=np.float64)
        if est.covariance_type == "full":
            full = pc
        elif est.covariance_type == "tied":
            full = np.repeat(pc[None], k, axis=0)
        elif est.covariance_type == "diag":
            full = np.stack([np.diag(r) for r in pc])
        elif est.covariance_type == "spherical":
            full = np.stack([np.eye(n) * v for v in pc])
        else:
            _refuse(est, "covariance_type", "must be full, tied, diag or spherical")
        log_det = np.array([np.sum(np.log(np.diag(f))) for f in full])
        const = np.log(est.weights_) - 0.5 * n * np.log(2.0 * np.pi) + log_det
        body = [_f32(est.means_).tobytes(), _f32(full).tobytes(), _f32(const).tobytes()]
        return _stage(GMM, 0, n_in, k, body), CLASSIFIER, np.arange(k), 1

    if isinstance(est, ensemble.IsolationForest):
        return _iforest(est, n_in, compact), CLASSIFIER, np.array([-1, 1]), 1
    if isinstance(est, neighbors.NearestCentroid):
        metric = {"euclidean": 0, "manhattan": 1}.get(est.metric)
        if metric is None:
            _refuse(est, "metric", "must be 'euclidean' or 'manhattan'")
        c = np.asarray(est.centroids_, dtype=np.float64)
        return (_stage(CENTROIDS, metric, n_in, c.shape[0], [_f32(c).tobytes()]), CLASSIFIER,
                classes, 1)
    if isinstance(est, (cluster.KMeans, cluster.MiniBatchKMeans)):
        c = np.asarray(est.cluster_centers_, dtype=np.float64)
        return (_stage(CENTROIDS, 0 | 1 << 8, n_in, c.shape[0], [_f32(c).tobytes()]), CLASSIFIER,
                np.arange(c.shape[0]), 1)

    if isinstance(est, (svm.SVC, svm.NuSVC)):
        if est.decision_function_shape != "ovr" and len(classes) > 2:
            _refuse(est, "decision_function_shape", "only 'ovr'")
        if getattr(est, "break_ties", False):
            _refuse(est, "break_ties", "only False (libsvm's vote)")
        stage = _svm(est, n_in, len(classes), est.n_support_, est._dual_coef_, est._intercept_, 0)
        return stage, CLASSIFIER, classes, 1
    if isinstance(est, (svm.SVR, svm.NuSVR)):
        stage = _svm(est, n_in, 1, [est.support_vectors_.shape[0]], est._dual_coef_,
                     est._intercept_, 1)
        return stage, REGRESSOR, None, 1
    if isinstance(est, svm.OneClassSVM):
        stage = _svm(est, n_in, 1, [est.support_vectors_.shape[0]], est._dual_coef_,
                     est._intercept_, 1, score_offset=est.offset_[0] if np.ndim(est.offset_) else est.offset_)
        return stage, CLASSIFIER, np.array([-1, 1]), 1

    if isinstance(est, (ensemble.HistGradientBoostingClassifier,
                        ensemble.HistGradientBoostingRegressor)):
        stage, k = _hist_boosting(est, n_in, classifier, compact)
        if classifier:
            return stage, CLASSIFIER, classes, 1
        return stage, REGRESSOR, None, k

    if isinstance(est, naive_bayes.GaussianNB):
        var = np.asarray(est.var_, dtype=np.float64)
        theta = np.asarray(est.theta_, dtype=np.float64)
        const = np.log(est.class_prior_) - 0.5 * np.sum(np.log(2.0 * np.pi * var), axis=1)
        body = [_f32(theta).tobytes(), _f32(0.5 / var).tobytes(), _f32(const).tobytes()]
        return _stage(GAUSSIAN_NB, 0, n_in, len(classes), body), CLASSIFIER, classes, 1

    if isinstance(est, (neural_network.MLPClassifier, neural_network.MLPRegressor)):
        act = ACTIVATIONS.get(est.activation)
        if act is None:
            _refuse(est, "activation", "must be identity, relu, tanh or logistic")
        link = {"identity": 0, "logistic": 1, "softmax": 2}[est.out_activation_]
        if classifier and link == 1 and len(classes) != 2:
            _refuse(est, "out_activation_", "multi-label outputs are not supported")
        pre = []
        width = n_in
        for w, b in zip(est.coefs_[:-1], est.intercepts_[:-1]):
            pre.append(_stage(DENSE, act, width, w.shape[1], [_f32(w.T).tobytes(),
                                                               _f32(b).tobytes()]))
            width = w.shape[1]
        w, b = est.coefs_[-1], est.intercepts_[-1]
        pre.append(_stage(LINEAR, link, width, w.shape[1], [_f32(w.T).tobytes(), _f32(b).tobytes()]))
        if classifier:
            return pre, CLASSIFIER, classes, 1
        return pre, REGRESSOR, None, w.shape[1]

    linear_clf = (linear_model.LogisticRegression, linear_model.SGDClassifier,
                  linear_model.RidgeClassifier, linear_model.Perceptron, svm.LinearSVC)
    linear_reg = (linear_model.LinearRegression, linear_model.Ridge, linear_model.Lasso,
                  linear_model.ElasticNet, linear_model.SGDRegressor, svm.LinearSVR,
                  linear_model.BayesianRidge, linear_model.HuberRegressor)
    if isinstance(est, linear_clf + linear_reg):
        coef = np.atleast_2d(np.asarray(est.coef_, dtype=np.float64))
        icpt = np.atleast_1d(np.asarray(est.intercept_, dtype=np.float64))
        if icpt.size == 1 and coef.shape[0] > 1:
            icpt = np.full(coef.shape[0], icpt[0])
        k = coef.shape[0]
        link = LINK_NONE
        if isinstance(est, linear_model.LogisticRegression):
            multi = est.multi_class
            if multi == "auto":
                multi = "ovr" if (len(classes) == 2 or est.solver == "liblinear") else "multinomial"
            if len(classes) == 2:
                link = LINK_LOGISTIC
            else:
                link = LINK_SOFTMAX if multi == "multinomial" else LINK_OVR
        elif isinstance(est, linear_model.SGDClassifier) and est.loss in ("log_loss", "log"):
            link = LINK_LOGISTIC if len(classes) == 2 else LINK_OVR
        if classifier and k != (1 if len(classes) == 2 else len(classes)):
            _refuse(est, "coef_", f"shape {coef.shape} does not match {len(classes)} classes")
        stage = _stage(LINEAR, link, n_in, k, [_f32(coef).tobytes(), _f32(icpt).tobytes()])
        if classifier:
            return stage, CLASSIFIER, classes, 1
        return stage, REGRESSOR, None, k
    raise ConversionError(f"{name}: this estimator has no microml form (yet)")


# --- transforms -----------------------------------------------------------------------------------

def _transform_stage(est, n_in):
    """(stage bytes, n_out) for a transformer."""
    from sklearn import decomposition, preprocessing

    ones, zeros = np.ones(n_in), np.zeros(n_in)
    if isinstance(est, preprocessing.StandardScaler):
        sub = est.mean_ if est.with_mean else zeros
        mul = 1.0 / est.scale_ if est.with_std else ones
        return _stage(AFFINE, 0, n_in, n_in, [_f32(sub).tobytes(), _f32(mul).tobytes(),
                                               _f32(zeros).tobytes()]), n_in
    if isinstance(est, preprocessing.MinMaxScaler):
        if est.clip:
            _refuse(est, "clip", "clipping is not supported")
        return _stage(AFFINE, 0, n_in, n_in, [_f32(zeros).tobytes(), _f32(est.scale_).tobytes(),
                                               _f32(est.min_).tobytes()]), n_in
    if isinstance(est, preprocessing.RobustScaler):
        sub = est.center_ if est.with_centering else zeros
        mul = 1.0 / est.scale_ if est.with_scaling else ones
        return _stage(AFFINE, 0, n_in, n_in, [_f32(sub).tobytes(), _f32(mul).tobytes(),
                                               _f32(zeros).tobytes()]), n_in
    if isinstance(est, preprocessing.MaxAbsScaler):
        return _stage(AFFINE, 0, n_in, n_in, [_f32(zeros).tobytes(), _f32(1.0 / est.scale_).tobytes(),
                                               _f32(zeros).tobytes()]), n_in
    if isinstance(est, preprocessing.Normalizer):
        norm = {"l1": 1, "l2": 2, "max": 3}.get(est.norm)
        if norm is None:
            _refuse(est, "norm", "must be 'l1', 'l2' or 'max'")
        return _stage(NORMALIZER, norm, n_in, n_in, []), n_in
    if isinstance(est, decomposition.PCA):
        comp = np.asarray(est.components_, dtype=np.float64)
        if est.whiten:
            comp = comp / np.sqrt(est.explained_variance_)[:, None]
        k = comp.shape[0]
        return _stage(PCA_KIND, 0, n_in, k, [_f32(est.mean_).tobytes(), _f32(comp).tobytes()]), k
    raise ConversionError(f"{type(est).__name__}: this transformer has no microml form (yet)")


def _n_features(est):
    n = getattr(est, "n_features_in_", None)
    if callable(getattr(est, "kernel", None)):
        _refuse(est, "kernel", "must be 'linear', 'poly', 'rbf' or 'sigmoid' (no callables or "
                "precomputed kernels)")
    if n is None:
        raise ConversionError(f"{type(est).__name__}: not fitted, or not an estimator microml "
                              "converts (no n_features_in_)")
    return int(n)


def convert(estimator, compact=None):
    """The .mml bytes of a fitted estimator or Pipeline (transforms, then at most one model).

    compact="int16" stores trees with 8-byte nodes (16-bit children and a 16-bit index into a
    table of the distinct float32 thresholds) and k-nearest-neighbour samples as int16 with a
    per-feature power-of-two scale; compact="int8" stores such samples as int8. Predictions stay
    identical to the full form's (docs/classic-format.md); where that is impossible (a value that
    is not q * 2^e, a tree over 65535 nodes, another estimator) it raises ConversionError."""
    from sklearn.pipeline import Pipeline

    if compact not in COMPACT:
        raise ConversionError(f"compact={compact!r}: must be None, 'int16' or 'int8'")
    if isinstance(estimator, Pipeline):
        steps = [s for _, s in estimator.steps if s is not None and s != "passthrough"]
    else:
        steps = [estimator]
    if not steps:
        raise ConversionError("Pipeline: no steps")

    n_features = _n_features(steps[0])
    width = n_features
    stages = []
    last = steps[-1]
    is_model = not (hasattr(last, "transform") and not hasattr(last, "predict"))
    for s in steps[:-1] if is_model else steps:
        stage, width = _transform_stage(s, width)
        stages.append(stage)
    if is_model:
        stage, task, classes, n_targets = _model_stage(last, width, compact)
        stages += stage if isinstance(stage, list) else [stage]
    else:
        if compact is not None:
            raise ConversionError(f"{type(last).__name__}: compact={compact!r}: a transformer has "
                                  "no compact form")
        task, classes, n_targets = TRANSFORMER, None, width
    if len(stages) > 8:
        raise ConversionError(f"{type(estimator).__name__}: {len(stages)} stages (at most 8: "
                              "transforms plus an MLP's layers)")
    n_classes = 0 if classes is None else len(classes)
    cls = b"" if classes is None else np.asarray(classes, "<i4").tobytes()
    body = cls + b"".join(stages)
    total = 32 + len(body)
    head = MAGIC + struct.pack("<HHIIIIII", VERSION, len(stages), total, task, n_features,
                               n_classes, n_targets, 0)
    return head + body


def ram_bytes(blob):
    """RAM a loaded model needs besides the blob, as the Python object allocates it: the sample
    (n_features floats), the core's scratch (2 * max_width) and one result (max_width), where
    max_width is mml_classic_t.max_width: the widest stage input, output region or class count."""
    n_stages = struct.unpack_from("<H", blob, 6)[0]
    n_features, n_classes = struct.unpack_from("<II", blob, 16)
    off = 32 + 4 * n_classes
    width = max(n_features, n_classes)
    for _ in range(n_stages):
        kind, _param, size, _n_in, n_out = struct.unpack_from("<HHIII", blob, off)
        room = n_out
        if kind == SVM:
            n_sv, n_groups, _offset, flags = struct.unpack_from("<IIfI", blob, off + 16 + 16)
            room = 2 * n_out + n_sv + (n_groups * (n_groups - 1) // 2 if n_groups > 1 else 1)
            if flags & SVM_PROBA:
                room += n_groups * n_groups + n_groups
        elif kind == MAHALANOBIS:
            room = 2
        elif kind == KNN:
            room = n_out + 2 * struct.unpack_from("<I", blob, off + 16)[0]
        width = max(width, room)
        off += size
    return 4 * (n_features + 3 * width)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m microml_tools.sklearn",
                                description="Convert a fitted scikit-learn model (.joblib) to .mml")
    p.add_argument("model", help="a joblib file of a fitted estimator or Pipeline")
    p.add_argument("-o", "--output", required=True, help="the .mml file to write")
    p.add_argument("--compact", choices=["int16", "int8"],
                   help="smaller trees (int16) or k-nearest-neighbour samples (int16, int8), "
                        "with identical predictions; refused where they would differ")
    a = p.parse_args(argv)
    import joblib

    est = joblib.load(a.model)
    try:
        blob = convert(est, compact=a.compact)
    except ConversionError as e:
        print(f"cannot convert: {e}", file=sys.stderr)
        return 1
    with open(a.output, "wb") as f:
        f.write(blob)
    print(f"{a.output}: {type(est).__name__}{', compact ' + a.compact if a.compact else ''}, "
          f"{len(blob)} bytes, "
          f"RAM {ram_bytes(blob)} bytes (sample, scratch and result; the blob is read in place)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
