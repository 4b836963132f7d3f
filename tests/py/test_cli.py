# SPDX-License-Identifier: MIT
# The host command-line tool build/microml (tools/microml_cli.c):
#   microml info MODEL [--json]; microml run [--invocations N] MODEL IN.bin OUT.bin;
#   microml ops MODEL...
# exit 0 on success; info exits 2 when some op cannot run; exit 1 with exactly one line on
# stderr on any error.
import json
import re
import subprocess

import pytest

import mmldata
from models import SUPPORTED

VECTORS = [v for name in SUPPORTED for v in mmldata.vectors(name, single_only=True)]


def cli_run(cli, *args):
    return subprocess.run([cli, *map(str, args)], capture_output=True, text=True, timeout=60)


def assert_one_line_error(p):
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert p.stderr.endswith("\n") and p.stderr.count("\n") == 1, repr(p.stderr)
    assert len(p.stderr.strip()) > 10, repr(p.stderr)


@pytest.fixture(scope="module")
def unsupported_model(cli):
    """A model with ops this build cannot run (from `info --json`), or None."""
    for name in sorted(p.name for p in mmldata.VECTORS.iterdir() if (p / "meta.json").is_file()):
        if name in SUPPORTED:
            continue
        p = cli_run(cli, "info", mmldata.model_path(name), "--json")
        if p.returncode == 2 and json.loads(p.stdout)["unsupported"]:
            return name, json.loads(p.stdout)
    return None


@pytest.mark.parametrize("vec", VECTORS, ids=[v.id for v in VECTORS])
def test_run_vector(cli, tmp_path, vec):
    out = tmp_path / "out.bin"
    p = cli_run(cli, "run", mmldata.model_path(vec.model), vec.inp, out)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    (xs, ys), = vec.frames()
    got = mmldata.split(out.read_bytes(), mmldata.meta(vec.model)["outputs"])
    for i, (g, e) in enumerate(zip(got, ys)):
        mmldata.assert_output_equal(g, e, mmldata.meta(vec.model)["outputs"][i], f"{vec.id} output {i}")


@pytest.mark.parametrize("name", SUPPORTED)
def test_info_text(cli, microml, name):
    meta = mmldata.meta(name)
    p = cli_run(cli, "info", mmldata.model_path(name))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    summary, details = p.stdout.split("\ninputs:\n", 1)
    # ops in order: each op name appears, one per line, in the model's sequence
    ops = re.findall(r"^\s*\d+\s+([A-Z_0-9:]+[A-Za-z0-9_]*)\b", details.split("\nops:\n", 1)[1], re.M)
    assert ops[:len(meta["op_sequence"])] == meta["op_sequence"], p.stdout
    # The summary comes first: the verdict, the arena (the figure the Python face reports for
    # this host, beside the 32-bit one), weights, MACs.
    assert re.search(r"^supported: yes", summary, re.M), summary
    arena = microml.Model(mmldata.model_bytes(name)).arena_size
    lines = [ln for ln in summary.splitlines() if ln.startswith("arena:")]
    assert len(lines) == 1 and re.search(rf"\({arena} on this host\)", lines[0]), (arena, lines)
    assert re.search(r"^weights: \d+ bytes$", summary, re.M), summary
    assert re.search(r"^MACs: \d+ per inference$", summary, re.M), summary
    assert re.search(r"^unsupported ops: 0$", summary, re.M), summary


def test_info_text_hello_world_ops(cli):
    p = cli_run(cli, "info", mmldata.model_path("hello_world_int8"))
    assert p.returncode == 0
    assert p.stdout.count("FULLY_CONNECTED") == 3, p.stdout


@pytest.mark.parametrize("name", SUPPORTED)
def test_info_json(cli, microml, name):
    meta = mmldata.meta(name)
    p = cli_run(cli, "info", mmldata.model_path(name), "--json")
    assert p.returncode == 0 and p.stderr == "", p.stderr
    info = json.loads(p.stdout)
    for key in ("inputs", "outputs", "ops", "tensors", "arena_bytes", "unsupported"):
        assert key in info, key
    assert [op["name"] for op in info["ops"]] == meta["op_sequence"]
    assert all(op["supported"] for op in info["ops"])
    assert info["unsupported"] == [] and info["supported"] is True
    # arena_bytes: the 32-bit target's figure; this host's has its own name.
    assert info["arena_bytes_host"] == microml.Model(mmldata.model_bytes(name)).arena_size
    assert info["arena_bytes"] == info["arena_bytes_32bit"]
    assert 0 < info["arena_bytes"] <= info["arena_bytes_host"]
    assert info["arena_head_bytes"] + info["arena_persistent_bytes"] == info["arena_bytes"]
    assert info["arena_head_bytes"] + info["arena_persistent_bytes_host"] == \
        info["arena_bytes_host"]
    for got, want in ((info["inputs"], meta["inputs"]), (info["outputs"], meta["outputs"])):
        assert [(t["index"], t["name"], t["shape"], t["dtype"]) for t in got] == \
            [(t["index"], t["name"], t["shape"], t["dtype"].lower()) for t in want]
    assert len(info["tensors"]) > max(t["index"] for t in meta["inputs"] + meta["outputs"])


def test_info_lists_unsupported_ops(cli, microml, unsupported_model):
    if unsupported_model is None:
        pytest.skip("every model is supported")
    name, info = unsupported_model
    p = cli_run(cli, "info", mmldata.model_path(name))
    assert p.returncode == 2 and p.stderr == "", (p.returncode, p.stderr)
    m = re.search(r"unsupported ops: (\d+)", p.stdout)
    assert m and int(m.group(1)) == len(info["unsupported"]) > 0, p.stdout
    assert info["supported"] is False and info["arena_bytes"] is None
    for op in info["unsupported"]:
        assert op["name"] and op["reason"], op
        if op["subgraph"] == 0:  # "ops" lists subgraph 0's
            assert not info["ops"][op["index"]]["supported"]
    # The Python face refuses the same model, naming the first op it cannot run.
    with pytest.raises(NotImplementedError) as e:
        microml.Model(mmldata.model_bytes(name))
    first = info["unsupported"][0]
    assert first["name"].split(":")[-1] in str(e.value) or first["reason"] in str(e.value), \
        (str(e.value), first)


def test_run_unsupported_model_fails(cli, tmp_path, unsupported_model):
    if unsupported_model is None:
        pytest.skip("every model is supported")
    name, _ = unsupported_model
    vec = mmldata.vectors(name)[0]
    assert_one_line_error(cli_run(cli, "run", mmldata.model_path(name), vec.inp, tmp_path / "o"))


# --- errors ----------------------------------------------------------------------------------

def damaged(tmp_path):
    b = mmldata.model_bytes("hello_world_int8")
    path = tmp_path / "damaged.tflite"
    path.write_bytes(b[:len(b) // 2])
    return path


def test_errors(cli, tmp_path):
    model = mmldata.model_path("hello_world_int8")
    vec = mmldata.vectors("hello_world_int8", single_only=True)[0]
    bad_in = tmp_path / "bad.in.bin"
    bad_in.write_bytes(b"")
    # Input sizes that are no whole number of frames.
    speech = mmldata.model_path("micro_speech")
    speech_in = tmp_path / "speech.in.bin"
    speech_in.write_bytes(mmldata.vectors("micro_speech", single_only=True)[0].inp.read_bytes() + b"x")
    out = tmp_path / "out.bin"
    missing = tmp_path / "missing.tflite"
    cases = {
        "no arguments": [],
        "unknown command": ["frobnicate", model],
        "info missing file": ["info", missing],
        "info damaged": ["info", damaged(tmp_path)],
        "info bad flag": ["info", model, "--yaml"],
        "run missing model": ["run", missing, vec.inp, out],
        "run damaged": ["run", damaged(tmp_path), vec.inp, out],
        "run missing input": ["run", model, tmp_path / "missing.bin", out],
        "run empty input": ["run", model, bad_in, out],
        "run wrong input size": ["run", speech, speech_in, out],
        "run unwritable output": ["run", model, vec.inp, tmp_path / "no" / "such" / "dir"],
        "run too few arguments": ["run", model, vec.inp],
    }
    for what, args in cases.items():
        p = cli_run(cli, *args)
        try:
            assert_one_line_error(p)
        except AssertionError as e:
            raise AssertionError(f"{what}: {e}") from None
    assert not out.exists(), "a failed run left an output file"


def test_run_frames(cli, tmp_path):
    """IN.bin holding k frames runs k inferences and writes k outputs, in order."""
    model = mmldata.model_path("hello_world_int8")
    vecs = mmldata.vectors("hello_world_int8", single_only=True)[:3]
    frames = tmp_path / "frames.in.bin"
    frames.write_bytes(b"".join(v.inp.read_bytes() for v in vecs))
    out = tmp_path / "frames.out.bin"
    p = cli_run(cli, "run", model, frames, out)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == b"".join(v.out.read_bytes() for v in vecs)


# --- run --invocations -----------------------------------------------------------------------

SEQUENCES = [v for name in SUPPORTED for v in mmldata.vectors(name) if v.invocations > 1]


@pytest.mark.parametrize("vec", SEQUENCES, ids=[v.id for v in SEQUENCES])
def test_run_sequence_vector(cli, tmp_path, vec):
    """TFLM's multi-invocation vectors (frames chained on one interpreter): --invocations N gives
    TFLM's N outputs; so does the same run with N taken from the input's size."""
    out = tmp_path / "out.bin"
    meta = mmldata.meta(vec.model)
    for flag in (["--invocations", vec.invocations], []):
        p = cli_run(cli, "run", *flag, mmldata.model_path(vec.model), vec.inp, out)
        assert p.returncode == 0 and p.stderr == "", p.stderr
        blob = out.read_bytes()
        frames = vec.frames()
        assert len(blob) == sum(len(y) for _, ys in frames for y in ys), len(blob)
        step = len(blob) // len(frames)
        for k, (_, ys) in enumerate(frames):
            got = mmldata.split(blob[k * step:(k + 1) * step], meta["outputs"])
            for i, (g, e) in enumerate(zip(got, ys)):
                mmldata.assert_output_equal(g, e, meta["outputs"][i],
                                            f"{vec.id} invocation {k} output {i}")


def test_sequence_vectors_exist():
    assert SEQUENCES, "no multi-invocation vector among the supported models"


def test_run_invocations_hello_world(cli, tmp_path):
    """--invocations N: N inputs back to back, N outputs back to back, each TFLM's vector."""
    model = mmldata.model_path("hello_world_int8")
    vecs = mmldata.vectors("hello_world_int8", single_only=True)[:4]
    frames = tmp_path / "frames.in.bin"
    frames.write_bytes(b"".join(v.inp.read_bytes() for v in vecs))
    out = tmp_path / "frames.out.bin"
    p = cli_run(cli, "run", "--invocations", len(vecs), model, frames, out)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert out.read_bytes() == b"".join(v.out.read_bytes() for v in vecs)
    # The flag may also follow the file names.
    out.unlink()
    p = cli_run(cli, "run", model, frames, out, "--invocations", len(vecs))
    assert p.returncode == 0 and out.read_bytes() == b"".join(v.out.read_bytes() for v in vecs)


def test_run_invocations_carry_state(cli, microml, tmp_path):
    """mnist_lstm keeps its LSTM state from one inference to the next: invocation 1 is TFLM's
    vector (fresh state), later ones equal the Python face's consecutive predict() calls on one
    Model, with and without the flag."""
    name = "mnist_lstm_int8"
    vecs = mmldata.vectors(name, single_only=True)[:3]
    frames = tmp_path / "frames.in.bin"
    frames.write_bytes(b"".join(v.inp.read_bytes() for v in vecs))
    m = microml.Model(mmldata.model_bytes(name))
    chained = [bytes(m.predict(v.inp.read_bytes())) for v in vecs]
    fresh = [v.out.read_bytes() for v in vecs]
    assert chained[0] == fresh[0]
    assert chained[1:] != fresh[1:], "state does not change this model's outputs: pick another"
    for flag in (["--invocations", 3], []):
        out = tmp_path / f"out{len(flag)}.bin"
        p = cli_run(cli, "run", *flag, mmldata.model_path(name), frames, out)
        assert p.returncode == 0 and p.stderr == "", p.stderr
        assert out.read_bytes() == b"".join(chained), flag


def test_run_invocations_errors(cli, tmp_path):
    model = mmldata.model_path("mnist_lstm_int8")
    vecs = mmldata.vectors("mnist_lstm_int8", single_only=True)[:3]
    frames = tmp_path / "frames.in.bin"
    frames.write_bytes(b"".join(v.inp.read_bytes() for v in vecs))
    out = tmp_path / "out.bin"
    for n in (2, 4, 1):  # IN holds 3 inputs: any other count is refused, naming the sizes
        p = cli_run(cli, "run", "--invocations", n, model, frames, out)
        assert_one_line_error(p)
        assert str(3 * 784) in p.stderr and str(n * 784) in p.stderr, p.stderr
    for bad in (["--invocations", 0], ["--invocations", -1], ["--invocations", "x"],
                ["--invocations", "3x"], ["--invocations"],
                ["--invocations", 3, "--invocations", 3], ["--frames", 3]):
        assert_one_line_error(cli_run(cli, "run", model, frames, out, *bad))
    assert not out.exists(), "a failed run left an output file"


# --- ops -------------------------------------------------------------------------------------

def test_ops_one_model(cli):
    p = cli_run(cli, "ops", mmldata.model_path("hello_world_int8"))
    assert p.returncode == 0 and p.stderr == "" and p.stdout == "FULLY_CONNECTED\n", p


def test_ops_union_of_models(cli):
    """The union over the models, sorted, once each: the ops of every subgraph as TFLM's tools
    listed them in the vectors' meta (custom ops as CUSTOM:<code>, as there)."""
    names = SUPPORTED + ["audio_preprocessor_int8", "mww_vad_v2"]
    p = cli_run(cli, "ops", *[mmldata.model_path(n) for n in names])
    assert p.returncode == 0 and p.stderr == "", p.stderr
    want = sorted({op for n in names
                   for seq in mmldata.meta(n).get("op_sequence_by_subgraph",
                                                  [mmldata.meta(n)["op_sequence"]])
                   for op in seq})
    assert p.stdout.splitlines() == want
    assert any(op.startswith("CUSTOM:") for op in want)


def test_ops_errors(cli, tmp_path):
    assert_one_line_error(cli_run(cli, "ops"))
    assert_one_line_error(cli_run(cli, "ops", mmldata.model_path("hello_world_int8"),
                                  tmp_path / "missing.tflite"))
    assert_one_line_error(cli_run(cli, "ops", damaged(tmp_path)))
