# SPDX-License-Identifier: MIT
# Builds with only some models' ops (`make custom`: hello_world_int8's): tools/model_ops.py names
# the ops the C reader finds, the custom CLI runs hello_world's vectors and refuses other models'
# ops by name, and the custom .mpy for the Cortex-M4F is at most 40% of the full one.
import json
import re
import subprocess
import sys

import pytest

import mmldata
from models import SUPPORTED

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
