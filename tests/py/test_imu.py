# SPDX-License-Identifier: MIT
# microml.IMUFeatures (src/dsp/imu.c): the streaming IMU window features against a float64 numpy
# model of their definition (imu_ref.py) on random data, chunked pushes equal to one push, the
# queue, and the argument checks.
from array import array

import numpy as np
import pytest

import imu_ref

CONFIGS = [
    dict(channels=6, window=100, hop=25, bands=4, magnitude=True, rate=10.0),
    dict(channels=3, window=128, hop=128, bands=8, magnitude=True, rate=50.0),
    dict(channels=1, window=37, hop=5, bands=3, magnitude=True, rate=1.0),
    dict(channels=4, window=16, hop=7, bands=0, magnitude=False, rate=1.0),
    dict(channels=7, window=64, hop=64, bands=16, magnitude=True, rate=100.0),
]


def close(got, want):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape
    bad = np.abs(got - want) > 1e-4 * np.abs(want) + 1e-6
    assert not bad.any(), (np.argwhere(bad)[:5], got[bad][:5], want[bad][:5])


def make(microml, cfg, queue=64):
    return microml.IMUFeatures(cfg["channels"], cfg["window"], hop=cfg["hop"], bands=cfg["bands"],
                               magnitude=cfg["magnitude"], rate=cfg["rate"], queue=queue)


@pytest.mark.parametrize("k", range(len(CONFIGS)))
def test_features_vs_numpy(microml, k):
    cfg = CONFIGS[k]
    rng = np.random.default_rng(k)
    x = (rng.normal(size=(3 * cfg["window"] + 11, cfg["channels"])) * rng.uniform(0.5, 4)
         + rng.uniform(-2, 2)).astype(np.float32)
    f = make(microml, cfg)
    want = imu_ref.stream(x.astype(np.float64), cfg["window"], cfg["hop"], bands=cfg["bands"],
                          magnitude=cfg["magnitude"], rate=cfg["rate"])
    assert f.push(x) == len(want) == f.ready
    n_ch = cfg["channels"] + (cfg["channels"] // 3 if cfg["magnitude"] else 0)
    per = 10 + (cfg["bands"] + 1 if cfg["bands"] else 0)
    assert f.n_features == n_ch * per
    for w in want:
        close(f.read(), w)
    assert f.ready == 0


@pytest.mark.parametrize("seed", range(4))
def test_chunks_same_as_whole(microml, seed):
    """Random chunk sizes (0 included), as lists, array('f') and float64 numpy, give the same
    vectors, bit for bit, as one push of everything."""
    cfg = CONFIGS[seed % len(CONFIGS)]
    rng = np.random.default_rng(100 + seed)
    x = rng.normal(size=(5 * cfg["window"], cfg["channels"])).astype(np.float32)
    whole = make(microml, cfg, queue=256)
    whole.push(x)
    want = [bytes(whole.read()) for _ in range(whole.ready)]
    f = make(microml, cfg, queue=256)
    i = 0
    kinds = [lambda a: a.ravel().tolist(), lambda a: array("f", a.ravel().tolist()),
             lambda a: a.astype(np.float64), lambda a: a]
    while i < len(x):
        n = int(rng.integers(0, 40))
        f.push(kinds[int(rng.integers(0, 4))](x[i:i + n]))
        i += n
    got = [bytes(f.read()) for _ in range(f.ready)]
    assert got == want


def test_constant_channel(microml):
    f = microml.IMUFeatures(1, 8, bands=2, magnitude=False)
    assert f.push([2.0] * 8) == 1
    v = list(f.read())
    assert v[:10] == [2.0, 0.0, 2.0, 2.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert v[10:12] == [0.0, 0.0]


def test_queue_read_out_reset(microml):
    f = microml.IMUFeatures(2, 4, hop=2, bands=0, magnitude=False, queue=2)
    assert f.push([1.0, 2.0] * 3) == 0
    assert f.push([1.0, 2.0] * 3) == 2  # samples 4 and 6
    with pytest.raises(ValueError, match="2 feature vectors ready \\+ 1 from these samples > "
                                         "queue of 2"):
        f.push([0.0, 0.0] * 2)
    assert f.ready == 2  # nothing consumed
    out = array("f", [0.0] * f.n_features)
    assert f.read(out) is out and out[0] == 1.0 and out[10] == 2.0
    with pytest.raises(ValueError, match="writable array\\('f'\\) of 20"):
        f.read(array("f", [0.0] * 3))
    with pytest.raises(ValueError, match="writable array\\('f'\\) of 20"):
        f.read(array("i", [0] * 20))
    f.reset()
    assert f.ready == 0
    with pytest.raises(ValueError, match="no feature vector ready"):
        f.read()


def test_argument_errors(microml):
    for kw in [dict(channels=0, window=10), dict(channels=3, window=3),
               dict(channels=3, window=10, hop=11), dict(channels=3, window=10, bands=17),
               dict(channels=3, window=4, bands=3), dict(channels=3, window=10, rate=0.0),
               dict(channels=17, window=10), dict(channels=3, window=10, queue=0)]:
        with pytest.raises(ValueError, match="IMUFeatures: channels 1..16"):
            microml.IMUFeatures(**kw)
    f = microml.IMUFeatures(3, 10)
    with pytest.raises(ValueError, match="7 values is not a whole number of 3-channel"):
        f.push([0.0] * 7)
    with pytest.raises(TypeError, match="samples: item 4 is not a number"):
        f.push([0.0] * 4 + [None, 0.0])
    with pytest.raises(TypeError, match="samples must be"):
        f.push("abc")
    with pytest.raises(TypeError, match="typecode 'h'"):
        f.push(array("h", [0, 0, 0]))
    assert f.ready == 0
