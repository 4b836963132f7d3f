# SPDX-License-Identifier: MIT
"""A small pure-Python writer of TensorFlow Lite models (.tflite, schema version 3).

Builds a model from tensors (shape, dtype, optional constant data, optional
quantization, per-tensor or per-channel) and builtin (or custom) operators with their options
table, using only `flatbuffers.Builder`. A model may have more subgraphs (`mb.subgraph()`, each
with its own tensors and operators), e.g. the init subgraph a CALL_ONCE runs. Fields are written by their schema.fbs field ids
(numbered in declaration order from 0; a union takes two ids, its type then its value).

    mb = ModelBuilder()
    x = mb.tensor([2, 3], "int8", scale=0.5, zero_point=-1)
    y = mb.tensor([3, 2], "int8", scale=0.5, zero_point=-1)
    shape = mb.tensor([2], "int32", data=[3, 2])
    mb.op("RESHAPE", [x, shape], [y], options=("ReshapeOptions", {"new_shape": [3, 2]}))
    model_bytes = mb.build(inputs=[x], outputs=[y])
"""
import numpy as np
import flatbuffers

SCHEMA_VERSION = 3
FILE_IDENTIFIER = b"TFL3"

# TensorType (schema.fbs) and the numpy type of each.
DTYPES = {
    "float32": 0, "float16": 1, "int32": 2, "uint8": 3, "int64": 4, "string": 5, "bool": 6,
    "int16": 7, "complex64": 8, "int8": 9, "float64": 10, "complex128": 11, "uint64": 12,
    "resource": 13, "variant": 14, "uint32": 15, "uint16": 16, "int4": 17,
}
NUMPY_TYPES = {
    "float32": np.float32, "float16": np.float16, "int32": np.int32, "uint8": np.uint8,
    "int64": np.int64, "bool": np.bool_, "int16": np.int16, "complex64": np.complex64,
    "int8": np.int8, "float64": np.float64, "complex128": np.complex128, "uint64": np.uint64,
    "uint32": np.uint32, "uint16": np.uint16,
}

# BuiltinOperator codes (schema.fbs), the ones up to BATCH_MATMUL and a few after.
_OPS = """ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE
EMBEDDING_LOOKUP FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D
LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6
RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL
CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND
SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE
BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST
PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN
TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW
ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK
REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR
LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N GATHER_ND COS
WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE
NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL
PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG REAL
COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE
VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS RANDOM_STANDARD_NORMAL BUCKETIZE
RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1""".split()
BUILTIN_OPS = {name: code for code, name in enumerate(_OPS)}

# The BuiltinOptions union in declaration order: type value = position + 1 (0 is NONE).
_OPTIONS_UNION = """Conv2DOptions DepthwiseConv2DOptions ConcatEmbeddingsOptions
LSHProjectionOptions Pool2DOptions SVDFOptions RNNOptions FullyConnectedOptions SoftmaxOptions
ConcatenationOptions
AddOptions L2NormOptions LocalResponseNormalizationOptions LSTMOptions ResizeBilinearOptions
CallOptions ReshapeOptions SkipGramOptions SpaceToDepthOptions EmbeddingLookupSparseOptions
MulOptions PadOptions GatherOptions BatchToSpaceNDOptions SpaceToBatchNDOptions TransposeOptions
ReducerOptions SubOptions DivOptions SqueezeOptions SequenceRNNOptions StridedSliceOptions
ExpOptions TopKV2Options SplitOptions LogSoftmaxOptions CastOptions DequantizeOptions
MaximumMinimumOptions ArgMaxOptions LessOptions NegOptions PadV2Options GreaterOptions
GreaterEqualOptions LessEqualOptions SelectOptions SliceOptions TransposeConvOptions
SparseToDenseOptions TileOptions ExpandDimsOptions EqualOptions NotEqualOptions ShapeOptions
PowOptions ArgMinOptions FakeQuantOptions PackOptions LogicalOrOptions OneHotOptions
LogicalAndOptions LogicalNotOptions UnpackOptions FloorDivOptions SquareOptions ZerosLikeOptions
FillOptions BidirectionalSequenceLSTMOptions BidirectionalSequenceRNNOptions
UnidirectionalSequenceLSTMOptions FloorModOptions RangeOptions ResizeNearestNeighborOptions
LeakyReluOptions SquaredDifferenceOptions MirrorPadOptions AbsOptions SplitVOptions UniqueOptions
ReverseV2Options AddNOptions GatherNdOptions CosOptions WhereOptions RankOptions
ReverseSequenceOptions MatrixDiagOptions QuantizeOptions MatrixSetDiagOptions HardSwishOptions
IfOptions WhileOptions DepthToSpaceOptions NonMaxSuppressionV4Options NonMaxSuppressionV5Options
ScatterNdOptions SelectV2Options DensifyOptions SegmentSumOptions BatchMatMulOptions CumsumOptions
CallOnceOptions BroadcastToOptions Rfft2dOptions Conv3DOptions HashtableOptions HashtableFindOptions
HashtableImportOptions HashtableSizeOptions VarHandleOptions ReadVariableOptions
AssignVariableOptions RandomOptions BucketizeOptions GeluOptions""".split()
BUILTIN_OPTIONS = {name: i + 1 for i, name in enumerate(_OPTIONS_UNION)}

# Fields of the options tables, in declaration order (field id = position). Kinds: bool, i8
# (byte enums: activation, padding, tensor type), i32, f32, [i32] (int vector), str (string).
OPTIONS_FIELDS = {
    "Conv2DOptions": [("padding", "i8"), ("stride_w", "i32"), ("stride_h", "i32"),
                      ("fused_activation_function", "i8"), ("dilation_w_factor", "i32"),
                      ("dilation_h_factor", "i32"), ("quantized_bias_type", "i8")],
    "DepthwiseConv2DOptions": [("padding", "i8"), ("stride_w", "i32"), ("stride_h", "i32"),
                               ("depth_multiplier", "i32"), ("fused_activation_function", "i8"),
                               ("dilation_w_factor", "i32"), ("dilation_h_factor", "i32")],
    "Pool2DOptions": [("padding", "i8"), ("stride_w", "i32"), ("stride_h", "i32"),
                      ("filter_width", "i32"), ("filter_height", "i32"),
                      ("fused_activation_function", "i8")],
    "TransposeConvOptions": [("padding", "i8"), ("stride_w", "i32"), ("stride_h", "i32"),
                             ("fused_activation_function", "i8"), ("quantized_bias_type", "i8")],
    "FullyConnectedOptions": [("fused_activation_function", "i8"), ("weights_format", "i8"),
                              ("keep_num_dims", "bool"), ("asymmetric_quantize_inputs", "bool"),
                              ("quantized_bias_type", "i8")],
    "SoftmaxOptions": [("beta", "f32")],
    "GeluOptions": [("approximate", "bool")],
    "L2NormOptions": [("fused_activation_function", "i8")],
    "SVDFOptions": [("rank", "i32"), ("fused_activation_function", "i8"),
                    ("asymmetric_quantize_inputs", "bool")],
    "ConcatenationOptions": [("axis", "i32"), ("fused_activation_function", "i8")],
    "AddOptions": [("fused_activation_function", "i8"), ("pot_scale_int16", "bool")],
    "SubOptions": [("fused_activation_function", "i8"), ("pot_scale_int16", "bool")],
    "MulOptions": [("fused_activation_function", "i8")],
    "DivOptions": [("fused_activation_function", "i8")],
    "ReshapeOptions": [("new_shape", "[i32]")],
    "PadOptions": [],
    "PadV2Options": [],
    "GatherOptions": [("axis", "i32"), ("batch_dims", "i32")],
    "TransposeOptions": [],
    "ReducerOptions": [("keep_dims", "bool")],
    "SqueezeOptions": [("squeeze_dims", "[i32]")],
    "StridedSliceOptions": [("begin_mask", "i32"), ("end_mask", "i32"), ("ellipsis_mask", "i32"),
                            ("new_axis_mask", "i32"), ("shrink_axis_mask", "i32"),
                            ("offset", "bool")],
    "SplitOptions": [("num_splits", "i32")],
    "SplitVOptions": [("num_splits", "i32")],
    "CastOptions": [("in_data_type", "i8"), ("out_data_type", "i8")],
    "DequantizeOptions": [],
    "QuantizeOptions": [],
    "ExpandDimsOptions": [],
    "ShapeOptions": [("out_type", "i8")],
    "PackOptions": [("values_count", "i32"), ("axis", "i32")],
    "UnpackOptions": [("num", "i32"), ("axis", "i32")],
    "LeakyReluOptions": [("alpha", "f32")],
    "MaximumMinimumOptions": [],
    "SpaceToDepthOptions": [("block_size", "i32")],
    "DepthToSpaceOptions": [("block_size", "i32")],
    "BatchToSpaceNDOptions": [],
    "SpaceToBatchNDOptions": [],
    "SliceOptions": [],
    "TileOptions": [],
    "ResizeBilinearOptions": [("new_height", "i32"), ("new_width", "i32"),
                              ("align_corners", "bool"), ("half_pixel_centers", "bool")],
    "ResizeNearestNeighborOptions": [("align_corners", "bool"), ("half_pixel_centers", "bool")],
    "ArgMaxOptions": [("output_type", "i8")],
    "ArgMinOptions": [("output_type", "i8")],
    "BatchMatMulOptions": [("adj_x", "bool"), ("adj_y", "bool"),
                           ("asymmetric_quantize_inputs", "bool")],
    "CallOnceOptions": [("init_subgraph_index", "i32")],
    "VarHandleOptions": [("container", "str"), ("shared_name", "str")],
    "ReadVariableOptions": [],
    "AssignVariableOptions": [],
}

# Field ids of the schema tables this writer fills.
_MODEL = dict(version=0, operator_codes=1, subgraphs=2, description=3, buffers=4)
_SUBGRAPH = dict(tensors=0, inputs=1, outputs=2, operators=3, name=4)
_TENSOR = dict(shape=0, type=1, buffer=2, name=3, quantization=4, is_variable=5)
_QUANT = dict(min=0, max=1, scale=2, zero_point=3, details_type=4, details=5,
              quantized_dimension=6)
_OPERATOR = dict(opcode_index=0, inputs=1, outputs=2, builtin_options_type=3, builtin_options=4,
                 custom_options=5, custom_options_format=6)
_OPCODE = dict(deprecated_builtin_code=0, custom_code=1, version=2, builtin_code=3)
_BUFFER = dict(data=0)


def _vector(b, values, kind):
    """A vector of scalars: kind 'i32', 'i64', 'f32' or 'u8'."""
    size, prepend = {"i32": (4, b.PrependInt32), "i64": (8, b.PrependInt64),
                     "f32": (4, b.PrependFloat32), "u8": (1, b.PrependUint8)}[kind]
    b.StartVector(size, len(values), size)
    for v in reversed(list(values)):
        prepend(v)
    return b.EndVector()


def _offsets(b, offsets):
    b.StartVector(4, len(offsets), 4)
    for o in reversed(offsets):
        b.PrependUOffsetTRelative(o)
    return b.EndVector()


def _bytes(b, data, alignment=16):
    """A [ubyte] vector whose data starts `alignment`-aligned in the finished file."""
    b.StartVector(1, len(data), alignment)
    b.head = b.head - len(data)
    b.Bytes[b.head:b.head + len(data)] = data
    return b.EndVector()


class Tensor:
    def __init__(self, index, shape, dtype, data, scale, zero_point, quantized_dimension, name,
                 is_variable):
        self.index = index
        self.shape = [int(d) for d in shape]
        self.dtype = dtype
        self.data = data
        self.scale = scale
        self.zero_point = zero_point
        self.quantized_dimension = quantized_dimension
        self.name = name
        self.is_variable = is_variable

    @property
    def np_dtype(self):
        return NUMPY_TYPES[self.dtype]

    @property
    def nbytes(self):
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(self.np_dtype).itemsize


class ModelBuilder:
    """Collects tensors and operators of one subgraph, then writes the .tflite bytes."""

    def __init__(self, description="microml tflite_writer"):
        self.description = description
        self.tensors = []
        self.ops = []
        self.subgraphs = []  # more subgraphs: (ModelBuilder, inputs, outputs)

    def subgraph(self, inputs=(), outputs=()):
        """Adds subgraph 1, 2... with the given input and output tensor indices (given later, if
        needed, by setting sub.sg_inputs / sub.sg_outputs); returns (index, builder) where the
        builder's tensor() and op() fill that subgraph."""
        sub = ModelBuilder(self.description)
        sub.sg_inputs, sub.sg_outputs = list(inputs), list(outputs)
        self.subgraphs.append(sub)
        return len(self.subgraphs), sub

    def tensor(self, shape, dtype, data=None, scale=None, zero_point=None, quantized_dimension=0,
               name=None, is_variable=False):
        """Adds a tensor and returns its index.

        shape: list of ints; dtype: a DTYPES name; data: constant values (array-like, converted to
        dtype, C order) or raw bytes; scale/zero_point: a number (per-tensor) or a list
        (per-channel along quantized_dimension); zero_point defaults to 0s when scale is given.
        """
        if dtype not in DTYPES:
            raise ValueError(f"unknown dtype {dtype!r}")
        if data is not None and not isinstance(data, (bytes, bytearray)):
            arr = np.asarray(data, dtype=NUMPY_TYPES[dtype])
            if arr.size != int(np.prod(shape, dtype=np.int64)):
                raise ValueError(f"data has {arr.size} values, shape {list(shape)} needs "
                                 f"{int(np.prod(shape, dtype=np.int64))}")
            data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        if scale is not None:
            scale = [float(s) for s in np.atleast_1d(scale)]
            zp = [0] * len(scale) if zero_point is None else [int(z) for z in
                                                              np.atleast_1d(zero_point)]
            if len(zp) != len(scale):
                raise ValueError("scale and zero_point lengths differ")
            zero_point = zp
        elif zero_point is not None:
            raise ValueError("zero_point without scale")
        t = Tensor(len(self.tensors), shape, dtype, None if data is None else bytes(data), scale,
                   zero_point, quantized_dimension, name or f"t{len(self.tensors)}", is_variable)
        self.tensors.append(t)
        return t.index

    def op(self, op, inputs, outputs, options=None, version=1, custom_code=None,
           custom_options=None):
        """Adds an operator; returns its index.

        op: a BUILTIN_OPS name or code ("CUSTOM" with custom_code for a custom op); inputs and
        outputs: tensor indices (-1: absent optional input); options: None, or
        (options table name, {field name: value}) for a table in OPTIONS_FIELDS, or
        (union type value, [(field id, kind, value), ...]) for any other table.
        """
        code = BUILTIN_OPS[op] if isinstance(op, str) else int(op)
        self.ops.append(dict(code=code, inputs=[int(i) for i in inputs],
                             outputs=[int(o) for o in outputs], options=options,
                             version=int(version), custom_code=custom_code,
                             custom_options=custom_options))
        return len(self.ops) - 1

    # -- writing ---------------------------------------------------------------------------

    def _options(self, b, options):
        """Writes an options table; returns (union type, offset)."""
        name, fields = options
        if isinstance(name, str):
            if name not in OPTIONS_FIELDS:
                raise ValueError(f"options table {name!r} unknown: pass (type, [(id, kind, v)])")
            schema = OPTIONS_FIELDS[name]
            ids = {f: (i, kind) for i, (f, kind) in enumerate(schema)}
            unknown = set(fields) - set(ids)
            if unknown:
                raise ValueError(f"{name} has no field(s) {sorted(unknown)}")
            items = [(ids[f][0], ids[f][1], v) for f, v in fields.items()]
            utype = BUILTIN_OPTIONS[name]
        else:
            utype, items = int(name), list(fields)
        vectors = {fid: _vector(b, v, "i32") for fid, kind, v in items if kind == "[i32]"}
        vectors.update({fid: b.CreateString(v) for fid, kind, v in items if kind == "str"})
        b.StartObject(max([fid for fid, _, _ in items], default=-1) + 1)
        for fid, kind, v in items:
            if kind in ("[i32]", "str"):
                b.PrependUOffsetTRelativeSlot(fid, vectors[fid], None)
            elif kind == "bool":
                b.PrependBoolSlot(fid, bool(v), None)
            elif kind == "i8":
                b.PrependInt8Slot(fid, int(v), None)
            elif kind == "i32":
                b.PrependInt32Slot(fid, int(v), None)
            elif kind == "f32":
                b.PrependFloat32Slot(fid, float(v), None)
            else:
                raise ValueError(f"unknown field kind {kind!r}")
        return utype, b.EndObject()

    def build(self, inputs, outputs):
        """The model's bytes, with the given model input and output tensor indices (of
        subgraph 0; the other subgraphs' come from subgraph())."""
        b = flatbuffers.Builder(1024)
        graphs = [(self, inputs, outputs)] + [(g, g.sg_inputs, g.sg_outputs)
                                              for g in self.subgraphs]
        # Buffers: 0 is the empty sentinel, then one per constant tensor of every subgraph.
        buffer_of = {}
        buffer_data = [b""]
        for k, (g, _, _) in enumerate(graphs):
            for t in g.tensors:
                if t.data is not None:
                    buffer_of[k, t.index] = len(buffer_data)
                    buffer_data.append(t.data)
        buffers = []
        for data in buffer_data:
            d = _bytes(b, data) if data else None
            b.StartObject(1)
            if d is not None:
                b.PrependUOffsetTRelativeSlot(_BUFFER["data"], d, 0)
            buffers.append(b.EndObject())
        # Operator codes: one per (code, version, custom code).
        opcode_keys = []
        for g, _, _ in graphs:
            for o in g.ops:
                key = (o["code"], o["version"], o["custom_code"])
                if key not in opcode_keys:
                    opcode_keys.append(key)
        opcodes = []
        for code, version, custom in opcode_keys:
            cc = b.CreateString(custom) if custom is not None else None
            b.StartObject(4)
            b.PrependInt8Slot(_OPCODE["deprecated_builtin_code"], min(code, 127), None)
            if cc is not None:
                b.PrependUOffsetTRelativeSlot(_OPCODE["custom_code"], cc, 0)
            b.PrependInt32Slot(_OPCODE["version"], version, None)
            b.PrependInt32Slot(_OPCODE["builtin_code"], code, None)
            opcodes.append(b.EndObject())
        subgraphs = [g._build_subgraph(b, k, sg_in, sg_out, buffer_of, opcode_keys)
                     for k, (g, sg_in, sg_out) in enumerate(graphs)]
        m_opcodes = _offsets(b, opcodes)
        m_subgraphs = _offsets(b, subgraphs)
        m_desc = b.CreateString(self.description)
        m_buffers = _offsets(b, buffers)
        b.StartObject(5)
        b.PrependUint32Slot(_MODEL["version"], SCHEMA_VERSION, None)
        b.PrependUOffsetTRelativeSlot(_MODEL["operator_codes"], m_opcodes, 0)
        b.PrependUOffsetTRelativeSlot(_MODEL["subgraphs"], m_subgraphs, 0)
        b.PrependUOffsetTRelativeSlot(_MODEL["description"], m_desc, 0)
        b.PrependUOffsetTRelativeSlot(_MODEL["buffers"], m_buffers, 0)
        model = b.EndObject()
        b.Finish(model, file_identifier=FILE_IDENTIFIER)
        return bytes(b.Output())

    def _build_subgraph(self, b, k, inputs, outputs, buffer_of, opcode_keys):
        """Writes this builder's tensors and operators as subgraph k; returns its offset."""
        tensors = []
        for t in self.tensors:
            name = b.CreateString(t.name)
            shape = _vector(b, t.shape, "i32")
            quant = None
            if t.scale is not None:
                scale = _vector(b, t.scale, "f32")
                zp = _vector(b, t.zero_point, "i64")
                b.StartObject(7)
                b.PrependUOffsetTRelativeSlot(_QUANT["scale"], scale, 0)
                b.PrependUOffsetTRelativeSlot(_QUANT["zero_point"], zp, 0)
                b.PrependInt32Slot(_QUANT["quantized_dimension"], int(t.quantized_dimension), 0)
                quant = b.EndObject()
            b.StartObject(6)
            b.PrependUOffsetTRelativeSlot(_TENSOR["shape"], shape, 0)
            b.PrependInt8Slot(_TENSOR["type"], DTYPES[t.dtype], None)
            b.PrependUint32Slot(_TENSOR["buffer"], buffer_of.get((k, t.index), 0), 0)
            b.PrependUOffsetTRelativeSlot(_TENSOR["name"], name, 0)
            if quant is not None:
                b.PrependUOffsetTRelativeSlot(_TENSOR["quantization"], quant, 0)
            b.PrependBoolSlot(_TENSOR["is_variable"], bool(t.is_variable), False)
            tensors.append(b.EndObject())
        operators = []
        for o in self.ops:
            ins = _vector(b, o["inputs"], "i32")
            outs = _vector(b, o["outputs"], "i32")
            opts = self._options(b, o["options"]) if o["options"] is not None else None
            custom = _bytes(b, bytes(o["custom_options"]), 4) if o["custom_options"] else None
            b.StartObject(7)
            key = (o["code"], o["version"], o["custom_code"])
            b.PrependUint32Slot(_OPERATOR["opcode_index"], opcode_keys.index(key), None)
            b.PrependUOffsetTRelativeSlot(_OPERATOR["inputs"], ins, 0)
            b.PrependUOffsetTRelativeSlot(_OPERATOR["outputs"], outs, 0)
            if opts is not None:
                b.PrependUint8Slot(_OPERATOR["builtin_options_type"], opts[0], 0)
                b.PrependUOffsetTRelativeSlot(_OPERATOR["builtin_options"], opts[1], 0)
            if custom is not None:
                b.PrependUOffsetTRelativeSlot(_OPERATOR["custom_options"], custom, 0)
            operators.append(b.EndObject())
        sg_tensors = _offsets(b, tensors)
        sg_inputs = _vector(b, [int(i) for i in inputs], "i32")
        sg_outputs = _vector(b, [int(i) for i in outputs], "i32")
        sg_ops = _offsets(b, operators)
        sg_name = b.CreateString("main" if k == 0 else f"subgraph{k}")
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(_SUBGRAPH["tensors"], sg_tensors, 0)
        b.PrependUOffsetTRelativeSlot(_SUBGRAPH["inputs"], sg_inputs, 0)
        b.PrependUOffsetTRelativeSlot(_SUBGRAPH["outputs"], sg_outputs, 0)
        b.PrependUOffsetTRelativeSlot(_SUBGRAPH["operators"], sg_ops, 0)
        b.PrependUOffsetTRelativeSlot(_SUBGRAPH["name"], sg_name, 0)
        return b.EndObject()


def write_model(path, builder, inputs, outputs):
    """Writes builder's model to path; returns the bytes."""
    data = builder.build(inputs, outputs)
    with open(path, "wb") as f:
        f.write(data)
    return data
