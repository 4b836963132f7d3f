# SPDX-License-Identifier: MIT
# Helpers for single-op tests: build a model with python/microml_tools/tflite_writer.py, run it
# through the CLI (env MICROML_CLI, default <repo>/build/microml), and TFLite's integer
# arithmetic re-done in numpy for the expected values.
import importlib.util
import json
import math
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("MICROML_CLI", REPO / "build" / "microml"))


def _load_writer():
    # Loaded by path: the name `microml` is also the CPython extension's, and the two must not
    # shadow each other in one test session.
    path = REPO / "python" / "microml_tools" / "tflite_writer.py"
    spec = importlib.util.spec_from_file_location("microml_tflite_writer", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


tflite_writer = _load_writer()
ModelBuilder = tflite_writer.ModelBuilder


def cli():
    if not CLI.exists():
        pytest.fail(f"{CLI} missing; run `make cli` or set MICROML_CLI")
    return str(CLI)


def info(model_bytes):
    """`microml info --json` of a model, as a dict."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.tflite"
        path.write_bytes(model_bytes)
        p = subprocess.run([cli(), "info", str(path), "--json"], capture_output=True, text=True,
                           timeout=60)
        assert p.returncode in (0, 2), p.stderr  # 2: some op cannot run
        return json.loads(p.stdout)


def run(mb, inputs, outputs, values):
    """Builds mb's model (model inputs/outputs: tensor indices), runs it once on `values` (one
    array per input) and returns the outputs as numpy arrays of their tensors' shape and dtype."""
    model = mb.build(inputs, outputs)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "m.tflite").write_bytes(model)
        blob = b""
        for i, v in zip(inputs, values):
            t = mb.tensors[i]
            blob += np.ascontiguousarray(v, dtype=t.np_dtype).tobytes()
        (d / "in.bin").write_bytes(blob)
        p = subprocess.run([cli(), "run", str(d / "m.tflite"), str(d / "in.bin"),
                            str(d / "out.bin")], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        raw = (d / "out.bin").read_bytes()
    res, at = [], 0
    for o in outputs:
        t = mb.tensors[o]
        res.append(np.frombuffer(raw[at:at + t.nbytes], dtype=t.np_dtype).reshape(t.shape))
        at += t.nbytes
    assert at == len(raw), (at, len(raw))
    return res


def run_frames(mb, inputs, outputs, frames):
    """Like run, on ONE model instance invoked once per frame (a list of per-input value lists),
    so that variable tensors carry over; returns one list of outputs per frame."""
    model = mb.build(inputs, outputs)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "m.tflite").write_bytes(model)
        blob = b""
        for values in frames:
            for i, v in zip(inputs, values):
                blob += np.ascontiguousarray(v, dtype=mb.tensors[i].np_dtype).tobytes()
        (d / "in.bin").write_bytes(blob)
        p = subprocess.run([cli(), "run", str(d / "m.tflite"), str(d / "in.bin"),
                            str(d / "out.bin")], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        raw = (d / "out.bin").read_bytes()
    res, at = [], 0
    for _ in frames:
        outs = []
        for o in outputs:
            t = mb.tensors[o]
            outs.append(np.frombuffer(raw[at:at + t.nbytes], dtype=t.np_dtype).reshape(t.shape))
            at += t.nbytes
        res.append(outs)
    assert at == len(raw), (at, len(raw))
    return res


def run_fails(mb, inputs, outputs):
    """Runs `info --json` and returns the list of unsupported-op reasons (strings)."""
    return [u if isinstance(u, str) else json.dumps(u)
            for u in info(mb.build(inputs, outputs))["unsupported"]]


def random_values(rng, shape, dtype):
    if dtype == "float32":
        return rng.standard_normal(shape).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(np.bool_)
    info_ = np.iinfo(dtype)
    lo, hi = max(info_.min, -100000), min(info_.max, 100000)
    return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)


# -- TFLite's fixed-point arithmetic (gemmlowp double rounding), independently in numpy ------

def quantize_multiplier(real):
    """TFLite QuantizeMultiplier: real (>= 0) -> (q in [2^30, 2^31), shift)."""
    if real == 0.0:
        return 0, 0
    frac, e = math.frexp(real)
    q = int(math.floor(abs(frac) * 2.0 ** 31 + 0.5))  # round half away from zero (frac > 0)
    if q == 2 ** 31:
        q //= 2
        e += 1
    if e < -31:
        return 0, 0
    return q, e


def _trunc_div(a, b):
    return np.sign(a) * (np.abs(a) // b)


def mul_by_qm(x, q, shift):
    """TFLite MultiplyByQuantizedMultiplier(int32 x, q, shift), elementwise on int64 arrays."""
    x = np.asarray(x, dtype=np.int64)
    left, right = max(shift, 0), max(-shift, 0)
    x = ((x << left) + 2 ** 31) % 2 ** 32 - 2 ** 31  # int32 wrap, as the C shift does
    ab = x * np.int64(q)
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    hi = _trunc_div(ab + nudge, np.int64(1) << 31)
    mask = (1 << right) - 1
    rem = hi & mask
    threshold = (mask >> 1) + (hi < 0)
    return (hi >> right) + (rem > threshold)
