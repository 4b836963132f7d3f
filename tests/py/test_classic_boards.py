# SPDX-License-Identifier: MIT
# Classical models on the qemu boards: a sample of model kinds from classic_cases.py (forest,
# pipeline with a scaler and a linear model, RBF SVC, Gaussian mixture after PCA, KNN, MLP,
# isolation forest, boosted regression trees, histogram boosting with missing values, naive Bayes,
# one-class SVM, k-means, PCA) converted on the host, then run on
#   an386      the Cortex-M4F firmware (MPS2_AN386) with microml built in
#   m0-armv6m  the Cortex-M0 board (MICROBIT_NATIVE) with build/mpy/armv6m/microml.mpy
# in one qemu run per board. The guest calls every method scikit-learn has for the model, on a
# batch (n=) into a preallocated out= array, and prints the result's bytes in hex; here they
# must equal scikit-learn's: class labels identical except counted near-ties, values within
# 1e-4 relative or 1e-5 absolute (the tolerances). A few seconds per board.
import subprocess
import sys

import numpy as np
import pytest

import classic_cases as cc
import mmldata

sys.path.insert(0, str(mmldata.REPO / "python"))
from microml_tools import sklearn as mmlsk  # noqa: E402

RUN_ON_QEMU = mmldata.REPO / "tools" / "run-on-qemu"
BOARDS = {
    "an386": ("MPS2_AN386", None),
    "m0-armv6m": ("MICROBIT_NATIVE", mmldata.REPO / "build" / "mpy" / "armv6m" / "microml.mpy"),
}
CASES = ["forest_clf_digits", "logreg_breast", "svc_rbf_wine", "gmm_full_synth8",
         "knn_breast_distance_manhattan", "mlp_clf_digits", "iforest_breast", "gb_reg_diabetes",
         "tree_clf_wine", "hgb_clf_breast_nan", "gnb_breast", "ocsvm_rbf_wine", "kmeans_wine",
         "pca_whiten_digits"]
N = 40  # samples per model
TIMEOUT = 240

# The guest: for each case, the model (file_view: borrowed where run-on-qemu put it, as in a
# device's flash) and its samples; every method on the batch, once allocating and once into
# out= (which must give the same bytes), printed as "R <case> <method> <hex of the bytes>".
GUEST = r"""
import gc
from array import array
import microml

def hexof(b):
    return ''.join('%%02x' %% v for v in bytes(b))

for name, methods in %(cases)r:
    m = microml.load(file_view(name + '.mml'))
    x = array('f', bytes(file_view(name + '.x')))
    n = len(x) // m.n_features
    print('M', name, m.n_features, n, m.kind.replace(' ', '_'))
    for meth in methods:
        f = getattr(m, meth)
        r = f(x, n=n)
        tc = 'i' if meth == 'predict' and m.classes else 'f'
        out = array(tc, bytes(4 * len(r)))
        assert f(x, out, n=n) is out
        assert bytes(out) == bytes(r), meth + ': out= differs'
        one = f(x[:m.n_features])  # one sample, as a device classifies a window
        first = one if isinstance(one, (int, float)) else one[0]
        assert first == r[0], meth + ': one sample differs from the batch'
        print('R', name, meth, hexof(out))
    del m, x
    gc.collect()
print('done')
"""


def close(got, ref):
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64).reshape(got.shape)
    err = np.abs(got - ref)
    return (err <= 1e-5) | (err <= 1e-4 * np.abs(ref))


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """(directory, {case: (estimator, X, methods)}): the blobs and samples as files."""
    d = tmp_path_factory.mktemp("classic_boards")
    cases = {}
    for name in CASES:
        est, X = cc.fitted(name)
        X = X[:N]
        (d / (name + ".mml")).write_bytes(mmlsk.convert(est))
        (d / (name + ".x")).write_bytes(X.astype("<f4").tobytes())
        cases[name] = (est, X, cc.methods(est))
    return d, cases


@pytest.mark.parametrize("face", sorted(BOARDS))
def test_board_equals_sklearn(staged, face):
    d, cases = staged
    board, mpy = BOARDS[face]
    fw = mmldata.REPO / "build" / "qemu" / board / "firmware.elf"
    for need, hint in ((fw, "make qemu-" + board), (mpy, "make mpy")):
        if need is not None and not need.exists():
            pytest.fail(f"{need} missing: run `{hint}`")
    script = d / "guest.py"
    script.write_text(GUEST % {"cases": [(n, m) for n, (_, _, m) in cases.items()]})
    cmd = [str(RUN_ON_QEMU), board, str(script), "--timeout", str(TIMEOUT)]
    if mpy is not None:
        cmd += ["--mpy", str(mpy)]
    for name in cases:
        cmd += ["--file", f"{name}.mml={d / (name + '.mml')}", "--file", f"{name}.x={d / (name + '.x')}"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT + 60)
    out = p.stdout.replace("\r\n", "\n")
    assert p.returncode == 0 and out.rstrip().endswith("done"), out[-3000:] + p.stderr[-3000:]
    results, seen = {}, set()
    for line in out.splitlines():
        w = line.split()
        if w and w[0] == "M":
            seen.add(w[1])
            assert int(w[2]) == cases[w[1]][1].shape[1]
            assert int(w[3]) == N
        elif w and w[0] == "R":
            results[(w[1], w[2])] = bytes.fromhex(w[3]) if len(w) > 3 else b""
    assert seen == set(cases)
    ties_skipped = 0
    for name, (est, X, methods) in cases.items():
        for meth in methods:
            raw = results[(name, meth)]
            ref = getattr(est, meth)(X)
            if meth == "predict" and cc.is_classifier(est):
                got = np.frombuffer(raw, dtype="<i4")
                wrong = got != ref
                ties = cc.near_ties(cc.tie_scores(est, X))
                assert not np.any(wrong & ~ties), f"{face} {name}: labels differ at {np.nonzero(wrong)[0]}"
                ties_skipped += int(np.sum(wrong & ties))
            else:
                got = np.frombuffer(raw, dtype="<f4")
                ok = close(got, ref)
                assert ok.all(), f"{face} {name}.{meth}: {got[~ok.ravel()][:4]} vs {np.ravel(ref)[~ok.ravel()][:4]}"
    assert ties_skipped <= 1, f"{ties_skipped} near-ties skipped"
