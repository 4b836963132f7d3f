# SPDX-License-Identifier: MIT
# The compatibility checker on every real model in MICROML_DATA: `microml info` finds no op it
# cannot run, except in the models of tests/expected_unsupported.txt (the one list of models the
# engine cannot run yet), which must still be refused, so the list shrinks as the engine grows.
# Plus the float models nobody produced vectors for: they must agree with their int8 twins on
# real inputs.
import json
import subprocess

import numpy as np
import pytest

import mmldata

MODELS = sorted(mmldata.DATA.glob("models/*/*.tflite"))


def expected_unsupported():
    names = set()
    with open(mmldata.REPO / "tests" / "expected_unsupported.txt") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(line)
    return names


EXPECTED_UNSUPPORTED = expected_unsupported()


def info(path):
    p = subprocess.run([str(mmldata.CLI), "info", str(path), "--json"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode in (0, 2), p.stderr  # 2: some op cannot run
    report = json.loads(p.stdout)
    assert (p.returncode == 2) == bool(report["unsupported"]), (p.returncode, report["unsupported"])
    return report


def test_models_found():
    assert len(MODELS) >= 20


def test_expected_unsupported_exist():
    present = {str(p.relative_to(mmldata.DATA / "models")) for p in MODELS}
    assert EXPECTED_UNSUPPORTED <= present, sorted(EXPECTED_UNSUPPORTED - present)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_every_model_runs_but_expected_unsupported(path):
    report = info(path)
    rel = str(path.relative_to(mmldata.DATA / "models"))
    if rel in EXPECTED_UNSUPPORTED:
        assert report["unsupported"], f"{rel} runs now: remove it from tests/expected_unsupported.txt"
    else:
        assert not report["unsupported"], f"unsupported: {report['unsupported']}"
        assert report["arena_bytes_32bit"] > 0
        assert report["macs"] >= 0


# (float model, its int8 vector folder): a float model given the dequantized int8 input must
# pick the same class as TFLM's int8 output on the real and narrow inputs (uniform noise inputs
# are far outside what either model was trained on, so classes may differ there).
FLOAT_TWINS = [
    ("models/mlcommons-tiny/kws_ref_model_float32.tflite", "mlperf_kws"),  # int8 weights, float I/O
    ("models/mlcommons-tiny/vww_96_float.tflite", "mlperf_vww"),
    ("models/mlcommons-tiny/pretrainedResnet.tflite", "mlperf_ic"),
]


@pytest.mark.parametrize("float_model,twin", FLOAT_TWINS, ids=lambda x: str(x).split("/")[-1])
def test_float_model_agrees_with_int8_twin(microml, float_model, twin):
    m = microml.Model((mmldata.DATA / float_model).read_bytes())
    q_in = mmldata.meta(twin)["inputs"][0]
    q_out = mmldata.meta(twin)["outputs"][0]
    checked = 0
    for v in mmldata.vectors(twin, single_only=True):
        if not (v.name.startswith("real") or v.name.startswith("narrow")):
            continue
        x = np.frombuffer(v.inp.read_bytes(), dtype=np.int8).astype(np.float32)
        x = (x - q_in["zero_point"][0]) * q_in["scale"][0]
        y = np.array(m.predict(x.astype(np.float32)))
        ref = np.frombuffer(v.out.read_bytes(), dtype=np.int8).astype(np.float32)
        ref = (ref - q_out["zero_point"][0]) * q_out["scale"][0]
        assert y.argmax() == ref.argmax(), f"{v.id}: {y} vs {ref}"
        checked += 1
    assert checked >= 2
