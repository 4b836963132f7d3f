#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Classical models: Cortex-M4F instructions per prediction and blob size, microml against the
same models in plain MicroPython (benchmarks/classic_py.py) and emlearn-micropython's figures.

    benchmarks/classic_bench.py [--shift N] [--reps N]

Fits five scikit-learn models (a 10-tree depth-8 random forest on digits, a 4-component GMM on
8 features, KNN with 100 stored samples of 8 features and k=5, an RBF SVC on iris, an MLP
64-32-10 on digits), converts each (microml_tools.sklearn) and exports its parameters for the
plain-Python version, checks that version against scikit-learn on CPython, then times one
prediction of both on the MPS2_AN386 firmware under qemu -icount (benchmarks/classic_m4.py).
Writes benchmarks/classic.md and benchmarks/classic.json; scratch files in
benchmarks/.build/classic/. Needs `make qemu-MPS2_AN386` (the firmware measured).
"""
import argparse
import ast
import datetime
import json
import os
import platform
import subprocess
import sys
import warnings
from array import array

import numpy as np
from sklearn import datasets, ensemble, mixture, neighbors, neural_network, svm

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
WORK = os.path.join(HERE, ".build", "classic")
FIRMWARE = os.path.join(TOP, "build", "qemu", "MPS2_AN386", "firmware.elf")
RUN_ON_QEMU = os.path.join(TOP, "tools", "run-on-qemu")
sys.path.insert(0, os.path.join(TOP, "python"))
sys.path.insert(0, HERE)
import classic_py  # noqa: E402
from microml_tools import sklearn as mmlsk  # noqa: E402

# emlearn-micropython on the same kind of firmware (../shared/research/emlearn-figures.md, §4):
# M4F instructions per call, "raw" (loop iteration + call) and "net" (minus the empty loop).
EMLEARN = {
    "rf_digits": {"raw": 2171, "net": 1962, "what": "emlearn_trees predict, digits X[0]"},
    "knn_100x8": {"raw": 34279, "net": 34070, "what": "emlearn_neighbors predict, 100x8, k=5"},
}
EMLEARN["rf_digits_c16"] = EMLEARN["rf_digits"]  # the same forest, microml's compact form
CONVERT = {"rf_digits_c16": {"compact": "int16"}}  # convert() options; the rest: the full form
EMLEARN_PY_RF = {"raw": 33809, "net": 33600}  # their pure-MicroPython nested-if forest, X[0]


def lcg_values(n, seed=1):
    """emlearn-figures.md's KNN data: s = (s*75+74) % 65537, value = s % 2001 - 1000."""
    s, out = seed, []
    for _ in range(n):
        s = (s * 75 + 74) % 65537
        out.append(s % 2001 - 1000)
    return out


def fit_all():
    """name -> (kind, fitted estimator, X the checks use, x the sample timed, description)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings: the fitted model is what counts
        Xd, yd = datasets.load_digits(return_X_y=True)
        rf = ensemble.RandomForestClassifier(n_estimators=10, max_depth=8, random_state=0).fit(Xd, yd)
        Xg, _ = datasets.make_classification(n_samples=400, n_features=8, n_informative=5,
                                             random_state=0)
        Xg = Xg.astype(np.float32).astype(np.float64)
        gmm = mixture.GaussianMixture(4, covariance_type="full", random_state=0).fit(Xg)
        v = np.array(lcg_values(808), dtype=np.float64)
        Xk, yk = v[:800].reshape(100, 8), np.arange(100) % 3
        knn = neighbors.KNeighborsClassifier(n_neighbors=5).fit(Xk, yk)
        Xi, yi = datasets.load_iris(return_X_y=True)
        Xi = Xi.astype(np.float32).astype(np.float64)
        svc = svm.SVC(kernel="rbf").fit(Xi, yi)
        mlp = neural_network.MLPClassifier(hidden_layer_sizes=(32,), max_iter=300,
                                           random_state=0).fit(Xd, yd)
        stump = ensemble.RandomForestClassifier(n_estimators=1, max_depth=1, random_state=0).fit(
            Xd[:, 20:21], yd)
    rng = np.random.default_rng(0)
    Xq = np.round(rng.uniform(-1000, 1000, (200, 8)))
    return {
        "rf_digits": ("forest", rf, Xd, Xd[0], "RandomForestClassifier(10 trees, max_depth=8), digits (64 features), X[0]"),
        "rf_digits_c16": ("forest", rf, Xd, Xd[0], "the same forest in the compact form (convert(compact='int16'): 8-byte nodes)"),
        "gmm_4x8": ("gmm", gmm, Xg, Xg[0], "GaussianMixture(4, full), make_classification 8 features, X[0]"),
        "knn_100x8": ("knn", knn, np.vstack([v[800:808].reshape(1, 8), Xq]), v[800:808],
                      "KNeighborsClassifier(k=5), 100 stored samples of 8 features (emlearn's LCG data)"),
        "svc_iris": ("svc", svc, Xi, Xi[0], "SVC(rbf), iris (4 features, %d support vectors), X[0]" % len(svc.support_)),
        "mlp_digits": ("mlp", mlp, Xd, Xd[0], "MLPClassifier(32 ReLU), digits: 64-32-10, X[0]"),
        "stump_1": ("forest", stump, Xd[:, 20:21], Xd[0, 20:21],
                    "the fixed cost of a call: RandomForestClassifier(1 tree, depth 1), 1 feature"),
    }


def export(kind, est):
    """[(name, typecode, values)]: the plain-Python version's parameters."""
    f32, i32 = lambda a: ("f", np.asarray(a, np.float32).ravel()), lambda a: ("i", np.asarray(a, np.int32).ravel())
    if kind == "forest":
        roots, feat, thr, left, right, value = [], [], [], [], [], []
        base = 0
        for t in est.estimators_:
            tr = t.tree_
            roots.append(base)
            leaf = tr.children_left < 0
            feat.append(np.where(leaf, 0, tr.feature))
            thr.append(mmlsk.threshold_f32(np.where(leaf, 0.0, tr.threshold)))
            left.append(np.where(leaf, -1, tr.children_left + base))
            right.append(np.where(leaf, -1, tr.children_right + base))
            val = tr.value[:, 0, :]
            value.append(val / val.sum(axis=1, keepdims=True))
            base += tr.node_count
        return [("shape", *i32([len(est.classes_)])), ("roots", *i32(roots)),
                ("feature", *i32(np.concatenate(feat))), ("threshold", *f32(np.concatenate(thr))),
                ("left", *i32(np.concatenate(left))), ("right", *i32(np.concatenate(right))),
                ("value", *f32(np.concatenate(value)))]
    if kind == "gmm":
        pc = est.precisions_cholesky_
        logdet = np.array([np.sum(np.log(np.diag(p))) for p in pc])
        return [("shape", *i32([est.n_components, est.means_.shape[1]])), ("means", *f32(est.means_)),
                ("prec_chol", *f32(pc)), ("bias", *f32(np.log(est.weights_) + logdet))]
    if kind == "knn":
        X = est._fit_X
        return [("shape", *i32([X.shape[0], X.shape[1], est.n_neighbors, len(est.classes_)])),
                ("samples", *f32(X)), ("labels", *i32(est._y))]
    if kind == "svc":
        return [("shape", *i32([len(est.support_), est.support_vectors_.shape[1], len(est.classes_)])),
                ("sv", *f32(est.support_vectors_)), ("n_support", *i32(est.n_support_)),
                ("dual", *f32(est.dual_coef_)), ("intercept", *f32(est.intercept_)),
                ("gamma", *f32([est._gamma]))]
    if kind == "mlp":
        w1, w2 = est.coefs_
        b1, b2 = est.intercepts_
        return [("shape", *i32([w1.shape[0], w1.shape[1], w2.shape[1]])), ("w1", *f32(w1)),
                ("b1", *f32(b1)), ("w2", *f32(w2)), ("b2", *f32(b2))]
    raise ValueError(kind)


def write_params(path, params):
    """<path>.pi (index lines "name typecode count") and <path>.pp (the values); returns bytes."""
    with open(path + ".pi", "w") as f:
        for name, tc, vals in params:
            f.write("%s %s %d\n" % (name, tc, len(vals)))
    data = b"".join(np.asarray(v, "<f4" if tc == "f" else "<i4").tobytes() for _, tc, v in params)
    with open(path + ".pp", "wb") as f:
        f.write(data)
    return len(data)


def check_plain_python(name, kind, est, X, path):
    """The plain-Python model on CPython gives scikit-learn's labels on X (float32 inputs)."""
    with open(path + ".pi") as f, open(path + ".pp", "rb") as g:
        pm = classic_py.KINDS[kind](classic_py.load(f.read(), g.read()))
    X32 = X.astype(np.float32)
    ref = est.predict(X32.astype(np.float64))
    got = np.array([pm.predict(array("f", row.tobytes())) for row in X32])
    bad = np.nonzero(got != ref)[0]
    if len(bad):
        raise SystemExit("%s: plain-Python version differs from scikit-learn on %d of %d samples (first %d)"
                         % (name, len(bad), len(X), bad[0]))
    return len(X)


def git(*args):
    return subprocess.run(["git", "-C", TOP] + list(args), capture_output=True, text=True).stdout.strip()


def run_guest(cases, shift, reps):
    script = os.path.join(WORK, "guest.py")
    with open(os.path.join(HERE, "classic_m4.py")) as f:
        body = f.read()
    with open(script, "w") as f:
        f.write("CASES = %r\nREPS = %d\n" % ([(n, k) for n, k in cases], reps) + body)
    cmd = [RUN_ON_QEMU, "MPS2_AN386", script, "--icount", str(shift), "--timeout", "900",
           "--file", "classic_py.py=" + os.path.join(HERE, "classic_py.py")]
    for n, _ in cases:
        for ext in (".mml", ".x", ".pi", ".pp"):
            cmd += ["--file", n + ext + "=" + os.path.join(WORK, n + ext)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    line = [l for l in p.stdout.splitlines() if l.startswith("BENCH ")]
    if p.returncode != 0 or not line:
        raise SystemExit("run-on-qemu failed (%d):\n%s%s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    return ast.literal_eval(line[0][len("BENCH "):])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shift", type=int, default=6, help="qemu -icount shift (default 6)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions; the minimum is kept")
    args = ap.parse_args()
    if not os.path.exists(FIRMWARE):
        raise SystemExit("%s missing: run `make qemu-MPS2_AN386`" % FIRMWARE)
    os.makedirs(WORK, exist_ok=True)
    models = fit_all()
    rows = {}
    for name, (kind, est, X, x, what) in models.items():
        blob = mmlsk.convert(est, **CONVERT.get(name, {}))
        with open(os.path.join(WORK, name + ".mml"), "wb") as f:
            f.write(blob)
        with open(os.path.join(WORK, name + ".x"), "wb") as f:
            f.write(np.asarray(x, "<f4").tobytes())
        pbytes = write_params(os.path.join(WORK, name), export(kind, est))
        checked = check_plain_python(name, kind, est, X, os.path.join(WORK, name))
        rows[name] = {"kind": kind, "what": what, "blob_bytes": len(blob), "param_bytes": pbytes,
                      "checked_samples": checked,
                      "label_sklearn": int(est.predict(np.asarray(x, np.float32).astype(np.float64)[None])[0])}
        print("%s: blob %d bytes, plain-Python params %d bytes, plain Python = scikit-learn on %d samples"
              % (name, len(blob), pbytes, checked), file=sys.stderr)
    res = run_guest([(n, r["kind"]) for n, r in rows.items()], args.shift, args.reps)
    ins = lambda ticks: ticks * 40.0 / 2 ** args.shift  # 25 MHz ticks -> instructions  # noqa: E731
    empty = (res["empty40"] - res["empty20"]) / 20.0
    for name, r in rows.items():
        g = res[name]
        for who in ("microml", "python", "microml_proba"):
            if who not in g:
                continue
            t = g[who]
            loop_raw = (t["loop40"] - t["loop20"]) / 20.0
            r[who] = {"call": round(ins(t["call"] - res["nothing"])), "loop_raw": round(ins(loop_raw)),
                      "loop_net": round(ins(loop_raw - empty)), "ticks": t}
        r["label_microml"], r["label_python"] = g["label_microml"], g["label_python"]
        r["ram_microml"], r["ram_python"] = g["ram_microml"], g["ram_python"]
        if r["label_microml"] != r["label_sklearn"] or r["label_python"] != r["label_sklearn"]:
            raise SystemExit("%s: labels microml %d, plain Python %d, scikit-learn %d" % (
                name, r["label_microml"], r["label_python"], r["label_sklearn"]))
    env = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_head": git("rev-parse", "--short", "HEAD"),
        "git_dirty": [l.split(None, 1)[1] for l in git("status", "--porcelain", "--untracked-files=no").splitlines()],
        "qemu": subprocess.run(["qemu-system-arm", "--version"], capture_output=True,
                               text=True).stdout.splitlines()[0],
        "arm_cc": subprocess.run(["arm-none-eabi-gcc", "--version"], capture_output=True,
                                 text=True).stdout.splitlines()[0],
        "sklearn": __import__("sklearn").__version__,
        "machine": platform.platform(),
        "shift": args.shift, "reps": args.reps,
        "empty_loop_iteration": round(ins(empty)), "nothing_ticks": res["nothing"],
    }
    with open(os.path.join(HERE, "classic.json"), "w") as f:
        json.dump({"env": env, "models": rows}, f, indent=1, sort_keys=True)
    with open(os.path.join(HERE, "classic.md"), "w") as f:
        f.write(report(env, rows))
    plot(env, rows, os.path.join(HERE, "classic.png"))
    print(report(env, rows))


def plot(env, rows, path):
    """classic.png: instructions per prediction (log scale) of microml, plain MicroPython and
    emlearn-micropython per model."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = [n for n in rows if n != "stump_1"]
    series = [("microml", [rows[n]["microml"]["loop_net"] for n in names], "#1f77b4"),
              ("plain MicroPython", [rows[n]["python"]["loop_net"] for n in names], "#ff7f0e"),
              ("emlearn-micropython", [EMLEARN[n]["net"] if n in EMLEARN else 0 for n in names],
               "#2ca02c")]
    fig, ax = plt.subplots(figsize=(8, 4))
    w = 0.27
    for i, (label, vals, color) in enumerate(series):
        xs = [k + (i - 1) * w for k in range(len(names))]
        ax.bar([x for x, v in zip(xs, vals) if v], [v for v in vals if v], w, label=label, color=color)
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names)
    ax.set_ylabel("Cortex-M4F instructions per prediction")
    ax.set_title("Classical models on MicroPython (qemu MPS2-AN386, commit %s)" % env["git_head"])
    ax.legend()
    ax.grid(axis="y", which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def fmt(v):
    return "{:,}".format(v)


def report(env, rows):
    md = ["# Classical models: Cortex-M4F instructions per prediction\n",
          "Generated by `benchmarks/classic_bench.py` (do not edit by hand). microml's classic "
          "models against the same models written in plain MicroPython (`benchmarks/classic_py.py`) "
          "and against emlearn-micropython's figures (`../shared/research/emlearn-figures.md`), all "
          "on the same kind of firmware: MicroPython 1.25 on the qemu MPS2-AN386 (Cortex-M4F) board.\n",
          "| | |", "|---|---|",
          "| git commit measured | `%s`%s |" % (env["git_head"], " (with uncommitted changes in %s)" % ", ".join(env["git_dirty"]) if env["git_dirty"] else ""),
          "| date | %s |" % env["date"],
          "| firmware | `build/qemu/MPS2_AN386/firmware.elf` (`make qemu-MPS2_AN386`), %s |" % env["arm_cc"],
          "| emulator | %s, `-icount shift=%d` |" % (env["qemu"], env["shift"]),
          "| scikit-learn | %s |" % env["sklearn"],
          "",
          "## Instructions per prediction (one sample, `predict`)\n",
          "![instructions per prediction](classic.png)\n",
          "| model | blob bytes | microml | plain MicroPython | speed-up | emlearn-micropython | microml / emlearn |",
          "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows.items():
        m, p = r["microml"]["loop_net"], r["python"]["loop_net"]
        em = EMLEARN.get(name)
        md.append("| %s: %s | %s | %s | %s | %.1fx | %s | %s |" % (
            name, r["what"], fmt(r["blob_bytes"]), fmt(m), fmt(p), p / m,
            fmt(em["net"]) if em else "–", "**%.2fx**" % (m / em["net"]) if em else "–"))
    md.append("")
    fixed = rows["stump_1"]["microml"]["loop_net"] if "stump_1" in rows else None
    md.append(
        "* Where microml's instructions go: a call on the smallest model (`stump_1`, dense leaves: "
        "its 10 classes in 2 leaves are smaller as rows) costs %s instructions: MicroPython's call "
        "of the method (a callable object made once per model: `bindings/micropython/modmicroml.c` "
        "`classic_call`, which reads `array` arguments directly), the binding's short path "
        "(`bindings/common/mml_py.c` `mml_py_classic_call_fast`: sizes and typecodes, x read in "
        "place) and the core's forest path (`src/classic/classic.c` `forest_predict`: trees placed "
        "at load). For the digits forest, qemu's instruction trace (`-d exec,in_asm`) gives about "
        "840 instructions for the 10 walks (70 nodes, 12 a node: one float compare, the child's "
        "address, the next feature's sign test), 150 for adding the reached leaves' 15 nonzero "
        "class probabilities (format version 2 stores a forest's leaves as (class, value) pairs: "
        "the same float sums as adding the 10-float rows, whose zeros change nothing, "
        "docs/classic-format.md), 60 for the argmax of the 10 undivided sums, 100 in the binding "
        "and about 170 in MicroPython's call. The compact form (`_c16`) costs more: a threshold-table read "
        "per node. emlearn_trees compares int16 values and gives one vote per tree (not "
        "scikit-learn's rule, emlearn-figures.md §6); its fixed path outside the natmod is about "
        "690 x86-64 instructions, loop included (emlearn-figures.md)." % (fmt(fixed) if fixed is not None else "?"))
    md.append(
        "* All figures are **net** instructions of one `predict` call made in a loop, as "
        "emlearn-figures.md gives its \"net\": in the guest (`benchmarks/classic_m4.py`), "
        "`for _ in range(K): f(x, y)` with `f` the bound method, timed with `time.ticks_cpu()` for "
        "K=40 and K=20; (ticks(40) − ticks(20)) / 20, minus the same for an empty loop (%s "
        "instructions per iteration), minimum of %d repetitions, each after `gc.collect()`. Under "
        "`-icount shift=%d` each instruction advances virtual time by %d ns = %.2f ticks of the 25 MHz "
        "timer, so instructions = ticks × 40 / %d, as `benchmarks/run` converts them." % (
            fmt(env["empty_loop_iteration"]), env["reps"], env["shift"], 2 ** env["shift"],
            2 ** env["shift"] / 40.0, 2 ** env["shift"]))
    md.append(
        "* microml: `m = microml.load(blob)`, `m.predict(x, y)` with `x` an `array('f')` sample and "
        "`y` an `array('i', [0])` (`out=`: no allocation). Plain MicroPython: `predict(x)` of the "
        "class in `classic_py.py` for the model's kind, its parameters exported from the fitted "
        "model as `array`s; checked on CPython to give scikit-learn's label on every sample listed "
        "below before it is timed. Both labels for the timed sample equal scikit-learn's.")
    md.append(
        "* emlearn-micropython has trees and KNN only: `emlearn_trees` (int16 inputs, the same forest "
        "fitted by emlearn's converter: same data, same seed; its `predict(x, out)` fills the class "
        "probabilities) and `emlearn_neighbors` (int16 items; the same 100 items, labels and query "
        "as here). The issue's goal is at most 0.7x emlearn's instructions.\n")
    md.append("## Other measures\n")
    md.append("| model | microml one call (bench_m4 method) | microml loop raw | plain Python one call | plain Python loop raw | RAM microml object | RAM plain Python params | plain-Python param bytes | samples checked |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        md.append("| %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
            name, fmt(r["microml"]["call"]), fmt(r["microml"]["loop_raw"]), fmt(r["python"]["call"]),
            fmt(r["python"]["loop_raw"]), fmt(r["ram_microml"]), fmt(r["ram_python"]),
            fmt(r["param_bytes"]), r["checked_samples"]))
    md.append("")
    if "microml_proba" in rows.get("rf_digits", {}):
        pr = rows["rf_digits"]["microml_proba"]
        md.append("* rf_digits `predict_proba(x, p)` (10 class probabilities, what emlearn_trees' "
                  "`predict(x, out)` computes): %s net instructions (%.2fx emlearn's %s), %s raw." % (
                      fmt(pr["loop_net"]), pr["loop_net"] / EMLEARN["rf_digits"]["net"],
                      fmt(EMLEARN["rf_digits"]["net"]), fmt(pr["loop_raw"])))
    md.append(
        "* *one call*: `benchmarks/bench_m4.py`'s method: ticks around one `f(x, out=y)` (keyword "
        "`out=`) minus ticks around nothing, minimum of the repetitions. *loop raw*: the loop "
        "iteration plus the call, emlearn-figures.md's \"raw\" (emlearn: %s for trees, %s for KNN; "
        "their pure-MicroPython nested-if forest %s raw, %s net)." % (
            fmt(EMLEARN["rf_digits"]["raw"]), fmt(EMLEARN["knn_100x8"]["raw"]),
            fmt(EMLEARN_PY_RF["raw"]), fmt(EMLEARN_PY_RF["net"])))
    md.append(
        "* *RAM*: `gc.mem_free()` before and after `microml.load(file_view(...))` (the blob is "
        "borrowed in place, not counted) and before and after building the plain-Python model "
        "from its parameter files (the `array`s are copies on the heap).")
    md.append(
        "* *plain Python* allocates (a float is a heap object on this port): its loop figures "
        "include the garbage collections those allocations cause, the one-call figures mostly "
        "do not. The speed-up column uses the loop figures.")
    md.append(
        "* *samples checked*: the plain-Python versions agree with scikit-learn on that many "
        "samples (float32 inputs) on CPython; microml's agreement on these kinds is tested by "
        "tests/py/test_classic*.py.\n")
    return "\n".join(md) + "\n"


if __name__ == "__main__":
    main()
