# SPDX-License-Identifier: MIT
# tests/c/test_flexbuf_data.h is what tests/c/test_flexbuf_gen.py prints (FlexBuffers from the
# flatbuffers package's encoder), not edited by hand.
import subprocess

import mmldata


def test_flexbuf_data_is_generated():
    gen = mmldata.REPO / "tests" / "c" / "test_flexbuf_gen.py"
    p = subprocess.run([mmldata.PYTHON, str(gen)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    committed = (mmldata.REPO / "tests" / "c" / "test_flexbuf_data.h").read_text()
    assert p.stdout == committed, (
        "regenerate: tests/c/test_flexbuf_gen.py > tests/c/test_flexbuf_data.h")
