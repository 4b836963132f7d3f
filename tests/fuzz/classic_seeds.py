#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the classic fuzzer's seeds: every model of tests/py/classic_cases.py converted to .mml
# and their compact forms (the forests cut to 3 trees to keep seeds small).   classic_seeds.py DIR
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "python"), str(REPO / "tests" / "py")]
import classic_cases as cc  # noqa: E402
from microml_tools import sklearn as mmlsk  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for name in cc.CASES:
    est, _ = cc.fitted(name)
    if hasattr(est, "estimators_") and len(est.estimators_) > 3:
        est.estimators_ = est.estimators_[:3]
    blob = mmlsk.convert(est)
    if len(blob) <= 100000:
        (out / f"{name}.mml").write_bytes(blob)
    for form in ("int16", "int8"):  # the compact forms, where the model has one
        try:
            small = mmlsk.convert(est, compact=form)
        except mmlsk.ConversionError:
            continue
        if len(small) <= 100000:
            (out / f"{name}_{form}.mml").write_bytes(small)
