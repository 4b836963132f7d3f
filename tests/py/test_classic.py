# SPDX-License-Identifier: MIT
# Classical models on the CPython face: every case of classic_cases.py converted by
# microml_tools.sklearn, loaded by microml.load() and compared with scikit-learn itself (labels
# identical except counted near-ties; values within 1e-4 relative or 1e-5 absolute); the call
# forms (one sample as list / array / bytes, 2-D batch, flat batch with n=, out=); errors for bad
# input, damaged blobs and estimators the converter refuses; the command line.
import array
import struct
import subprocess
import sys

import numpy as np
import pytest

import classic_cases as cc
import mmldata

sys.path.insert(0, str(mmldata.REPO / "python"))
from microml_tools import sklearn as mmlsk  # noqa: E402

REL, ABS = 1e-4, 1e-5


def close(got, ref):
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64).reshape(got.shape)
    err = np.abs(got - ref)
    return (err <= ABS) | (err <= REL * np.abs(ref))


@pytest.fixture(scope="module", params=sorted(cc.CASES))
def case(request):
    est, X = cc.fitted(request.param)
    return request.param, est, X, mmlsk.convert(est)


def test_equals_sklearn(microml, case):
    name, est, X, blob = case
    m = microml.load(blob)
    assert m.n_features == X.shape[1]
    for meth in cc.methods(est):
        ref = getattr(est, meth)(X)
        got = getattr(m, meth)(X)
        assert len(got) == len(X), meth
        if meth == "predict" and cc.is_classifier(est):
            wrong = np.asarray(got) != ref
            ties = cc.near_ties(cc.tie_scores(est, X))
            assert not np.any(wrong & ~ties), f"{name}: {np.sum(wrong & ~ties)} labels differ"
            skipped = int(np.sum(wrong & ties))
            assert skipped <= len(X) // 100, f"{name}: {skipped} near-ties skipped"
        else:
            ok = close(got, ref)
            assert ok.all(), f"{name}.{meth}: {np.sum(~ok)} values off, e.g. {np.asarray(got)[~ok][:3]}"


@pytest.mark.parametrize("name", [n for n in cc.CASES if cc.CASES[n][2] == "all"
                                  and "clf" in n])
def test_trees_all_samples_identical(microml, name):
    # Trees compare float32 X with float32 thresholds exactly as scikit-learn does: every label
    # of the whole dataset is the same, no tie skipped.
    est, X = cc.fitted(name)
    m = microml.load(mmlsk.convert(est))
    assert np.array_equal(m.predict(X), est.predict(X))


def test_classes_and_kind(microml):
    est, X = cc.fitted("forest_clf_digits")
    m = microml.load(mmlsk.convert(est))
    assert m.classes == tuple(range(10))
    assert m.kind == "trees classifier"
    assert repr(m).startswith("<microml.ClassicModel trees classifier, 64 features, 10 classes")
    reg = microml.load(mmlsk.convert(cc.fitted("lasso_diabetes")[0]))
    assert reg.classes is None and reg.kind == "linear regressor"
    tr = microml.load(mmlsk.convert(cc.fitted("pca_whiten_digits")[0]))
    assert tr.kind == "scaler+pca transformer"


def test_call_forms(microml):
    est, X = cc.fitted("logreg_wine_ovr")
    m = microml.load(mmlsk.convert(est))
    x = X[3]
    label = est.predict(X[3:4])[0]
    proba = est.predict_proba(X[3:4])[0]
    assert m.predict(list(x)) == label
    assert m.predict(tuple(x)) == label
    assert m.predict(array.array("f", x)) == label
    assert m.predict(array.array("d", x)) == label
    assert m.predict(x.astype(np.float32).tobytes()) == label
    assert isinstance(m.predict(list(x)), int)
    assert close(m.predict_proba(list(x)), proba).all()
    # A flat batch with n=, and out= filled in place (no new object).
    flat = array.array("f", X[:5].astype(np.float32).ravel())
    labels = m.predict(flat, n=5)
    assert list(labels) == list(est.predict(X[:5]))
    out = array.array("i", [0] * 5)
    assert m.predict(flat, out, n=5) is out
    assert list(out) == list(est.predict(X[:5]))
    pout = np.zeros((5, 3), dtype=np.float32)
    assert m.predict_proba(X[:5], out=pout) is pout
    assert close(pout, est.predict_proba(X[:5])).all()
    one = array.array("f", [0.0] * 3)
    m.predict_proba(list(x), out=one)
    assert close(one, proba).all()
    reg = cc.fitted("ridge_synth")
    r = microml.load(mmlsk.convert(reg[0]))
    v = r.predict(list(reg[1][0]))
    assert isinstance(v, float) and close([v], reg[0].predict(reg[1][:1])).all()


def test_one_sample_out_short_path(microml):
    # f(x, out) with one float32 sample takes the short path on every face (CPython too): the same
    # labels and values as the general path, the out object returned; a 2-D x of the same size
    # still takes the general path and its message.
    for name in ("forest_clf_digits", "svc_rbf_wine", "ridge_synth"):
        est, X = cc.fitted(name)
        m = microml.load(mmlsk.convert(est))
        X32 = np.asarray(X[:20], dtype=np.float32)
        for x in X32:
            for meth in cc.methods(est):
                want = np.asarray(getattr(m, meth)(x[None, :])).ravel()
                tc = "i" if meth == "predict" and cc.is_classifier(est) else "f"
                for out in (array.array(tc, [0] * len(want)), np.zeros(len(want), tc)):
                    for xx in (x, array.array("f", x.tobytes())):
                        assert getattr(m, meth)(xx, out) is out
                        assert np.asarray(out).tobytes() == want.astype(tc).tobytes(), (name, meth)
    m = microml.load(mmlsk.convert(cc.fitted("tree_clf_iris")[0]))
    with pytest.raises(ValueError, match="X has 2 features per sample, the model takes 4"):
        m.predict(np.zeros((2, 2), np.float32), array.array("i", [0]))


def test_bad_input(microml):
    est, X = cc.fitted("tree_clf_iris")
    m = microml.load(mmlsk.convert(est))
    with pytest.raises(ValueError, match="X has 3 features, the model takes 4"):
        m.predict([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="X has 5 features per sample, the model takes 4"):
        m.predict(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="X has 10 values: not n=3 samples of 4 features"):
        m.predict(array.array("f", [0.0] * 10), n=3)
    with pytest.raises(TypeError, match="item 1 is not a number"):
        m.predict([1.0, "a", 3.0, 4.0])
    with pytest.raises(TypeError, match="X must be a buffer"):
        m.predict(42)
    with pytest.raises(TypeError, match="X must be a buffer"):
        m.predict("1234")
    with pytest.raises(ValueError, match="no decision_function"):
        m.decision_function([0.0] * 4)
    with pytest.raises(ValueError, match="no transform"):
        m.transform([0.0] * 4)
    with pytest.raises(ValueError, match="out needs 8 bytes, got 4"):
        m.predict(np.zeros((2, 4)), out=array.array("i", [0]))
    with pytest.raises(TypeError, match="out must hold 'i' items, got 'f'"):
        m.predict([0.0] * 4, out=array.array("f", [0]))
    with pytest.raises(ValueError, match="out must be a writable buffer"):
        m.predict([0.0] * 4, out=b"1234")
    with pytest.raises(ValueError, match="6 bytes is not a multiple of 4"):
        m.predict(b"123456")


def test_damaged_blobs(microml):
    blob = mmlsk.convert(cc.fitted("pca_logreg_wine")[0])
    for n in range(len(blob)):
        with pytest.raises(ValueError):
            microml.load(bytearray(blob[:n]) if n >= 4 else blob[:n])
    with pytest.raises(NotImplementedError, match="format version 3: this build reads versions 1 to 2"):
        microml.load(blob[:4] + struct.pack("<H", 3) + blob[6:])
    with pytest.raises(NotImplementedError, match="format version 0: this build reads versions 1 to 2"):
        microml.load(blob[:4] + struct.pack("<H", 0) + blob[6:])
    with pytest.raises(NotImplementedError, match="kind 99"):
        microml.load(blob[:32 + 12] + struct.pack("<H", 99) + blob[32 + 14:])
    with pytest.raises(ValueError, match="padded"):
        microml.load(blob + b"\0\0\0\0")
    # Every single-byte change loads and runs, or is refused with ValueError (never a crash).
    rng = np.random.default_rng(0)
    x = [0.5] * 13
    for _ in range(2000):
        b = bytearray(blob)
        b[rng.integers(len(b))] ^= 1 << int(rng.integers(8))
        try:
            m = microml.load(b)
        except (ValueError, NotImplementedError):
            continue
        m.predict(x)


def test_damaged_tree_links(microml):
    est, X = cc.fitted("tree_clf_iris")
    blob = bytearray(mmlsk.convert(est))
    # The root's left child pointing at itself would loop forever: refused.
    nodes = 32 + 4 * 3 + 16 + 12 + 8
    assert struct.unpack_from("<i", blob, nodes)[0] >= 0
    struct.pack_into("<I", blob, nodes + 8, 0)
    with pytest.raises(ValueError, match="node 0: bad feature, child or threshold"):
        microml.load(blob)


def test_refused_estimators():
    from sklearn import preprocessing, svm
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.neighbors import KNeighborsClassifier
    with pytest.raises(mmlsk.ConversionError,
                       match="LinearDiscriminantAnalysis: this estimator has no microml form"):
        mmlsk.convert(LinearDiscriminantAnalysis().fit(X, y))
    with pytest.raises(mmlsk.ConversionError, match="KNeighborsClassifier: metric='chebyshev'"):
        mmlsk.convert(KNeighborsClassifier(metric="chebyshev").fit(X, y))
    with pytest.raises(mmlsk.ConversionError, match="SVC: kernel=<function .*: must be 'linear'"):
        mmlsk.convert(svm.SVC(kernel=lambda a, b: a @ b.T).fit(X, y))
    with pytest.raises(mmlsk.ConversionError, match="SVC: break_ties=True"):
        mmlsk.convert(svm.SVC(break_ties=True).fit(X, y))
    with pytest.raises(mmlsk.ConversionError, match="MinMaxScaler: clip=True"):
        mmlsk.convert(preprocessing.MinMaxScaler(clip=True).fit(X))
    with pytest.raises(mmlsk.ConversionError, match="classes_"):
        from sklearn.tree import DecisionTreeClassifier
        mmlsk.convert(DecisionTreeClassifier().fit(X, np.array(["a", "b", "c"])[y]))


def test_threshold_rounding():
    # The float32 threshold keeps every float32 comparison of scikit-learn's double threshold.
    rng = np.random.default_rng(1)
    t = rng.normal(size=2000) * 10.0 ** rng.integers(-5, 5, size=2000)
    t32 = mmlsk.threshold_f32(t)
    x = np.concatenate([t32, np.nextafter(t32, np.float32(np.inf))])
    for xs in (t32, np.nextafter(t32, np.float32(np.inf)), np.nextafter(t32, np.float32(-np.inf))):
        assert np.array_equal(xs.astype(np.float64) <= t, xs <= t32)
    assert x.dtype == np.float32


def test_command_line(tmp_path):
    import joblib

    est, X = cc.fitted("forest_clf_breast")
    path = tmp_path / "forest.joblib"
    joblib.dump(est, path)
    out = tmp_path / "forest.mml"
    r = subprocess.run([mmldata.PYTHON, "-m", "microml_tools.sklearn", str(path), "-o", str(out)],
                       cwd=mmldata.REPO / "python", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == mmlsk.convert(est)
    assert f"{len(out.read_bytes())} bytes" in r.stdout and "RAM" in r.stdout
    r = subprocess.run([mmldata.PYTHON, "-m", "microml_tools.sklearn", str(path), "-o", str(out),
                        "--compact", "int16"], cwd=mmldata.REPO / "python", capture_output=True,
                       text=True)
    small = mmlsk.convert(est, compact="int16")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == small and len(small) < len(mmlsk.convert(est))
    assert f"compact int16, {len(small)} bytes, RAM {mmlsk.ram_bytes(small)} bytes" in r.stdout
    r = subprocess.run([mmldata.PYTHON, "-m", "microml_tools.sklearn", str(path), "-o", str(out),
                        "--compact", "int8"], cwd=mmldata.REPO / "python", capture_output=True,
                       text=True)
    assert r.returncode == 1 and "compact='int8': trees have no 8-bit form" in r.stderr
    from sklearn.linear_model import TheilSenRegressor
    joblib.dump(TheilSenRegressor(random_state=0).fit(X[:50, :3], X[:50, 3]), path)
    r = subprocess.run([mmldata.PYTHON, "-m", "microml_tools.sklearn", str(path), "-o", str(out)],
                       cwd=mmldata.REPO / "python", capture_output=True, text=True)
    assert r.returncode == 1 and "TheilSenRegressor: this estimator has no microml form" in r.stderr


# ---- compact forms (convert(est, compact="int16" / "int8")) -------------------------------------

COMPACT_TREES = ["tree_clf_digits", "forest_clf_digits", "extra_reg_synth", "gb_clf_iris",
                 "gb_reg_diabetes", "hgb_clf_breast_nan", "hgb_cat_clf_digits", "hgb_cat_reg_synth",
                 "iforest_breast"]


def _same(a, b):
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def _boundary_inputs(est, X, rng):
    """X's rows with features moved onto the trees' thresholds and their float32 neighbours (the
    values where a rounded threshold would flip a comparison)."""
    final = est.steps[-1][1] if hasattr(est, "steps") else est
    thr = {}
    if hasattr(final, "_predictors"):
        for it in final._predictors:
            for pr in it:
                for n in pr.nodes[~pr.nodes["is_leaf"] & ~pr.nodes["is_categorical"].astype(bool)]:
                    thr.setdefault(int(n["feature_idx"]), []).append(n["num_threshold"])
    else:
        trees = (list(np.ravel(final.estimators_)) if hasattr(final, "estimators_") else [final])
        feats = getattr(final, "estimators_features_", [None] * len(trees))
        for t, fs in zip(trees, feats):
            tr = t.tree_
            for i in np.flatnonzero(tr.children_left >= 0):
                f = int(tr.feature[i]) if fs is None else int(fs[tr.feature[i]])
                thr.setdefault(f, []).append(tr.threshold[i])
    Xb = np.array(X[:200], dtype=np.float32)
    for f, ts in thr.items():
        t32 = mmlsk.threshold_f32(np.array(ts))
        cand = np.concatenate([t32, np.nextafter(t32, np.float32(np.inf)),
                               np.nextafter(t32, np.float32(-np.inf))])
        Xb[:, f] = rng.choice(cand, size=len(Xb))
    return Xb.astype(np.float64)


@pytest.mark.parametrize("name", COMPACT_TREES)
def test_compact_trees_identical(microml, name):
    # 8-byte nodes and a table of the distinct float32 thresholds: every comparison is the very
    # comparison of the full form, so every result is bit-identical, also on the thresholds.
    est, X = cc.fitted(name)
    full, small = mmlsk.convert(est), mmlsk.convert(est, compact="int16")
    assert len(small) < 0.8 * len(full), (len(small), len(full))
    a, b = microml.load(full), microml.load(small)
    assert a.kind == b.kind
    Xb = _boundary_inputs(est, X, np.random.default_rng(0))
    for XX in (X, Xb):
        for meth in cc.methods(est):
            assert _same(getattr(a, meth)(XX), getattr(b, meth)(XX)), meth
        if cc.is_classifier(est):
            assert np.array_equal(b.predict(XX), est.predict(XX))
        else:
            assert close(b.predict(XX), est.predict(XX)).all()


@pytest.mark.parametrize("name,form", [("knn_digits", "int8"), ("knn_digits", "int16"),
                                       ("knn_reg_digits", "int8")])
def test_compact_knn_identical(microml, name, form):
    # Integer features stored as int8 / int16 with scale 1: every distance is the float32 form's,
    # so every result is bit-identical; samples take 1/4 (int8) or 1/2 (int16) the room.
    est, X = cc.fitted(name)
    full, small = mmlsk.convert(est), mmlsk.convert(est, compact=form)
    n, nf = est._fit_X.shape
    saved = n * nf * (4 - (1 if form == "int8" else 2)) - 4 * nf  # minus the scales
    assert len(full) - len(small) >= saved - 3
    a, b = microml.load(full), microml.load(small)
    for meth in cc.methods(est):
        assert _same(getattr(a, meth)(X), getattr(b, meth)(X)), meth
        ref, got = getattr(est, meth)(X), getattr(b, meth)(X)
        if meth == "predict" and cc.is_classifier(est):
            assert np.array_equal(got, ref)
        else:
            assert close(got, ref).all()


def test_compact_scaled_knn(microml):
    # Values q * 2^e (here multiples of 0.25) are stored exactly with a power-of-two scale.
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(3)
    X = rng.integers(-400, 400, size=(120, 5)) * 0.25
    y = rng.normal(size=120)
    est = KNeighborsRegressor(n_neighbors=3).fit(X, y)
    Xq = rng.normal(size=(50, 5)) * 30.0
    m = microml.load(mmlsk.convert(est, compact="int16"))
    assert _same(m.predict(Xq), microml.load(mmlsk.convert(est)).predict(Xq))
    assert close(m.predict(Xq), est.predict(Xq)).all()
    with pytest.raises(mmlsk.ConversionError, match=r"compact='int8': feature 0's stored values"):
        mmlsk.convert(est, compact="int8")  # |q| up to 1600


def test_compact_refused():
    from sklearn.naive_bayes import GaussianNB

    est, _ = cc.fitted("knn_wine")  # standardized values: no exact integer form
    with pytest.raises(mmlsk.ConversionError, match="KNeighborsClassifier: compact='int16': "
                       "feature 0's stored values are not all q"):
        mmlsk.convert(est, compact="int16")
    with pytest.raises(mmlsk.ConversionError, match="RandomForestClassifier: compact='int8': "
                       "trees have no 8-bit form"):
        mmlsk.convert(cc.fitted("forest_clf_breast")[0], compact="int8")
    with pytest.raises(mmlsk.ConversionError, match="GaussianNB: compact='int16': only trees"):
        mmlsk.convert(cc.fitted("gnb_iris")[0], compact="int16")
    with pytest.raises(mmlsk.ConversionError, match="compact='int4': must be None"):
        mmlsk.convert(GaussianNB().fit([[0.0], [1.0]], [0, 1]), compact="int4")
    with pytest.raises(mmlsk.ConversionError, match="StandardScaler: compact='int16': a "
                       "transformer has no compact form"):
        mmlsk.convert(cc.fitted("standard_wine")[0], compact="int16")


def test_compact_damaged(microml):
    # The compact nodes' links, threshold indices and leaf indices are checked on load.
    blob = mmlsk.convert(cc.fitted("tree_clf_iris")[0], compact="int16")
    n_trees, n_nodes, n_leaves, n_thr = struct.unpack_from("<IIII", blob, 32 + 12 + 16)
    nodes = 32 + 12 + 16 + 16 + 4 * (n_trees + 1) + 4 * n_thr
    feature, value, left, right = struct.unpack_from("<HHHH", blob, nodes)
    assert feature != 0xffff and left > 0
    for off, v in ((2, n_thr), (4, 0), (6, n_nodes), (0, 0x1fff)):
        b = bytearray(blob)
        struct.pack_into("<H", b, nodes + off, v)
        with pytest.raises(ValueError, match="node 0: bad feature, child or threshold"):
            microml.load(b)
    b = bytearray(blob)
    struct.pack_into("<HHHH", b, nodes, 0xffff, n_leaves, 0, 0)
    with pytest.raises(ValueError, match="node 0: bad feature, child or threshold"):
        microml.load(b)


# ---- sparse leaves (format version 2) ----------------------------------------------------------

SPARSE_TREES = ["tree_clf_digits", "forest_clf_digits", "extra_clf_digits"]  # 10 classes


def _dense(est, **kw):
    """est converted with dense leaves (format version 2 without TREES_SPARSE)."""
    try:
        mmlsk._SPARSE_LEAVES = False
        return mmlsk.convert(est, **kw)
    finally:
        mmlsk._SPARSE_LEAVES = True


def _stage_param(blob):
    n_classes = struct.unpack_from("<I", blob, 20)[0]
    return struct.unpack_from("<H", blob, 32 + 4 * n_classes + 2)[0]


@pytest.mark.parametrize("name", SPARSE_TREES)
@pytest.mark.parametrize("compact", [None, "int16"])
def test_sparse_leaves_identical(microml, name, compact):
    # A forest's leaves as (class, value) pairs of their nonzero values: the sums skip only
    # additions of 0.0, so predict_proba is bit-identical to the dense form's, on the thresholds too.
    est, X = cc.fitted(name)
    sparse, dense = mmlsk.convert(est, compact=compact), _dense(est, compact=compact)
    assert _stage_param(sparse) & mmlsk.TREES_SPARSE and not _stage_param(dense) & mmlsk.TREES_SPARSE
    assert len(sparse) < len(dense), (len(sparse), len(dense))
    a, b = microml.load(sparse), microml.load(dense)
    Xb = _boundary_inputs(est, X, np.random.default_rng(1))
    for XX in (X, Xb):
        pa, pb = a.predict_proba(XX), b.predict_proba(XX)
        assert np.asarray(pa).tobytes() == np.asarray(pb).tobytes()
        assert np.array_equal(a.predict(XX), b.predict(XX))
        assert np.array_equal(a.predict(XX), est.predict(XX))


def test_sparse_leaves_only_where_smaller():
    # Regressors' and boosting's one-value leaves stay dense, and so do two classes' (a pure leaf
    # is 8 bytes either way).
    for name in ("extra_reg_synth", "gb_reg_diabetes", "iforest_breast", "forest_clf_breast"):
        assert not _stage_param(mmlsk.convert(cc.fitted(name)[0])) & mmlsk.TREES_SPARSE, name


def test_format_version_1_still_read(microml):
    # Version 1 is version 2 without sparse leaves: a dense blob marked 1 loads and gives the same
    # results; a sparse one marked 1 is refused.
    est, X = cc.fitted("tree_clf_digits")
    dense, sparse = _dense(est), mmlsk.convert(est)
    assert struct.unpack_from("<H", dense, 4)[0] == 2
    v1 = microml.load(dense[:4] + struct.pack("<H", 1) + dense[6:])
    assert np.asarray(v1.predict_proba(X)).tobytes() == np.asarray(
        microml.load(sparse).predict_proba(X)).tobytes()
    with pytest.raises(ValueError, match="unknown tree aggregation, link or flags"):
        microml.load(sparse[:4] + struct.pack("<H", 1) + sparse[6:])


def test_sparse_leaves_damaged(microml):
    # The pairs' classes, values and the last pair's end mark are checked on load; a leaf's
    # reference (its first pair) as any leaf index.
    est = cc.fitted("tree_clf_digits")[0]
    blob = mmlsk.convert(est)
    at = 32 + 4 * 10 + 16
    n_trees, n_nodes, n_pairs = struct.unpack_from("<III", blob, at)
    nodes = at + 12 + 4 * (n_trees + 1)
    pairs = nodes + 16 * n_nodes
    last = pairs + 8 * (n_pairs - 1)
    assert struct.unpack_from("<I", blob, last)[0] & mmlsk.PAIR_LAST
    leaf = next(i for i in range(n_nodes) if struct.unpack_from("<i", blob, nodes + 16 * i)[0] < 0)
    cases = [(last, struct.unpack_from("<I", blob, last)[0] & 0xff, "does not end a leaf"),
             (pairs, 10, "class out of range"), (pairs, 0x7fffffff, "class out of range"),
             (pairs + 4, 0x7fc00000, "NaN value"), (nodes + 16 * leaf + 8, n_pairs, "node %d" % leaf)]
    for off, v, msg in cases:
        b = bytearray(blob)
        struct.pack_into("<I", b, off, v)
        with pytest.raises(ValueError, match=msg):
            microml.load(b)


# ---- covariance, SVC probabilities, categorical splits -----------------------------------------

def test_covariance_kinds(microml):
    env = microml.load(mmlsk.convert(cc.fitted("envelope_iris")[0]))
    assert env.kind == "mahalanobis classifier" and env.classes == (-1, 1)
    mcd, X = cc.fitted("mincovdet_iris")
    m = microml.load(mmlsk.convert(mcd))
    assert m.kind == "mahalanobis covariance" and m.classes is None
    assert close(m.mahalanobis(list(X[0])), mcd.mahalanobis(X[:1])).all()
    with pytest.raises(ValueError, match=r"this model \(mahalanobis covariance\) has no predict"):
        m.predict(list(X[0]))
    with pytest.raises(ValueError, match="has no mahalanobis"):
        microml.load(mmlsk.convert(cc.fitted("tree_clf_iris")[0])).mahalanobis([0.0] * 4)


def test_envelope_predict_boundary(microml):
    # EllipticEnvelope: inlier when decision_function >= 0 (a sample exactly on the boundary).
    est, X = cc.fitted("envelope_iris")
    m = microml.load(mmlsk.convert(est))
    got, ref = m.predict(X), est.predict(X)
    assert np.array_equal(got, ref) and set(ref) == {-1, 1}


def test_svc_proba_refused_without_probability(microml):
    est, X = cc.fitted("svc_rbf_iris")
    with pytest.raises(ValueError, match="has no predict_proba"):
        microml.load(mmlsk.convert(est)).predict_proba(list(X[0]))


@pytest.mark.parametrize("name,form", [("envelope_wine", None), ("mincovdet_iris", None),
                                       ("svc_rbf_wine_proba", None), ("hgb_cat_clf_breast", None),
                                       ("hgb_cat_clf_breast", "int16"), ("knn_digits", "int8")])
def test_damaged_new_sections(microml, name, form):
    # Every truncation refused with ValueError; bit flips refused or run, never a crash.
    est, X = cc.fitted(name)
    blob = mmlsk.convert(est, compact=form)
    for n in range(0, len(blob), max(1, len(blob) // 400)):
        with pytest.raises(ValueError):
            microml.load(bytearray(blob[:n]))
    rng = np.random.default_rng(1)
    x = list(X[0])
    for _ in range(1000):
        b = bytearray(blob)
        b[rng.integers(len(b))] ^= 1 << int(rng.integers(8))
        try:
            m = microml.load(b)
        except (ValueError, NotImplementedError):
            continue
        for meth in ("predict", "predict_proba", "decision_function", "score_samples",
                     "mahalanobis"):
            try:
                getattr(m, meth)(x)
            except ValueError as e:
                assert "has no" in str(e)


def test_hgb_categorical_paths(microml):
    # Every category path: known left, known right, unseen / negative (where missing values go),
    # NaN, and the integer part of a non-integer value.
    est, X = cc.fitted("hgb_cat_reg_synth")
    blob = mmlsk.convert(est)
    assert struct.unpack_from("<H", blob, 32 + 2)[0] & mmlsk.TREES_CATEGORICAL
    m = microml.load(blob)
    rng = np.random.default_rng(5)
    Xc = np.repeat(X[:20], 16, axis=0)
    Xc[:, :6] = rng.choice([0, 1, 5, 11, 2.5, 11.9, 12, 17, 200, 255.5, -1, -0.25, np.nan],
                           size=(len(Xc), 6))
    assert close(m.predict(Xc), est.predict(Xc)).all()
