# SPDX-License-Identifier: MIT
# Damaged models never crash or hang microml.Model: they raise ValueError (or, where the damage
# leaves a valid but unsupported or huge model, NotImplementedError / MemoryError), or load and
# predict. Each batch runs in a child process (tests/py/damage.py) so a crash is a failure here.
import json
from pathlib import Path

import pytest

import damage
import mmldata

MODEL = "hello_world_int8"
CHILD = str(Path(damage.__file__).resolve())


def run_child(mode):
    path = str(mmldata.model_path(MODEL))
    p = mmldata.run_python([CHILD, path, mode], timeout=120)
    last = p.stderr.strip().splitlines()[-1:] or ["(start-up)"]
    assert p.returncode >= 0, f"{mode}: child killed by signal {-p.returncode} at: {last[0]}"
    assert p.stdout.strip(), f"{mode}: no report (rc {p.returncode})\n{p.stderr[-2000:]}"
    return p, json.loads(p.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["truncate", "xor", "inc"])
def test_damage_sweep(mode):
    p, report = run_child(mode)
    assert report["full"].startswith("ok:"), f"undamaged model fails: {report['full']}"
    assert p.returncode == 0 and report["n_failures"] == 0, \
        f"{report['n_failures']} failures, first: " + "\n".join(report["failures"])
    n = len(mmldata.model_bytes(MODEL))
    assert sum(report["counts"].values()) == (2 * n if mode == "truncate" else n)
    if mode == "truncate":
        # At most the trailing, unreferenced bytes may go without the model noticing.
        assert report["counts"].get("ValueError", 0) > n, report["counts"]


@pytest.fixture(scope="module")
def case_results():
    p, report = run_child("cases")
    assert p.returncode == 0, p.stderr[-2000:]
    return report["results"]


# Case groups: empty, identifier, root_offset, root_vtable, len, offset, index.
GROUPS = sorted({name.split("_")[0] if not name.startswith("root") else "_".join(name.split("_")[:2])
                 for name in damage.cases(mmldata.model_bytes(MODEL))})


@pytest.mark.parametrize("group", GROUPS)
def test_damaged_model_raises_value_error(case_results, group):
    mine = {k: v for k, v in case_results.items() if k == group or k.startswith(group + "_")}
    assert mine
    wrong = [f"{k}: {v}" for k, v in sorted(mine.items()) if v != "ValueError"]
    assert not wrong, f"{len(wrong)} of {len(mine)} not ValueError:\n" + "\n".join(wrong)


def test_damaged_second_subgraph():
    # vad_v2's init subgraph (run by CALL_ONCE): every damage aimed at it is refused at load.
    path = str(mmldata.model_path("mww_vad_v2"))
    p = mmldata.run_python([CHILD, path, "cases"], timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    report = json.loads(p.stdout.strip().splitlines()[-1])
    assert report["full"].startswith("ok:"), report["full"]
    mine = {k: v for k, v in report["results"].items() if "subgraph1." in k}
    assert len(mine) > 40, sorted(mine)
    wrong = [f"{k}: {v}" for k, v in sorted(mine.items()) if v != "ValueError"]
    assert not wrong, f"{len(wrong)} of {len(mine)} not ValueError:\n" + "\n".join(wrong)
