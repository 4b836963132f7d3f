# SPDX-License-Identifier: MIT
# Gesture recognition: the magic wand stroke rasterizer (src/dsp/stroke.c) against an independent
# Python model of its rules (stroke_ref.py), microml.rasterize_stroke()'s argument checks, and
# examples/gesture/wand_digits.py on every stroke of magic_wand_digits (CPython and the unix
# port: accuracy and identical output) and on the Cortex-M4F QEMU board (the same labels), and
# examples/gesture/activity.py on BasicMotions' test cases (unix port, QEMU, scikit-learn).
import json
import random
import subprocess
import sys
from array import array

import numpy as np
import pytest

import mmldata
import stroke_ref

EXAMPLE = mmldata.REPO / "examples" / "gesture"
UNIX = mmldata.REPO / "build" / "micropython"
RUNNER = mmldata.REPO / "tools" / "run-on-qemu"
DIGITS = mmldata.DATA / "datasets" / "magic_wand_digits"
DIGITS_MODEL = mmldata.DATA / "models" / "tflite-micro-arduino-examples" / "magic_wand_digits.tflite"


def strokes():
    out = []
    for f in sorted(DIGITS.glob("*.json")):
        out += json.loads(f.read_text())["strokes"]
    return out


def flat(points):
    return [c for p in points for c in p]


def as_image(raster, height=32, width=32):
    return np.frombuffer(bytes(raster), dtype=np.int8).reshape(height, width, 3)


# ---- the rasterizer against the reference model ----

def test_rasterizer_dataset_strokes(microml):
    """A stroke in 10 of the dataset (they are int8 points / 128) gives the reference's image,
    from floats and from the device's int8 points alike."""
    for s in strokes()[::10]:
        pts = [(p["x"], p["y"]) for p in s["strokePoints"]]
        want = stroke_ref.rasterize(pts)
        got = as_image(microml.rasterize_stroke(flat(pts)))
        assert np.array_equal(got, want), s["index"]
        s8 = array("b", [round(v * 128) for v in flat(pts)])
        assert np.array_equal(as_image(microml.rasterize_stroke(s8)), want)
        assert np.array_equal(as_image(microml.rasterize_stroke(bytes(s8))), want)


@pytest.mark.parametrize("seed", range(6))
def test_rasterizer_random_strokes(microml, seed):
    """Random float strokes, partly off the image, other sizes and ranges, every direction."""
    rng = random.Random(seed)
    for _ in range(40):
        n = rng.choice([0, 1, 2, 3, 17, 64, 150])
        spread = rng.choice([0.2, 0.7, 1.5])
        pts = [(rng.uniform(-spread, spread), rng.uniform(-spread, spread)) for _ in range(n)]
        rng_ = rng.choice([0.6, 0.35, 1.0])
        w, h = rng.choice([(32, 32), (20, 12), (7, 40)])
        want = stroke_ref.rasterize(pts, rng_, rng_, w, h)
        got = microml.rasterize_stroke(np.array(flat(pts), dtype=np.float32), range=rng_,
                                       width=w, height=h)
        assert np.array_equal(as_image(got, h, w), want), (seed, n)


def test_rasterizer_known_pixels(microml):
    """A horizontal line from (-0.3, 0) to (0.3, 0): pixels 8..24 of row 16, red (t = 0)."""
    img = as_image(microml.rasterize_stroke([-0.3, 0.0, 0.3, 0.0]))
    lit = np.argwhere((img != -128).any(axis=2))
    assert [tuple(p) for p in lit] == [(16, x) for x in range(8, 25)]
    assert (img[16, 8:25] == [127, -128, -128]).all()


def test_rasterize_out_and_errors(microml):
    out = bytearray(32 * 32 * 3)
    assert microml.rasterize_stroke([0.0, 0.0, 0.1, 0.1], out) is out
    assert bytes(out) == bytes(microml.rasterize_stroke([0.0, 0.0, 0.1, 0.1]))
    with pytest.raises(ValueError, match="out needs 3072 bytes, got 10"):
        microml.rasterize_stroke([0.0, 0.0], bytearray(10))
    with pytest.raises(ValueError, match="writable"):
        microml.rasterize_stroke([0.0, 0.0], bytes(3072))
    with pytest.raises(ValueError, match="x, y pairs: got 3"):
        microml.rasterize_stroke([0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="point 1 is not finite"):
        microml.rasterize_stroke([0.0, 0.0, float("nan"), 0.0])
    with pytest.raises(ValueError, match="point 0"):
        microml.rasterize_stroke([100.0, 0.0])
    with pytest.raises(TypeError, match="item 1 is not a number"):
        microml.rasterize_stroke([0.0, "a"])
    with pytest.raises(TypeError, match="typecode 'h'"):
        microml.rasterize_stroke(array("h", [0, 0]))
    with pytest.raises(TypeError, match="points must be"):
        microml.rasterize_stroke("0, 0")
    with pytest.raises(ValueError, match="range must be"):
        microml.rasterize_stroke([0.0, 0.0], range=0.0)
    with pytest.raises(ValueError, match="width and height"):
        microml.rasterize_stroke([0.0, 0.0], width=0)


# ---- stroke_from_gyro: the sketch's gyroscope-to-stroke step ----

@pytest.mark.parametrize("seed", range(3))
def test_stroke_from_gyro_vs_numpy(microml, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, 300))
    t = np.arange(n) / 119.0
    gyro = np.stack([np.sin(3 * t) * 30, np.cos(rng.uniform(2, 6) * t) * 160,
                     np.sin(4 * t + seed) * 170], 1) + rng.normal(size=(n, 3)) * 4
    gyro = gyro.astype(np.float32)
    drift, gravity = rng.normal(size=3).tolist(), rng.normal(size=3).tolist()
    for stride in (1, 2, 3):
        want = stroke_ref.gyro_stroke(gyro.astype(np.float64), 119.0,
                                      np.float32(drift), np.float32(gravity), stride).ravel()
        got = np.asarray(microml.stroke_from_gyro(gyro, 119.0, drift=drift, gravity=gravity,
                                                  stride=stride), dtype=np.int32)
        assert got.shape == want.shape == (2 * (n // stride),)
        assert np.abs(got - want).max() <= 1
        assert (got == want).mean() >= 0.95
    # Defaults (no drift, gravity along z), out=, and the points drawn.
    out = array("b", bytes(2 * (n // 2)))
    assert microml.stroke_from_gyro(gyro, 119.0, out=out) is out
    want = stroke_ref.gyro_stroke(gyro.astype(np.float64), 119.0, [0, 0, 0], [0, 0, 1], 2).ravel()
    assert np.abs(np.array(out) - want).max() <= 1
    assert bytes(microml.rasterize_stroke(out)) == stroke_ref.rasterize(
        [(x / 128, y / 128) for x, y in zip(out[::2], out[1::2])]).tobytes()


def test_stroke_from_gyro_errors(microml):
    g = np.zeros((10, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="float32 array of x, y, z samples"):
        microml.stroke_from_gyro(g.astype(np.float64), 100.0)
    with pytest.raises(ValueError, match="got 4 float32 values"):
        microml.stroke_from_gyro(np.zeros(4, dtype=np.float32), 100.0)
    with pytest.raises(ValueError, match="rate must be > 0"):
        microml.stroke_from_gyro(g, 0.0)
    with pytest.raises(ValueError, match="stride >= 1"):
        microml.stroke_from_gyro(g, 100.0, stride=0)
    with pytest.raises(ValueError, match="drift and gravity must be 3 numbers"):
        microml.stroke_from_gyro(g, 100.0, gravity=[0.0, 1.0])
    with pytest.raises(ValueError, match="writable array\\('b'\\) of 10"):
        microml.stroke_from_gyro(g, 100.0, out=bytearray(10))


# ---- wand_digits.py: accuracy on every stroke, same answers on every face ----

def run_unix(*args):
    if not UNIX.is_file():
        pytest.fail(f"{UNIX} missing; run `make micropython` first")
    return subprocess.run([str(UNIX), str(EXAMPLE / "wand_digits.py"), *args],
                          capture_output=True, text=True, timeout=300)


def parse(text):
    rows = [line.split("\t") for line in text.splitlines()]
    assert all(len(r) == 3 for r in rows), text[:200]
    return rows


@pytest.fixture(scope="module")
def unix_lines():
    """wand_digits.py on the unix port, every file: {file: stdout}."""
    out = {}
    for f in sorted(DIGITS.glob("*.json")):
        r = run_unix(str(f), str(DIGITS_MODEL))
        assert r.returncode == 0, r.stderr
        out[f.name] = r.stdout
    return out


def test_wand_digits_accuracy_unix(unix_lines):
    truth = {}
    for f in sorted(DIGITS.glob("*.json")):
        for i, s in enumerate(json.loads(f.read_text())["strokes"]):
            truth[(f.name, str(s.get("index", i)))] = s["label"]
    right = total = 0
    for name, text in unix_lines.items():
        for sid, label, score in parse(text):
            total += 1
            right += label == truth[(name, sid)]
            assert 0.0 < float(score) <= 1.0
    assert total == len(truth) == 800
    assert right / total >= 0.97, f"top-1 {right}/{total}"


def test_wand_digits_cpython_same_as_unix(unix_lines):
    for name in list(unix_lines)[:3]:
        r = subprocess.run([sys.executable, str(EXAMPLE / "wand_digits.py"), str(DIGITS / name),
                            str(DIGITS_MODEL)], capture_output=True, text=True, timeout=300,
                           env={"PYTHONPATH": str(mmldata.BUILD_PYTHON)})
        assert r.returncode == 0, r.stderr
        assert r.stdout == unix_lines[name]


def test_wand_digits_qemu_m4f(unix_lines):
    """Every stroke on the Cortex-M4F board (model and strokes in its ROMFS, single-precision
    floats): the labels the unix port gives."""
    for f in sorted(DIGITS.glob("*.json")):
        board = run_qemu(EXAMPLE / "wand_digits.py", f"strokes.json={f}",
                         f"magic_wand_digits.tflite={DIGITS_MODEL}")
        host = parse(unix_lines[f.name])
        assert len(board) == len(host) > 0
        assert [row[:2] for row in board] == [row[:2] for row in host], f.name


# ---- activity.py: BasicMotions with the C features and a classical model ----

BASIC = mmldata.DATA / "datasets" / "basicmotions"
ACTIVITY_MODEL = EXAMPLE / "activity.mml"


def truth_labels(ts):
    return [line.rsplit(":", 1)[1].strip() for line in ts.read_text().split("@data", 1)[1]
            .splitlines() if line.strip()]


@pytest.fixture(scope="module")
def activity_unix():
    if not UNIX.is_file():
        pytest.fail(f"{UNIX} missing; run `make micropython` first")
    r = subprocess.run([str(UNIX), str(EXAMPLE / "activity.py"),
                        str(BASIC / "BasicMotions_TEST.ts"), str(ACTIVITY_MODEL)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return parse(r.stdout)


def test_activity_all_test_cases_right(activity_unix):
    truth = truth_labels(BASIC / "BasicMotions_TEST.ts")
    assert len(truth) == 40
    assert [row[0] for row in activity_unix] == [str(i) for i in range(40)]
    assert [row[1] for row in activity_unix] == truth


def test_activity_model_is_the_training_scripts_and_agrees_with_sklearn(microml, activity_unix):
    """train_activity.py, run again, makes the shipped activity.mml byte for byte; scikit-learn's
    model on the same C-computed features predicts what the unix port printed, with the same
    probabilities."""
    sys.path.insert(0, str(mmldata.REPO / "python"))
    from microml_tools.sklearn import convert
    sys.path.insert(0, str(EXAMPLE))
    import train_activity
    clf, _, fte, _ = train_activity.train(BASIC)
    assert convert(clf) == ACTIVITY_MODEL.read_bytes()
    want = [train_activity.LABELS[k] for k in clf.predict(fte)]
    assert [row[1] for row in activity_unix] == want
    proba = clf.predict_proba(fte).max(axis=1)
    assert np.allclose([float(row[2]) for row in activity_unix], proba, atol=6e-5)
    # And the C model on the C features from CPython: the same probabilities.
    model = microml.load(ACTIVITY_MODEL.read_bytes())
    got = model.predict_proba(fte.astype(np.float32))
    assert np.allclose(got, clf.predict_proba(fte), atol=1e-6)


def run_qemu(script, *romfs):
    fw = mmldata.REPO / "build" / "qemu" / "MPS2_AN386" / "firmware.elf"
    if not fw.is_file():
        pytest.fail(f"{fw} missing; run `make qemu-MPS2_AN386` first")
    args = [a for spec in romfs for a in ("--romfs", spec)]
    r = subprocess.run([sys.executable, str(RUNNER), "MPS2_AN386", str(script), "--timeout", "250",
                        *args], capture_output=True, text=True, timeout=320)
    assert r.returncode == 0, r.stderr
    return parse(r.stdout)


def test_activity_qemu_m4f(activity_unix):
    """Every test case on the Cortex-M4F board: the unix port's labels."""
    board = run_qemu(EXAMPLE / "activity.py", f"cases.ts={BASIC / 'BasicMotions_TEST.ts'}",
                     f"activity.mml={ACTIVITY_MODEL}")
    assert [row[:2] for row in board] == [row[:2] for row in activity_unix]
    assert np.allclose([float(r[2]) for r in board], [float(r[2]) for r in activity_unix],
                       atol=1e-3)


# ---- magic_wand.py: the original wing / ring / slope model ----

WAND_MODEL = mmldata.DATA / "models" / "tflite-micro" / "magic_wand.tflite"
WAND_VECTORS = mmldata.VECTORS / "magic_wand" / "public"


def test_magic_wand_upstream_examples_unix():
    """Upstream's ring and slope recordings (TFLM's real_* vectors): classified as ring and slope,
    with TFLM's scores."""
    files = [WAND_VECTORS / "real_ring.in.bin", WAND_VECTORS / "real_slope.in.bin"]
    r = subprocess.run([str(UNIX), str(EXAMPLE / "magic_wand.py"), *map(str, files)],
                       capture_output=True, text=True, timeout=120,
                       env={"MICROML_DATA": str(mmldata.DATA)})
    assert r.returncode == 0, r.stderr
    rows = parse(r.stdout)
    assert [row[:2] for row in rows] == [["real_ring.in.bin@0", "ring"],
                                          ["real_slope.in.bin@0", "slope"]]
    for row, name in zip(rows, ("ring", "slope")):
        want = np.frombuffer((WAND_VECTORS / f"real_{name}.out.bin").read_bytes(), np.float32)
        assert abs(float(row[2]) - want.max()) <= 1e-4


def test_magic_wand_qemu_m4f():
    rows = run_qemu(EXAMPLE / "magic_wand.py", f"ring.bin={WAND_VECTORS / 'real_ring.in.bin'}",
                    f"slope.bin={WAND_VECTORS / 'real_slope.in.bin'}",
                    f"magic_wand.tflite={WAND_MODEL}")
    assert [row[:2] for row in rows] == [["ring.bin@0", "ring"], ["slope.bin@0", "slope"]]


# ---- board.py: the I2C drivers and the wand's capture on a simulated sensor (unix port) ----

BOARD_CHECK = r"""
import struct, sys
sys.path.insert(0, %(dir)r)
import board

class FakeI2C:
    # An MPU6050 (0x68) and an LSM6DS3 (0x6A) whose data registers replay `frames`
    # (raw int16: ax ay az gx gy gz), one frame per read.
    def __init__(self, frames):
        self.frames, self.i, self.writes = frames, 0, []
    def scan(self):
        return [0x68, 0x6A]
    def writeto_mem(self, addr, reg, data):
        self.writes.append((addr, reg, bytes(data)))
    def readfrom_mem(self, addr, reg, n):
        if addr == 0x6A and reg == 0x0F:
            return b"\x69"
        f = self.frames[self.i %% len(self.frames)]
        self.i += 1
        if addr == 0x68 and reg == 0x3B and n == 14:
            return struct.pack(">hhhhhhh", f[0], f[1], f[2], 1234, f[3], f[4], f[5])
        if addr == 0x6A and reg == 0x22 and n == 12:
            return struct.pack("<hhhhhh", f[3], f[4], f[5], f[0], f[1], f[2])
        raise OSError("unexpected read %%x %%x %%d" %% (addr, reg, n))

frames = [(16384, -8192, 4096, 131, -262, 13100), (-16384, 0, 16384, -131, 0, 32767)]
i2c = FakeI2C(frames)
out = [0.0] * 6
for imu in (board.open_imu(i2c), board.LSM6DS3(i2c)):
    i2c.i = 0
    for f in frames:
        print(type(imu).__name__, " ".join("%%.5f" %% v for v in imu.read(out)))
print(i2c.writes)
# The wand: 50 still samples (drift, gravity), then a turn; the stroke as stroke_from_gyro
# gives for the same drift and gravity.
still = [(0, 0, 16384, 65, -131, 0)] * 50
turn = [(0, 0, 16384, 65 + 20 * k, -131 + 1310 * (k %% 7), 131 * k) for k in range(60)]
i2c = FakeI2C(still + turn)
imu = board.open_imu(i2c)
s = board.capture(imu, 110, 100, sleep=False)
print(list(board.wand_stroke(s, 100)))
"""


def test_board_drivers_on_unix(tmp_path):
    script = tmp_path / "board_check.py"
    script.write_text(BOARD_CHECK % {"dir": str(EXAMPLE)})
    if not UNIX.is_file():
        pytest.fail(f"{UNIX} missing; run `make micropython` first")
    r = subprocess.run([str(UNIX), str(script)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    frames = [(16384, -8192, 4096, 131, -262, 13100), (-16384, 0, 16384, -131, 0, 32767)]
    # The datasheets' scales: MPU6050 16384 LSB/g and 131 LSB/(deg/s); LSM6DS3 0.061 mg/LSB and
    # 8.75 mdps/LSB.
    for name, ga, gg, k in (("MPU6050", 1 / 16384, 1 / 131, 0), ("LSM6DS3", 0.000061, 0.00875, 2)):
        for j, f in enumerate(frames):
            want = [v * ga for v in f[:3]] + [v * gg for v in f[3:]]
            got = lines[k + j].split()
            assert got[0] == name
            assert np.allclose([float(v) for v in got[1:]], want, atol=2e-5)
    assert lines[4] == str([(0x68, 0x6B, b"\x00"), (0x68, 0x1A, b"\x03"), (0x68, 0x1B, b"\x00"),
                            (0x68, 0x1C, b"\x00"), (0x6A, 0x10, b"\x40"), (0x6A, 0x11, b"\x40"),
                            (0x6A, 0x12, b"\x44")])
    gyro = np.array([(65 + 20 * k, -131 + 1310 * (k % 7), 131 * k) for k in range(60)]) / 131.0
    want = stroke_ref.gyro_stroke(gyro, 100.0, [65 / 131.0, -1.0, 0.0], [0.0, 0.0, 1.0], 2)
    got = np.array(json.loads(lines[5]))
    assert got.shape == (60,)
    assert np.abs(got - want.ravel()).max() <= 1
