#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The op switches a set of .tflite models needs (include/microml/mml_config.h, MML_OP_ON), for
# builds with only those ops (`make mpy MODELS="a.tflite b.tflite"`, docs/adding-an-op.md).
#
#   tools/model_ops.py MODEL...                 the ops' switch names, sorted, one per line
#   tools/model_ops.py --header OUT MODEL...    writes OUT (mml_ops_custom.h) if it changes
#
# The header also turns off each op's dtype paths (MML_OP_DTYPE lines of src/nn/op_list.h) that
# no operator of the models takes, by the rule of src/nn/kernel.h: S16 if input 0 is int16, F32
# if input 0 is float32 and input 1 (if any) is not int8, HYBRID if input 0 is float32 and
# input 1 is int8; and S8REF, the int8 reference kernel of CONV_2D, DEPTHWISE_CONV_2D,
# FULLY_CONNECTED and UNIDIRECTIONAL_SEQUENCE_LSTM that a build with optimized variants runs for
# what they do not take (src/nn/kernel.h), if an int8 operator of the models has groups (filter depth other than the input's) or a depth multiplier
# (output over input channels) other than 1 or a multiple of 8; the same for FULLY_CONNECTED if
# its weights' first zero point is not 0, and for UNIDIRECTIONAL_SEQUENCE_LSTM if its input
# [d0, d1, in] and output [.., .., state] give d0 * d1 * (in + 5 * state + 4) >= 2^28 (a bound
# on the M4 and x86 variants' scratch, their only limit).
#
# Builtin ops are named as in src/core/builtin_ops.h (CONV_2D), custom ops by their custom code
# in capitals with non-alphanumerics as _. Reads the models with the flatbuffers package.
import re
import sys
from pathlib import Path

import flatbuffers
from flatbuffers import number_types as N

REPO = Path(__file__).resolve().parents[1]

# schema.fbs field numbers
MODEL_OPERATOR_CODES, MODEL_SUBGRAPHS = 1, 2
SUBGRAPH_TENSORS, SUBGRAPH_OPERATORS = 0, 3
TENSOR_SHAPE, TENSOR_TYPE, TENSOR_QUANTIZATION = 0, 1, 4
QUANT_ZERO_POINT = 3
OPERATOR_OPCODE_INDEX, OPERATOR_INPUTS, OPERATOR_OUTPUTS, OPERATOR_CUSTOM_OPTIONS = 0, 1, 2, 5
FLOAT32, INT16, INT8 = 0, 7, 9  # TensorType
OPCODE_DEPRECATED_BUILTIN, OPCODE_CUSTOM, OPCODE_BUILTIN = 0, 1, 3
CUSTOM = 32
CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, UNIDIRECTIONAL_SEQUENCE_LSTM = 3, 4, 9, 44


def builtin_names():
    """{code: NAME} from the engine's own list (src/core/builtin_ops.h)."""
    text = (REPO / "src" / "core" / "builtin_ops.h").read_text()
    return {int(c): n for n, c in re.findall(r"X\((\w+), (\d+)\)", text)}


def listed_ops(custom_only=False):
    """Switch names of the ops the engine has a kernel for (src/nn/op_list.h)."""
    text = (REPO / "src" / "nn" / "op_list.h").read_text()
    kinds = "CUSTOM_" if custom_only else "(?:CUSTOM_)?"
    return set(re.findall(r"^MML_%sOP\((\w+)," % kinds, text, re.M))


def listed_dtype_paths():
    """{(op switch name, path)} of the dtype paths in src/nn/op_list.h (MML_OP_DTYPE)."""
    text = (REPO / "src" / "nn" / "op_list.h").read_text()
    return set(re.findall(r"^MML_OP_DTYPE\((\w+), (\w+),", text, re.M))


def dtype_path(in0, in1):
    """The dtype path (src/nn/kernel.h) of an operator whose inputs 0 and 1 have these
    TensorTypes (None: absent), or None for the int8 and other cases."""
    if in0 == INT16:
        return "S16"
    if in0 == FLOAT32:
        return "HYBRID" if in1 == INT8 else "F32"
    return None


def needs_s8_ref(code, ins, outs, shapes, zero_points):
    """Whether an int8 CONV_2D (groups), DEPTHWISE_CONV_2D (depth multiplier not 1 nor a
    multiple of 8), FULLY_CONNECTED (weights' first zero point not 0) or
    UNIDIRECTIONAL_SEQUENCE_LSTM (scratch bound 2^28) operator may run the int8 reference kernel
    (path S8REF, src/nn/kernel.h); True too when its shapes are not those of a valid operator
    (the kernel then refuses it anyway)."""
    def depth(i):
        s = shapes[i] if i is not None and 0 <= i < len(shapes) else []
        return s[3] if len(s) == 4 and s[3] > 0 else None
    i_in = ins[0] if ins else None
    if code == UNIDIRECTIONAL_SEQUENCE_LSTM:
        s_in = shapes[i_in] if i_in is not None and 0 <= i_in < len(shapes) else []
        i_out = outs[0] if outs else None
        s_out = shapes[i_out] if i_out is not None and 0 <= i_out < len(shapes) else []
        if len(s_in) != 3 or len(s_out) != 3 or min(s_in + s_out) < 0:
            return True
        return s_in[0] * s_in[1] * (s_in[2] + 5 * s_out[2] + 4) >= 1 << 28
    if code == FULLY_CONNECTED:
        i_w = ins[1] if len(ins) > 1 else None
        return i_w is None or not 0 <= i_w < len(zero_points) or zero_points[i_w] != 0
    if code == CONV_2D:
        c_in, c_filt = depth(i_in), depth(ins[1] if len(ins) > 1 else None)
        return c_in is None or c_filt is None or c_in != c_filt
    if code == DEPTHWISE_CONV_2D:
        c_in, c_out = depth(i_in), depth(outs[0] if outs else None)
        if c_in is None or c_out is None or c_out % c_in:
            return True
        dm = c_out // c_in
        return dm != 1 and dm % 8 != 0
    return False


def switch_name(custom_code):
    return re.sub(r"[^A-Za-z0-9]", "_", custom_code).upper()


class _Table:
    def __init__(self, buf, pos):
        self.t = flatbuffers.table.Table(buf, pos)

    def _off(self, field):
        return self.t.Offset(4 + 2 * field)

    def scalar(self, field, flags, default=0):
        o = self._off(field)
        return self.t.Get(flags, self.t.Pos + o) if o else default

    def string(self, field):
        o = self._off(field)
        return self.t.String(self.t.Pos + o).decode("utf-8", "replace") if o else None

    def tables(self, field):
        o = self._off(field)
        if not o:
            return []
        start, n = self.t.Vector(o), self.t.VectorLen(o)
        return [_Table(self.t.Bytes, self.t.Indirect(start + 4 * i)) for i in range(n)]

    def table(self, field):
        o = self._off(field)
        return _Table(self.t.Bytes, self.t.Indirect(self.t.Pos + o)) if o else None

    def first_long(self, field, default=0):
        o = self._off(field)
        if not o or not self.t.VectorLen(o):
            return default
        return self.t.Get(N.Int64Flags, self.t.Vector(o))

    def ints(self, field):
        o = self._off(field)
        if not o:
            return []
        start, n = self.t.Vector(o), self.t.VectorLen(o)
        return [self.t.Get(N.Int32Flags, start + 4 * i) for i in range(n)]


def model_ops(path, names, with_options=None, paths=None):
    """Switch names of the ops the operators of every subgraph of model `path` use; adds to the
    set with_options the custom ops that some operator gives options (custom_options), and to the
    set paths the (switch name, dtype path) of every operator that takes one."""
    buf = bytearray(Path(path).read_bytes())
    if len(buf) < 8 or buf[4:8] != b"TFL3":
        raise ValueError(f"{path}: not a .tflite model (no TFL3 identifier)")
    model = _Table(buf, flatbuffers.encode.Get(flatbuffers.packer.uoffset, buf, 0))
    codes = model.tables(MODEL_OPERATOR_CODES)
    used, optioned, taken = set(), set(), set()
    for sg in model.tables(MODEL_SUBGRAPHS):
        tensors = sg.tables(SUBGRAPH_TENSORS)
        types = [t.scalar(TENSOR_TYPE, N.Int8Flags) for t in tensors]
        shapes = [t.ints(TENSOR_SHAPE) for t in tensors]
        zero_points = [q.first_long(QUANT_ZERO_POINT) if q else 0
                       for q in (t.table(TENSOR_QUANTIZATION) for t in tensors)]
        for op in sg.tables(SUBGRAPH_OPERATORS):
            used.add(op.scalar(OPERATOR_OPCODE_INDEX, N.Uint32Flags))
            ins = [types[i] if 0 <= i < len(types) else None for i in op.ints(OPERATOR_INPUTS)]
            path = dtype_path(*(ins + [None, None])[:2])
            if path:
                taken.add((op.scalar(OPERATOR_OPCODE_INDEX, N.Uint32Flags), path))
            elif ins and ins[0] == INT8:
                j = op.scalar(OPERATOR_OPCODE_INDEX, N.Uint32Flags)
                code = (max(codes[j].scalar(OPCODE_DEPRECATED_BUILTIN, N.Int8Flags),
                            codes[j].scalar(OPCODE_BUILTIN, N.Int32Flags))
                        if j < len(codes) else None)
                if needs_s8_ref(code, op.ints(OPERATOR_INPUTS), op.ints(OPERATOR_OUTPUTS),
                                shapes, zero_points):
                    taken.add((j, "S8REF"))
            o = op._off(OPERATOR_CUSTOM_OPTIONS)
            if o and op.t.VectorLen(o):
                optioned.add(op.scalar(OPERATOR_OPCODE_INDEX, N.Uint32Flags))
    out = set()
    for i in used:
        if i >= len(codes):
            raise ValueError(f"{path}: opcode index {i} out of range")
        c = codes[i]
        code = max(c.scalar(OPCODE_DEPRECATED_BUILTIN, N.Int8Flags),
                   c.scalar(OPCODE_BUILTIN, N.Int32Flags))
        if code == CUSTOM:
            out.add(switch_name(c.string(OPCODE_CUSTOM) or ""))
            if i in optioned and with_options is not None:
                with_options.add(switch_name(c.string(OPCODE_CUSTOM) or ""))
        else:
            out.add(names.get(code, f"BUILTIN_{code}"))
            if paths is not None:
                paths |= {(names.get(code), p) for j, p in taken if j == i}
    return out


def header(models, ops, custom, paths_off=()):
    lines = ["// Generated by tools/model_ops.py: the ops of these models, for a build with",
             "// MML_OPS_CUSTOM=1 (include/microml/mml_config.h). Do not edit.",
             *(f"//   {Path(m).name}" for m in models),
             "#ifndef MICROML_MML_OPS_CUSTOM_H", "#define MICROML_MML_OPS_CUSTOM_H",
             *(f"#define MML_OP_ENABLE_{op} 1" for op in sorted(ops)),
             *(f"#define MML_DTYPE_ENABLE_{op}_{p} 0" for op, p in sorted(paths_off)),
             *(["#define MML_ENABLE_FLEXBUF 1 // custom ops read their options"] * custom),
             "#endif // MICROML_MML_OPS_CUSTOM_H", ""]
    return "\n".join(lines)


def main(argv):
    out = None
    if argv[:1] == ["--header"] and len(argv) >= 2:
        out, argv = argv[1], argv[2:]
    if not argv or any(a.startswith("-") for a in argv):
        print("usage: tools/model_ops.py [--header OUT] MODEL...", file=sys.stderr)
        return 2
    names = builtin_names()
    ops, optioned, paths = set(), set(), set()
    for m in argv:
        try:
            ops |= model_ops(m, names, optioned, paths)
        except (OSError, ValueError, IndexError, UnicodeDecodeError) as e:
            print(f"model_ops: {m}: {e}", file=sys.stderr)
            return 1
    missing = sorted(ops - listed_ops())
    if missing:
        # Still built: the engine refuses these at load, as in a full build.
        print(f"model_ops: no kernel for {', '.join(missing)}", file=sys.stderr)
    if out is None:
        sys.stdout.write("".join(op + "\n" for op in sorted(ops)))
        return 0
    built = ops & listed_ops()
    # The FlexBuffers reader only when a custom op in the build reads options.
    paths_off = {(op, p) for op, p in listed_dtype_paths() if op in built} - paths
    text = header(argv, built, bool(built & optioned & listed_ops(custom_only=True)), paths_off)
    path = Path(out)
    if not path.exists() or path.read_text() != text:  # unchanged: no rebuild
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
