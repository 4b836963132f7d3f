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
VERSION = 1
REGRESSOR, CLASSIFIER, TRANSFORMER = 0, 1, 2
TREES, LINEAR, AFFINE, NORMALIZER, PCA_KIND, DENSE, GAUSSIAN_NB, SVM = 1, 2, 3, 4, 5, 6, 7, 8
KERNELS = {"linear": 0, "poly": 1, "rbf": 2, "sigmoid": 3}
CENTROIDS = 9
GMM = 10
KNN = 11
TREES_IFOREST = 2
TREES_MEAN, TREES_SUM = 0, 1
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


# --- trees ----------------------------------------------------------------------------------------

def _trees(est, trees, n_in, classifier):
    roots, nodes, leaves = [0], [], []
    for tree in trees:
        t = tree.tree_
        base = len(nodes)
        leaf_of = {}
        for i in range(t.node_count):
            if t.children_left[i] == -1:
                leaf_of[i] = len(leaves)
                v = t.value[i].reshape(-1).astype(np.float64)
                if classifier:
                    s = v.sum()
                    v = v / s if s > 0 else v
                leaves.append(v)
        thr = threshold_f32(t.threshold)
        for i in range(t.node_count):
            if t.children_left[i] == -1:
                nodes.append(struct.pack("<ifII", -1, 0.0, leaf_of[i], 0))
            else:
                left, right = int(t.children_left[i]), int(t.children_right[i])
                if left <= i or right <= i:
                    raise ConversionError(f"{type(est).__name__}: tree with a child before its parent")
                nodes.append(struct.pack("<ifII", int(t.feature[i]), float(thr[i]), base + left,
                                         base + right))
        roots.append(len(nodes))
    n_out = len(leaves[0])
    body = [struct.pack("<III", len(trees), len(nodes), len(leaves)),
            np.asarray(roots, "<u4").tobytes(), b"".join(nodes), _f32(np.array(leaves)).tobytes()]
    return _stage(TREES, 0, n_in, n_out, body), n_out


def _boosting(est, n_in, classifier, classes):
    """GradientBoosting: bias (the init's raw prediction) + learning_rate * each tree's leaf."""
    if est.init not in (None, "zero"):
        _refuse(est, "init", "only the default init or 'zero'")
    if classifier and est.loss == "exponential":
        _refuse(est, "loss", "exponential loss is not supported")
    n_stages, k = est.estimators_.shape
    bias = np.asarray(est._raw_predict_init(np.zeros((1, n_in), dtype=np.float32)),
                      dtype=np.float64).reshape(-1)
    roots, nodes, leaves = [0], [], []
    for i in range(n_stages):
        for j in range(k):
            t = est.estimators_[i, j].tree_
            base = len(nodes)
            thr = threshold_f32(t.threshold)
            for n in range(t.node_count):
                if t.children_left[n] == -1:
                    nodes.append(struct.pack("<ifII", -1, 0.0, len(leaves), 0))
                    leaves.append(est.learning_rate * float(t.value[n].reshape(-1)[0]))
                else:
                    nodes.append(struct.pack("<ifII", int(t.feature[n]), float(thr[n]),
                                             base + int(t.children_left[n]),
                                             base + int(t.children_right[n])))
            roots.append(len(nodes))
    link = 0
    if classifier:
        link = 1 if k == 1 else 2
    body = [struct.pack("<III", n_stages * k, len(nodes), len(leaves)),
            np.asarray(roots, "<u4").tobytes(), b"".join(nodes), _f32(leaves).tobytes(),
            _f32(bias).tobytes()]
    return _stage(TREES, TREES_SUM | link << 8, n_in, k, body), k


def _svm(est, n_in, n_groups, n_support, dual, intercept, mode, score_offset=None):
    kernel = KERNELS.get(est.kernel) if isinstance(est.kernel, str) else None
    if kernel is None:
        _refuse(est, "kernel", "must be 'linear', 'poly', 'rbf' or 'sigmoid' (no callables or "
                "precomputed kernels)")
    if kernel == 1 and not (0 <= est.degree <= 16):
        _refuse(est, "degree", "must be 0..16")
    sv = np.asarray(est.support_vectors_, dtype=np.float64)
    n_out = 1 if n_groups <= 2 else n_groups
    head = struct.pack("<IffIIIfI", kernel, float(est._gamma), float(est.coef0), int(est.degree),
                       sv.shape[0], n_groups, float(score_offset or 0.0),
                       int(score_offset is not None))
    body = [head, np.asarray(n_support, "<u4").tobytes(), _f32(sv).tobytes(), _f32(dual).tobytes(),
            _f32(intercept).tobytes()]
    return _stage(SVM, mode, n_in, n_out, body)


def _iforest(est, n_in):
    """IsolationForest: each leaf holds (depth + c(n_samples)) / (n_trees c(max_samples))."""
    from sklearn.ensemble._iforest import _average_path_length

    n_trees = len(est.estimators_)
    denom = n_trees * float(_average_path_length([est.max_samples_])[0])
    roots, nodes, leaves = [0], [], []
    for tree, features in zip(est.estimators_, est.estimators_features_):
        t = tree.tree_
        base = len(nodes)
        depth = np.zeros(t.node_count, dtype=np.int64)
        thr = threshold_f32(t.threshold)
        apl = _average_path_length(t.n_node_samples)
        for n in range(t.node_count):
            left, right = int(t.children_left[n]), int(t.children_right[n])
            if left == -1:
                nodes.append(struct.pack("<ifII", -1, 0.0, len(leaves), 0))
                leaves.append((depth[n] + apl[n]) / denom)
            else:
                if left <= n or right <= n:
                    raise ConversionError(f"{type(est).__name__}: tree with a child before its parent")
                depth[left] = depth[right] = depth[n] + 1
                nodes.append(struct.pack("<ifII", int(features[t.feature[n]]), float(thr[n]),
                                         base + left, base + right))
        roots.append(len(nodes))
    body = [struct.pack("<III", n_trees, len(nodes), len(leaves)), np.asarray(roots, "<u4").tobytes(),
            b"".join(nodes), _f32(leaves).tobytes(), _f32([est.offset_]).tobytes()]
    return _stage(TREES, TREES_IFOREST, n_in, 1, body)


def _hist_boosting(est, n_in, classifier):
    """HistGradientBoosting: its predictors' nodes (raw thresholds, NaN direction), bias the
    baseline prediction."""
    loss = est.loss
    if not classifier and loss not in ("squared_error", "absolute_error", "quantile"):
        _refuse(est, "loss", "only squared_error, absolute_error or quantile (no link)")
    k = est.n_trees_per_iteration_
    roots, nodes, leaves = [0], [], []
    for iteration in est._predictors:
        for pred in iteration:
            nd = pred.nodes
            if np.any(nd["is_categorical"]):
                _refuse(est, "categorical_features", "categorical splits are not supported")
            base = len(nodes)
            thr = threshold_f32(nd["num_threshold"])
            for n in range(len(nd)):
                if nd["is_leaf"][n]:
                    nodes.append(struct.pack("<ifII", -1, 0.0, len(leaves), 0))
                    leaves.append(float(nd["value"][n]))
                else:
                    left, right = int(nd["left"][n]), int(nd["right"][n])
                    if left <= n or right <= n:
                        raise ConversionError(f"{type(est).__name__}: tree with a child before its parent")
                    feat = int(nd["feature_idx"][n]) | (0x40000000 if nd["missing_go_to_left"][n] else 0)
                    nodes.append(struct.pack("<ifII", feat, float(thr[n]), base + left, base + right))
            roots.append(len(nodes))
    bias = np.asarray(est._baseline_prediction, dtype=np.float64).reshape(-1)
    link = 0
    if classifier:
        link = 1 if k == 1 else 2
    body = [struct.pack("<III", len(roots) - 1, len(nodes), len(leaves)),
            np.asarray(roots, "<u4").tobytes(), b"".join(nodes), _f32(leaves).tobytes(),
            _f32(bias).tobytes()]
    return _stage(TREES, TREES_SUM | link << 8, n_in, k, body), k


def _model_stage(est, n_in):
    """(stage bytes, task, classes, n_targets) for the final estimator, and any stages before it
    (an MLP's hidden layers)."""
    from sklearn import ensemble, linear_model, naive_bayes, neural_network, svm, tree

    name = type(est).__name__
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
        stage, n_out = _trees(est, trees, n_in, classifier)
        if classifier:
            assert n_out == len(classes)
            return stage, CLASSIFIER, classes, 1
        return stage, REGRESSOR, None, n_out

    if isinstance(est, (ensemble.GradientBoostingClassifier, ensemble.GradientBoostingRegressor)):
        stage, k = _boosting(est, n_in, classifier, classes)
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
        param = code | (est.weights == "distance") << 8 | (not classifier) << 9
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
                                                  _f32(xs).tobytes(), tail])
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
        return _iforest(est, n_in), CLASSIFIER, np.array([-1, 1]), 1
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
        stage, k = _hist_boosting(est, n_in, classifier)
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


def convert(estimator):
    """The .mml bytes of a fitted estimator or Pipeline (transforms, then at most one model)."""
    from sklearn.pipeline import Pipeline

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
        stage, task, classes, n_targets = _model_stage(last, width)
        stages += stage if isinstance(stage, list) else [stage]
    else:
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
            n_sv, n_groups = struct.unpack_from("<II", blob, off + 16 + 16)
            room = 2 * n_out + n_sv + (n_groups * (n_groups - 1) // 2 if n_groups > 1 else 1)
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
    a = p.parse_args(argv)
    import joblib

    est = joblib.load(a.model)
    try:
        blob = convert(est)
    except ConversionError as e:
        print(f"cannot convert: {e}", file=sys.stderr)
        return 1
    with open(a.output, "wb") as f:
        f.write(blob)
    print(f"{a.output}: {type(est).__name__}, {len(blob)} bytes, "
          f"RAM {ram_bytes(blob)} bytes (sample, scratch and result; the blob is read in place)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
