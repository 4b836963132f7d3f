# SPDX-License-Identifier: MIT
# TFLite's reference integer arithmetic re-done in numpy / plain Python, independently of the C
# engine: the expected values of the single-op tests. Written from TFLite's reference kernels
# (tensorflow/lite/kernels/internal/{common.h, quantization_util.cc, reference/*.h,
# reference/integer_ops/*.h}) and gemmlowp's fixedpoint.h, with TFLite's default double rounding
# (TFLITE_SINGLE_ROUNDING off). Integer arrays are int64 holding int32 values.
import math

import numpy as np

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6 = 0, 1, 2, 3
PAD_SAME, PAD_VALID = 0, 1


def round_away(x):
    """TfLiteRound / std::round: to nearest, halves away from zero (elementwise, float64)."""
    x = np.asarray(x, dtype=np.float64)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def wrap32(x):
    """Two's complement int32 wrap of int64 values."""
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


# -- quantization_util.cc ----------------------------------------------------------------------

def quantize_multiplier(real):
    """QuantizeMultiplier: real -> (q, shift), q = round(frac * 2^31) for real = frac * 2^shift,
    |frac| in [0.5, 1); negative reals give negative q; below 2^-31 flushes to (0, 0)."""
    real = float(real)
    if real == 0.0:
        return 0, 0
    frac, shift = math.frexp(real)
    q = int(round_away(frac * 2.0 ** 31))
    if q == 1 << 31:
        q //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return q, shift


def input_radius(int_bits, left_shift, total_bits=31):
    """CalculateInputRadius."""
    m = 1.0 * ((1 << int_bits) - 1) * (1 << (total_bits - int_bits)) / (1 << left_shift)
    return int(math.floor(m))


# -- gemmlowp / common.h, vectorized ----------------------------------------------------------

def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul on int32."""
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    s = ab + nudge
    r = np.where(s >= 0, s >> 31, -((-s) >> 31))  # C division: toward zero
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, r)


def rdbpot(x, exponent):
    """gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, halves away from 0."""
    x = np.asarray(x, np.int64)
    e = np.asarray(exponent, np.int64)
    mask = (np.int64(1) << e) - 1
    rem = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> e) + (rem > threshold)


def mul_by_qm(x, q, shift):
    """MultiplyByQuantizedMultiplier(int32 x, q, shift); q and shift may be per-element arrays."""
    q = np.asarray(q, np.int64)
    shift = np.asarray(shift, np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rdbpot(srdhm(wrap32(np.asarray(x, np.int64) << left), q), right)


def mul_by_qm64(x, q, shift):
    """MultiplyByQuantizedMultiplier(int64 x, q, shift) of the 16x8 kernels: q rounded to its top
    16 bits (0x7FFF from 0x7FFF0000 up), then one shift right by 15 - shift, rounding half up."""
    q = np.asarray(q, np.int64)
    shift = np.asarray(shift, np.int64)
    reduced = np.where(q < 0x7FFF0000, (q + (1 << 15)) >> 16, 0x7FFF)
    total = 15 - shift
    return (np.asarray(x, np.int64) * reduced + (np.int64(1) << (total - 1))) >> total


# -- activation ranges (kernel_util.cc) --------------------------------------------------------

def act_range_q(act, scale, zp, qmin=-128, qmax=127):
    """CalculateActivationRangeQuantized: zp + round(f / scale) in float32, clamped to the type."""
    def q(f):
        return zp + int(round_away(float(np.float32(f) / np.float32(scale))))
    lo, hi = qmin, qmax
    if act == ACT_RELU:
        lo = max(lo, q(0.0))
    elif act == ACT_RELU6:
        lo, hi = max(lo, q(0.0)), min(hi, q(6.0))
    elif act == ACT_RELU_N1_TO_1:
        lo, hi = max(lo, q(-1.0)), min(hi, q(1.0))
    return lo, hi


def act_range_f(act):
    big = float(np.finfo(np.float32).max)
    return {ACT_NONE: (-big, big), ACT_RELU: (0.0, big), ACT_RELU6: (0.0, 6.0),
            ACT_RELU_N1_TO_1: (-1.0, 1.0)}[act]


def act_range_i32(act):
    """CalculateActivationRange<int32_t>."""
    return {ACT_NONE: (INT32_MIN, INT32_MAX), ACT_RELU: (0, INT32_MAX), ACT_RELU6: (0, 6),
            ACT_RELU_N1_TO_1: (-1, 1)}[act]


def clamp_act(v, lo, hi):
    """TFLite's order: max with the lower bound first, then min with the upper."""
    return np.minimum(np.maximum(v, lo), hi)


# -- sliding windows (padding.h, reference conv / depthwise_conv / pooling) --------------------

def out_size(padding, n, f, s, d=1):
    eff = (f - 1) * d + 1
    return (n + s - 1) // s if padding == PAD_SAME else (n + s - eff) // s


def pad_before(n, f, s, d, o):
    total = (o - 1) * s + (f - 1) * d + 1 - n
    return max(total, 0) // 2


def windows(x_shape, fh, fw, sh, sw, dh, dw, padding):
    """(OH, OW, pad_top, pad_left) of a window op on an NHWC input."""
    _, h, w, _ = x_shape
    oh, ow = out_size(padding, h, fh, sh, dh), out_size(padding, w, fw, sw, dw)
    return oh, ow, pad_before(h, fh, sh, dh, oh), pad_before(w, fw, sw, dw, ow)


def _padded(x, ph, pw, oh, ow, fh, fw, sh, sw, dh, dw):
    n, h, w, c = x.shape
    hh = max(h + ph, (oh - 1) * sh + (fh - 1) * dh + 1)
    ww = max(w + pw, (ow - 1) * sw + (fw - 1) * dw + 1)
    p = np.zeros((n, hh, ww, c), dtype=x.dtype)
    p[:, ph:ph + h, pw:pw + w, :] = x
    return p


def _tap(p, fy, fx, oh, ow, sh, sw, dh, dw):
    return p[:, fy * dh:fy * dh + (oh - 1) * sh + 1:sh, fx * dw:fx * dw + (ow - 1) * sw + 1:sw, :]


def conv_acc(x, w, bias, sh, sw, dh, dw, padding):
    """Accumulators of (grouped) CONV_2D: x [N,H,W,Cin] (int64 with the input offset applied, or
    float64), w [Cout,KH,KW,Cin/groups]; the padding contributes zeros."""
    cout, fh, fw, fc = w.shape
    groups = x.shape[3] // fc
    fpg = cout // groups
    oh, ow, ph, pw = windows(x.shape, fh, fw, sh, sw, dh, dw, padding)
    p = _padded(x, ph, pw, oh, ow, fh, fw, sh, sw, dh, dw)
    acc = np.zeros((x.shape[0], oh, ow, cout), dtype=x.dtype)
    for fy in range(fh):
        for fx in range(fw):
            t = _tap(p, fy, fx, oh, ow, sh, sw, dh, dw)
            for g in range(groups):
                acc[..., g * fpg:(g + 1) * fpg] += np.einsum(
                    "nhwc,oc->nhwo", t[..., g * fc:(g + 1) * fc], w[g * fpg:(g + 1) * fpg, fy, fx])
    return acc if bias is None else acc + bias


def transpose_conv_acc(x, w, bias, sh, sw, padding, oh, ow):
    """Accumulators of TRANSPOSE_CONV as TFLite's reference scatters them: every input pixel
    (in_y, in_x) adds x * w[:, fy, fx, :] to output (in_y * sh - pad_h + fy, in_x * sw - pad_w +
    fx) where that lies inside; the padding comes from the conv that maps the output size back to
    the input (ComputePaddingHeightWidth on the output size). w [Cout,KH,KW,Cin]."""
    n, h, wd, _ = x.shape
    cout, fh, fw, _ = w.shape
    ph = pad_before(oh, fh, sh, 1, out_size(padding, oh, fh, sh))
    pw = pad_before(ow, fw, sw, 1, out_size(padding, ow, fw, sw))
    acc = np.zeros((n, oh, ow, cout), dtype=x.dtype)
    for iy in range(h):
        for ix in range(wd):
            for fy in range(fh):
                oy = iy * sh - ph + fy
                if not 0 <= oy < oh:
                    continue
                for fx in range(fw):
                    ox = ix * sw - pw + fx
                    if 0 <= ox < ow:
                        acc[:, oy, ox, :] += np.einsum("nc,oc->no", x[:, iy, ix, :], w[:, fy, fx, :])
    return acc if bias is None else acc + bias


def dwconv_acc(x, w, bias, sh, sw, dh, dw, padding, dm):
    """Accumulators of DEPTHWISE_CONV_2D: w [1,KH,KW,Cin*dm], output channel c*dm+m."""
    _, fh, fw, _ = w.shape
    oh, ow, ph, pw = windows(x.shape, fh, fw, sh, sw, dh, dw, padding)
    p = np.repeat(_padded(x, ph, pw, oh, ow, fh, fw, sh, sw, dh, dw), dm, axis=3)
    acc = np.zeros((x.shape[0], oh, ow, w.shape[3]), dtype=x.dtype)
    for fy in range(fh):
        for fx in range(fw):
            acc += _tap(p, fy, fx, oh, ow, sh, sw, dh, dw) * w[0, fy, fx, :]
    return acc if bias is None else acc + bias


def pool(x, fh, fw, sh, sw, padding, kind):
    """AVERAGE_POOL_2D / MAX_POOL_2D over the window clipped to the input (padding excluded).
    kind: 'avg_q' (int8: sum rounded half away from zero by integer division), 'avg_f', 'max'."""
    oh, ow, ph, pw = windows(x.shape, fh, fw, sh, sw, 1, 1, padding)
    n, h, w, c = x.shape
    out = np.zeros((n, oh, ow, c), dtype=np.float64 if kind == "avg_f" else x.dtype)
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = oy * sh - ph, ox * sw - pw
            win = x[:, max(y0, 0):min(y0 + fh, h), max(x0, 0):min(x0 + fw, w), :].reshape(n, -1, c)
            cnt = win.shape[1]
            if kind == "max":
                out[:, oy, ox, :] = win.max(axis=1)
            elif kind == "avg_q":
                s = win.astype(np.int64).sum(axis=1)
                out[:, oy, ox, :] = np.where(s > 0, (s + cnt // 2) // cnt,
                                             -((-s + cnt // 2) // cnt))
            else:
                out[:, oy, ox, :] = win.astype(np.float64).sum(axis=1) / cnt
    return out


# -- elementwise quantized ops -------------------------------------------------------------------

def add_sub_q(x, y, s1, z1, s2, z2, so, zo, act, qmin, qmax, sub=False):
    """ADD (multipliers in double) / SUB (in float, as TFLite Micro's sub_common.cc): both inputs
    shifted left 20 (int8) or 15 (int16), rescaled to twice the larger scale, summed, rescaled."""
    left = 15 if qmin == -32768 else 20
    if sub:
        f = np.float32
        twice = f(2) * max(f(s1), f(s2))
        m1, m2 = float(f(s1) / twice), float(f(s2) / twice)
        mo = float(twice / (f(1 << left) * f(so)))
    else:
        twice = 2.0 * max(float(np.float32(s1)), float(np.float32(s2)))
        m1, m2 = float(np.float32(s1)) / twice, float(np.float32(s2)) / twice
        mo = twice / ((1 << left) * float(np.float32(so)))
    (q1, e1), (q2, e2), (qo, eo) = map(quantize_multiplier, (m1, m2, mo))
    a = mul_by_qm(wrap32((np.asarray(x, np.int64) - z1) << left), q1, e1)
    b = mul_by_qm(wrap32((np.asarray(y, np.int64) - z2) << left), q2, e2)
    r = mul_by_qm(wrap32(a - b if sub else a + b), qo, eo) + zo
    lo, hi = act_range_q(act, so, zo, qmin, qmax)
    return clamp_act(r, lo, hi)


def mul_q(x, y, s1, z1, s2, z2, so, zo, act, qmin, qmax):
    """MUL: (x - z1) * (y - z2) rescaled by s1 * s2 / so (double)."""
    q, e = quantize_multiplier(float(np.float32(s1)) * float(np.float32(s2)) /
                               float(np.float32(so)))
    prod = wrap32((np.asarray(x, np.int64) - z1) * (np.asarray(y, np.int64) - z2))
    lo, hi = act_range_q(act, so, zo, qmin, qmax)
    return clamp_act(mul_by_qm(prod, q, e) + zo, lo, hi)


def requantize(x, si, zi, so, zo, qmin, qmax):
    """Requantize (QUANTIZE between integer types; RELU without its clamp)."""
    q, e = quantize_multiplier(float(np.float32(si)) / float(np.float32(so)))
    return np.clip(mul_by_qm(np.asarray(x, np.int64) - zi, q, e) + zo, qmin, qmax)


def relu_q(x, si, zi, so, zo, qmin, qmax):
    """ReluQuantized: requantize, clamp below at max(qmin, zo + round(0 / so))."""
    q, e = quantize_multiplier(float(np.float32(si)) / float(np.float32(so)))
    v = mul_by_qm(np.asarray(x, np.int64) - zi, q, e) + zo
    return clamp_act(v, max(qmin, zo), qmax)


def relu6_q(x, s, z, qmin, qmax):
    """Relu6Quantized: clamp between the zero point and FloatToQuantizedType(6)."""
    six = int(round_away(float(np.float32(6.0) / np.float32(s)))) + z
    six = min(max(six, qmin), qmax)
    x = np.asarray(x, np.int64)
    return np.where(x > six, six, np.where(x < z, z, x))


def leaky_relu_q(x, si, zi, so, zo, alpha, qmin, qmax):
    """QuantizeLeakyRelu: identity and alpha multipliers, ratios computed in float."""
    f = np.float32
    qa, ea = quantize_multiplier(float(f(si) * f(alpha) / f(so)))
    qi, ei = quantize_multiplier(float(f(si) / f(so)))
    v = np.asarray(x, np.int64) - zi
    r = np.where(v >= 0, mul_by_qm(v, qi, ei), mul_by_qm(v, qa, ea)) + zo
    return np.clip(r, qmin, qmax)


# -- int16 fixed point of reference_ops::HardSwish ------------------------------------------------

def _srdhm16(a, b):
    if a == b == -32768:
        return 32767
    ab = a * b
    s = ab + ((1 << 14) if ab >= 0 else 1 - (1 << 14))
    return int(s / (1 << 15)) if s >= 0 else -int(-s // (1 << 15))


def _sdhm16(a, b):
    """SaturatingDoublingHighMul: as _srdhm16 without the nudge (truncates toward zero)."""
    if a == b == -32768:
        return 32767
    ab = a * b
    return ab // (1 << 15) if ab >= 0 else -((-ab) // (1 << 15))


def _rdbpot_scalar(x, e):
    mask = (1 << e) - 1
    return (x >> e) + ((x & mask) > (mask >> 1) + (x < 0))


def _sat16(v):
    return max(-32768, min(32767, v))


def _to_int16(v):
    return ((v + 32768) & 0xFFFF) - 32768


def hard_swish_q(x, si, zi, so, zo):
    """reference_ops::HardSwish for int8 (multipliers from float ratios, downscaled to Q15)."""
    f = np.float32
    hires_scale = f(1.0 / 128.0) * f(si)

    def q15(m):
        q, e = quantize_multiplier(float(m))
        return (32767 if q >= INT32_MAX - (1 << 15) else (q + (1 << 15)) >> 16), e
    out_m, out_e = q15(hires_scale / f(so))
    rel_m, rel_e = q15(hires_scale / f(3.0 / 32768.0))
    table = {}
    for v in range(-128, 128):
        xv = _to_int16(v - zi)
        hires = _to_int16(xv * 128)
        pre = _srdhm16(hires, out_m)
        r = hires
        if rel_e > 0:
            r = _sat16(r * (1 << (rel_e - 1)))
        r = _srdhm16(r, rel_m)
        if rel_e > 0:
            r = _sat16(r * 2)
        if rel_e < 0:
            r = _rdbpot_scalar(r, -rel_e)
        r = (r + (1 << 15)) >> 1
        o = _rdbpot_scalar(_sdhm16(r, pre), -out_e)
        o = _to_int16(o + zo)
        table[v] = min(max(o, -128), 127)
    return np.vectorize(table.__getitem__, otypes=[np.int64])(np.asarray(x, np.int64))


# -- gemmlowp fixed point (scalar Python ints, int32 semantics) ------------------------------------

def _w(x):
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _fp_mul(a, b):
    """FixedPoint multiply: SaturatingRoundingDoublingHighMul of the raws (scalar)."""
    if a == b == INT32_MIN:
        return INT32_MAX
    s = a * b + ((1 << 30) if a * b >= 0 else 1 - (1 << 30))
    return s >> 31 if s >= 0 else -((-s) >> 31)


def _sat_mul_pot(x, exponent):
    """SaturatingRoundingMultiplyByPOT<exponent> on int32."""
    if exponent == 0:
        return x
    if exponent < 0:
        return _rdbpot_scalar(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    if x > threshold:
        return INT32_MAX
    if x < -threshold:
        return INT32_MIN
    return _w(x << exponent)


def _rescale(x, src_bits, dst_bits):
    return _sat_mul_pot(x, src_bits - dst_bits)


def _exp_quarter(a):
    """exp_on_interval_between_negative_one_quarter_and_0_excl, a in Q0.31."""
    const_term, one_third = 1895147668, 715827883
    x = _w(a + (1 << 28))
    x2 = _fp_mul(x, x)
    x3 = _fp_mul(x2, x)
    x4 = _fp_mul(x2, x2)
    x4_over_4 = _sat_mul_pot(x4, -2)
    poly = _sat_mul_pot(_w(_fp_mul(_w(x4_over_4 + x3), one_third) + x2), -1)
    return _w(const_term + _fp_mul(const_term, _w(x + poly)))


def exp_on_negative_values(a, int_bits):
    """gemmlowp exp_on_negative_values: a (<= 0) in Q(int_bits); result in Q0.31."""
    frac_bits = 31 - int_bits
    quarter = 1 << (frac_bits - 2)
    a_mod = _w((a & (quarter - 1)) - quarter)
    result = _exp_quarter(_rescale(a_mod, int_bits, 0))
    remainder = _w(a_mod - a)
    for exponent, mult in ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
                           (2, 39332535), (3, 720401), (4, 242)):
        if int_bits > exponent and remainder & (1 << (frac_bits + exponent)):
            result = _fp_mul(result, mult)
    if int_bits > 5 and a < -(1 << (36 - int_bits)):
        result = 0
    return INT32_MAX if a == 0 else result


def _newton_half_denominator(a):
    """The Newton-Raphson part shared by one_over_one_plus_x and one_minus_x_over_one_plus_x:
    x (Q2.29) ~ 1 / half_denominator, half_denominator = RoundingHalfSum(a, 1) in Q0.31."""
    s = a + INT32_MAX
    t = s + (1 if s >= 0 else -1)
    half = t // 2 if t >= 0 else -((-t) // 2)  # C division
    x = _w(1515870810 + _fp_mul(half, -1010580540))
    for _ in range(3):
        one_minus = _w((1 << 29) - _fp_mul(half, x))
        x = _w(x + _rescale(_fp_mul(x, one_minus), 4, 2))
    return x


def one_over_one_plus_x(a):
    """gemmlowp one_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out)."""
    x = _newton_half_denominator(a)
    return _rescale(x, 1, 0)  # ExactMulByPot<-1> keeps the raw and makes it Q1.30


def logistic_fp(a, int_bits):
    """gemmlowp logistic of a Q(int_bits) raw; Q0.31 result."""
    if a == 0:
        return 1 << 30
    pos = exp_on_negative_values(_w(-abs(a)), int_bits)
    r = one_over_one_plus_x(pos)
    return r if a > 0 else _w(INT32_MAX - r)


def tanh_fp(a, int_bits):
    """gemmlowp tanh of a Q(int_bits) raw; Q0.31 result."""
    if a == 0:
        return 0
    e = exp_on_negative_values(_w(-abs(a)), int_bits + 1)  # ExactMulByPot<1>(-|a|)
    x = _newton_half_denominator(e)
    r = _rescale(_w(x - (1 << 29)), 2, 0)
    return r if a > 0 else _w(-r)


def _q4_params(scale):
    """LOGISTIC / TANH int8 prepare: scale * 2^27 as frexp mantissa in Q31 and left shift."""
    frac, shift = math.frexp(float(np.float32(scale)) * float(1 << 27))
    mult = int(round_away(frac * 2.0 ** 31))
    return mult, shift, input_radius(4, shift)


def logistic_q(x, si, zi):
    """reference_integer_ops::Logistic, int8 (output scale 1/256, zero point -128)."""
    mult, shift, radius = _q4_params(si)
    table = {}
    for v in range(-128, 128):
        d = v - zi
        if d <= -radius:
            table[v] = -128
        elif d >= radius:
            table[v] = 127
        else:
            q4 = int(mul_by_qm(d, mult, shift))
            table[v] = min(max(_rdbpot_scalar(logistic_fp(q4, 4), 23) - 128, -128), 127)
    return np.vectorize(table.__getitem__, otypes=[np.int64])(np.asarray(x, np.int64))


def tanh_q(x, si, zi):
    """reference_integer_ops::Tanh, int8 (output scale 1/128, zero point 0)."""
    mult, shift, radius = _q4_params(si)
    table = {}
    for v in range(-128, 128):
        d = v - zi
        if d <= -radius:
            table[v] = -128
        elif d >= radius:
            table[v] = 127
        else:
            q4 = int(mul_by_qm(d, mult, shift))
            table[v] = min(max(_rdbpot_scalar(tanh_fp(q4, 4), 24), -128), 127)
    return np.vectorize(table.__getitem__, otypes=[np.int64])(np.asarray(x, np.int64))


def _clz32(x):
    return 32 - (x & 0xFFFFFFFF).bit_length()


def softmax_q(x, beta, si, out_bits=8):
    """reference_ops::Softmax int8 -> int8 (scale 1/256, zp -128) or int16 (1/65536, -32768)
    over the last axis: Q5.26 scaled differences, Q12.19 sum, gemmlowp reciprocal."""
    frac_bits_diff, acc_bits = 5, 12
    real = min(float(beta) * float(np.float32(si)) * (1 << (31 - frac_bits_diff)),
               float((1 << 31) - 1))
    mult, left = quantize_multiplier(real)  # QuantizeMultiplierGreaterThanOne
    assert left >= 0
    diff_min = -input_radius(frac_bits_diff, left)
    lo, hi = -(1 << (out_bits - 1)), (1 << (out_bits - 1)) - 1

    def exp_diff(d):
        return exp_on_negative_values(_fp_mul(_w(d * (1 << left)), mult), frac_bits_diff)

    x = np.asarray(x, np.int64)
    rows = x.reshape(-1, x.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        mx = int(row.max())
        total = 0
        for v in row:
            d = int(v) - mx
            if d >= diff_min:
                total = _w(total + _rescale(exp_diff(d), 0, acc_bits))
        headroom = _clz32(total)
        bits_over_unit = acc_bits - headroom
        shifted = _w(((total & 0xFFFFFFFF) << headroom) - (1 << 31))
        scale = one_over_one_plus_x(shifted)
        for c, v in enumerate(row):
            d = int(v) - mx
            if d >= diff_min:
                unsat = _rdbpot_scalar(_fp_mul(scale, exp_diff(d)), bits_over_unit + 31 - out_bits)
                out[i, c] = min(max(unsat + lo, lo), hi)
            else:
                out[i, c] = lo
    return out.reshape(x.shape)


# -- int16 SOFTMAX (reference_ops::SoftmaxInt16 and TFLM's LUTPopulate<int16_t>) ----------------

def _libm_expf():
    import ctypes
    f = ctypes.CDLL("libm.so.6").expf
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
    return f


def _round_f32(v):
    """std::round(float): to nearest, halves away from zero, in float32."""
    return np.float32(round_away(np.float32(v)))


def lut_s16(fn, input_scale, input_zp, output_scale):
    """LUTPopulateInt16<float> (output zero point 0): 512 samples of fn (float32 -> float32) over
    the int16 input range, each lowered by half its midpoint interpolation error, plus the end."""
    f = np.float32
    lo, hi = f(input_scale) * f(-32768 - input_zp), f(input_scale) * f(32767 - input_zp)
    step = (hi - lo) / f(512)
    scale_inv = f(65536) / (f(output_scale) * f(32767) - f(output_scale) * f(-32768))
    lut = np.zeros(513, np.int64)
    for i in range(512):
        a = fn(lo + f(i) * step)
        m = fn(lo + f(i) * step + step / f(2))
        b = fn(lo + f(i + 1) * step)
        s = _round_f32(a * scale_inv)
        err = _round_f32((b * scale_inv + s) / f(2)) - _round_f32(m * scale_inv)
        lut[i] = int(np.clip(s - _round_f32(err / f(2)), -32768, 32767))
    lut[512] = int(np.clip(_round_f32(fn(hi) * scale_inv), -32768, 32767))
    return lut


def lut_lookup_s16(lut, v):
    """LUTLookup (int16 in and out), elementwise on int64 arrays."""
    v = np.asarray(v, np.int64)
    idx = 256 + (v >> 7)
    slope = ((lut[idx + 1] - lut[idx] + 32768) & 0xFFFF) - 32768  # int16 difference
    return lut[idx] + ((slope * (v & 0x7F) + 64) >> 7)


def softmax_s16(x, beta, si):
    """reference_ops::SoftmaxInt16 over the last axis (output scale 1/32768, zero point 0)."""
    expf = _libm_expf()
    r = np.float32(65535)
    exp_lut = lut_s16(lambda v: np.float32(expf(float(v))), np.float32(10) / r, 32767,
                      np.float32(2) / r)
    inv_lut = lut_s16(lambda v: np.float32(1) / (np.float32(1) + v), np.float32(1) / r, -32768,
                      np.float32(2) / r)
    mult, shift = quantize_multiplier(float(np.float32(si)) * float(np.float32(beta))
                                      / (10.0 / 65535.0))
    x = np.asarray(x, np.int64)
    rows = x.reshape(-1, x.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        scaled = mul_by_qm(row - row.max(), mult, shift)
        e = lut_lookup_s16(exp_lut, np.clip(scaled + 32767, -32768, 32767))
        total = int(e.sum())
        clz = 32 - total.bit_length()
        shifted = ((total << (clz - 1)) + (1 << 13)) >> 14
        recip = int(lut_lookup_s16(inv_lut, min(max(shifted - (1 << 15) - (1 << 16), -32768),
                                                32767)))
        rs = 31 - clz
        out[i] = np.clip((e * recip + (1 << (rs - 1))) >> rs, 0, 32767)
    return out.reshape(x.shape)


# -- SVDF (tensorflow/lite/micro/kernels/svdf_common.cc) ---------------------------------------

def svdf_step_q(x, state, wf, wt, bias, rank, si, zi, sf, st_scale, zs, swt, so, zo, smin, smax):
    """One invocation of the integer SVDF. x [batch, input] int8, state [batch, filters*memory]
    (int16 or int8 values, updated and returned), wf [filters, input] int8, wt [filters, memory],
    bias [units] int32 or None. Effective scales are formed in float32, quantized as doubles."""
    batch = x.shape[0]
    n_filter, n_memory = wt.shape
    n_unit = n_filter // rank
    e1 = float(np.float32(np.float32(si) * np.float32(sf)) / np.float32(st_scale))
    e2 = float(np.float32(np.float32(st_scale) * np.float32(swt)) / np.float32(so))
    q1, s1 = quantize_multiplier(e1)
    q2, s2 = quantize_multiplier(e2)
    flat = np.asarray(state, np.int64).reshape(-1).copy()
    flat[:-1] = flat[1:]  # every value one slot older, across filters and batches
    st = flat.reshape(batch, n_filter, n_memory)
    feat = wrap32((np.asarray(x, np.int64) - zi) @ np.asarray(wf, np.int64).T)  # [batch, filters]
    feat = np.clip(mul_by_qm(feat, q1, s1) + zs, smin, smax)
    st[:, :, -1] = feat
    t = wrap32(np.sum(np.asarray(wt, np.int64)[None] * (st - zs), axis=2))  # [batch, filters]
    acc = t.reshape(batch, n_unit, rank).sum(axis=2)
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)[None]
    out = np.clip(mul_by_qm(wrap32(acc), q2, s2) + zo, -128, 127)
    return out, st.reshape(batch, n_filter * n_memory)


def svdf_step_f(x, state, wf, wt, bias, rank, act):
    """One invocation of the float SVDF (float64 arithmetic); returns (output, new state)."""
    batch = x.shape[0]
    n_filter, n_memory = wt.shape
    flat = np.asarray(state, np.float64).reshape(-1).copy()
    flat[:-1] = flat[1:]
    st = flat.reshape(batch, n_filter, n_memory)
    # The state tensor holds float32.
    st[:, :, -1] = (np.asarray(x, np.float64) @ np.asarray(wf, np.float64).T).astype(np.float32)
    t = np.sum(np.asarray(wt, np.float64)[None] * st, axis=2)
    out = t.reshape(batch, n_filter // rank, rank).sum(axis=2)
    if bias is not None:
        out = out + np.asarray(bias, np.float64)[None]
    lo, hi = act_range_f(act)
    return np.clip(out, lo, hi), st.reshape(batch, n_filter * n_memory)


# -- PRELU, SQUARED_DIFFERENCE, comparisons, ABS, RSQRT (TFLite Micro prelu_common.cc,
#    squared_difference.cc, comparisons_common.cc, elementwise.cc) -----------------------------

def quantize_multiplier_lt1(real):
    """QuantizeMultiplierSmallerThanOneExp: like quantize_multiplier, for 0 < real < 1."""
    assert 0.0 < real < 1.0
    return quantize_multiplier(real)


def prelu_q(x, alpha, si, zi, sa, za, so, zo, qmin=-128, qmax=127):
    """x and alpha already broadcast to the output shape."""
    q1, s1 = quantize_multiplier(float(si) / float(so))
    q2, s2 = quantize_multiplier(float(si) * float(sa) / float(so))
    v = np.asarray(x, np.int64) - zi
    a = np.asarray(alpha, np.int64) - za
    out = np.where(v >= 0, mul_by_qm(v, q1, s1), mul_by_qm(v * a, q2, s2)) + zo
    return np.clip(out, qmin, qmax)


def squared_difference_q(x, y, s1, z1, s2, z2, so, zo, qmin, qmax, left_shift):
    twice_max = 2.0 * float(max(np.float32(s1), np.float32(s2)))
    m1, e1 = quantize_multiplier_lt1(float(s1) / twice_max)
    m2, e2 = quantize_multiplier_lt1(float(s2) / twice_max)
    mo, eo = quantize_multiplier(twice_max * twice_max /
                                 float(np.float32(2 ** (2 * left_shift)) * np.float32(so)))
    a = mul_by_qm(wrap32((np.asarray(x, np.int64) - z1) << left_shift), m1, e1)
    b = mul_by_qm(wrap32((np.asarray(y, np.int64) - z2) << left_shift), m2, e2)
    d = a - b
    out = mul_by_qm(wrap32(d * d), mo, eo) + zo
    return np.clip(out, qmin, qmax)


def comparison_rescale(x, scale, zp):
    """The int8 comparisons' input stage: ((x - zp) << 8) times the scale as a multiplier < 1."""
    q, e = quantize_multiplier_lt1(float(scale))
    return mul_by_qm((np.asarray(x, np.int64) - zp) * 256, q, e)


def abs_q(x, si, zi, so, zo, qmin, qmax):
    v = np.abs(np.asarray(x, np.int64) - zi)
    if np.float32(si) != np.float32(so):
        q, e = quantize_multiplier(float(si) / float(so))
        v = mul_by_qm(v, q, e)
    return np.clip(v + zo, qmin, qmax)


def _sat_left(x, e):
    """gemmlowp SaturatingRoundingMultiplyByPOT for e > 0 (saturating left shift), scalar."""
    hi = (1 << (31 - e)) - 1
    if x > hi:
        return INT32_MAX
    if x < -hi:
        return INT32_MIN
    return x << e


def _srdhm_s(a, b):
    return int(srdhm(a, b))


def inv_sqrt_multiplier(x):
    """GetInvSqrtQuantizedMultiplierExp(x, reverse_shift=-1): 1/sqrt(x) as (q, shift), with
    gemmlowp's five Newton-Raphson steps on a Q3 fixed-point value (scalar, x >= 0)."""
    if x <= 1:
        return INT32_MAX, 0
    shift = 11
    while x >= 1 << 29:
        x //= 4
        shift += 1
    clz = 32 - x.bit_length()
    pairs = (clz - 1) // 2 - 1
    shift -= pairs
    x <<= 2 * pairs
    assert (1 << 27) <= x < (1 << 29)
    half_input = int(rdbpot(x >> 1, 1))
    half_three = (1 << 28) + (1 << 27)
    r = 1 << 28
    for _ in range(5):
        r3 = _sat_left(_srdhm_s(_srdhm_s(r, r), r), 6)
        r = _sat_left(int(wrap32(_srdhm_s(half_three, r) - _srdhm_s(half_input, r3))), 3)
    r = _srdhm_s(r, 1518500250)
    if shift < 0:
        r = int(wrap32(r << -shift))
        shift = 0
    return r, -shift


def rsqrt_q(x, si, zi, so, zo, qmin=-128, qmax=127):
    """Elementwise int8 RSQRT for x >= zi (x == zi gives qmax)."""
    q, e = quantize_multiplier(1.0 / (math.sqrt(float(si)) * float(so)))
    out = []
    for v in np.asarray(x, np.int64).ravel():
        d = int(v) - zi
        assert d >= 0
        if d == 0:
            out.append(qmax)
            continue
        iq, ie = inv_sqrt_multiplier(d)
        y = int(mul_by_qm(1, iq, ie + 20))
        out.append(int(np.clip(int(mul_by_qm(y, q, e - 20)) + zo, qmin, qmax)))
    return np.array(out, np.int64).reshape(np.shape(x))


def l2norm_q(x, zi):
    """int8 L2_NORMALIZATION along the last axis (output scale 1/128, zero point 0)."""
    x = np.asarray(x, np.int64) - zi
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for r, row in enumerate(flat):
        q, e = inv_sqrt_multiplier(int(np.sum(row * row)))
        out[r] = np.clip(mul_by_qm(row, q, e + 7), -128, 127)
    return out.reshape(x.shape)


def lut_s8(fn, si, zi, so, zo):
    """TFLite Micro's PopulateLookupTable<int8_t>: the outputs for inputs -128..127, computed in
    float32 as TFLite does (fn takes and returns float32 arrays)."""
    v = np.arange(-128, 128)
    deq = np.float32(si) * (v - zi).astype(np.float32)
    y = fn(deq).astype(np.float32) * (np.float32(1) / np.float32(so))
    y = round_away(y).astype(np.float32) + np.float32(zo)
    return np.clip(y, -128, 127).astype(np.int64)


# -- LOG_SOFTMAX (reference_ops::LogSoftmaxQuantized, TFLite Micro log_softmax.cc) --------------

def _sat32(x):
    return max(INT32_MIN, min(INT32_MAX, x))


def _half_sum(a, b):
    """gemmlowp RoundingHalfSum on int32 (through int64, C division)."""
    s = a + b
    t = s + (1 if s >= 0 else -1)
    return t // 2 if t >= 0 else -((-t) // 2)


def log_x_ge_1(x, in_bits, out_bits):
    """gemmlowp / TFLite log_x_for_x_greater_than_or_equal_to_1<out_bits>(x in Q(in_bits))."""
    log_2, sqrt_sqrt_half, sqrt_half, one_quarter = 1488522236, 1805811301, 1518500250, 536870912
    alpha_n, alpha_d, alpha_i, alpha_f = 117049297, 127690142, 1057819769, 638450708
    acc_bits = out_bits + 1
    shifted_quarter = _rescale(one_quarter, 0, acc_bits)
    za_hr1 = _clz32(x)
    ra_tmp = _sat_mul_pot(x, za_hr1 - 1)
    ra = _sat_mul_pot(_fp_mul(ra_tmp, sqrt_half), 1)
    za_pow2 = _sat32(_sat_mul_pot(in_bits - za_hr1, 31 - acc_bits) + shifted_quarter)
    zb = _fp_mul(x, sqrt_half)
    zb_hr = _clz32(zb) - 1
    rb = _sat_mul_pot(x, zb_hr)
    zb_pow2 = _sat32(_sat_mul_pot(in_bits - zb_hr, 31 - acc_bits) - shifted_quarter)
    r = min(ra, rb)
    pow2 = max(za_pow2, zb_pow2)
    p = _half_sum(r, sqrt_sqrt_half)
    q = _w(r - sqrt_sqrt_half)
    q = _w(q + q)
    sq = _fp_mul(q, q)
    num = _w(_fp_mul(q, r) + _fp_mul(_fp_mul(q, sq), alpha_n))
    denom_m1 = _w(_fp_mul(p, _w(_w(alpha_i + q) + _fp_mul(alpha_d, sq))) + _fp_mul(alpha_f, q))
    recip = one_over_one_plus_x(denom_m1)
    num_scaled = _rescale(num, 0, acc_bits)
    return _rescale(_w(_fp_mul(pow2, log_2) + _fp_mul(num_scaled, recip)), acc_bits, out_bits)


def log_softmax_q(x, si):
    """int8 LOG_SOFTMAX over the last axis (output scale 16/256, zero point 127)."""
    diff_bits, acc_bits, out_bits = 5, 12, 4
    real = min(1.0 * float(np.float32(si)) * (1 << (31 - diff_bits)), float((1 << 31) - 1))
    mult, left = quantize_multiplier(real)
    rmult, rshift = quantize_multiplier_lt1((1 << (31 - left)) / mult)
    diff_min = -input_radius(diff_bits, left)
    x = np.asarray(x, np.int64)
    rows = x.reshape(-1, x.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        mx = int(row.max())
        total = 0
        for v in row:
            d = int(v) - mx
            if d >= diff_min:
                q5 = int(mul_by_qm(d, mult, left))
                total = _w(total + _rescale(exp_on_negative_values(q5, diff_bits), 0, acc_bits))
        log_sum = log_x_ge_1(total, acc_bits, diff_bits)
        lowest = int(mul_by_qm(_w(log_sum + INT32_MIN), rmult, rshift))
        adj = max(diff_min - 1, lowest)
        for c, v in enumerate(row):
            d = int(v) - mx
            if d > adj:
                q5 = int(mul_by_qm(d, mult, left))
                o = _rdbpot_scalar(_w(q5 - log_sum), 31 - diff_bits - out_bits) + 127
                out[i, c] = min(max(o, -128), 127)
            else:
                out[i, c] = -128
    return out.reshape(x.shape)


# -- reductions (reference/reduce.h, micro/kernels/reduce_common.cc) ---------------------------

def resolve_axes(ndim, axes):
    """ResolveAxis: negative axes count from the end, repeats dropped; sorted for numpy."""
    return tuple(sorted({int(a) % ndim for a in axes}))


def mean_or_sum_q(x, axes, si, zi, so, zo, qmin, qmax, compute_sum):
    """QuantizedMeanOrSum (TFLite Micro's integer MEAN, always, and SUM): int32 sums of the raw
    values (wrapping), minus zi * count (wrapped to int32), times the multiplier of si / so
    (float32 scales divided in double); for MEAN 1/count is folded into the multiplier: shifted
    up by min(floor(log2(count)), 32, 31 + shift) bits and divided, truncating. Returns the
    reduced array without the kept dims."""
    axes = resolve_axes(x.ndim, axes) if x.ndim else ()
    s = wrap32(np.asarray(x, np.int64).sum(axis=axes)) if axes else np.asarray(x, np.int64)
    n = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    mult, shift = quantize_multiplier(float(np.float32(si)) / float(np.float32(so)))
    if not compute_sum:
        up = min((n.bit_length() - 1), 32, 31 + shift)
        mult = (mult << up) // n
        shift -= up
    out = mul_by_qm(wrap32(s - zi * n), mult, shift) + zo
    return np.clip(out, qmin, qmax)
