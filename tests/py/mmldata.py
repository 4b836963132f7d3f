# SPDX-License-Identifier: MIT
# Where the test material lives (outside the repo) and how to read it: the one place that
# knows the layout of <MICROML_DATA>/../vectors/<model>/{meta.json,public/}.
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("MICROML_DATA", REPO.parent / "shared" / "data")).resolve()
SHARED = DATA.parent  # meta.json model_path values are relative to this
VECTORS = SHARED / "vectors"
PYTHON = "/usr/bin/python3"
BUILD_PYTHON = REPO / "build" / "python"
CLI = REPO / "build" / "microml"

# meta.json dtype -> (numpy dtype name, bytes per element)
DTYPES = {
    "INT8": ("int8", 1), "UINT8": ("uint8", 1), "INT16": ("int16", 2), "UINT16": ("uint16", 2),
    "INT32": ("int32", 4), "UINT32": ("uint32", 4), "INT64": ("int64", 8), "FLOAT32": ("float32", 4),
    "FLOAT64": ("float64", 8), "BOOL": ("bool", 1),
}


@lru_cache(maxsize=None)
def meta(name):
    """meta.json of vector folder `name`, as a dict."""
    with open(VECTORS / name / "meta.json") as f:
        return json.load(f)


def model_path(name):
    return SHARED / meta(name)["model_path"]


@lru_cache(maxsize=None)
def model_bytes(name):
    return model_path(name).read_bytes()


def tensor_bytes(t):
    n = 1
    for d in t["shape"]:
        n *= d
    return n * DTYPES[t["dtype"]][1]


def split(blob, tensors):
    """Cuts one frame of concatenated tensors (in meta order) into one bytes per tensor."""
    parts, pos = [], 0
    for t in tensors:
        n = tensor_bytes(t)
        parts.append(blob[pos:pos + n])
        pos += n
    assert pos == len(blob), f"frame of {len(blob)} bytes, tensors need {pos}"
    return parts


@dataclass(frozen=True)
class Vector:
    model: str
    name: str          # "1", "narrow_2", ...
    inp: Path
    out: Path
    invocations: int

    @property
    def id(self):
        return f"{self.model}/{self.name}"

    def frames(self):
        """[(inputs, outputs)] per invocation: lists of bytes, one per tensor."""
        m = meta(self.model)
        x, y = self.inp.read_bytes(), self.out.read_bytes()
        n = self.invocations
        assert len(x) % n == 0 and len(y) % n == 0, f"{self.id}: not {n} equal frames"
        fx, fy = len(x) // n, len(y) // n
        return [(split(x[k * fx:(k + 1) * fx], m["inputs"]),
                 split(y[k * fy:(k + 1) * fy], m["outputs"])) for k in range(n)]


def vectors(name, single_only=False):
    """The public vectors of model `name` (all of them, or only invocations == 1)."""
    out = []
    for v in meta(name)["vectors"]:
        if not v["in"].startswith("public/"):
            continue
        if single_only and v["invocations"] != 1:
            continue
        base = VECTORS / name
        vname = Path(v["in"]).name[: -len(".in.bin")]
        out.append(Vector(name, vname, base / v["in"], base / v["out"], v["invocations"]))
    return out


def assert_output_equal(got, expected, t, what=""):
    """got / expected: bytes of one output tensor t (meta dict). Integers: byte for byte;
    float32: np.allclose(rtol=1e-4, atol=1e-6)."""
    import numpy as np

    got, expected = bytes(got), bytes(expected)
    assert len(got) == len(expected), f"{what}: {len(got)} bytes, expected {len(expected)}"
    if t["dtype"] in ("FLOAT32", "FLOAT64"):
        dt = DTYPES[t["dtype"]][0]
        a, b = np.frombuffer(got, dt), np.frombuffer(expected, dt)
        bad = ~np.isclose(a, b, rtol=1e-4, atol=1e-6)
        assert not bad.any(), (f"{what}: {bad.sum()} of {a.size} elements differ, first at "
                               f"{np.argmax(bad)}: {a[bad][:4]} != {b[bad][:4]}")
    else:
        if got != expected:
            dt = DTYPES[t["dtype"]][0]
            a, b = np.frombuffer(got, dt), np.frombuffer(expected, dt)
            bad = a != b
            raise AssertionError(f"{what}: {bad.sum()} of {a.size} elements differ, first at "
                                 f"{np.argmax(bad)}: {a[bad][:4]} != {b[bad][:4]}")


def child_env():
    env = dict(os.environ)
    # The caller's PYTHONPATH first (it may name another build), then this repo's build.
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths + [str(BUILD_PYTHON), str(Path(__file__).parent)])
    env["MICROML_DATA"] = str(DATA)
    return env


def run_python(args, timeout=60):
    """Runs /usr/bin/python3 with args in a child (a crash there fails a test, not pytest)."""
    return subprocess.run([PYTHON, *args], capture_output=True, text=True, timeout=timeout,
                          env=child_env())
