# SPDX-License-Identifier: MIT
# The examples/ applications: their logic on CPython gives the real answers (inputs byte-equal to
# TFLM's reference vectors, right labels and digits, the upstream anomaly score), and each
# main.py prints exactly its README's expected output on CPython and on the MicroPython unix
# port. QEMU runs belong to tests/mpy and tools/demo.
import importlib.machinery
import importlib.util
import math
import os
import subprocess
import sys
from array import array

import pytest

import mmldata

EXAMPLES = mmldata.REPO / "examples"
UNIX = mmldata.REPO / "build" / "micropython"
AD_UPSTREAM = 10.2603  # mlcommons/tiny's score for the clip with ad01_int8.tflite


def load(path, name):
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_loader(name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def demo():
    return load(mmldata.REPO / "tools" / "demo", "microml_demo")


@pytest.fixture(scope="module")
def example(microml):
    """example(name) -> examples/<name>/main.py imported as a module (main() not run)."""
    mods = {}

    def get(name):
        if name not in mods:
            mods[name] = load(EXAMPLES / name / "main.py", "example_" + name)
        return mods[name]
    return get


def vector(model, name):
    d = mmldata.VECTORS / model / "public"
    return (d / f"{name}.in.bin").read_bytes(), (d / f"{name}.out.bin").read_bytes()


# person_detection

@pytest.mark.parametrize("picture,label", [("person", "person"), ("no_person", "no person")])
def test_person_detection(example, microml, picture, label):
    ex = example("person_detection")
    w, h, pixels = ex.bmp_gray(ex.read(f"testdata/tflite-micro/person_detection/{picture}.bmp"))
    x, y = vector("person_detection", f"real_{picture}")
    assert (w, h) == (96, 96)
    assert bytes(pixels) == x, "BMP pixels differ from the input TFLM's test feeds"
    model = microml.Model(ex.read(ex.FILES[0]))
    got, score = ex.classify(model, pixels)
    assert got == label
    assert 0.5 < score <= 1.0
    assert bytes(model.predict(pixels)) == y


# mnist_lstm

@pytest.mark.parametrize("n", range(10))
def test_mnist_lstm(example, microml, n):
    ex = example("mnist_lstm")
    model_bytes = ex.read(ex.FILES[0])
    w, h, pixels = ex.png_gray(ex.read(f"testdata/tflite-micro/mnist_lstm/sample{n}.png"))
    assert (w, h) == (28, 28)
    x, y = vector("mnist_lstm_int8", f"real_sample{n}")
    model = microml.Model(model_bytes)
    assert bytes(ex.preprocess(pixels, model.inputs[0])) == x, \
        "decoded + preprocessed PNG differs from evaluate.py's input"
    assert bytes(model.predict(x)) == y
    assert ex.predict_digit(model, pixels) == n  # after a predict: reset() must clear the state


def test_mnist_png_filters(example):
    """Every PNG row filter (the samples use few of them), against an unfiltered encoding."""
    import struct
    import zlib
    ex = example("mnist_lstm")
    w, h = 7, 5
    img = bytes((r * 37 + c * 91 + (r * c) % 7) & 255 for r in range(h) for c in range(w))

    def paeth(a, b, c):
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        return a if pa <= pb and pa <= pc else (b if pb <= pc else c)

    raw = bytearray()
    for r in range(h):
        f = r % 5
        raw.append(f)
        for c in range(w):
            x = img[r * w + c]
            a = img[r * w + c - 1] if c else 0
            b = img[(r - 1) * w + c] if r else 0
            cc = img[(r - 1) * w + c - 1] if r and c else 0
            pred = (0, a, b, (a + b) >> 1, paeth(a, b, cc))[f]
            raw.append((x - pred) & 255)

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))
    assert ex.png_gray(png) == (w, h, bytearray(img))


# anomaly_detection

def test_anomaly_detection_score(example, microml):
    ex = example("anomaly_detection")
    model = microml.Model(ex.read(ex.FILES[0]))
    features = array("f", ex.read(ex.FILES[1]))
    assert len(features) == 200 * 128
    score = ex.clip_score(model, features)
    assert abs(score / AD_UPSTREAM - 1) < 0.005, f"score {score}, upstream {AD_UPSTREAM}"


@pytest.mark.parametrize("start", [0, 50, 100, 150, 195])
def test_anomaly_detection_windows(example, microml, start):
    """The float window predict() quantizes gives the reference vector's output for that slice."""
    ex = example("anomaly_detection")
    model = microml.Model(ex.read(ex.FILES[0]))
    features = array("f", ex.read(ex.FILES[1]))
    x, y = vector("mlperf_ad", f"real_normal_id_01_00000000_slice{start:03d}")
    window = memoryview(features)[start * 128:(start + 5) * 128]
    assert bytes(model.predict(window)) == bytes(model.predict(x)) == y


# hello_world

def test_hello_world(example, microml):
    ex = example("hello_world")
    model = microml.Model(ex.read(ex.FILES[0]))
    for x in ex.XS:
        assert abs(ex.sine(model, x) - math.sin(x)) < 0.1, x


# main.py output == README on each host face

@pytest.mark.parametrize("face", ["cpython", "unix"])
@pytest.mark.parametrize("name", ["hello_world", "person_detection", "anomaly_detection",
                                  "mnist_lstm"])
def test_main_output(demo, microml, face, name):
    assert name in demo.EXAMPLES
    if face == "unix" and not UNIX.exists():
        pytest.skip(f"{UNIX} missing (run `make micropython`)")
    cmd = [sys.executable if face == "cpython" else str(UNIX), str(EXAMPLES / name / "main.py")]
    env = dict(os.environ, MICROML_DATA=str(mmldata.DATA))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(mmldata.BUILD_PYTHON),
                                                      env.get("PYTHONPATH")]))
    p = subprocess.run(cmd, cwd=mmldata.REPO, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.rstrip("\n").split("\n") == demo.expected(name)


def test_files_exist(demo):
    """Every data file an example lists (and tools/demo sends to a board) is there."""
    for name in demo.EXAMPLES:
        for rel in demo.data_files(name):
            assert (mmldata.DATA / rel).is_file(), f"{name}: {rel}"
