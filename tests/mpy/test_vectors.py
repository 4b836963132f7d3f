# SPDX-License-Identifier: MIT
# Every supported model against TFLite Micro's reference vectors, on MicroPython.
# Runs in a directory holding the files staged by tests/mpy/run; models.txt lists the vectors to
# check, one "<model> <vector> <invocations>" a line (unix: every public vector; boards: a sample):
#   m_<model>.tflite, v_<model>_<vector>.in / .out  (raw bytes of all inputs / outputs, in order,
#   one frame after another for a vector of N invocations)
# Integer outputs must match byte for byte, float32 within 1e-4 relative or 1e-6 absolute.
# Prints one line per vector, "ok <model>/<vector>" or "FAIL <model>/<vector>: <why>".
import gc
from array import array

import microml

ITEMSIZE = {"int8": 1, "uint8": 1, "bool": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4,
            "float32": 4}


def read(name):
    with open(name, "rb") as f:
        return f.read()


try:
    view = file_view  # tools/run-on-qemu: zero-copy view of a file in the board's memory
except NameError:
    view = read


def nbytes(t):
    n = ITEMSIZE[t.dtype]
    for d in t.shape:
        n *= d
    return n


def close(got, want):
    for g, w in zip(got, want):
        d = abs(g - w)
        if d > 1e-6 and d > 1e-4 * abs(w):
            return False
    return len(got) == len(want)


def split(blob, sizes):
    parts, at = [], 0
    for n in sizes:
        parts.append(blob[at:at + n])
        at += n
    return parts


def check(m, x, y, invocations):
    """Feeds the frames of one vector to m in order and compares every output."""
    isz = [nbytes(t) for t in m.inputs]
    osz = [nbytes(t) for t in m.outputs]
    fin, fout = sum(isz), sum(osz)
    assert len(x) == invocations * fin, "input: %d bytes for %d frames of %d" % (len(x), invocations, fin)
    assert len(y) == invocations * fout, "output: %d bytes for %d frames of %d" % (len(y), invocations, fout)
    x, y = memoryview(x), memoryview(y)
    for k in range(invocations):
        xs = split(x[k * fin:(k + 1) * fin], isz)
        r = m.predict(xs[0] if len(xs) == 1 else tuple(xs))
        rs = (r,) if len(osz) == 1 else r
        for i, want in enumerate(split(y[k * fout:(k + 1) * fout], osz)):
            got, want = rs[i], bytes(want)  # array() and == take bytes, not a memoryview
            if m.outputs[i].dtype == "float32":
                ok = close(got, array("f", want))
            else:
                ok = bytes(got) == want
            assert ok, "frame %d output %d: got %r want %r" % (k, i, bytes(got)[:16], bytes(want)[:16])


plan = []  # (model, [(vector, invocations)])
for line in read("models.txt").decode().split("\n"):
    if line:
        model, vec, n = line.split()
        if not plan or plan[-1][0] != model:
            plan.append((model, []))
        plan[-1][1].append((vec, int(n)))

for model, vecs in plan:
    gc.collect()
    try:
        m = microml.Model(view("m_%s.tflite" % model))
    except Exception as e:
        print("FAIL %s: load: %s %s" % (model, type(e).__name__, e))
        continue
    for vec, n in vecs:
        gc.collect()  # the Cortex-M0 board's heap needs every free byte in one piece
        try:
            m.reset()  # each vector starts from a fresh model's state
            check(m, view("v_%s_%s.in" % (model, vec)), view("v_%s_%s.out" % (model, vec)), n)
            print("ok %s/%s" % (model, vec))
        except Exception as e:
            print("FAIL %s/%s: %s %s" % (model, vec, type(e).__name__, e))
    del m
    gc.collect()
