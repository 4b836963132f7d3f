# SPDX-License-Identifier: MIT
# Arena against TFLite Micro's: for every model of tests/supported_models.txt whose meta.json has
# TFLM's arena_used_bytes on x86-64, `microml info` reports at most that many bytes for this
# (64-bit) host, compared with the same pointer size.
import json
import struct
import subprocess

import pytest

import mmldata
from models import SUPPORTED

WITH_TFLM = [n for n in SUPPORTED
             if mmldata.meta(n).get("reference", {}).get("arena_used_bytes_x86_64")]


@pytest.mark.skipif(struct.calcsize("P") != 8, reason="TFLM's figure is for a 64-bit host")
@pytest.mark.parametrize("name", WITH_TFLM)
def test_arena_at_most_tflm(cli, name):
    p = subprocess.run([cli, "info", str(mmldata.model_path(name)), "--json"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    ours = json.loads(p.stdout)["arena_bytes"]
    tflm = mmldata.meta(name)["reference"]["arena_used_bytes_x86_64"]
    assert 0 < ours <= tflm, (name, ours, tflm)
