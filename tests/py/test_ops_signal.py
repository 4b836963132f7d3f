# SPDX-License-Identifier: MIT
# Single-op models of TFLite Micro's signal-library custom ops (src/nn/kernels/signal_*.c),
# built with python/microml_tools/tflite_writer.py and run through the CLI, against numpy
# re-statements of TFLM's signal/src arithmetic (integers exactly; the int16 FFT within its
# documented error bound of numpy's FFT, its exact bits being checked by the audio_preprocessor
# vectors); the stateful ops invoked several times on one instance; every option checked with a
# clear "op 0 SignalX: ..." error.
import math
import zlib

import numpy as np
import pytest
from flatbuffers import flexbuffers

from tflite_ops import ModelBuilder, run, run_fails, run_frames

TT = {"float32": 0, "int32": 2, "int16": 7}  # TFLite TensorType codes (option T)


def rng_of(*args):
    return np.random.default_rng(zlib.crc32(repr(args).encode()))


def custom(mb, code, ins, outs, opts):
    mb.op("CUSTOM", ins, outs, custom_code=code,
          custom_options=None if opts is None else flexbuffers.Dumps(opts))


# -- SignalWindow --------------------------------------------------------------------------------

@pytest.mark.parametrize("shift", [0, 12, 15])
def test_window(shift):
    rng = rng_of("window", shift)
    x = rng.integers(-32768, 32768, (3, 32)).astype(np.int16)
    w = rng.integers(-32768, 32768, 32).astype(np.int16)
    mb = ModelBuilder()
    i = mb.tensor([3, 32], "int16")
    wt = mb.tensor([32], "int16", data=w.tobytes())
    o = mb.tensor([3, 32], "int16")
    custom(mb, "SignalWindow", [i, wt], [o], {"shift": shift})
    got, = run(mb, [i], [o], [x])
    want = np.clip((x.astype(np.int64) * w) >> shift, -32768, 32767)
    np.testing.assert_array_equal(got, want)


# -- SignalFftAutoScale --------------------------------------------------------------------------

def auto_scale_ref(x):
    m = 0  # TFLM's running maximum, int16 wrap of -(-32768) included
    for v in x.tolist():
        if v > m:
            m = v
        elif -v > m:
            m = np.int16(np.uint16(-v & 0xFFFF)).item()
    msb = 32 if m == 0 else (m & 0xFFFFFFFF).bit_length()
    bits = max(16 - msb - 1, 0)
    return (x.astype(np.int64) << bits).astype(np.int16), bits


@pytest.mark.parametrize("case", ["random", "small", "zeros", "min", "one"])
def test_fft_auto_scale(case):
    rng = rng_of("autoscale", case)
    x = {"random": rng.integers(-3000, 3000, 64), "small": rng.integers(-3, 4, 64),
         "zeros": np.zeros(64), "one": np.eye(1, 64, 5)[0],
         "min": np.concatenate([[-32768], rng.integers(-100, 100, 63)])}[case].astype(np.int16)
    mb = ModelBuilder()
    i, o, s = mb.tensor([64], "int16"), mb.tensor([64], "int16"), mb.tensor([], "int32")
    custom(mb, "SignalFftAutoScale", [i], [o, s], None)
    y, bits = run(mb, [i], [o, s], [x])
    want, want_bits = auto_scale_ref(x)
    assert int(bits) == want_bits
    np.testing.assert_array_equal(y, want)


# -- SignalRfft ----------------------------------------------------------------------------------

def rfft_model(dtype, frames, in_len, n):
    mb = ModelBuilder()
    i = mb.tensor([frames, in_len], dtype)
    o = mb.tensor([frames, n + 2], dtype)
    custom(mb, "SignalRfft", [i], [o], {"T": TT[dtype], "fft_length": n})
    return mb, i, o


@pytest.mark.parametrize("n,in_len", [(8, 8), (64, 50), (512, 480), (1024, 1024)])
def test_rfft_int16(n, in_len):
    rng = rng_of("rfft16", n)
    x = rng.integers(-32768, 32768, (2, in_len)).astype(np.int16)
    mb, i, o = rfft_model("int16", 2, in_len, n)
    got, = run(mb, [i], [o], [x])
    want = np.fft.rfft(x.astype(np.float64), n) / n
    got_c = got[:, 0::2].astype(np.float64) + 1j * got[:, 1::2]
    stages = int(math.log(n // 2, 4) + 1) + 2  # radix stages plus the real split
    assert np.max(np.abs(got_c - want)) <= stages + 2, np.max(np.abs(got_c - want))


@pytest.mark.parametrize("n", [4, 32, 256])
def test_rfft_int32(n):
    rng = rng_of("rfft32", n)
    x = rng.integers(-2 ** 30, 2 ** 30, (3, n)).astype(np.int32)
    mb, i, o = rfft_model("int32", 3, n, n)
    got, = run(mb, [i], [o], [x])
    want = np.fft.rfft(x.astype(np.float64), n) / n
    got_c = got[:, 0::2].astype(np.float64) + 1j * got[:, 1::2]
    assert np.max(np.abs(got_c - want)) <= 8, np.max(np.abs(got_c - want))


@pytest.mark.parametrize("n,in_len", [(16, 16), (256, 200)])
def test_rfft_float(n, in_len):
    rng = rng_of("rfftf", n)
    x = rng.standard_normal((2, in_len)).astype(np.float32)
    mb, i, o = rfft_model("float32", 2, in_len, n)
    got, = run(mb, [i], [o], [x])
    want = np.fft.rfft(x.astype(np.float64), n)
    got_c = got[:, 0::2].astype(np.float64) + 1j * got[:, 1::2]
    np.testing.assert_allclose(got_c, want, rtol=1e-4, atol=1e-4 * np.max(np.abs(want)))


# -- SignalEnergy --------------------------------------------------------------------------------

def test_energy():
    rng = rng_of("energy")
    x = rng.integers(-32768, 32768, 2 * 33).astype(np.int16)
    x[:2] = -32768  # the largest power, 2^31, wraps nothing in uint32
    mb = ModelBuilder()
    i, o = mb.tensor([66], "int16"), mb.tensor([33], "uint32")
    custom(mb, "SignalEnergy", [i], [o], {"start_index": 0, "end_index": 30})
    got, = run(mb, [i], [o], [x])
    re, im = x[0::2].astype(np.int64), x[1::2].astype(np.int64)
    want = ((re * re + im * im) & 0xFFFFFFFF).astype(np.uint32)
    want[30:] = 0
    np.testing.assert_array_equal(got, want)


# -- SignalFilterBank ----------------------------------------------------------------------------

def test_filter_bank():
    rng = rng_of("fb")
    ch, bins = 6, 40
    starts = np.array([1, 4, 9, 14, 20, 27, 33], np.int16)
    widths = np.array([3, 5, 5, 6, 7, 6, 5], np.int16)
    wstarts = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.int16)
    nw = int(widths.sum())
    w = rng.integers(0, 4096, nw).astype(np.int16)
    uw = (4096 - w).astype(np.int16)
    x = rng.integers(0, 2 ** 32, bins, dtype=np.uint64).astype(np.uint32)
    mb = ModelBuilder()
    i = mb.tensor([bins], "uint32")
    ts = [mb.tensor([len(a)], "int16", data=a.tobytes()) for a in (w, uw, starts, wstarts, widths)]
    o = mb.tensor([ch], "uint64")
    custom(mb, "SignalFilterBank", [i] + ts, [o], {"num_channels": ch})
    got, = run(mb, [i], [o], [x])
    acc = [0] * (ch + 1)
    carry = 0
    for c in range(ch + 1):
        s = carry
        carry = 0
        for j in range(int(widths[c])):
            v = int(x[starts[c] + j])
            s += int(w[wstarts[c] + j]) * v
            carry += int(uw[wstarts[c] + j]) * v
        acc[c] = s % 2 ** 64
    np.testing.assert_array_equal(got, np.array(acc[1:], np.uint64))


# -- SignalFilterBankSquareRoot ------------------------------------------------------------------

def sqrt_ref(v):
    r = math.isqrt(v)
    top = 0xFFFF if v < 2 ** 32 else 0xFFFFFFFF
    return r + 1 if v - r * r > r and r != top else r


@pytest.mark.parametrize("shift", [0, 3, 7])
def test_filter_bank_square_root(shift):
    rng = rng_of("sqrt", shift)
    x = np.concatenate([rng.integers(0, 2 ** 32, 10, dtype=np.uint64),
                        rng.integers(2 ** 32, 2 ** 63, 10, dtype=np.uint64),
                        np.array([0, 1, 2, 3, 2 ** 32 - 1, 2 ** 32, 2 ** 64 - 1], np.uint64)])
    mb = ModelBuilder()
    i, s, o = mb.tensor([len(x)], "uint64"), mb.tensor([], "int32"), mb.tensor([len(x)], "uint32")
    custom(mb, "SignalFilterBankSquareRoot", [i, s], [o], None)
    got, = run(mb, [i, s], [o], [x, np.int32(shift)])
    want = np.array([sqrt_ref(int(v)) >> shift for v in x], np.uint32)
    np.testing.assert_array_equal(got, want)


# -- SignalFilterBankSpectralSubtraction ---------------------------------------------------------

SS_OPTS = {"alternate_one_minus_smoothing": 15401, "alternate_smoothing": 983, "clamping": False,
           "min_signal_remaining": 819, "num_channels": 8, "one_minus_smoothing": 15975,
           "smoothing": 409, "smoothing_bits": 10, "spectral_subtraction_bits": 14}


@pytest.mark.parametrize("clamping", [False, True])
def test_spectral_subtraction(clamping):
    opts = dict(SS_OPTS, clamping=clamping)
    rng = rng_of("ss", clamping)
    frames = [rng.integers(0, 2 ** 20, 8).astype(np.uint32) for _ in range(6)]
    frames[4][:] = 0  # the estimate above the signal
    mb = ModelBuilder()
    i, o, n = (mb.tensor([8], "uint32") for _ in range(3))
    custom(mb, "SignalFilterBankSpectralSubtraction", [i], [o, n], opts)
    got = run_frames(mb, [i], [o, n], [[f] for f in frames])
    est = [0] * 8
    for f, (y, e) in zip(frames, got):
        want = []
        for c in range(8):
            s, oms = ((opts["smoothing"], opts["one_minus_smoothing"]) if c % 2 == 0 else
                      (opts["alternate_smoothing"], opts["alternate_one_minus_smoothing"]))
            up = (int(f[c]) << opts["smoothing_bits"]) & 0xFFFFFFFF
            est[c] = ((up * s + est[c] * oms) >> opts["spectral_subtraction_bits"]) & 0xFFFFFFFF
            e_used = est[c]
            if e_used > up:
                e_used = up
                if clamping:
                    est[c] = up
            floor = (int(f[c]) * opts["min_signal_remaining"]) >> opts["spectral_subtraction_bits"]
            want.append(max((up - e_used) >> opts["smoothing_bits"], floor & 0xFFFFFFFF))
        np.testing.assert_array_equal(y, np.array(want, np.uint32))
        np.testing.assert_array_equal(e, np.array(est, np.uint32))


# -- SignalPCAN ----------------------------------------------------------------------------------

def s32(v):
    v &= 0xFFFFFFFF
    return v - 2 ** 32 if v >= 2 ** 31 else v


def pcan_ref(x, noise, lut, snr_shift):
    out = []
    for v, e in zip(x.tolist(), noise.tolist()):
        if e <= 2:
            g = int(lut[e])
        else:
            k = e.bit_length()
            base = 4 * k - 6
            frac = ((e << (11 - k)) if k < 11 else (e >> (k - 11))) & 0x3FF
            r = (int(lut[base + 2]) * frac) >> 5
            r = s32(r + (int(lut[base + 1]) << 5))
            r = s32(r * frac)
            r = s32(r + (1 << 14)) >> 15
            g = ((r + int(lut[base]) + 32768) & 0xFFFF) - 32768  # returned as int16
        gain = g & 0xFFFFFFFF
        snr = ((v * gain) >> snr_shift) & 0xFFFFFFFF
        out.append((snr * snr) >> 20 if snr < (2 << 12) else (snr >> 6) - 64)
    return np.array([o & 0xFFFFFFFF for o in out], np.uint32)


def test_pcan():
    rng = rng_of("pcan")
    lut = rng.integers(-2000, 8000, 125).astype(np.int16)
    x = rng.integers(0, 2 ** 16, 40).astype(np.uint32)
    noise = np.concatenate([[0, 1, 2, 3, 1000, 2 ** 31, 2 ** 32 - 1],
                            rng.integers(0, 2 ** 32, 33, dtype=np.uint64)]).astype(np.uint32)
    mb = ModelBuilder()
    i, n = mb.tensor([40], "uint32"), mb.tensor([40], "uint32")
    lt = mb.tensor([125], "int16", data=lut.tobytes())
    o = mb.tensor([40], "uint32")
    custom(mb, "SignalPCAN", [i, n, lt], [o], {"snr_shift": 6})
    got, = run(mb, [i, n], [o], [x, noise])
    np.testing.assert_array_equal(got, pcan_ref(x, noise, lut, 6))


# -- SignalFilterBankLog -------------------------------------------------------------------------

LOG_LUT = [int(math.floor((math.log2(1 + i / 128) - i / 128) * 65536 + 0.5)) for i in range(129)] + [0]


def log_ref(x, scale):
    integer = x.bit_length() - 1
    frac = x - (1 << integer)
    frac = frac << (16 - integer) if integer < 16 else frac >> (integer - 16)
    seg = frac >> 9
    c0, c1 = LOG_LUT[seg], LOG_LUT[seg + 1]
    rel = ((c1 - c0) * (frac - 512 * seg)) >> 16
    log2 = (integer << 16) + frac + c0 + rel
    ln = (45426 * log2 + 32768) >> 16
    return (((scale * ln) & 0xFFFFFFFF) + 32768) >> 16


@pytest.mark.parametrize("bits,scale", [(3, 64), (0, 1600), (8, 1 << 14)])
def test_filter_bank_log(bits, scale):
    rng = rng_of("log", bits)
    x = np.concatenate([[0, 1, 2, 3, 2 ** 32 - 1], rng.integers(0, 2 ** 20, 35)]).astype(np.uint32)
    mb = ModelBuilder()
    i, o = mb.tensor([40], "uint32"), mb.tensor([40], "int16")
    custom(mb, "SignalFilterBankLog", [i], [o], {"input_correction_bits": bits,
                                                 "output_scale": scale})
    got, = run(mb, [i], [o], [x])
    want = []
    for v in x.tolist():
        s = (v << bits) & 0xFFFFFFFF
        want.append(min(log_ref(s, scale), 32767) if s > 1 else 0)
    np.testing.assert_array_equal(got, np.array(want, np.int16))


# -- stateful stream ops: Framer, Stacker, Delay, OverlapAdd -------------------------------------

@pytest.mark.parametrize("size,step,prefill", [(5, 2, True), (5, 2, False), (6, 3, False),
                                               (2, 4, False)])
def test_framer(size, step, prefill):
    rng = rng_of("framer", size, step, prefill)
    rows, per = 2, 2 * step
    frames = [rng.integers(-999, 999, (rows, per)).astype(np.int16) for _ in range(5)]
    mb = ModelBuilder()
    i = mb.tensor([rows, per], "int16")
    o = mb.tensor([rows, per // step, size], "int16")
    v = mb.tensor([], "bool")
    custom(mb, "SignalFramer", [i], [o, v], {"frame_size": size, "frame_step": step,
                                             "prefill": prefill})
    got = run_frames(mb, [i], [o, v], [[f] for f in frames])
    streams = [[0] * (size - step) if prefill else [] for _ in range(rows)]
    for f, (y, valid) in zip(frames, got):
        ok = True
        want = np.zeros((rows, per // step, size), np.int16)
        for r in range(rows):
            for k in range(per // step):
                streams[r] += f[r, k * step:(k + 1) * step].tolist()
                if len(streams[r]) >= size:
                    want[r, k] = streams[r][:size]
                    streams[r] = streams[r][step:]
                else:
                    ok = False
        assert bool(valid) == ok
        np.testing.assert_array_equal(y, want)


@pytest.mark.parametrize("left,right,step", [(2, 1, 1), (0, 0, 1), (1, 2, 3), (3, 0, 2)])
def test_stacker(left, right, step):
    rng = rng_of("stacker", left, right, step)
    nc = 3
    frames = [rng.integers(-999, 999, nc).astype(np.int16) for _ in range(8)]
    win = nc * (left + right + 1)
    mb = ModelBuilder()
    i, o, v = mb.tensor([nc], "int16"), mb.tensor([win], "int16"), mb.tensor([], "bool")
    custom(mb, "SignalStacker", [i], [o, v], {"num_channels": nc, "stacker_left_context": left,
                                              "stacker_right_context": right,
                                              "stacker_step": step})
    got = run_frames(mb, [i], [o, v], [[f] for f in frames])
    held = []
    for k, (f, (y, valid)) in enumerate(zip(frames, got)):
        held += f.tolist() * (1 + (left if k == 0 else 0))
        if len(held) >= win:
            assert bool(valid)
            np.testing.assert_array_equal(y, held[:win])
            held = held[nc * step:]
        else:
            assert not bool(valid)


@pytest.mark.parametrize("delay", [0, 3, 8, 11])
def test_delay(delay):
    rng = rng_of("delay", delay)
    frames = [rng.integers(-999, 999, (2, 8)).astype(np.int16) for _ in range(4)]
    mb = ModelBuilder()
    i, o = mb.tensor([2, 8], "int16"), mb.tensor([2, 8], "int16")
    custom(mb, "SignalDelay", [i], [o], {"delay_length": delay})
    got = run_frames(mb, [i], [o], [[f] for f in frames])
    stream = np.concatenate([np.zeros((2, delay), np.int16)] + frames, axis=1)
    for k, (y,) in enumerate(got):
        np.testing.assert_array_equal(y, stream[:, 8 * k:8 * k + 8])


@pytest.mark.parametrize("dtype", ["int16", "float32"])
def test_overlap_add(dtype):
    rng = rng_of("ola", dtype)
    size, step, nf = 6, 2, 3
    if dtype == "int16":
        frames = [rng.integers(-20000, 20000, (2, nf, size)).astype(np.int16) for _ in range(3)]
    else:
        frames = [rng.standard_normal((2, nf, size)).astype(np.float32) for _ in range(3)]
    mb = ModelBuilder()
    i, o = mb.tensor([2, nf, size], dtype), mb.tensor([2, nf * step], dtype)
    custom(mb, "SignalOverlapAdd", [i], [o], {"T": TT[dtype], "frame_step": step})
    got = run_frames(mb, [i], [o], [[f] for f in frames])
    buf = np.zeros((2, size), np.float64)
    for f, (y,) in zip(frames, got):
        want = np.zeros((2, nf * step))
        for r in range(2):
            for k in range(nf):
                buf[r] += f[r, k]
                if dtype == "int16":
                    buf[r] = np.clip(buf[r], -32768, 32767)
                want[r, k * step:(k + 1) * step] = buf[r, :step]
                buf[r] = np.concatenate([buf[r, step:], np.zeros(step)])
        if dtype == "int16":
            np.testing.assert_array_equal(y, want.astype(np.int16))
        else:
            np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)


def test_reset_clears_state(microml):
    """mml_model_reset (Model.reset()) zeroes a stateful signal op's state, as TFLM's Reset."""
    mb = ModelBuilder()
    i, o = mb.tensor([4], "int16"), mb.tensor([4], "int16")
    custom(mb, "SignalDelay", [i], [o], {"delay_length": 2})
    m = microml.Model(mb.build([i], [o]))
    a = np.array([1, 2, 3, 4], np.int16)
    assert m.predict(a).tolist() == [0, 0, 1, 2]
    assert m.predict(a).tolist() == [3, 4, 1, 2]
    m.reset()
    assert m.predict(a).tolist() == [0, 0, 1, 2]


# -- options and tensors refused with a clear message --------------------------------------------

def window_model(opts, raw=None, wdtype="int16", wlen=8):
    mb = ModelBuilder()
    i = mb.tensor([8], "int16")
    w = mb.tensor([wlen], wdtype, data=bytes(wlen * np.dtype(wdtype).itemsize))
    o = mb.tensor([8], "int16")
    mb.op("CUSTOM", [i, w], [o], custom_code="SignalWindow",
          custom_options=raw if raw is not None else
          (None if opts is None else flexbuffers.Dumps(opts)))
    return mb, i, o


@pytest.mark.parametrize("opts,raw,wdtype,wlen,msg", [
    (None, None, "int16", 8, "op 0 SignalWindow: options missing"),
    ({}, None, "int16", 8, "op 0 SignalWindow: option 'shift' missing"),
    ({"shift": 40}, None, "int16", 8, "op 0 SignalWindow: option 'shift' is 40, expected 0 to 31"),
    ({"shift": -1}, None, "int16", 8, "option 'shift' is -1, expected 0 to 31"),
    ({"shift": 1.5}, None, "int16", 8, "option 'shift' is not an integer"),
    ({"shift": "x"}, None, "int16", 8, "option 'shift' is not an integer"),
    (None, b"\x01\x02\x03", "int16", 8, "op 0 SignalWindow: options are not a FlexBuffers map"),
    (None, flexbuffers.Dumps([12]), "int16", 8, "options are not a FlexBuffers map"),
    ({"shift": 12}, None, "int8", 8, "op 0 SignalWindow: input 1 is int8, expected int16"),
    ({"shift": 12}, None, "int16", 3, "window of 3: expected whole frames"),
])
def test_window_refused(opts, raw, wdtype, wlen, msg):
    mb, i, o = window_model(opts, raw, wdtype, wlen)
    reasons = run_fails(mb, [i], [o])
    assert len(reasons) == 1 and msg in reasons[0], reasons


def refused(code, ins, outs, opts, shapes_dtypes, consts=None):
    mb = ModelBuilder()
    ts = []
    for k, (shape, dt) in enumerate(shapes_dtypes):
        data = None
        if consts and k in consts:
            data = np.asarray(consts[k], dtype=dt).tobytes()
        ts.append(mb.tensor(shape, dt, data=data))
    custom(mb, code, [ts[k] for k in ins], [ts[k] for k in outs], opts)
    ins_free = [ts[k] for k in ins if not (consts and k in consts)]
    reasons = run_fails(mb, ins_free, [ts[k] for k in outs])
    assert len(reasons) == 1, reasons
    return reasons[0]


def test_options_refused_per_op():
    r = refused("SignalRfft", [0], [1], {"T": 7, "fft_length": 100},
                [([100], "int16"), ([102], "int16")])
    assert "op 0 SignalRfft: option 'fft_length' is 100, expected a power of two" in r
    r = refused("SignalRfft", [0], [1], {"T": 9, "fft_length": 64},
                [([64], "int16"), ([66], "int16")])
    assert "option 'T' is 9" in r
    r = refused("SignalRfft", [0], [1], {"T": 7, "fft_length": 64},
                [([64], "int16"), ([64], "int16")])
    assert "fft_length + 2 values" in r
    r = refused("SignalEnergy", [0], [1], {"start_index": 5, "end_index": 40},
                [([66], "int16"), ([33], "uint32")])
    assert "op 0 SignalEnergy: option 'end_index' 40 beyond" in r
    r = refused("SignalEnergy", [0], [1], {"start_index": 5, "end_index": 2},
                [([66], "int16"), ([33], "uint32")])
    assert "option 'end_index' is 2, expected 5 to" in r
    r = refused("SignalFilterBank", [0, 1, 2, 3, 4, 5], [6], {"num_channels": 2},
                [([8], "uint32"), ([4], "int16"), ([4], "int16"), ([3], "int16"), ([3], "int16"),
                 ([3], "int16"), ([2], "uint64")],
                consts={1: [1, 1, 1, 1], 2: [0, 0, 0, 0], 3: [0, 2, 7], 4: [0, 1, 2],
                        5: [1, 1, 2]})
    assert "op 0 SignalFilterBank: channel 2: bins 7 + 2" in r
    r = refused("SignalFilterBank", [0, 1, 2, 3, 4, 5], [6], {"num_channels": 2},
                [([8], "uint32")] + [([4], "int16")] * 5 + [([2], "uint64")])
    assert "input 1 must be a constant" in r
    opts = dict(SS_OPTS)
    del opts["smoothing_bits"]
    r = refused("SignalFilterBankSpectralSubtraction", [0], [1, 2], opts,
                [([8], "uint32")] * 3)
    assert "op 0 SignalFilterBankSpectralSubtraction: option 'smoothing_bits' missing" in r
    r = refused("SignalFilterBankSpectralSubtraction", [0], [1, 2],
                dict(SS_OPTS, clamping="yes"), [([8], "uint32")] * 3)
    assert "option 'clamping' is not a bool" in r
    r = refused("SignalFilterBankSpectralSubtraction", [0], [1, 2],
                dict(SS_OPTS, num_channels=9), [([8], "uint32")] * 3)
    assert "expected num_channels 9" in r
    r = refused("SignalPCAN", [0, 1, 2], [3], {"snr_shift": 6},
                [([4], "uint32"), ([4], "uint32"), ([100], "int16"), ([4], "uint32")])
    assert "op 0 SignalPCAN: gain table has 100 entries, expected 125" in r
    r = refused("SignalFilterBankLog", [0], [1], {"output_scale": 64},
                [([4], "uint32"), ([4], "int16")])
    assert "option 'input_correction_bits' missing" in r
    r = refused("SignalFramer", [0], [1, 2], {"frame_size": 4, "frame_step": 3, "prefill": False},
                [([8], "int16"), ([2, 4], "int16"), ([], "bool")])
    assert "op 0 SignalFramer: rows of 8 samples: expected a multiple of frame_step 3" in r
    r = refused("SignalStacker", [0], [1, 2], {"num_channels": 2, "stacker_left_context": 1,
                                               "stacker_right_context": 0, "stacker_step": 3},
                [([2], "int16"), ([4], "int16"), ([], "bool")])
    assert "option 'stacker_step' is 3, expected 1 to 2" in r
    r = refused("SignalOverlapAdd", [0], [1], {"T": 7, "frame_step": 5},
                [([2, 4], "int16"), ([10], "int16")])
    assert "op 0 SignalOverlapAdd: frames of 4 samples" in r
    r = refused("SignalIrfft", [0], [1], {"T": 7, "fft_length": 64},
                [([64], "int16"), ([64], "int16")])
    assert "op 0 SignalIrfft: frames of 64 values to 64 samples" in r
    r = refused("SignalIrfft", [0], [1], {"T": 7}, [([66], "int16"), ([64], "int16")])
    assert "option 'fft_length' missing" in r
    r = refused("SignalDelay", [0], [1], {"delay_length": -2},
                [([4], "int16"), ([4], "int16")])
    assert "option 'delay_length' is -2" in r


# -- SignalIrfft ---------------------------------------------------------------------------------

def irfft_model(dtype, frames, n):
    mb = ModelBuilder()
    i = mb.tensor([frames, n + 2], dtype)
    o = mb.tensor([frames, n], dtype)
    custom(mb, "SignalIrfft", [i], [o], {"T": TT[dtype], "fft_length": n})
    return mb, i, o


@pytest.mark.parametrize("n", [4, 16, 512])
def test_irfft_float(n):
    rng = rng_of("irfftf", n)
    X = rng.standard_normal((2, n + 2)).astype(np.float32)
    mb, i, o = irfft_model("float32", 2, n)
    got, = run(mb, [i], [o], [X])
    want = np.fft.irfft(X[:, 0::2].astype(np.float64) + 1j * X[:, 1::2], n)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * np.max(np.abs(want)))


@pytest.mark.parametrize("dtype,lim,tol", [("int16", 2 ** 13, 6), ("int32", 2 ** 29, 8)])
@pytest.mark.parametrize("n", [8, 64, 1024])
def test_irfft_fixed(dtype, lim, tol, n):
    """KISS's fixed-point kiss_fftri divides by its radix at every stage: numpy's irfft within a
    few LSB (its exact bits are the forward engine's, checked against src/dsp/fft.c)."""
    rng = rng_of("irfft", dtype, n)
    X = rng.integers(-lim, lim, (2, n + 2)).astype(dtype)
    mb, i, o = irfft_model(dtype, 2, n)
    got, = run(mb, [i], [o], [X])
    Xc = X[:, 0::2].astype(np.float64) + 1j * X[:, 1::2]
    Xc[:, 0] = Xc[:, 0].real
    Xc[:, -1] = Xc[:, -1].real
    want = np.fft.irfft(Xc, n)
    assert np.max(np.abs(got - want)) <= tol, np.max(np.abs(got - want))


def test_c_signal_models_are_generated():
    """tests/c/test_signal_models.h is what tests/c/test_signal_gen.py prints."""
    import subprocess
    import mmldata
    gen = mmldata.REPO / "tests" / "c" / "test_signal_gen.py"
    p = subprocess.run([mmldata.PYTHON, str(gen)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    committed = (mmldata.REPO / "tests" / "c" / "test_signal_models.h").read_text()
    assert p.stdout == committed, "regenerate: tests/c/test_signal_gen.py > tests/c/test_signal_models.h"
