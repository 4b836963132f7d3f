# SPDX-License-Identifier: MIT
# Classical models on the MicroPython unix port (build/micropython, and the x64 .mpy on the
# stock port): a few cases of
# classic_cases.py converted on the host, loaded there by microml.load() from the file's bytes,
# run one sample at a time (list, array('f')) and as a flat batch with n= and out= (under
# heap_lock: no allocation); the printed
# results compared here with scikit-learn's own (labels identical except counted near-ties,
# values within 1e-4 relative or 1e-5 absolute), and the errors it raises.
import json
import subprocess
import sys

import numpy as np
import pytest

import classic_cases as cc
import mmldata

sys.path.insert(0, str(mmldata.REPO / "python"))
from microml_tools import sklearn as mmlsk  # noqa: E402

UNIX = mmldata.REPO / "build" / "micropython"
STOCK = mmldata.REPO / "build" / "micropython-stock"
MPY_X64 = mmldata.REPO / "build" / "mpy" / "x64"
CASES = ["forest_clf_digits", "extra_clf_wine", "forest_reg_diabetes", "logreg_wine_ovr",
         "gb_clf_digits", "gb_reg_diabetes", "gnb_breast", "mlp_clf_digits", "mlp_reg_diabetes",
         "svc_rbf_wine", "ocsvm_poly_iris", "svr_rbf_diabetes", "kmeans_digits", "iforest_breast",
         "ncentroid_iris", "gmm_tied_wine", "gmm_full_synth8", "knn_breast_distance_manhattan",
         "knn_reg_synth", "hgb_clf_breast_nan", "hgb_reg_diabetes_nan",
         "logreg_breast", "sgd_hinge_digits", "pca_logreg_wine", "lasso_diabetes",
         "pca_whiten_digits", "norm_l1_iris",
         "envelope_wine", "mincovdet_iris", "svc_rbf_wine_proba", "svc_poly_breast_proba",
         "hgb_cat_clf_breast", "hgb_cat_reg_synth",
         # compact forms: name@form
         "forest_clf_digits@int16", "hgb_cat_clf_digits@int16", "knn_digits@int8"]
N = 40

SCRIPT = r"""
import microml, array, json, micropython
with open(%(blob)r, 'rb') as f:
    blob = f.read()
with open(%(x)r, 'rb') as f:
    xb = f.read()
m = microml.load(blob)
nf = m.n_features
xs = array.array('f', xb)
n = len(xs) // nf
res = {'kind': m.kind, 'n_features': nf, 'classes': list(m.classes) if m.classes else None}
for meth in %(methods)r:
    f = getattr(m, meth)
    one = []
    for k in range(n):
        row = xs[k * nf:(k + 1) * nf]
        r = f(list(row)) if k %% 2 else f(row)
        one.append(r if isinstance(r, (int, float)) else list(r))
    res[meth] = one
    batch = f(xs, n=n)
    tc = 'i' if meth == 'predict' and m.classes else 'f'
    out = array.array(tc, bytes(len(batch) * 4))
    micropython.heap_lock()  # out= allocates nothing
    try:
        same = f(xs, out, n=n) is out
    finally:
        micropython.heap_unlock()
    assert same
    res[meth + '_batch'] = list(out)
errs = []
for bad in ([1.0] * (nf + 1), 'abc', 42):
    try:
        (m.predict if m.classes is not None or 'regressor' in m.kind else
         m.mahalanobis if 'covariance' in m.kind else m.transform)(bad)
    except (ValueError, TypeError) as e:
        errs.append(type(e).__name__ + ': ' + str(e))
try:
    microml.load(blob[:len(blob) - 4])
except ValueError as e:
    errs.append('ValueError: ' + str(e))
res['errors'] = errs
print(json.dumps(res))
"""


def close(got, ref):
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64).reshape(got.shape)
    err = np.abs(got - ref)
    return (err <= 1e-5) | (err <= 1e-4 * np.abs(ref))


@pytest.mark.parametrize("face", ["unix", "x64mpy"])
@pytest.mark.parametrize("name", CASES)
def test_unix_port_equals_sklearn(tmp_path, name, face):
    if not UNIX.exists():
        pytest.fail(f"{UNIX} missing: run `make micropython`")
    env = None
    binary = UNIX
    if face == "x64mpy":
        # The native module on the stock unix port (built by `make mpy`, part of `make all`).
        if not (MPY_X64 / "microml.mpy").exists():
            pytest.skip(f"{MPY_X64}/microml.mpy missing (run `make mpy`)")
        binary, env = STOCK, {"MICROPYPATH": str(MPY_X64)}
    name, _, compact = name.partition("@")
    est, X = cc.fitted(name)
    X = X[:N]
    (tmp_path / "m.mml").write_bytes(mmlsk.convert(est, compact=compact or None))
    (tmp_path / "x.bin").write_bytes(X.astype("<f4").tobytes())
    methods = cc.methods(est)
    script = SCRIPT % {"blob": str(tmp_path / "m.mml"), "x": str(tmp_path / "x.bin"),
                       "methods": methods}
    r = subprocess.run([str(binary), "-c", script], capture_output=True, text=True, timeout=120,
                       env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res["n_features"] == X.shape[1]
    for meth in methods:
        ref = getattr(est, meth)(X)
        for got in (res[meth], res[meth + "_batch"]):
            if meth == "predict" and cc.is_classifier(est):
                wrong = np.asarray(got) != ref
                ties = cc.near_ties(cc.tie_scores(est, X))
                assert not np.any(wrong & ~ties), f"{name}: labels differ"
            else:
                assert close(got, ref).all(), f"{name}.{meth}"
    nf = X.shape[1]
    errs = res["errors"]
    assert errs[0] == f"ValueError: X has {nf + 1} features, the model takes {nf} (a batch: 2-D, or n=)"
    assert errs[1].startswith("TypeError: X must be a buffer") and errs[2].startswith("TypeError")
    assert errs[3].startswith("ValueError: classic model truncated or padded")
