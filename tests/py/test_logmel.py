# SPDX-License-Identifier: MIT
# microml.log_mel (src/dsp/logmel.c) against numpy's implementation of librosa's algorithm
# (librosa.feature.melspectrogram: centred frames padded by numpy.pad, periodic Hann, |rfft|^2,
# librosa.filters.mel with Slaney scale and norm, then mlcommons/tiny's 10 log10(mel + eps)) on
# real speech (16-bit wav) and on random float32 audio; both paddings, int16 and float32 input.
import array
import wave

import numpy as np
import pytest
import scipy.signal

import mmldata

EPS = np.finfo(np.float64).eps


def slaney_mel(f):
    f = np.asarray(f, dtype=np.float64)
    lin = f / (200.0 / 3)
    log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log, lin)


def slaney_hz(m):
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp(np.log(6.4) / 27.0 * (m - 15.0)), m * 200.0 / 3)


def librosa_mel_basis(sr, n_fft, n_mels, fmin, fmax):
    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    pts = slaney_hz(np.linspace(slaney_mel(fmin), slaney_mel(fmax), n_mels + 2))
    w = np.zeros((n_mels, len(freqs)))
    for i in range(n_mels):
        lower = (freqs - pts[i]) / (pts[i + 1] - pts[i])
        upper = (pts[i + 2] - freqs) / (pts[i + 2] - pts[i + 1])
        w[i] = np.maximum(0, np.minimum(lower, upper))
    return w * (2.0 / (pts[2:] - pts[:-2]))[:, None]


def reference(y, sr=16000, n_fft=1024, hop=512, n_mels=128, pad="reflect", center=True):
    y = np.asarray(y, dtype=np.float64)
    if center:
        y = np.pad(y, n_fft // 2, mode=pad)
    n = 1 + (len(y) - n_fft) // hop
    win = scipy.signal.get_window("hann", n_fft, fftbins=True)
    frames = np.stack([y[t * hop:t * hop + n_fft] * win for t in range(n)])
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    mel = power @ librosa_mel_basis(sr, n_fft, n_mels, 0.0, sr / 2).T
    return 10.0 * np.log10(mel + EPS)


def speech():
    path = mmldata.DATA / "datasets/pocketsphinx_testdata/cards/002.wav"
    with wave.open(str(path)) as w:
        assert w.getframerate() == 16000 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def check(got, want, n_mels):
    got = np.asarray(got, dtype=np.float64).reshape(-1, n_mels)
    assert got.shape == want.shape
    # dB: within 0.01 dB where the band has power (above -100 dB); float32 spectra of near-silent
    # bands carry a larger relative error, so those only within 0.5 dB
    loud = want > -100.0
    assert np.max(np.abs(got - want)[loud]) < 0.01
    assert np.max(np.abs(got - want)) < 0.5
    return got


@pytest.mark.parametrize("pad", ["reflect", "constant"])
def test_speech_int16(microml, pad):
    x = speech()
    got = microml.log_mel(array.array("h", x.tobytes()), pad=pad)
    check(got, reference(x / 32768.0, pad=pad), 128)


def test_float32_and_other_settings(microml):
    rng = np.random.default_rng(3)
    x = (0.3 * rng.standard_normal(7000)).astype(np.float32)
    got = microml.log_mel(x, n_fft=512, hop=160, n_mels=40)
    check(got, reference(x, n_fft=512, hop=160, n_mels=40), 40)
    got = microml.log_mel(x, center=False)
    check(got, reference(x, center=False), 128)
    # int16 and the same values as float32 agree
    s = speech()[:20000]
    a = np.asarray(microml.log_mel(array.array("h", s.tobytes())))
    b = np.asarray(microml.log_mel((s / 32768.0).astype(np.float32)))
    assert np.max(np.abs(a - b)) < 1e-4


def test_errors(microml):
    with pytest.raises(ValueError, match="power of two"):
        microml.log_mel(array.array("h", bytes(4000)), n_fft=1000)
    with pytest.raises(ValueError, match="pad"):
        microml.log_mel(array.array("h", bytes(4000)), pad="edge")
    with pytest.raises(ValueError, match="no frame"):
        microml.log_mel(array.array("h", bytes(600)))  # 300 samples <= n_fft / 2 to reflect
    with pytest.raises(TypeError):
        microml.log_mel(array.array("i", bytes(4000)))
    with pytest.raises(TypeError):
        microml.log_mel(b"\0" * 4000)
