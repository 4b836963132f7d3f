# SPDX-License-Identifier: MIT
# A numpy model of microml's IMU window features (include/microml/mml_gesture.h documents them),
# written from that description in float64: the C extractor is tested against it.
import numpy as np


def channels_of(window, magnitude=True):
    """window: [W, C]. The input channels, then one magnitude per whole group of 3."""
    w = np.asarray(window, dtype=np.float64)
    chans = [w[:, i] for i in range(w.shape[1])]
    if magnitude:
        for g in range(w.shape[1] // 3):
            chans.append(np.sqrt((w[:, 3 * g:3 * g + 3] ** 2).sum(axis=1)))
    return chans


def channel_features(x, bands, rate):
    n = len(x)
    mean = x.mean()
    d = x - mean
    m2, m3, m4 = (d ** 2).mean(), (d ** 3).mean(), (d ** 4).mean()
    cross = lambda v: int(np.count_nonzero((v[1:] < 0) != (v[:-1] < 0)))  # noqa: E731
    out = [mean, np.sqrt(m2), x.min(), x.max(), np.sqrt((x ** 2).mean()), x.max() - x.min(),
           cross(x), cross(d), m3 / m2 ** 1.5 if m2 > 0 else 0.0,
           m4 / m2 ** 2 - 3 if m2 > 0 else 0.0]
    if bands:
        nfft = 4
        while nfft < n:
            nfft *= 2
        p = np.abs(np.fft.rfft(d, nfft)) ** 2
        k_max = nfft // 2
        for b in range(bands):
            lo, hi = 1 + b * k_max // bands, 1 + (b + 1) * k_max // bands
            out.append(p[lo:hi].sum() / n)
        out.append((1 + int(np.argmax(p[1:k_max + 1]))) * rate / nfft)
    return out


def features(window, bands=4, magnitude=True, rate=1.0):
    """The feature vector of one window [W, C]."""
    return np.array([v for ch in channels_of(window, magnitude)
                     for v in channel_features(ch, bands, rate)])


def stream(samples, window, hop, **kw):
    """Every feature vector a stream of samples [N, C] gives: at sample window, then every hop."""
    return [features(samples[end - window:end], **kw)
            for end in range(window, len(samples) + 1, hop)]
