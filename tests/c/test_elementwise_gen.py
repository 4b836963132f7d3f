#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Independent Python model of gemmlowp's fixed-point exp / logistic / tanh / reciprocal and of
# TFLite's int8 LOGISTIC, TANH and SOFTMAX element math, written from their documented formulas.
# Prints the expected-value tables of tests/c/test_elementwise.c.
import math, struct

M = 2**31

def srdhm(a, b):
    if a == b == -M:
        return M - 1
    ab = a * b
    q = ab + (2**30 if ab >= 0 else 1 - 2**30)
    return q // M if q >= 0 else -((-q) // M)

def rdbpot(x, e):
    mask = (1 << e) - 1
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if (x & mask) > thr else 0)

def sat(x):
    return max(-M, min(M - 1, x))

def mul_pot(x, e):  # saturating / rounding x * 2^e
    return sat(x << e) if e > 0 else rdbpot(x, -e) if e < 0 else x

def exp_quarter(a):  # exp(a), a in [-1/4, 0), Q0.31: Taylor around -1/8
    c, third = 1895147668, 715827883
    x = a + (1 << 28)
    x2 = srdhm(x, x); x3 = srdhm(x2, x); x4 = srdhm(x2, x2)
    t = rdbpot(srdhm(rdbpot(x4, 2) + x3, third) + x2, 1)
    return c + srdhm(c, x + t)

def exp_neg(a, ib):
    fb = 31 - ib
    q = 1 << (fb - 2)
    r0 = (a & (q - 1)) - q
    res = exp_quarter(mul_pot(r0, ib))
    rem = r0 - a
    for k, m in zip(range(-2, 5), [1672461947, 1302514674, 790015084, 290630308, 39332535,
                                   720401, 242]):
        if ib > k and rem & (1 << (fb + k)):
            res = srdhm(res, m)
    if ib > 5 and a < -(1 << (36 - ib)):
        res = 0
    return M - 1 if a == 0 else res

def newton(hd):
    x = 1515870810 + srdhm(hd, -1010580540)
    for _ in range(3):
        x = x + mul_pot(srdhm(x, (1 << 29) - srdhm(hd, x)), 2)
    return x

def half_sum(a):
    s = a + M - 1
    s = s + (1 if s >= 0 else -1)
    return s // 2 if s >= 0 else -((-s) // 2)

def one_over(a):
    return mul_pot(newton(half_sum(a)), 1)

def logistic(a, ib):
    if a == 0:
        return 1 << 30
    p = one_over(exp_neg(-abs(a), ib))
    return p if a > 0 else M - 1 - p

def tanh(a, ib):
    if a == 0:
        return 0
    n = a if a < 0 else -a
    t = mul_pot(newton(half_sum(exp_neg(n, ib + 1))) - (1 << 29), 2)
    return -t if a < 0 else t

def recip(x, ib):
    h = 32 - x.bit_length()
    return one_over((x << h) - M), ib - h

def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]

def qmult(m):  # QuantizeMultiplier
    if m == 0:
        return 0, 0
    q, e = math.frexp(m)
    qf = int(math.floor(abs(q) * M + 0.5)) * (1 if q > 0 else -1)
    if qf == M:
        qf //= 2; e += 1
    return qf, e

def mbqm(x, q, s):
    return rdbpot(srdhm(sat(x << max(s, 0)), q), max(-s, 0))

def q4(scale):
    q, e = math.frexp(f32(scale) * 2**27)
    return int(math.floor(q * M + 0.5)), e, (15 << 27) >> e

def logistic_s8(x, scale, zp):
    m, s, r = q4(scale)
    v = x - zp
    if v <= -r: return -128
    if v >= r: return 127
    return max(-128, min(127, rdbpot(logistic(mbqm(v, m, s), 4), 23) - 128))

def tanh_s8(x, scale, zp):
    m, s, r = q4(scale)
    v = x - zp
    if v <= -r: return -128
    if v >= r: return 127
    return max(-128, min(127, rdbpot(tanh(mbqm(v, m, s), 4), 24)))

def softmax_s8(row, scale, beta):
    m = min(f32(beta) * f32(scale) * 2**26, 2**31 - 1.0)
    q, ls = qmult(m)
    dmin = -((31 << 26) >> ls)
    mx = max(row)
    e = [exp_neg(srdhm((x - mx) << ls, q), 5) if x - mx >= dmin else None for x in row]
    tot = sum(rdbpot(v, 12) for v in e if v is not None)
    sc, bits = recip(tot, 12)
    ex = bits + 31 - 8
    return [-128 if v is None else max(-128, min(127, rdbpot(srdhm(sc, v), ex) - 128)) for v in e]

if __name__ == '__main__':
    xs = [-2**31, -2**30 - 12345, -123456789, -2**26, -1000, -1, 0]
    print('exp_neg ib=5', [exp_neg(x, 5) for x in xs])
    print('exp_neg ib=0', [exp_neg(x, 0) for x in [-2**29, -2**27 - 5, -1, 0]])
    ys = [-2**31, -2**28 - 77, -5000000, -1, 0, 1, 3 * 2**25 + 11, 2**31 - 1]
    print('logistic ib=4', [logistic(y, 4) for y in ys])
    print('tanh ib=4', [tanh(y, 4) for y in ys])
    print('recip ib=12', [recip(x, 12) for x in [1 << 19, (1 << 19) + 12345, 5 << 21, 2**31 - 1]])
    print('logistic_s8', [logistic_s8(x, 0.05, 3) for x in [-128, -100, -20, 0, 3, 4, 50, 127]])
    print('tanh_s8', [tanh_s8(x, 0.03, -2) for x in [-128, -60, -3, -2, -1, 20, 90, 127]])
    print('softmax_s8', softmax_s8([10, 12, 15, 15, 9, 0, -128], 0.1, 1.0))
    print('softmax_s8 b', softmax_s8([3, 1, -7, 2], 0.25, 0.5))
