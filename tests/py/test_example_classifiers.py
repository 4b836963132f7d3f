# SPDX-License-Identifier: MIT
# examples/classifiers: train.py (host) run into a temporary directory, then classify.py on
# CPython, the MicroPython unix port, the Cortex-M4F firmware on qemu and the Cortex-M0 board
# with the armv6m .mpy (files staged with tools/run-on-qemu --romfs, as a board's flash would
# hold them); each model's predictions must equal scikit-learn's own, refitted here from the
# same data, and the output must be the one the example's README shows.
import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import mmldata

EXAMPLE = mmldata.REPO / "examples" / "classifiers"
UNIX = mmldata.REPO / "build" / "micropython"
RUN_ON_QEMU = mmldata.REPO / "tools" / "run-on-qemu"
AN386 = mmldata.REPO / "build" / "qemu" / "MPS2_AN386" / "firmware.elf"
M0 = mmldata.REPO / "build" / "qemu" / "MICROBIT_NATIVE" / "firmware.elf"
M0_MPY = mmldata.REPO / "build" / "mpy" / "armv6m" / "microml.mpy"
FILES = ("models.txt", "test_x.bin", "forest.mml", "svc.mml", "logreg.mml", "mlp.mml")


def load_train():
    loader = importlib.machinery.SourceFileLoader("classifiers_train", str(EXAMPLE / "train.py"))
    spec = importlib.util.spec_from_loader("classifiers_train", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """(output directory of train.py, {model name: scikit-learn's predictions}, true labels)."""
    out = tmp_path_factory.mktemp("classifiers")
    env = dict(os.environ, MICROML_DATA=str(mmldata.DATA))
    p = subprocess.run([mmldata.PYTHON, str(EXAMPLE / "train.py"), str(out)], env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    # scikit-learn's answers, from models fitted here (not read from train.py's files), on the
    # features train.py wrote for the board.
    train = load_train()
    X_train, y_train, _, y_test, _ = train.load()
    X = np.frombuffer((out / "test_x.bin").read_bytes(), dtype="<f4").reshape(len(y_test), -1)
    ref = {name: est.predict(X.astype(np.float64)) for name, est in train.fit(X_train, y_train).items()}
    return out, ref, y_test


def readme_expected():
    text = (EXAMPLE / "README.md").read_text()
    m = re.search(r"## Expected output\n.*?```\n(.*?)```", text, re.S)
    assert m, "README.md has no expected output block"
    return m.group(1).rstrip("\n").split("\n")


def check(lines, ref, labels):
    preds = {}
    for line in lines:
        m = re.match(r"(\w+) predictions: ([\d ]+)$", line)
        if m:
            preds[m.group(1)] = [int(v) for v in m.group(2).split()]
    assert sorted(preds) == sorted(ref)
    for name, want in ref.items():
        assert preds[name] == list(want), f"{name}: predictions differ from scikit-learn's"
        right = int(np.sum(np.asarray(want) == labels))
        n = len(labels)
        assert "%s accuracy: %d/%d (%.1f%%), agrees with scikit-learn on %d/%d" % (
            name, right, n, 100.0 * right / n, n, n) in lines


def test_train_files(trained):
    out, ref, labels = trained
    for name in FILES:
        assert (out / name).is_file(), name
    text = (out / "models.txt").read_text().splitlines()
    assert text[0] == "classes Standing Running Walking Badminton"
    assert text[1] == "test %d 24" % len(labels)
    # scikit-learn's predictions as train.py recorded them: the ones fitted here
    for name, want in ref.items():
        assert "model %s %s" % (name, " ".join(str(v) for v in want)) in text


@pytest.mark.parametrize("face", ["cpython", "unix", "an386", "m0-armv6m"])
def test_classify(trained, face):
    out, ref, labels = trained
    script = str(EXAMPLE / "classify.py")
    env = dict(os.environ)
    if face == "cpython":
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(mmldata.BUILD_PYTHON),
                                                          env.get("PYTHONPATH")]))
        cmd = [sys.executable, script, str(out)]
    elif face == "unix":
        if not UNIX.exists():
            pytest.fail(f"{UNIX} missing: run `make micropython`")
        cmd = [str(UNIX), script, str(out)]
    else:
        board, fw = ("MPS2_AN386", AN386) if face == "an386" else ("MICROBIT_NATIVE", M0)
        for need in (fw,) if face == "an386" else (fw, M0_MPY):
            if not need.exists():
                pytest.fail(f"{need} missing: run `make qemu-{board} mpy`")
        # the files in the board's ROMFS partition, mounted at /rom, where classify.py looks
        cmd = [str(RUN_ON_QEMU), board, script, "--timeout", "120"]
        if face == "m0-armv6m":  # the Cortex-M0 board: the armv6m .mpy
            cmd += ["--mpy", str(M0_MPY)]
        cmd += ["--romfs=%s=%s" % (n, out / n) for n in FILES]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.replace("\r\n", "\n").rstrip("\n").split("\n")
    check(lines, ref, labels)
    assert lines == readme_expected()
