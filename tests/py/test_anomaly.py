# SPDX-License-Identifier: MIT
# microml.Detector on the CPython face against numpy and scikit-learn: Welford statistics and
# z-scores (numpy mean/var), EWMA z-scores (the weighted mean and variance from their definition),
# quantile calibration (numpy.quantile), the hysteresis on constructed series (alarm steps worked
# out by hand) and on random ones (a plain-Python reference of the documented rule), the
# ClassicModel scorers (-score_samples, k-means distance) and the autoencoder scorer (the MLPerf
# AD score within 0.5% of upstream's); bad arguments raise.
import array
import math
import sys

import numpy as np
import pytest

import mmldata

sys.path.insert(0, str(mmldata.REPO / "python"))
from microml_tools import sklearn as mmlsk  # noqa: E402

REL, ABS = 1e-4, 1e-6


def close(got, ref, rel=REL, abs_=ABS):
    return abs(got - ref) <= abs_ + rel * abs(ref)


def series(seed, n=2000):
    rng = np.random.default_rng(seed)
    return (20.0 + 3.0 * rng.standard_normal(n)).astype(np.float32)


def test_welford_zscore(microml):
    x = series(1)
    d = microml.Detector(quantile=0.95).fit(x)
    assert close(d.mean, float(np.mean(x, dtype=np.float64)))
    assert close(d.var, float(np.var(x, dtype=np.float64)))
    z = np.abs(x.astype(np.float64) - x.mean(dtype=np.float64)) / x.std(dtype=np.float64)
    assert close(d.threshold, float(np.quantile(z, 0.95)))
    for v in (20.0, 26.5, 3.0, -1e3):
        # float32 statistics: within 1e-4 of a standard deviation
        want = abs(v - x.mean(dtype=np.float64)) / x.std(dtype=np.float64)
        assert close(d.score(v), want, 1e-4, 1e-4)
    # array.array and list work alike
    d2 = microml.Detector(quantile=0.95).fit(array.array("f", x))
    assert d2.threshold == d.threshold
    d3 = microml.Detector(quantile=0.95).fit([float(v) for v in x])
    assert d3.threshold == d.threshold


def ewma_reference(x, a):
    """Weighted mean and variance of x[:t] for every t (the state before x[t]), from the
    definition: weight a (1-a)^(t-1-i) for i >= 1, (1-a)^(t-1) for the first sample."""
    out = []
    for t in range(1, len(x) + 1):
        w = np.array([(1 - a) ** (t - 1) if i == 0 else a * (1 - a) ** (t - 1 - i)
                      for i in range(t)])
        m = np.sum(w * x[:t]) / np.sum(w)
        v = np.sum(w * (x[:t] - m) ** 2) / np.sum(w)
        out.append((m, v))
    return out


def test_ewma_zscore(microml):
    a = 0.1
    x = series(2, 120).astype(np.float64)
    x[90:] += 8.0  # a level shift
    ref = ewma_reference(x, a)
    d = microml.Detector(alpha=a, threshold=1e9)
    for t in range(len(x)):
        s = d.update(float(x[t]))
        assert s is None
        if t + 1 >= 10 and t + 1 < len(x):  # warmed up: 1 / alpha samples seen
            m, v = ref[t]
            assert close(d.mean, m, 1e-5, 1e-5), t
            assert close(d.var, v, 1e-3, 1e-5), t
            want = abs(x[t + 1] - m) / math.sqrt(v)
            assert close(d.score(float(x[t + 1])), want, 1e-3, 1e-5), t
    # score() changes nothing; warm-up scores are 0
    e = microml.Detector(alpha=a, threshold=1.0)
    for v in x[:5]:
        assert e.score(float(v)) == 0.0
        e.update(float(v))
    assert e.mean == pytest.approx(ref[4][0], rel=1e-5)


def test_smoothing(microml):
    a = 0.2
    x = series(3, 500)
    d = microml.Detector(smooth=a, quantile=1.0).fit(x)
    s = np.empty(len(x))
    m = float(x[0])
    for i, v in enumerate(x.astype(np.float64)):
        m = v if i == 0 else m + a * (v - m)
        s[i] = m
    assert close(d.mean, float(s.mean()))
    assert close(d.var, float(s.var()), 1e-3)
    z = np.abs(s - s.mean()) / s.std()
    assert close(d.threshold, float(z.max()), 1e-3)


@pytest.mark.parametrize("q", [0.0, 0.5, 0.9, 0.99, 1.0])
def test_quantile(microml, q):
    x = series(4, 777)
    d = microml.Detector(quantile=q).fit(x)
    z = np.abs(x.astype(np.float64) - x.mean(dtype=np.float64)) / x.std(dtype=np.float64)
    assert close(d.threshold, float(np.quantile(z, q)), 1e-4, 1e-5)
    assert d.off == d.threshold and d.on is not None and d.on > 1e38


def alarms(d, scores):
    return [t for t, s in enumerate(scores) if d.update(s) is not None]


def fixed(microml, **kw):
    """A detector whose score is the sample itself: z-score with mean 0, std 1."""
    d = microml.Detector(**kw)
    return d.fit([-1.0, 1.0] * 50) if "threshold" in kw else d


def test_hysteresis_constructed(microml):
    # mean 0, std 1: the score is |x|. threshold 1, off 1: an alarm at every rise above 1.
    #    0  1  2  3  4  5  6  7  8  9
    a = [0, 2, 2, 0, 2, 0, 1, 2, 1, 0.5]
    assert alarms(fixed(microml, threshold=1.0), a) == [1, 4, 7]
    assert alarms(fixed(microml, threshold=1.0, gap=4), a) == [1, 7]
    #    0  1  2  3  4  5  6  7  8  9 10 11: one spike at 1 is not enough for 3 of 5
    b = [0, 5, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0]
    assert alarms(fixed(microml, threshold=1.0, k=3, n=5), b) == [8]
    assert alarms(fixed(microml, threshold=1.0, k=3, n=5, on=4.0), b) == [1, 8]
    # off 0.5: the alarm at 1 lasts while |x| >= 0.5
    h = [0, 2, 0.7, 0.6, 0.2, 2, 2, 2]
    assert alarms(fixed(microml, threshold=1.0, off=0.5), h) == [1, 5]
    # the returned value is the score at the alarm
    d = fixed(microml, threshold=1.0)
    assert d.update(0.0) is None and d.update(-3.0) == pytest.approx(3.0)
    # reset(): the hysteresis forgets, the thresholds stay
    d.reset()
    assert d.update(3.0) == pytest.approx(3.0) and d.threshold == 1.0


def reference_alarms(scores, thr, off, on, k, n, gap):
    """The documented rule, step by step in plain Python."""
    hist, active, since, out = [], False, gap, []
    for t, s in enumerate(scores):
        hist = (hist + [s > thr])[-n:]
        since = min(since + 1, gap)
        if active:
            if s < off:
                active = False
            continue
        if (sum(hist) >= k or s > on) and since >= gap:
            active, since = True, 0
            out.append(t)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_hysteresis_random(microml, seed):
    rng = np.random.default_rng(seed)
    # noise with 40 bursts of 12 steps at 3 standard deviations
    x = np.abs(rng.standard_normal(3000))
    for b in rng.choice(3000 - 12, 40, replace=False):
        x[b:b + 12] += 3.0
    k, n, gap = [(1, 1, 0), (2, 3, 5), (3, 5, 20), (4, 8, 0), (5, 32, 50)][seed]
    train = rng.standard_normal(1000).astype(np.float32)
    d = microml.Detector(quantile=0.98, off_quantile=0.8, k=k, n=n, gap=gap,
                         on=8.0).fit(train)
    z = np.abs(train.astype(np.float64) - train.mean(dtype=np.float64)) / train.std(
        dtype=np.float64)
    assert close(d.threshold, float(np.quantile(z, 0.98)), 1e-4, 1e-5)
    assert close(d.off, float(np.quantile(z, 0.8)), 1e-4, 1e-5)
    scores = [d.score(float(v)) for v in x]
    want = reference_alarms(scores, d.threshold, d.off, d.on, k, n, gap)
    assert alarms(d, [float(v) for v in x]) == want
    assert len(want) >= 5


def classic_blob(est, X):
    est.fit(X)
    return mmlsk.convert(est)


@pytest.fixture(scope="module")
def normal_data():
    rng = np.random.default_rng(7)
    train = rng.standard_normal((400, 3)).astype(np.float32)
    test = np.vstack([rng.standard_normal((50, 3)), 4 + rng.standard_normal((10, 3))])
    return train, test.astype(np.float32)


def sk_models():
    from sklearn import cluster, ensemble, mixture, svm
    return {
        "gmm": (mixture.GaussianMixture(2, random_state=0), lambda m, X: -m.score_samples(X)),
        "iforest": (ensemble.IsolationForest(n_estimators=20, random_state=0),
                    lambda m, X: -m.score_samples(X)),
        "ocsvm": (svm.OneClassSVM(gamma=0.5, nu=0.1), lambda m, X: -m.score_samples(X)),
        "kmeans": (cluster.KMeans(3, n_init=3, random_state=0),
                   lambda m, X: m.transform(X).min(axis=1)),
    }


@pytest.mark.parametrize("name", ["gmm", "iforest", "ocsvm", "kmeans"])
def test_classic_scorers(microml, normal_data, name):
    train, test = normal_data
    est, ref_score = sk_models()[name]
    blob = classic_blob(est, train)
    d = microml.Detector(microml.load(blob), quantile=0.95)
    d.fit(train)
    ref_train = ref_score(est, train.astype(np.float64))
    assert close(d.threshold, float(np.quantile(ref_train, 0.95)), 1e-4, 1e-4)
    ref = ref_score(est, test.astype(np.float64))
    got = np.array([d.score(row) for row in test])
    assert np.all(np.abs(got - ref) <= 1e-4 + 1e-4 * np.abs(ref)), name
    # the 10 shifted samples score above the threshold, most normal ones below
    assert np.all(got[50:] > d.threshold)
    assert np.sum(got[:50] > d.threshold) <= 10


def test_classic_decision_function(microml, normal_data):
    from sklearn import ensemble
    train, test = normal_data
    est = ensemble.IsolationForest(n_estimators=20, random_state=0)
    d = microml.Detector(microml.load(classic_blob(est, train)), method="decision_function",
                         threshold=0.0)
    ref = -est.decision_function(test.astype(np.float64))
    got = np.array([d.score(row) for row in test])
    assert np.all(np.abs(got - ref) <= 1e-4)


def test_autoencoder_mlperf_ad(microml):
    data = mmldata.DATA
    model = microml.Model((data / "models/mlcommons-tiny/ad01_int8.tflite").read_bytes())
    feats = np.fromfile(data / "testdata/mlcommons-tiny/ad01/normal_id_01_00000000_hist_librosa.bin",
                        dtype="<f4").reshape(200, 128)
    windows = np.stack([feats[w:w + 5].reshape(-1) for w in range(196)])
    d = microml.Detector(model, threshold=1e9)
    scores = np.array([d.score(w) for w in windows])
    # the error is the Detector's; the rebuild is Model.predict's (tested on its own elsewhere)
    for w in (0, 77, 195):
        rebuild = np.asarray(model.predict(windows[w], dequantize=True), dtype=np.float64)
        want = np.mean((windows[w].astype(np.float64) - rebuild.reshape(-1)) ** 2)
        assert close(scores[w], want, 1e-5, 1e-6)
    assert abs(scores.mean() / 10.2603 - 1) < 0.005  # upstream's int8 clip score
    # a list of numbers scores the same; an int8 buffer is refused
    assert d.score([float(v) for v in windows[3]]) == pytest.approx(scores[3], rel=1e-6)
    with pytest.raises(TypeError):
        d.score(bytes(640))


def test_errors(microml):
    with pytest.raises(ValueError, match="quantile"):
        microml.Detector(quantile=1.5)
    with pytest.raises(ValueError, match="off_quantile"):
        microml.Detector(quantile=0.5, off_quantile=0.9)
    with pytest.raises(ValueError, match="alpha"):
        microml.Detector(alpha=0.0)
    with pytest.raises(ValueError, match="smooth"):
        microml.Detector(smooth=2.0)
    with pytest.raises(ValueError, match="k <= n"):
        microml.Detector(k=4, n=3)
    with pytest.raises(ValueError, match="k <= n"):
        microml.Detector(k=1, n=33)
    with pytest.raises(ValueError, match="gap"):
        microml.Detector(gap=-1)
    with pytest.raises(ValueError, match="off must be <= threshold"):
        microml.Detector(threshold=1.0, off=2.0)
    with pytest.raises(TypeError):
        microml.Detector("model")
    with pytest.raises(ValueError, match="no threshold"):
        microml.Detector().update(1.0)
    with pytest.raises(ValueError, match="at least one"):
        microml.Detector().fit([])
    with pytest.raises(TypeError):
        microml.Detector(threshold=1.0).update("x")
    with pytest.raises(ValueError, match="NaN"):
        microml.Detector(alpha=0.5).fit([1.0, float("nan")] * 10)
    model = microml.Model((mmldata.DATA / "models/tflite-micro/hello_world_int8.tflite").read_bytes())
    d = microml.Detector(model, threshold=1.0)  # 1 value in, 1 out: an autoencoder shape
    with pytest.raises(ValueError, match="smooth"):
        microml.Detector(model, smooth=0.5)
    from sklearn import linear_model
    X = np.random.default_rng(0).standard_normal((40, 2))
    y = np.arange(40) % 3
    clf = linear_model.LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="no score_samples"):
        microml.Detector(microml.load(mmlsk.convert(clf)))
    # a binary classifier's margin is used only when asked for
    binary = linear_model.LogisticRegression().fit(X, y % 2)
    with pytest.raises(ValueError, match="no score_samples"):
        microml.Detector(microml.load(mmlsk.convert(binary)))
    d2 = microml.Detector(microml.load(mmlsk.convert(binary)), method="decision_function",
                          threshold=0.0)
    assert abs(d2.score(X[0]) + binary.decision_function(X[:1])[0]) < 1e-4
    with pytest.raises(ValueError, match="method must be"):
        microml.Detector(microml.load(mmlsk.convert(binary)), method="predict")
    assert "Detector" in repr(d)


def test_given_statistics(microml):
    # mean= and var= (trained on the host) score as fit() on the same data does
    x = series(5, 300)
    fitted = microml.Detector(smooth=0.3, quantile=0.99).fit(x)
    given = microml.Detector(smooth=0.3, mean=fitted.mean, var=fitted.var,
                             threshold=fitted.threshold)
    for v in (10.0, 20.0, 35.0):
        assert given.score(v) == fitted.score(v)
    assert given.mean == fitted.mean and given.var == fitted.var
    with pytest.raises(ValueError, match="mean= and var="):
        microml.Detector(alpha=0.1, mean=1.0)
    with pytest.raises(ValueError, match="mean= and var="):
        microml.Detector(var=-1.0)
