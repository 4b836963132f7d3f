#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Seeds for the FlexBuffers fuzzer: the buffers of tests/c/test_flexbuf_gen.py (encoded by the
# flatbuffers package's flexbuffers), one file each, into the folder given.
#   /usr/bin/python3 tests/fuzz/flexbuf_seeds.py DIR
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "c"))
import test_flexbuf_gen  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for k, (name, data, _) in enumerate(test_flexbuf_gen.CASES):
    (out / f"seed{k:03d}").write_bytes(data)
