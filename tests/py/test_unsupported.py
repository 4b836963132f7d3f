# SPDX-License-Identifier: MIT
# Models with ops no build runs (tests/c/test_unsupported_gen.py, built with tflite_writer.py):
# Model() names every one with index and version, `microml info` lists them and exits 2, and
# person_detect (every op supported) exits 0.
import json
import re
import subprocess
import sys

import pytest

import mmldata

sys.path.insert(0, str(mmldata.REPO / "tests" / "c"))
import test_unsupported_gen as gen  # noqa: E402


def model(name):
    return gen.chain(gen.MODELS[name])


def info(cli, path, *flags):
    return subprocess.run([cli, "info", str(path), *flags], capture_output=True, text=True,
                          timeout=60)


def test_generated_header_is_current():
    """tests/c/unsupported_models.h is what the generator writes today."""
    p = subprocess.run([sys.executable, str(mmldata.REPO / "tests/c/test_unsupported_gen.py")],
                       capture_output=True, text=True, timeout=60, check=True)
    assert p.stdout == (mmldata.REPO / "tests/c/unsupported_models.h").read_text()


def test_model_names_every_unsupported_op(microml):
    with pytest.raises(NotImplementedError) as e:
        microml.Model(model("two"))
    assert str(e.value) == ("2 unsupported ops: op 1 SKIP_GRAM: op not supported (v2), "
                            "op 3 MML_TEST_NO_SUCH_OP v1"), str(e.value)


def test_model_one_unsupported_op_keeps_its_reason(microml):
    with pytest.raises(NotImplementedError, match=r"^op 1 LSH_PROJECTION: op not supported$"):
        microml.Model(model("one"))


def test_model_long_list_is_cut(microml):
    with pytest.raises(NotImplementedError) as e:
        microml.Model(model("many"))
    msg = str(e.value)
    m = re.fullmatch(r"12 unsupported ops: op 1 LSH_PROJECTION: op not supported \(v1\)(.*), "
                     r"\.\.\. and (\d+) more", msg)
    assert m and len(msg) < 128, msg
    named = m.group(1).split(", ")[1:]
    assert named == [f"op {i} " + ("LSH_PROJECTION v1" if i % 2 else "SKIP_GRAM v3")
                     for i in range(2, len(named) + 2)], named
    assert 1 + len(named) + int(m.group(2)) == 12


def test_info_exits_2_and_lists_both(cli, tmp_path):
    path = tmp_path / "two.tflite"
    path.write_bytes(model("two"))
    p = info(cli, path)
    assert p.returncode == 2 and p.stderr == "", (p.returncode, p.stderr)
    summary = p.stdout.split("\ninputs:\n", 1)[0] + "\n"
    assert "supported: no, 2 of 4 ops cannot run" in summary, summary
    assert "unsupported ops: 2\n" in summary, summary
    assert "  op 1 SKIP_GRAM: op not supported (v2)\n" in summary, summary
    assert "  op 3 MML_TEST_NO_SUCH_OP: custom op not supported (v1)\n" in summary, summary
    p = info(cli, path, "--json")
    assert p.returncode == 2 and p.stderr == "", (p.returncode, p.stderr)
    report = json.loads(p.stdout)
    assert report["supported"] is False and report["n_unsupported"] == 2
    assert [(u["index"], u["name"], u["version"]) for u in report["unsupported"]] == \
        [(1, "SKIP_GRAM", 2), (3, "MML_TEST_NO_SUCH_OP", 1)]
    assert report["arena_bytes"] is None and report["arena_bytes_host"] is None


def test_info_exits_0_on_person_detect(cli):
    path = mmldata.DATA / "models/tflite-micro/person_detect.tflite"
    for flags in ((), ("--json",)):
        p = info(cli, path, *flags)
        assert p.returncode == 0 and p.stderr == "", (p.returncode, p.stderr)
    assert json.loads(p.stdout)["supported"] is True


def two_subgraphs(main_op):
    """Subgraph 0: CALL_ONCE (of subgraph 1), RELU, then main_op; subgraph 1: a custom op no
    build has, on a constant."""
    from microml_tools.tflite_writer import ModelBuilder
    mb = ModelBuilder()
    _, sub = mb.subgraph()
    c = sub.tensor([1, 4], "int8", data=[1, 2, 3, 4], scale=0.5, zero_point=0)
    o = sub.tensor([1, 4], "int8", scale=0.5, zero_point=0)
    sub.op("CUSTOM", [c], [o], custom_code="MML_TEST_SUB_OP")
    x = mb.tensor([1, 4], "int8", scale=0.5, zero_point=0)
    r = mb.tensor([1, 4], "int8", scale=0.5, zero_point=0)
    y = mb.tensor([1, 4], "int8", scale=0.5, zero_point=0)
    mb.op("CALL_ONCE", [], [], options=("CallOnceOptions", {"init_subgraph_index": 1}))
    mb.op("RELU", [x], [r])
    mb.op(main_op, [r], [y])
    return mb.build([x], [y])


def test_unsupported_ops_of_every_subgraph(cli, microml, tmp_path):
    """Ops are numbered across subgraphs (subgraph 0's first): the init subgraph's op is op 3."""
    model = two_subgraphs("SKIP_GRAM")
    with pytest.raises(NotImplementedError) as e:
        microml.Model(model)
    assert str(e.value) == ("2 unsupported ops: op 2 SKIP_GRAM: op not supported (v1), "
                            "op 3 MML_TEST_SUB_OP v1"), str(e.value)
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    p = info(cli, path, "--json")
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert [(u["index"], u["subgraph"], u["name"]) for u in json.loads(p.stdout)["unsupported"]] \
        == [(2, 0, "SKIP_GRAM"), (3, 1, "MML_TEST_SUB_OP")]
    p = subprocess.run([cli, "ops", str(path)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.split() == [
        "CALL_ONCE", "CUSTOM:MML_TEST_SUB_OP", "RELU", "SKIP_GRAM"], p
    # Only the init subgraph's op missing: still refused, exit 2.
    path.write_bytes(two_subgraphs("RELU"))
    p = info(cli, path)
    assert p.returncode == 2 and "  op 3 MML_TEST_SUB_OP: custom op not supported (v1)\n" in p.stdout, \
        (p.returncode, p.stdout)
    with pytest.raises(NotImplementedError, match=r"^op 3 MML_TEST_SUB_OP: custom op not supported$"):
        microml.Model(path.read_bytes())
