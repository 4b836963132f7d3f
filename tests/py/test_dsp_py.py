# SPDX-License-Identifier: MIT
# microml.dsp (bindings/common/mml_py_dsp.c) against numpy/scipy on random inputs, on CPython:
# float results within 1e-4 relative (plus an absolute floor scaled by the result's peak), the
# int16 FFT within mml_dsp.h's bound, the microfrontend byte for byte against TFLite Micro's own
# features, the MLPerf KWS front end against a numpy rendering of its training pipeline
# (research/kws-features.md), and the errors. A sample runs on MicroPython too (unix port, the x64
# .mpy, the armv7emsp .mpy on the Cortex-M4F): the script carries the inputs and the values numpy
# computed here.
import json
import subprocess
import wave

import numpy as np
import pytest
import scipy.fft
import scipy.signal

import mmldata

RNG = np.random.default_rng(8)
MICROPYTHON = mmldata.REPO / "build" / "micropython"
WAKEWORD = mmldata.DATA / "testdata" / "wakeword"
SPEECH = mmldata.DATA / "datasets" / "speech_commands_v0.01_subset"


@pytest.fixture(scope="module")
def dsp(microml):
    return microml.dsp


def close(got, want, rtol=1e-4, floor=1e-6):
    """|got - want| <= rtol |want| + floor * peak(want) element-wise."""
    got = np.asarray(got, np.float64).ravel()
    want = np.asarray(want, np.float64).ravel()
    assert got.shape == want.shape, (got.shape, want.shape)
    peak = max(np.abs(want).max(), 1e-30)
    err = np.abs(got - want) - rtol * np.abs(want)
    worst = int(err.argmax())
    assert err[worst] <= floor * peak, \
        f"item {worst}: got {got[worst]!r}, want {want[worst]!r} (peak {peak:.3g})"


def interleave(c):
    out = np.empty(2 * len(c))
    out[0::2], out[1::2] = c.real, c.imag
    return out


# ---- FFT -------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [4, 8, 64, 512, 4096])
def test_rfft_f32(dsp, n):
    x = RNG.standard_normal(n).astype(np.float32)
    f = dsp.RFFT(n)
    got = f(x)
    assert got.dtype == np.float32 and got.shape == (n + 2,)
    # An FFT's error is relative to the spectrum's peak, not to each (possibly tiny) bin.
    close(got, interleave(np.fft.rfft(x.astype(np.float64))), floor=1e-5)
    out = np.zeros(n + 2, np.float32)
    assert f(x, out=out) is out
    assert (out == got).all()
    keep = x.copy()
    f(x)
    assert (x == keep).all()  # x is not used as scratch


@pytest.mark.parametrize("n", [4, 16, 256, 512, 1024])
def test_rfft_s16_bound(dsp, n):
    x = RNG.integers(-32768, 32768, n).astype(np.int16)
    got = dsp.RFFT(n, "h")(x)
    assert got.dtype == np.int16 and got.shape == (n + 2,)
    want = interleave(np.fft.rfft(x.astype(np.float64)) / n)
    k = int(np.log2(n // 2))
    stages = k // 2 + k % 2  # radix 4 while it divides, then 2 (mml_dsp.h)
    assert np.abs(got - want).max() <= stages + 2


# ---- windows, spectra, log -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["hann", "hamming"])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("n", [1, 2, 7, 480, 512])
def test_window(dsp, kind, periodic, n):
    want = scipy.signal.get_window(kind, n, fftbins=periodic)
    close(dsp.window(n, kind, periodic=periodic), want)
    out = np.empty(n, np.float32)
    assert dsp.window(n, kind, periodic=periodic, out=out) is out
    close(out, want)


def test_spectra(dsp):
    c = (RNG.standard_normal(257) + 1j * RNG.standard_normal(257)) * 100
    spec = interleave(c).astype(np.float32)
    c32 = spec[0::2].astype(np.float64) + 1j * spec[1::2]
    close(dsp.power_spectrum(spec), np.abs(c32) ** 2)
    close(dsp.magnitude_spectrum(spec), np.abs(c32))
    # In place: the results go to the front of spec.
    res = spec.copy()
    dsp.magnitude_spectrum(res, out=res[:257])
    close(res[:257], np.abs(c32))


def test_log(dsp):
    x = RNG.uniform(1e-3, 1e3, 1000).astype(np.float32)
    close(dsp.log(x), np.log(x.astype(np.float64)), floor=1e-6)
    close(dsp.log(x, 1.0), np.log(x.astype(np.float64) + 1.0))
    with pytest.raises(ValueError, match=r"x\[2\] \+ offset is not > 0"):
        dsp.log(np.array([1, 2, -3], np.float32))


# ---- mel filterbanks --------------------------------------------------------------------------

def hz_to_mel(f, htk):
    f = np.asarray(f, np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    lin = f / (200.0 / 3)
    return np.where(f >= 1000, 15.0 + np.log(np.maximum(f, 1e-9) / 1000) / (np.log(6.4) / 27), lin)


def mel_to_hz(m, htk):
    m = np.asarray(m, np.float64)
    if htk:
        return 700.0 * (10 ** (m / 2595.0) - 1.0)
    return np.where(m >= 15, 1000 * np.exp(np.log(6.4) / 27 * (m - 15)), m * 200.0 / 3)


def mel_matrix_hz(sr, n_fft, n_mels, fmin, fmax, htk, slaney_norm):
    """librosa.filters.mel's construction, written out: [n_mels, n_fft // 2 + 1]."""
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    pts = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    w = np.zeros((n_mels, len(freqs)))
    for i in range(n_mels):
        lo, mid, hi = pts[i], pts[i + 1], pts[i + 2]
        w[i] = np.maximum(0, np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)))
        if slaney_norm:
            w[i] *= 2.0 / (hi - lo)
    return w


def mel_matrix_tf(sr, n_fft, n_mels, fmin, fmax):
    """tf.signal.linear_to_mel_weight_matrix, written out (HTK, triangles on the mel scale)."""
    bins = np.arange(n_fft // 2 + 1) * sr / n_fft
    m = 1127.0 * np.log1p(bins / 700.0)
    edges = np.linspace(1127.0 * np.log1p(fmin / 700.0), 1127.0 * np.log1p(fmax / 700.0),
                        n_mels + 2)
    w = np.zeros((n_mels, len(bins)))
    for i in range(n_mels):
        lo, mid, hi = edges[i], edges[i + 1], edges[i + 2]
        w[i] = np.maximum(0, np.minimum((m - lo) / (mid - lo), (hi - m) / (hi - mid)))
    w[:, 0] = 0.0  # the DC bin
    return w


@pytest.mark.parametrize("scale, norm", [("htk", None), ("slaney", None), ("slaney", "slaney"),
                                         ("htk", "slaney")])
def test_mel_hz(dsp, scale, norm):
    mel = dsp.MelFilterbank(16000, 512, 40, 0.0, 8000.0, scale=scale, norm=norm)
    spec = RNG.uniform(0, 10, 257).astype(np.float32)
    w = mel_matrix_hz(16000, 512, 40, 0.0, 8000.0, scale == "htk", norm == "slaney")
    close(mel(spec), w @ spec.astype(np.float64))


def test_mel_tf(dsp):
    mel = dsp.MelFilterbank(16000, 512, 40, 20, 4000, shape="tf")
    spec = RNG.uniform(0, 10, 257).astype(np.float32)
    close(mel(spec), mel_matrix_tf(16000, 512, 40, 20, 4000) @ spec.astype(np.float64))


def test_mel_default_fmax(dsp):
    mel = dsp.MelFilterbank(8000, 256, 20)
    spec = RNG.uniform(0, 1, 129).astype(np.float32)
    close(mel(spec), mel_matrix_hz(8000, 256, 20, 0.0, 4000.0, True, False) @ spec)


# ---- DCT, MFCC ---------------------------------------------------------------------------------

@pytest.mark.parametrize("norm", [None, "ortho", "tf"])
@pytest.mark.parametrize("n_in, n_out", [(40, 10), (13, 13), (64, 1)])
def test_dct(dsp, norm, n_in, n_out):
    x = RNG.standard_normal(n_in).astype(np.float32)
    want = scipy.fft.dct(x.astype(np.float64), type=2, norm="ortho" if norm == "ortho" else None)
    if norm == "tf":
        want = want / np.sqrt(2 * n_in)
    close(dsp.DCT(n_in, n_out, norm=norm)(x), want[:n_out], floor=1e-6)


@pytest.mark.parametrize("power", [False, True])
def test_mfcc(dsp, power):
    fft, n_mels = dsp.RFFT(512), 40
    mel = dsp.MelFilterbank(16000, 512, n_mels, 20, 4000, shape="tf")
    dct = dsp.DCT(n_mels, 13, norm="ortho")
    mfcc = dsp.MFCC(fft, mel, dct, frame_len=400, window="hamming", power=power, log_offset=1e-3)
    del fft, mel, dct  # the MFCC keeps the tables it borrows alive
    frame = RNG.standard_normal(400).astype(np.float32)
    x = np.zeros(512)
    x[:400] = frame * scipy.signal.get_window("hamming", 400)
    spec = np.abs(np.fft.rfft(x)) ** (2 if power else 1)
    logmel = np.log(mel_matrix_tf(16000, 512, n_mels, 20, 4000) @ spec + 1e-3)
    want = scipy.fft.dct(logmel, type=2, norm="ortho")[:13]
    close(mfcc(frame), want, floor=1e-5)


# ---- IIR ----------------------------------------------------------------------------------------

def test_sosfilt_state_carried(dsp):
    sos = scipy.signal.butter(6, [0.1, 0.3], btype="band", output="sos")
    x = RNG.standard_normal(1000).astype(np.float32)
    want = scipy.signal.sosfilt(sos, x.astype(np.float64))
    f = dsp.SOSFilter(sos)  # float64 (n, 6) from scipy
    got = np.concatenate([f(x[:333]), f(x[333:700]), f(x[700:])])
    close(got, want, floor=1e-5)
    f.reset()
    close(f(x[:100]), want[:100], floor=1e-5)
    # In place, and a flat list of float32 values.
    g = dsp.SOSFilter([float(v) for v in sos.ravel()])
    y = x.copy()
    assert g(y, out=y) is y
    close(y, want, floor=1e-5)


# ---- whole-window front ends ------------------------------------------------------------------

def read_wav(path):
    with wave.open(str(path)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), "<i2")


def mlperf_reference(samples):
    """MLPerf Tiny KWS features (kws-features.md) in float64 numpy: [49, 10]."""
    wav = np.zeros(16000)
    wav[:len(samples)] = samples[:16000]
    peak = wav.max()
    wav = wav / peak if peak > 0 else np.zeros(16000)
    win = scipy.signal.get_window("hann", 480)
    frames = np.stack([wav[f * 320:f * 320 + 480] * win for f in range(49)])
    mag = np.abs(np.fft.rfft(frames, 512))
    logmel = np.log(mag @ mel_matrix_tf(16000, 512, 40, 20, 4000).T + 1e-6)
    return (scipy.fft.dct(logmel, type=2, axis=1) / np.sqrt(80))[:, :10]


def test_mlperf_features_match_reference(dsp):
    kws = dsp.MLPerfKWS()
    wavs = sorted(SPEECH.glob("*/*.wav"))[::25]
    assert len(wavs) >= 6
    for wav in wavs:
        x = read_wav(wav)
        got = kws(x[:16000])
        # Small coefficients (differences of large logs) get an absolute floor at 1e-6 of the
        # features' peak (~20-40).
        close(got, mlperf_reference(x), rtol=1e-4, floor=1e-6)


def test_mlperf_quantized_and_silence(dsp, microml):
    model = microml.Model((mmldata.DATA / "models" / "mlcommons-tiny" /
                           "kws_ref_model.tflite").read_bytes())
    info = model.inputs[0]
    kws = dsp.MLPerfKWS(scale=info.scale, zero_point=info.zero_point)
    x = read_wav(sorted((SPEECH / "yes").glob("*.wav"))[0])
    q = kws(x)
    assert q.dtype == np.int8 and q.shape == (490,)
    f = mlperf_reference(x).ravel() / info.scale + info.zero_point
    want = np.trunc(np.clip(f, -128, 127))
    safe = np.abs(f - np.round(f)) > 1e-3  # away from a rounding boundary
    assert (q[safe] == want[safe]).all()
    assert np.abs(q.astype(int) - want).max() <= 1
    assert model.argmax(q) == 9  # "Yes"
    # All-zero input: defined features (no division by zero: the clip is left at zero), the
    # same as the reference's; coefficient 0 of each frame at the bottom of the int8 range.
    z = kws(np.zeros(16000, np.int16))
    close(dsp.MLPerfKWS()(np.zeros(16000, np.int16)), mlperf_reference(np.zeros(16000)).ravel())
    assert (z.reshape(49, 10)[:, 0] == -128).all() and (z.reshape(49, 10)[:, 1:] == 83).all()
    # Fewer samples are zero-padded; out= takes a bytearray.
    out = bytearray(490)
    assert kws(x[:8000], out=out) is out
    assert bytes(out) == kws(np.concatenate([x[:8000], np.zeros(8000, np.int16)])).tobytes()


def test_micro_frontend_equals_tflm(dsp):
    index = json.loads((WAKEWORD / "index.json").read_text())
    clips = sorted(index["clips"])[::20]
    assert len(clips) >= 5
    fe = dsp.MicroFrontend(10)
    for clip in clips:
        rel = index["clips"][clip]["wav"]
        path = WAKEWORD / rel if (WAKEWORD / rel).is_file() else mmldata.DATA / rel
        x = read_wav(path)
        fe.reset()
        # Any chunking gives the same rows; with out= the call returns the rows it wrote.
        rows = [fe(x[:1000])]
        out = np.zeros(40 * (len(x) // 160 + 1), np.int8)
        n = fe(x[1000:], out=out)
        got = np.concatenate([rows[0], out[:40 * n]])
        want = np.frombuffer((WAKEWORD / "features_10ms" / f"{clip}.features.bin").read_bytes(),
                             np.int8)
        assert len(got) == 40 * index["clips"][clip]["frames_10ms"]
        assert (got == want).all(), clip


# ---- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, words", [
    (lambda d: d.RFFT(512)(np.zeros(500, np.float32)), ValueError, "x needs 512 values, got 500"),
    (lambda d: d.RFFT(512)(np.zeros(512)), TypeError, "typecode 'f' (float32), got 'd'"),
    (lambda d: d.RFFT(512)([0.0] * 512), TypeError, "array of typecode 'f'"),
    (lambda d: d.RFFT(64, "h")(np.zeros(64, np.float32)), TypeError, "'h' (int16), got 'f'"),
    (lambda d: d.RFFT(300), ValueError, "power of two in [4, 4096], got 300"),
    (lambda d: d.RFFT(64, "d"), ValueError, "typecode must be one of 'f', 'h'"),
    (lambda d: d.RFFT(8)(np.zeros(8, np.float32), out=np.zeros(9, np.float32)), ValueError,
     "out needs 10 values, got 9"),
    (lambda d: d.RFFT(8)(np.zeros(8, np.float32), out=bytes(40)), ValueError, "writable"),
    (lambda d: d.MLPerfKWS()(np.zeros(16001, np.int16)), ValueError,
     "at most 16000 values, got 16001"),
    (lambda d: d.MLPerfKWS(scale=0.5)(np.zeros(100, np.int16), out=np.zeros(490, np.int16)),
     TypeError, "out must have typecode 'b' (int8), got 'h'"),
    (lambda d: d.MLPerfKWS(scale=-1.0), ValueError, "scale must be > 0"),
    (lambda d: d.MelFilterbank(16000, 512, 40, 20, 9000), ValueError, "fmax <= sample_rate / 2"),
    (lambda d: d.MelFilterbank(16000, 512, 200), ValueError, "n_mels must be in [1, 128], got 200"),
    (lambda d: d.MelFilterbank(16000, 512, 40, scale="mel"), ValueError, "'htk', 'slaney'"),
    (lambda d: d.DCT(10, 11), ValueError, "n_in 10, n_out 11"),
    (lambda d: d.MFCC(d.RFFT(256), d.MelFilterbank(16000, 512, 40), d.DCT(40, 10)), ValueError,
     "RFFT has n 256, the MelFilterbank n_fft 512"),
    (lambda d: d.MFCC(1, 2, 3), TypeError, "a float32 RFFT, a MelFilterbank and a DCT"),
    (lambda d: d.SOSFilter(np.zeros(7)), ValueError, "got 7 values"),
    (lambda d: d.SOSFilter([1, 0, 0, 0, 0, 0]), ValueError, "section 0 has a0 == 0"),
    (lambda d: d.MicroFrontend(40), ValueError, "step_ms must be in [1, 30], got 40"),
    (lambda d: d.MicroFrontend()(np.zeros(480, np.int16), out=np.zeros(39, np.int8)), ValueError,
     "room for 40 values, got 39"),
    (lambda d: d.power_spectrum(np.zeros(5, np.float32)), ValueError, "even number"),
    (lambda d: d.MicroFrontend()(bytes(7)), ValueError, "x has 7 bytes: not a whole number"),
    (lambda d: d.RFFT(4, "h")(memoryview(bytearray(10))[1:9]), ValueError, "2-byte aligned"),
    (lambda d: d.window(0), ValueError, "n must be in [1, 65536], got 0"),
    (lambda d: d.DCT(8)(*[np.zeros(8, np.float32)] * 2), ValueError, "must not overlap"),
])
def test_errors(dsp, call, exc, words):
    with pytest.raises(exc) as e:
        call(dsp)
    assert words in str(e.value)


def test_repr_and_numpy_free_results(dsp):
    assert repr(dsp.RFFT(512)) == "<microml.dsp.RFFT 512 float32 -> 514 float32>"
    assert repr(dsp.MicroFrontend()) == "<microml.dsp.MicroFrontend -> rows of 40 int8>"
    assert isinstance(dsp.RFFT(8), dsp.Transform)


# ---- the same on MicroPython: unix port, x64 .mpy, armv7emsp .mpy on the Cortex-M4F ----------------------------------------------------

MPY_SCRIPT = """
import array, microml
d = microml.dsp
def close(got, want, rtol, floor):
    peak = max(abs(v) for v in want)
    worst = max(abs(g - w) - rtol * abs(w) for g, w in zip(got, want))
    return len(got) == len(want) and worst <= floor * peak
x = array.array('f', {x})
print('rfft', close(d.RFFT({n})(x), {rfft}, 1e-4, 1e-5))
x16 = array.array('h', {x16})
print('rfft16', max(abs(a - b) for a, b in zip(d.RFFT({n}, 'h')(x16), {rfft16})) <= {bound})
print('window', close(d.window(480, 'hamming', periodic=False), {win}, 1e-4, 1e-6))
mel = d.MelFilterbank(16000, 512, 40, 20, 4000, shape='tf')
spec = array.array('f', {spec})
print('mel', close(mel(spec), {mel}, 1e-4, 1e-6))
print('dct', close(d.DCT(40, 10, norm='ortho')(array.array('f', {dx})), {dct}, 1e-4, 1e-6))
sos = d.SOSFilter(sos=array.array('f', {sos}))
y = sos(array.array('f', {sx}[:50]))
y2 = sos(array.array('f', {sx}[50:]))
print('sos', close(list(y) + list(y2), {sy}, 1e-4, 1e-5))
out = array.array('f', [0] * 257)
print('power', d.power_spectrum(array.array('f', {pspec}), out=out) is out and close(out, {power}, 1e-4, 1e-6))
kws = d.MLPerfKWS()
print('mlperf', close(kws(array.array('h', {wav})), {mlperf}, 1e-4, 1e-6))
# With out= nothing is allocated: the same calls with the heap locked.
import micropython
f8, x8, y8 = d.RFFT(8), array.array('f', range(8)), array.array('f', [0] * 10)
feats, rows = bytearray(490), bytearray(40 * 60)
kq, fe, wv = d.MLPerfKWS(scale=0.5, zero_point=0), d.MicroFrontend(step_ms=20), array.array('h', {wav})
micropython.heap_lock()
try:
    f8(x8, y8)
    d.log(x8, 1.0, x8)
    kq(wv, out=feats)
    n = fe(wv, rows)
    ok = n == 49
except MemoryError:
    ok = False
micropython.heap_unlock()
print('noalloc', ok)
try:
    d.RFFT(512)(array.array('f', [0] * 500))
except ValueError as e:
    print('error', e)
"""


# Faces: (binary or board, the .mpy it loads as microml or None: built in, make target).
FACES = {
    "unix": (MICROPYTHON, None, "micropython"),
    "unix-x64mpy": (mmldata.REPO / "build" / "micropython-stock",
                    mmldata.REPO / "build" / "mpy" / "x64" / "microml.mpy", "micropython mpy"),
    "an386-armv7emsp": ("MPS2_AN386", mmldata.REPO / "build" / "mpy" / "armv7emsp" / "microml.mpy",
                        "qemu-MPS2_AN386 mpy"),
}


@pytest.mark.parametrize("face", FACES)
def test_sample_on_micropython(tmp_path, face):
    binary, mpy, target = FACES[face]
    for need in (mmldata.REPO / "build" / "qemu" / "MPS2_AN386" / "firmware.elf"
                 if binary == "MPS2_AN386" else binary, mpy):
        if need is not None and not need.exists():
            pytest.fail(f"{need} missing; run `make {target}` first")
    n = 256
    x = RNG.standard_normal(n).astype(np.float32)
    x16 = RNG.integers(-20000, 20000, n).astype(np.int16)
    k = int(np.log2(n // 2))
    spec = RNG.uniform(0, 10, 257).astype(np.float32)
    dx = RNG.standard_normal(40).astype(np.float32)
    sos = scipy.signal.butter(4, 0.2, output="sos").astype(np.float32)
    sx = RNG.standard_normal(120).astype(np.float32)
    pc = (RNG.standard_normal(514) * 10).astype(np.float32)
    wav = read_wav(sorted((SPEECH / "go").glob("*.wav"))[0])[:16000]
    lst = lambda a: repr([float(v) for v in np.ravel(a)])  # noqa: E731
    script = MPY_SCRIPT.format(
        n=n, x=lst(x), rfft=lst(interleave(np.fft.rfft(x.astype(np.float64)))),
        x16=repr([int(v) for v in x16]),
        rfft16=lst(interleave(np.fft.rfft(x16.astype(np.float64)) / n)), bound=k // 2 + k % 2 + 2,
        win=lst(scipy.signal.get_window("hamming", 480, fftbins=False)),
        spec=lst(spec), mel=lst(mel_matrix_tf(16000, 512, 40, 20, 4000) @ spec),
        dx=lst(dx), dct=lst(scipy.fft.dct(dx.astype(np.float64), norm="ortho")[:10]),
        sos=lst(sos), sx=lst(sx), sy=lst(scipy.signal.sosfilt(sos.astype(np.float64), sx)),
        pspec=lst(pc), power=lst(pc[0::2].astype(np.float64) ** 2 + pc[1::2].astype(np.float64) ** 2),
        wav=repr([int(v) for v in wav]), mlperf=lst(mlperf_reference(wav)))
    (tmp_path / "dsp_sample.py").write_text(script)
    env = None
    if binary == "MPS2_AN386":
        cmd = [str(mmldata.REPO / "tools" / "run-on-qemu"), "MPS2_AN386",
               str(tmp_path / "dsp_sample.py"), "--mpy", str(mpy), "--timeout", "300"]
    else:
        cmd = [str(binary), "-X", "heapsize=8M", str(tmp_path / "dsp_sample.py")]
        if mpy is not None:
            env = {"MICROPYPATH": str(mpy.parent)}
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=400, env=env)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[:-1] == [f"{w} True" for w in
                          ["rfft", "rfft16", "window", "mel", "dct", "sos", "power", "mlperf",
                           "noalloc"]], p.stdout
    assert lines[-1] == "error x needs 512 values, got 500"
