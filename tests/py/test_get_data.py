# SPDX-License-Identifier: MIT
# tools/get-data without a network: its reading of MANIFEST.md, its list (tools/data-files.tsv)
# against the shared data, --verify on the shared data and on a damaged copy, and downloads from
# local mirrors laid out like GitHub's raw files, Git LFS and Debian's archive (file:// URLs).
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

import mmldata

TOOL = mmldata.REPO / "tools" / "get-data"
LIST = mmldata.REPO / "tools" / "data-files.tsv"
DATA = mmldata.DATA
HELLO = "models/tflite-micro/hello_world_int8.tflite"


def load_tool():
    loader = importlib.machinery.SourceFileLoader("get_data", str(TOOL))
    spec = importlib.util.spec_from_loader("get_data", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


gd = load_tool()


def tool(*args, env=None):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def manifest():
    return gd.parse_manifest((DATA / "MANIFEST.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries():
    return {e["path"]: e for e in gd.read_list(str(LIST))}


# --- MANIFEST.md and the list --------------------------------------------------------------------

def test_manifest_rows(manifest):
    assert len(manifest) >= 800
    by_path = {r["path"]: r for r in manifest}
    assert len(by_path) == len(manifest), "a path listed twice"
    r = by_path[HELLO]
    assert r["upstream"] == "tensorflow/tflite-micro" and r["size"] == 2704
    assert r["sha256"] == "505ee4fae7fa46ab67bea4c08b4969eb3eb8b9114c50595ec4a29d9a27993202"
    # Every kind of source MANIFEST.md describes.
    assert gd.source_of(r) == ("github:tensorflow/tflite-micro@90b983c2b3f1480642e040bbd2ddb37b"
                               "998f3424:tensorflow/lite/micro/examples/hello_world/models/"
                               "hello_world_int8.tflite")
    assert gd.source_of(by_path["datasets/alsa_sounds/Noise.wav"]) == (
        "debian:pool/main/a/alsa-utils/alsa-utils_1.2.8-1_amd64.deb:usr/share/sounds/alsa/Noise.wav")
    assert gd.source_of(by_path["models/mltk/tflite_micro_magic_wand.tflite"]).startswith(
        "github-zip:SiliconLabs/mltk@a071446ed509116a36afcdc4a7629e989253f262:mltk/models/"
        "tflite_micro/tflite_micro_magic_wand.mltk.zip::tflite_micro_magic_wand.tflite")
    assert gd.source_of(by_path["models/tflite-micro-arduino-examples/magic_wand_digits.tflite"]) \
        .endswith(":examples/magic_wand/magic_wand_model_data.cpp::g_magic_wand_model_data")


def test_manifest_without_sha256_is_refused():
    text = (DATA / "MANIFEST.md").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith(f"| {HELLO} |"))
    broken = text.replace(line, line.replace("505ee4fae7fa46ab", "not-a-checksum"))
    with pytest.raises(gd.Failed, match=f"{HELLO}: no sha256"):
        gd.parse_manifest(broken)


def test_list_is_current():
    """tools/data-files.tsv is what --write-list makes of the shared data today."""
    p = tool("--write-list", DATA)
    assert p.returncode == 0, p.stderr
    assert p.stdout == LIST.read_text(encoding="utf-8"), \
        "tools/data-files.tsv is stale: tools/get-data --write-list ../shared/data > it"


def test_list_covers_manifest(manifest, entries):
    """Every MANIFEST.md file in the shared data is listed with MANIFEST.md's sha256 (or, for a
    subset, upstream's sha256 in its status), and the list's sources expand to full commits."""
    for r in manifest:
        e = entries.get(r["path"])
        if e is None:
            assert not (DATA / r["path"]).exists(), r["path"]
            continue
        if e["status"] == "copy":
            assert (e["size"], e["sha256"]) == (r["size"], r["sha256"]), r["path"]
        else:
            assert e["status"] == f"subset:keep-4-of-5-strokes:{r['size']}:{r['sha256']}"
        assert e["source"] == gd.source_of(r)


# --- --verify ----------------------------------------------------------------------------------

def test_verify_shared_data():
    p = tool("--verify", DATA)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.rstrip().endswith(" wrong, 0 missing") and " 0 wrong" in p.stdout, p.stdout


def test_verify_names_the_damaged_file(tmp_path):
    picks = [HELLO, "models/tflite-micro/person_detect.tflite",
             "datasets/magic_wand_digits/petewarden_3.json", "MANIFEST.md"]
    for rel in picks:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA / rel, tmp_path / rel)
    shutil.copytree(DATA / "testdata" / "wakeword", tmp_path / "testdata" / "wakeword")
    p = tool("--verify", tmp_path)
    assert p.returncode == 0 and "WRONG" not in p.stdout, p.stdout
    assert f"{len(picks) + 516} files ok, 0 wrong" in p.stdout, p.stdout
    # One byte changed in a model, one file of the project's folder changed, one stray file.
    raw = bytearray((tmp_path / HELLO).read_bytes())
    raw[100] ^= 1
    (tmp_path / HELLO).write_bytes(bytes(raw))
    features = sorted((tmp_path / "testdata/wakeword/features_10ms").iterdir())[0]
    features.write_bytes(features.read_bytes() + b"\0")
    (tmp_path / "models" / "extra.tflite").write_bytes(b"x")
    p = tool("--verify", tmp_path)
    assert p.returncode == 1, p.stdout
    wrong = [ln for ln in p.stdout.splitlines() if ln.startswith("WRONG")]
    assert len(wrong) == 2, p.stdout
    assert wrong[0].startswith(f"WRONG {HELLO}: 2704 bytes, sha256 {sha(bytes(raw))}; expected "
                               "2704 bytes, sha256 505ee4fae7fa46ab"), wrong[0]
    assert wrong[1].startswith("WRONG testdata/wakeword/: 516 files"), wrong[1]
    assert "not listed: models/extra.tflite" in p.stdout


def test_verify_missing_folder(tmp_path):
    p = tool("--verify", tmp_path / "nope")
    assert p.returncode == 1 and "no such folder" in p.stderr


# --- downloads from local mirrors --------------------------------------------------------------

def put(root, rel, data):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def ar_member(name, data):
    head = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(data):<10}`\n".encode()
    return head + data + (b"\n" if len(data) % 2 else b"")


def fake_deb(files):
    """A .deb (ar archive with debian-binary and data.tar.xz) holding files {path: bytes}."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tar:
        for path, data in files.items():
            info = tarfile.TarInfo("./" + path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return b"!<arch>\n" + ar_member("debian-binary", b"2.0\n") + \
        ar_member("data.tar.xz", buf.getvalue())


@pytest.fixture
def mirror(tmp_path, entries):
    """Local stand-ins for GitHub raw, Git LFS and Debian holding the upstream bytes of a few
    listed files (rebuilt from the shared copies), and the environment that points there."""
    raw, lfs, deb = tmp_path / "raw", tmp_path / "lfs", tmp_path / "debian"

    def github(rel):
        kind, _, rest = entries[rel]["source"].partition(":")
        repo_at, _, spec = rest.partition(":")
        repo, commit = repo_at.split("@")
        return kind, raw / repo / commit, spec

    # A plain file, and one stored in Git LFS (raw gives the pointer).
    for rel in (HELLO, "models/tflite-micro/person_detect.tflite"):
        _, base, path = github(rel)
        put(base, path, (DATA / rel).read_bytes())
    lfs_rel = "models/tflite-micro/mnist_lstm_int8.tflite"
    _, base, path = github(lfs_rel)
    put(base, path, b"version https://git-lfs.github.com/spec/v1\noid sha256:x\nsize 1\n")
    put(lfs / base.relative_to(raw), path, (DATA / lfs_rel).read_bytes())
    # The zip with the three MLTK files.
    zip_rels = [r for r, e in entries.items() if e["source"].startswith("github-zip:")]
    _, base, spec = github(zip_rels[0])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for rel in zip_rels:
            z.writestr(github(rel)[2].split("::")[1], (DATA / rel).read_bytes())
    put(base, spec.split("::")[0], buf.getvalue())
    # The model shipped as a C array.
    carray = "models/tflite-micro-arduino-examples/magic_wand_digits.tflite"
    _, base, spec = github(carray)
    path, name = spec.split("::")
    body = ",".join(f"0x{b:02x}" if i % 3 else str(b)
                    for i, b in enumerate((DATA / carray).read_bytes()))
    put(base, path, f"// model\nalignas(16) const unsigned char {name}[] = {{ /* bytes */ {body} }};"
                    f"\nconst int {name}_len = 3;\n".encode())
    # Debian's alsa-utils package with its three files.
    alsa = {r: e for r, e in entries.items() if "alsa-utils" in e["source"]}
    pool = next(iter(alsa.values()))["source"].split(":")[1]
    put(deb, pool, fake_deb({e["source"].split(":")[2]: (DATA / r).read_bytes()
                             for r, e in alsa.items()}))
    env = dict(__import__("os").environ, MICROML_GITHUB_RAW=raw.as_uri(),
               MICROML_GITHUB_LFS=lfs.as_uri(), MICROML_DEBIAN_MIRROR=deb.as_uri())
    only = [HELLO, "models/tflite-micro/person_detect.tflite", lfs_rel, carray, *zip_rels, *alsa]
    return env, only, raw


def test_download(tmp_path, mirror):
    env, only, _ = mirror
    dest = tmp_path / "dest"
    args = [a for rel in only for a in ("--only", rel)]
    p = tool(*args, dest, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"{len(only)} downloaded, 0 already there, 0 failed" in p.stdout, p.stdout
    for rel in only:
        assert (dest / rel).read_bytes() == (DATA / rel).read_bytes(), rel
    p = tool(*args, dest, env=env)
    assert p.returncode == 0 and f"0 downloaded, {len(only)} already there" in p.stdout
    p = tool("--verify", dest)
    assert p.returncode == 0 and f"{len(only)} files ok, 0 wrong" in p.stdout, p.stdout


def test_download_refuses_a_wrong_upstream_file(tmp_path, mirror, entries):
    env, _, raw = mirror
    src = entries[HELLO]["source"].split(":", 1)[1]
    repo_at, _, path = src.partition(":")
    repo, commit = repo_at.split("@")
    upstream = raw / repo / commit / path
    upstream.write_bytes(upstream.read_bytes()[:-1] + b"\xff")
    dest = tmp_path / "dest"
    p = tool("--only", HELLO, "--only", "testdata/wakeword/", dest, env=env)
    assert p.returncode == 1, p.stdout
    assert f"FAILED {HELLO}: upstream file has 2704 bytes, sha256" in p.stderr, p.stderr
    assert "made for the project, only in ../shared (no upstream): testdata/wakeword/" in p.stdout
    assert not (dest / HELLO).exists() and not (dest / (HELLO + ".part")).exists()


def test_download_unreachable(tmp_path, entries):
    env = dict(__import__("os").environ, MICROML_GITHUB_RAW=(tmp_path / "none").as_uri())
    p = tool("--only", HELLO, tmp_path / "dest", env=env)
    assert p.returncode == 1 and f"FAILED {HELLO}: cannot download" in p.stderr, p.stderr


def test_subset_rule():
    """keep-4-of-5-strokes drops strokes 4, 9, 14, ... as the shared magic_wand_digits copy
    does; get() checks the upstream file, then the derived one."""
    shared = json.loads((DATA / "datasets/magic_wand_digits/petewarden_3.json").read_text())
    upstream = {"strokes": []}
    for i in range(100):  # the shared strokes, with made-up ones where it lacks them
        have = [s for s in shared["strokes"] if s["index"] == i]
        upstream["strokes"].append(have[0] if have else {"index": i, "label": "3",
                                                         "strokePoints": [{"x": 0.5, "y": i}]})
    up = json.dumps(upstream).encode()
    derived = gd.derive("keep-4-of-5-strokes", up)
    assert derived == (DATA / "datasets/magic_wand_digits/petewarden_3.json").read_bytes()
    entry = dict(path="x.json", size=len(derived), sha256=sha(derived), source="github:a/b@c:x",
                 status=f"subset:keep-4-of-5-strokes:{len(up)}:{sha(up)}")
    gd.read_source = lambda source: up
    try:
        assert gd.get(entry) == derived
        entry["status"] = f"subset:keep-4-of-5-strokes:{len(up)}:{'0' * 64}"
        with pytest.raises(gd.Failed, match="upstream file has"):
            gd.get(entry)
    finally:
        globals()["gd"] = load_tool()
