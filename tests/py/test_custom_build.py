# SPDX-License-Identifier: MIT
# Builds with only some models' ops (`make custom`: hello_world_int8's): tools/model_ops.py names
# the ops the C reader finds, the custom CLI runs hello_world's vectors and refuses other models'
# ops by name, and the custom .mpy for the Cortex-M4F is at most 40% of the full one.
import json
import re
import subprocess
import sys

import numpy as np
import pytest

import mmldata
from models import SUPPORTED
from tflite_ops import ModelBuilder

MODEL_OPS = mmldata.REPO / "tools" / "model_ops.py"
CUSTOM = mmldata.REPO / "build" / "lib-custom"
CUSTOM_CLI = CUSTOM / "microml"
HELLO = mmldata.DATA / "models" / "tflite-micro" / "hello_world_int8.tflite"


def model_ops(*paths):
    p = subprocess.run([sys.executable, str(MODEL_OPS), *map(str, paths)], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()


def info(cli_path, model):
    p = subprocess.run([str(cli_path), "info", str(model), "--json"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode in (0, 2), p.stderr  # 2: some op cannot run
    return json.loads(p.stdout)


@pytest.mark.parametrize("name", SUPPORTED)
def test_model_ops_names_what_the_engine_reads(cli, name):
    # The engine's own reader (microml info) is the independent side; it names a custom op
    # CUSTOM:<code>, whose switch name is the code in capitals, non-alphanumerics as _.
    def switch(op):
        return re.sub(r"[^A-Za-z0-9]", "_", op[7:]).upper() if op.startswith("CUSTOM:") else op
    want = sorted({switch(op["name"]) for op in info(cli, mmldata.model_path(name))["ops"]})
    assert model_ops(mmldata.model_path(name)) == want


def test_model_ops_unions_models_and_refuses_garbage(tmp_path):
    pd = mmldata.DATA / "models" / "tflite-micro" / "person_detect.tflite"
    assert model_ops(HELLO, pd) == sorted(set(model_ops(HELLO)) | set(model_ops(pd)))
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model at all")
    p = subprocess.run([sys.executable, str(MODEL_OPS), str(bad)], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 1 and "not a .tflite model" in p.stderr


@pytest.fixture(scope="module")
def custom_cli():
    header = (CUSTOM / "mml_ops_custom.h")
    if not CUSTOM_CLI.exists() or not header.exists():
        pytest.fail(f"{CUSTOM_CLI} missing; run `make custom`")
    enabled = [l for l in header.read_text().splitlines() if l.startswith("#define MML_OP_")]
    assert enabled == ["#define MML_OP_ENABLE_FULLY_CONNECTED 1"], (
        "build/lib-custom is not `make custom`'s build: run `make custom`")
    return CUSTOM_CLI


def test_custom_build_runs_hello_world(custom_cli, tmp_path):
    vecs = mmldata.vectors("hello_world_int8")
    assert vecs
    for v in vecs:
        out = tmp_path / "out.bin"
        p = subprocess.run([str(custom_cli), "run", str(HELLO), str(v.inp), str(out)],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        assert out.read_bytes() == v.out.read_bytes(), v.id


def test_custom_build_names_ops_not_in_this_build(custom_cli):
    pd = mmldata.DATA / "models" / "tflite-micro" / "person_detect.tflite"
    j = info(custom_cli, pd)
    by_name = {op["name"]: op["supported"] for op in j["ops"]}
    assert by_name == {"CONV_2D": False, "DEPTHWISE_CONV_2D": False, "AVERAGE_POOL_2D": False,
                       "RESHAPE": False, "SOFTMAX": False}
    text = subprocess.run([str(custom_cli), "info", str(pd)], capture_output=True, text=True,
                          timeout=60).stdout
    conv = [i for i, op in enumerate(j["ops"]) if op["name"] == "CONV_2D"]
    assert f"op {conv[0]} CONV_2D: not in this build" in text, text
    p = subprocess.run([str(custom_cli), "run", str(pd), "/dev/null", "/dev/null"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "not in this build" in p.stderr, p.stderr


def test_custom_mpy_at_most_40_percent_of_full():
    full = mmldata.REPO / "build" / "mpy" / "armv7emsp" / "microml.mpy"
    small = mmldata.REPO / "build" / "mpy-custom" / "armv7emsp" / "microml.mpy"
    if not full.exists() or not small.exists():
        pytest.fail("run `make mpy custom`")
    header = (mmldata.REPO / "build" / "mpy-custom" / "mml_ops_custom.h").read_text()
    assert [l for l in header.splitlines() if l.startswith("#define MML_OP_")] == [
        "#define MML_OP_ENABLE_FULLY_CONNECTED 1"], "build/mpy-custom is not `make custom`'s build"
    assert small.stat().st_size * 100 <= full.stat().st_size * 40, (
        small.stat().st_size, full.stat().st_size)


def test_model_ops_header_reads_options_only_when_needed(tmp_path):
    """The FlexBuffers reader goes into a custom build only when a custom op has options."""
    def header(*models):
        out = tmp_path / "mml_ops_custom.h"
        p = subprocess.run([sys.executable, str(MODEL_OPS), "--header", str(out),
                            *map(str, models)], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return out.read_text()
    pre = mmldata.DATA / "models" / "tflite-micro" / "audio_preprocessor_int8.tflite"
    assert "MML_ENABLE_FLEXBUF" not in header(HELLO)
    text = header(HELLO, pre)
    assert "#define MML_ENABLE_FLEXBUF 1" in text and "MML_OP_ENABLE_SIGNALRFFT 1" in text


def header_paths_off(tmp_path, model):
    """{(op, path)} of the dtype paths tools/model_ops.py's header turns off for model."""
    out = tmp_path / "mml_ops_custom.h"
    p = subprocess.run([sys.executable, str(MODEL_OPS), "--header", str(out), str(model)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return set(re.findall(r"^#define MML_DTYPE_ENABLE_(\w+)_(S16|F32|HYBRID|S8REF) 0$",
                          out.read_text(), re.M))


@pytest.mark.parametrize("name", SUPPORTED)
def test_model_ops_keeps_every_dtype_path_the_kernels_take(cli, name, tmp_path):
    # The kernels' prepare is the independent side: `microml info --json` (a full build) gives
    # the dtype path each op asks for; a build for this model must link every one of them.
    path = mmldata.model_path(name)
    taken = {(op["name"], op["dtype_path"]) for op in info(cli, path)["ops"] if op["dtype_path"]}
    assert not taken & header_paths_off(tmp_path, path)


def test_dtype_paths_are_seen_and_turned_off(cli, tmp_path):
    # Not vacuous: the supported models take the int16 and float32 paths (the hybrid one: below),
    # and an int8 model's build drops them.
    taken = set()
    for name in SUPPORTED:
        taken |= {op["dtype_path"] for op in info(cli, mmldata.model_path(name))["ops"]}
    assert {"S16", "F32"} <= taken, taken
    kws = mmldata.model_path("mlperf_kws")
    assert {("CONV_2D", "F32"), ("CONV_2D", "S16"), ("CONV_2D", "HYBRID"),
            ("SOFTMAX", "S16"), ("FULLY_CONNECTED", "F32")} <= header_paths_off(tmp_path, kws)


def test_custom_build_names_dtype_paths_not_in_this_build(custom_cli):
    # hello_world_int8's build has FULLY_CONNECTED's int8 case only: the float model is refused
    # by op, index and path.
    hello_float = mmldata.DATA / "models" / "tflite-micro" / "hello_world_float.tflite"
    p = subprocess.run([str(custom_cli), "run", str(hello_float), "/dev/null", "/dev/null"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0, p.stderr
    assert "op 0 FULLY_CONNECTED: float32 path not in this build" in p.stderr, p.stderr


@pytest.mark.parametrize("weights", ["int8", "float32"])
def test_model_ops_tells_hybrid_from_float(cli, weights, tmp_path):
    # CONV_2D with float input and int8 weights takes the hybrid path, with float weights the
    # float32 one: the kernel (info) and tools/model_ops.py agree, and the other path is dropped.
    mb = ModelBuilder()
    x = mb.tensor([1, 3, 3, 2], "float32")
    wt = mb.tensor([2, 1, 1, 2], weights, data=np.ones((2, 1, 1, 2), weights), scale=0.5)
    y = mb.tensor([1, 3, 3, 2], "float32")
    mb.op("CONV_2D", [x, wt], [y], options=("Conv2DOptions", dict(padding=1, stride_w=1,
                                                                   stride_h=1)))
    model = tmp_path / "m.tflite"
    model.write_bytes(mb.build([x], [y]))
    want = "HYBRID" if weights == "int8" else "F32"
    assert info(cli, model)["ops"][0]["dtype_path"] == want
    off = header_paths_off(tmp_path, model)
    assert ("CONV_2D", want) not in off
    assert ("CONV_2D", "F32" if want == "HYBRID" else "HYBRID") in off and ("CONV_2D", "S16") in off


def int8_conv_model(path, depthwise, cin, cout, filt_c):
    """A one-op int8 CONV_2D (filter depth filt_c) or DEPTHWISE_CONV_2D (depth multiplier
    cout / cin) over a 1x3x3 input, written to path."""
    mb = ModelBuilder()
    x = mb.tensor([1, 3, 3, cin], "int8", scale=0.05, zero_point=3)
    wshape = [1, 1, 1, cout] if depthwise else [cout, 1, 1, filt_c]
    wt = mb.tensor(wshape, "int8", data=np.ones(wshape, np.int8), scale=[0.01] * cout,
                   zero_point=[0] * cout, quantized_dimension=3 if depthwise else 0)
    y = mb.tensor([1, 3, 3, cout], "int8", scale=0.1, zero_point=-2)
    opts = dict(padding=1, stride_w=1, stride_h=1)
    if depthwise:
        mb.op("DEPTHWISE_CONV_2D", [x, wt], [y],
              options=("DepthwiseConv2DOptions", dict(opts, depth_multiplier=cout // cin)))
    else:
        mb.op("CONV_2D", [x, wt], [y], options=("Conv2DOptions", opts))
    path.write_bytes(mb.build([x], [y]))
    return path


@pytest.mark.parametrize("depthwise,cin,cout,filt_c,kept", [
    (False, 4, 4, 4, False), (False, 4, 4, 2, True), (False, 6, 4, 3, True),
    (True, 4, 4, 1, False), (True, 2, 16, 1, False), (True, 2, 4, 1, True),
    (True, 2, 8, 1, True), (True, 3, 9, 1, True)])
def test_model_ops_keeps_int8_reference_only_for_what_variants_lack(cli, tmp_path, depthwise,
                                                                    cin, cout, filt_c, kept):
    # S8REF (src/nn/kernel.h): a build with optimized variants runs the int8 reference kernel
    # for grouped CONV_2D and for a depth multiplier not 1 nor a multiple of 8 (x86's lanes;
    # the M4's take multiples of 4, the scalar variant every one), so a build for the model
    # keeps it exactly then. The full build runs every case (the kernel's tests:
    # tests/py/test_ops_conv.py).
    model = int8_conv_model(tmp_path / "m.tflite", depthwise, cin, cout, filt_c)
    op = "DEPTHWISE_CONV_2D" if depthwise else "CONV_2D"
    j = info(cli, model)
    assert j["ops"][0]["supported"] and j["ops"][0]["dtype_path"] is None, j["ops"][0]
    assert ((op, "S8REF") not in header_paths_off(tmp_path, model)) == kept


@pytest.mark.parametrize("zero_point,kept", [(0, False), (3, True), (-1, True)])
def test_model_ops_keeps_int8_fully_connected_reference_for_weight_zero_points(
        cli, tmp_path, zero_point, kept):
    # The optimized FULLY_CONNECTED variants take weights with zero point 0 only (TFLite's int8
    # models); others run the reference, which a build then keeps.
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.05, zero_point=3)
    wt = mb.tensor([2, 4], "int8", data=np.ones((2, 4), np.int8), scale=0.01,
                   zero_point=zero_point)
    y = mb.tensor([1, 2], "int8", scale=0.1, zero_point=-2)
    mb.op("FULLY_CONNECTED", [x, wt, -1], [y])
    model = tmp_path / "m.tflite"
    model.write_bytes(mb.build([x], [y]))
    j = info(cli, model)
    assert j["ops"][0]["supported"] and j["ops"][0]["dtype_path"] is None, j["ops"][0]
    assert (("FULLY_CONNECTED", "S8REF") not in header_paths_off(tmp_path, model)) == kept


def test_model_ops_drops_int8_reference_for_every_supported_model(tmp_path):
    # Not vacuous: every supported int8 convolution takes an optimized variant, so their builds
    # leave the reference out (what shrinks person_detection's code, benchmarks/README.md).
    for name in ("person_detection", "mlperf_kws", "mlperf_vww", "micro_speech"):
        off = header_paths_off(tmp_path, mmldata.model_path(name))
        assert ("DEPTHWISE_CONV_2D", "S8REF") in off, name
    for name in ("hello_world_int8", "mlperf_kws", "mlperf_ad"):
        off = header_paths_off(tmp_path, mmldata.model_path(name))
        assert ("FULLY_CONNECTED", "S8REF") in off, name


def test_custom_build_names_int8_reference_not_in_this_build(custom_cli, cli, tmp_path):
    # hello_world_int8's build leaves FULLY_CONNECTED's int8 reference out (its weights have
    # zero point 0): an int8 model whose weights have another zero point runs on the full build
    # and is refused by op, index and path on the custom one (a host build with variants).
    simd = mmldata.REPO / "build" / "host-simd.txt"  # mk/core.mk's MML_HOST_SIMD stamp
    if simd.exists() and simd.read_text().strip() == "none":
        pytest.skip("MML_HOST_SIMD=none: the host build's only int8 kernels are the reference")
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.05, zero_point=3)
    wt = mb.tensor([2, 4], "int8", data=np.ones((2, 4), np.int8), scale=0.01, zero_point=5)
    y = mb.tensor([1, 2], "int8", scale=0.1, zero_point=-2)
    mb.op("FULLY_CONNECTED", [x, wt, -1], [y])
    model = tmp_path / "m.tflite"
    model.write_bytes(mb.build([x], [y]))
    inp = tmp_path / "in.bin"
    inp.write_bytes(bytes(4))
    p = subprocess.run([str(cli), "run", str(model), str(inp), str(tmp_path / "o.bin")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([str(custom_cli), "run", str(model), str(inp), str(tmp_path / "o.bin")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0, p.stderr
    assert ("op 0 FULLY_CONNECTED: int8 reference (parameters the optimized kernel lacks) path "
            "not in this build") in p.stderr, p.stderr


def test_model_ops_lstm_int8_reference_bound(tmp_path):
    # UNIDIRECTIONAL_SEQUENCE_LSTM's M4 variant takes every LSTM whose scratch bound
    # nb * (in + 5 * state + 4) stays below 2^28 (src/nn/kernels/lstm_s8.h), nb <= d0 * d1.
    sys.path.insert(0, str(MODEL_OPS.parent))
    try:
        import model_ops as mo
    finally:
        sys.path.pop(0)
    lstm = mo.UNIDIRECTIONAL_SEQUENCE_LSTM
    assert not mo.needs_s8_ref(lstm, [0], [1], [[1, 28, 28], [1, 28, 20]], [0, 0])
    assert mo.needs_s8_ref(lstm, [0], [1], [[1, 1 << 20, 1], [1, 1 << 20, 64]], [0, 0])
    assert mo.needs_s8_ref(lstm, [0], [1], [[1, 28], [1, 28, 20]], [0, 0])  # not rank 3
    for name in ("mnist_lstm_int8", "tflm_micro_speech_lstm"):
        off = header_paths_off(tmp_path, mmldata.model_path(name))
        assert ("UNIDIRECTIONAL_SEQUENCE_LSTM", "S8REF") in off, name
