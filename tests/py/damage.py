# SPDX-License-Identifier: MIT
# Damaged .tflite models for tests/py/test_damaged.py, and the child process that feeds them to
# microml.Model (a crash there fails one test instead of killing pytest).
#
#   python3 damage.py MODEL MODE     MODE: truncate | xor | inc | cases
#
# Each model sits in memory right against a PROT_NONE guard page (after its end, or before its
# start), so a read outside the model bytes faults even when it would not leave the heap.
# Prints one JSON object: counts of outcomes and the list of failures; exits 1 on any failure.
import ctypes
import json
import mmap
import struct
import sys

ALLOWED = (ValueError, NotImplementedError, MemoryError)
ITEMSIZE = {"int8": 1, "uint8": 1, "bool": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4,
            "float32": 4, "int64": 8, "uint64": 8, "float64": 8}


# --- a minimal flatbuffer walker over the TFLite schema, to aim damage at real fields ---------

def _u32(b, p):
    return struct.unpack_from("<I", b, p)[0]


def _field(b, table, slot):
    """Position of field `slot` of the table at `table`, or None if absent."""
    vt = table - struct.unpack_from("<i", b, table)[0]
    vt_len = struct.unpack_from("<H", b, vt)[0]
    if 4 + 2 * slot + 2 > vt_len:
        return None
    off = struct.unpack_from("<H", b, vt + 4 + 2 * slot)[0]
    return table + off if off else None


def _deref(b, pos):
    return pos + _u32(b, pos)


def _vector(b, table, slot):
    """(length prefix position, element count) of vector field `slot`, or None."""
    f = _field(b, table, slot)
    if f is None:
        return None
    v = _deref(b, f)
    return v, _u32(b, v)


def _tables(b, table, slot):
    vec = _vector(b, table, slot)
    if vec is None:
        return []
    v, n = vec
    return [_deref(b, v + 4 + 4 * k) for k in range(n)]


# Field slots in schema.fbs
MODEL_OPCODES, MODEL_SUBGRAPHS, MODEL_BUFFERS = 1, 2, 4
SG_TENSORS, SG_INPUTS, SG_OUTPUTS, SG_OPERATORS = 0, 1, 2, 3
T_SHAPE, T_BUFFER, T_NAME, T_QUANT = 0, 2, 3, 4
BUF_DATA = 0
OP_OPCODE, OP_INPUTS, OP_OUTPUTS = 0, 1, 2
OPC_DEPRECATED_CODE, OPC_CUSTOM, OPC_BUILTIN_CODE = 0, 1, 3
Q_SCALE, Q_ZERO_POINT = 2, 3


def _subgraph_landmarks(b, sg, sg_name, prefix):
    out = []
    for slot, name in ((SG_TENSORS, "tensors"), (SG_INPUTS, "inputs"), (SG_OUTPUTS, "outputs"),
                       (SG_OPERATORS, "operators")):
        vec = _vector(b, sg, slot)
        if vec is None:
            continue
        out.append(("len", f"{sg_name}.{name}", vec[0]))
        out.append(("off", f"{sg_name}.{name}", _field(b, sg, slot)))
        if slot in (SG_INPUTS, SG_OUTPUTS) and vec[1]:
            out.append(("idx", f"{sg_name}.{name}[0]", vec[0] + 4))
    for ti, t in enumerate(_tables(b, sg, SG_TENSORS)):
        for slot, name in ((T_SHAPE, "shape"), (T_NAME, "name")):
            vec = _vector(b, t, slot)
            if vec:
                out.append(("len", f"{prefix}tensors[{ti}].{name}", vec[0]))
        f = _field(b, t, T_BUFFER)
        if f is not None:
            out.append(("idx", f"{prefix}tensors[{ti}].buffer", f))
        qf = _field(b, t, T_QUANT)
        if qf is not None:
            q = _deref(b, qf)
            for slot, name in ((Q_SCALE, "scale"), (Q_ZERO_POINT, "zero_point")):
                vec = _vector(b, q, slot)
                if vec:
                    out.append(("len", f"{prefix}tensors[{ti}].quantization.{name}", vec[0]))
    for oi, op in enumerate(_tables(b, sg, SG_OPERATORS)):
        f = _field(b, op, OP_OPCODE)
        if f is not None:
            out.append(("idx", f"{prefix}operators[{oi}].opcode_index", f))
        for slot, name in ((OP_INPUTS, "inputs"), (OP_OUTPUTS, "outputs")):
            vec = _vector(b, op, slot)
            if vec:
                out.append(("len", f"{prefix}operators[{oi}].{name}", vec[0]))
                if vec[1]:
                    out.append(("idx", f"{prefix}operators[{oi}].{name}[0]", vec[0] + 4))
    return out


def landmarks(b):
    """Named positions in model bytes b: ("len", name, pos) for every vector length prefix,
    ("off", name, pos) for uoffset fields, ("idx", name, pos) for int32 indices."""
    out = []
    root = _u32(b, 0)
    out.append(("off", "model.subgraphs", _field(b, root, MODEL_SUBGRAPHS)))
    out.append(("off", "model.buffers", _field(b, root, MODEL_BUFFERS)))
    out.append(("off", "model.operator_codes", _field(b, root, MODEL_OPCODES)))
    for slot, name in ((MODEL_OPCODES, "operator_codes"), (MODEL_SUBGRAPHS, "subgraphs"),
                       (MODEL_BUFFERS, "buffers")):
        vec = _vector(b, root, slot)
        if vec:
            out.append(("len", f"model.{name}", vec[0]))
    for bi, buf in enumerate(_tables(b, root, MODEL_BUFFERS)):
        vec = _vector(b, buf, BUF_DATA)
        if vec:
            out.append(("len", f"buffers[{bi}].data", vec[0]))
    for si, sg in enumerate(_tables(b, root, MODEL_SUBGRAPHS)):
        # Subgraph 0's names carry no number; subgraph k's start "subgraph<k>.".
        out += _subgraph_landmarks(b, sg, "subgraph" if si == 0 else f"subgraph{si}",
                                   "" if si == 0 else f"subgraph{si}.")
    return [x for x in out if x[2] is not None]


def with_builtin_op(b, code):
    """Model bytes b with operator code 0 changed to builtin `code` (a valid model whose op
    may have no kernel). Needs both code fields present in b."""
    oc = _tables(b, _u32(b, 0), MODEL_OPCODES)[0]
    dep, new = _field(b, oc, OPC_DEPRECATED_CODE), _field(b, oc, OPC_BUILTIN_CODE)
    assert dep is not None and new is not None
    b = bytearray(_put32(b, new, code))
    b[dep] = min(code, 127)  # 127: PLACEHOLDER_FOR_GREATER_OP_CODES
    return bytes(b)


def with_extra_output(b):
    """Model bytes b whose subgraph outputs are (the model's output, op 0's first output):
    a valid two-output model. The new index vector is appended; its uoffset points forward."""
    b = bytearray(b) + bytes(-len(b) % 4)
    sg = _tables(b, _u32(b, 0), MODEL_SUBGRAPHS)[0]
    out_field = _field(b, sg, SG_OUTPUTS)
    outs, n = _vector(b, sg, SG_OUTPUTS)
    op0 = _tables(b, sg, SG_OPERATORS)[0]
    op0_out = _u32(b, _vector(b, op0, OP_OUTPUTS)[0] + 4)
    pos = len(b)
    b += struct.pack("<Iii", 2, struct.unpack_from("<i", b, outs + 4)[0], op0_out)
    return _put32(bytes(b), out_field, pos - out_field)


def _put32(b, pos, value):
    b = bytearray(b)
    struct.pack_into("<I", b, pos, value & 0xFFFFFFFF)
    return bytes(b)


def cases(b):
    """{name: damaged bytes} that must each raise ValueError."""
    n = len(b)
    c = {"empty": b"", "four_zero_bytes": bytes(4), "header_only": _put32(b"\0" * 8, 0, 8)[:4] + b"TFL3"}
    for ident in (b"TFL2", b"XXXX", b"\0\0\0\0", b"tfl3"):
        c[f"identifier_{ident.decode(errors='replace')}"] = b[:4] + ident + b[8:]
    for v in (n, n - 2, n + 100, 0x7FFFFFFF, 0xFFFFFFFC, 0xFFFFFFFF):
        c[f"root_offset_{v:#x}"] = _put32(b, 0, v)
    root = _u32(b, 0)
    for v in (0x7FFFFFFF, -0x7FFFFFFF, root + 1, -(n + 8)):
        c[f"root_vtable_{v:#x}"] = _put32(b, root, v)
    for kind, name, pos in landmarks(b):
        if kind == "len":
            # 0x40000001 * 4 and 0x40000001 * 4 + 4 wrap around in 32 bits to small numbers.
            for v in (n, 0x3FFFFFFF, 0x40000001, 0x7FFFFFFF, 0xFFFFFFFF):
                c[f"len_{name}_{v:#x}"] = _put32(b, pos, v)
        elif kind == "off":
            for v in (n, 0x7FFFFFF0, 0xFFFFFFFC):
                c[f"offset_{name}_{v:#x}"] = _put32(b, pos, v)
        else:
            for v in (0x7FFFFFFF, 0x10000, -2):
                c[f"index_{name}_{v:#x}"] = _put32(b, pos, v)
    return c


# --- the child -------------------------------------------------------------------------------

class Guarded:
    """A mapping with PROT_NONE pages on both sides of room for `size` bytes."""

    def __init__(self, size):
        self.page = mmap.PAGESIZE
        self.room = max(1, (size + self.page - 1) // self.page) * self.page
        self.mm = mmap.mmap(-1, self.room + 2 * self.page)
        self.view = memoryview(self.mm)
        base = ctypes.addressof(ctypes.c_char.from_buffer(self.mm))
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mprotect.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
        for p in (base, base + self.page + self.room):
            if libc.mprotect(p, self.page, 0) != 0:
                raise OSError(ctypes.get_errno(), "mprotect")

    def place(self, data, at_end):
        """data copied against the trailing guard (within 3 bytes: the model must be 4-byte
        aligned) or the leading one; returns a memoryview of exactly len(data) bytes."""
        n = len(data)
        start = self.page + ((self.room - n) & ~3 if at_end else 0)
        self.view[start:start + n] = data
        return self.view[start:start + n]


def zero_inputs(model):
    xs = []
    for t in model.inputs:
        size = ITEMSIZE.get(t.dtype)
        count = 1
        for d in t.shape:
            count *= max(d, 0)
        if size is None or count * size > 1 << 24:
            return None
        xs.append(bytes(count * size))
    return xs[0] if len(xs) == 1 else tuple(xs)


def run(microml, view):
    """Outcome of loading and running one model: "ok:<output bytes hex>" or an exception name."""
    try:
        m = microml.Model(view)
        x = zero_inputs(m)
        if x is None:
            return "ok:noinput"
        y = m.predict(x)
        ys = y if isinstance(y, tuple) else (y,)
        return "ok:" + b"".join(a.tobytes() for a in ys).hex()
    except ALLOWED as e:
        return type(e).__name__
    # anything else propagates: a failure


def main(path, mode):
    import microml

    b = open(path, "rb").read()
    g = Guarded(len(b) + 8)
    counts, failures = {}, []

    def record(label, data, at_end=True, want=None):
        # The last line on stderr names the culprit if the process dies.
        sys.stderr.write(label + "\n")
        sys.stderr.flush()
        try:
            outcome = run(microml, g.place(data, at_end))
        except Exception as e:  # noqa: BLE001 - any other exception type is the failure
            outcome = f"unexpected {type(e).__name__}: {e}"
        kind = outcome.split(":")[0]
        counts[kind] = counts.get(kind, 0) + 1
        if kind.startswith("unexpected") or (want is not None and not want(outcome)):
            failures.append(f"{label}: {outcome}")

    full = run(microml, g.place(b, True))
    if mode == "truncate":
        # A truncated model may still load if only unreferenced bytes went; then it must
        # compute exactly what the whole model computes.
        same = lambda o: not o.startswith("ok") or o == full  # noqa: E731
        for n in range(len(b)):
            record(f"truncate {n} (guard after)", b[:n], True, same)
            record(f"truncate {n} (guard before)", b[:n], False, same)
    elif mode in ("xor", "inc"):
        for pos in range(len(b)):
            d = bytearray(b)
            d[pos] = d[pos] ^ 0xFF if mode == "xor" else (d[pos] + 1) & 0xFF
            record(f"{mode} byte {pos}", bytes(d))
    elif mode == "cases":
        results = {}
        for name, data in cases(b).items():
            for at_end in (True, False):
                sys.stderr.write(f"case {name} (guard {'after' if at_end else 'before'})\n")
                sys.stderr.flush()
                try:
                    outcome = run(microml, g.place(data, at_end))
                except Exception as e:  # noqa: BLE001
                    outcome = f"unexpected {type(e).__name__}: {e}"
                results.setdefault(name, outcome)
                if outcome != results[name]:
                    results[name] = f"{results[name]} / {outcome}"
        print(json.dumps({"full": full, "results": results}))
        return 0
    print(json.dumps({"full": full, "counts": counts, "failures": failures[:50],
                      "n_failures": len(failures)}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
