# SPDX-License-Identifier: MIT
# The CPython extension for the Python in use: `make python PYTHON=...` builds for that
# interpreter and rebuilds the binding when it changes, `pip install .` builds offline, and an
# interpreter the extension in build/python does not fit gets an ImportError naming the one it
# was built for (bindings/cpython/wrong_python.py, installed as build/python/microml.py).
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import mmldata

REPO = mmldata.REPO
STUB = REPO / "bindings" / "cpython" / "wrong_python.py"
HELLO = "hello_world_int8"


def run(args, **kw):
    kw.setdefault("timeout", 600)
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def clean_env(pythonpath):
    """The environment for a child Python that must see only pythonpath."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(pythonpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


# A child's check that the microml it imports runs hello_world's first vector.
CHECK_HELLO = """
import sys, microml
model, x, y = (open(p, "rb").read() for p in sys.argv[1:4])
assert bytes(microml.Model(model).predict(x)) == y, "wrong output"
print(microml.__file__)
"""


def hello_args():
    v = mmldata.vectors(HELLO, single_only=True)[0]
    return [mmldata.model_path(HELLO), v.inp, v.out]


def identity(python):
    """(EXT_SUFFIX, include dir, executable, version) of an interpreter, or None."""
    p = run([python, "-c", "import sys, sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'),"
             " sysconfig.get_paths()['include'], sys.executable, sys.version.split()[0])"],
            timeout=60)
    words = p.stdout.split()
    return tuple(words) if p.returncode == 0 and len(words) == 4 else None


def other_interpreter():
    """Another CPython >= 3.10 with its headers (the python3 first on PATH, python3.N, pyenv's), the
    one with a different EXT_SUFFIX first; None if this machine has none."""
    me = identity(sys.executable)
    found = []
    cands = [shutil.which("python3")] + [shutil.which(f"python3.{n}") for n in range(6, 20)]
    cands += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
    for c in filter(None, cands):
        ident = identity(c)
        if not ident or ident[:3] == me[:3] or ident in (f[1] for f in found):
            continue
        version = tuple(int(x) for x in ident[3].split(".")[:2] if x.isdigit())
        if Path(ident[1], "Python.h").is_file() and version >= (3, 10):  # the binding's minimum
            found.append((c, ident))
    found.sort(key=lambda f: f[1][0] == me[0])  # a different EXT_SUFFIX first
    return found[0] if found else None


# --- the import guard --------------------------------------------------------------------------

def test_build_python_has_the_guard(microml):
    """build/python holds the guard, and this interpreter imports the extension, not the guard."""
    assert (mmldata.BUILD_PYTHON / "microml.py").read_text() == STUB.read_text()
    assert microml.__file__.endswith(sysconfig.get_config_var("EXT_SUFFIX")), microml.__file__
    info = json.loads((mmldata.BUILD_PYTHON / "microml_build_info.json").read_text())
    mine = info[Path(microml.__file__).name]
    assert mine["ext_suffix"] == sysconfig.get_config_var("EXT_SUFFIX")


def test_guard_names_the_interpreter_built_for(tmp_path):
    """Only an extension for another Python in the folder: import says which and what to do."""
    shutil.copy(STUB, tmp_path / "microml.py")
    fake = "microml.cpython-399-x86_64-linux-gnu.so"
    (tmp_path / fake).write_bytes(b"")
    (tmp_path / "microml_build_info.json").write_text(json.dumps({fake: {
        "executable": "/opt/python3.99/bin/python3", "version": "3.99.0",
        "ext_suffix": ".cpython-399-x86_64-linux-gnu.so"}}))
    p = run([sys.executable, "-c", "import microml"], env=clean_env(tmp_path), cwd=tmp_path)
    assert p.returncode == 1
    last = p.stderr.strip().splitlines()[-1]
    me = f"{sys.executable} (Python {sys.version.split()[0]})"
    want = (f"ImportError: microml in {tmp_path} was built for another Python: {fake} for "
            f"/opt/python3.99/bin/python3 (Python 3.99.0); this is {me}, which needs "
            f"microml{sysconfig.get_config_var('EXT_SUFFIX')}: run `make python "
            f"PYTHON={sys.executable}` or `pip install .` with this interpreter")
    assert last == want, last


def test_guard_without_any_extension(tmp_path):
    shutil.copy(STUB, tmp_path / "microml.py")
    p = run([sys.executable, "-c", "import microml"], env=clean_env(tmp_path), cwd=tmp_path)
    assert p.returncode == 1 and f"no microml extension built in {tmp_path}" in p.stderr, p.stderr


def test_guard_steps_aside_for_a_fitting_extension(tmp_path, microml):
    shutil.copy(STUB, tmp_path / "microml.py")
    os.symlink(microml.__file__, tmp_path / Path(microml.__file__).name)
    p = run([sys.executable, "-c", CHECK_HELLO, *hello_args()], env=clean_env(tmp_path),
            cwd=tmp_path)
    assert p.returncode == 0 and p.stdout.strip() == str(tmp_path / Path(microml.__file__).name), \
        p.stderr


def test_record(tmp_path):
    ext = tmp_path / ("microml" + sysconfig.get_config_var("EXT_SUFFIX"))
    ext.write_bytes(b"")
    for _ in range(2):  # recording again replaces the entry
        p = run([sys.executable, STUB, "--record", ext])
        assert p.returncode == 0, p.stderr
    info = json.loads((tmp_path / "microml_build_info.json").read_text())
    assert info == {ext.name: {"executable": sys.executable, "version": sys.version.split()[0],
                               "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX")}}


# --- make python PYTHON=... --------------------------------------------------------------------

def make(build, python, *goals):
    return run(["make", "--no-print-directory", "-C", REPO, f"BUILD={build}",
                f"PYTHON={python}", *goals])


@pytest.fixture(scope="module")
def other():
    o = other_interpreter()
    if o is None:
        pytest.skip("no second Python 3 interpreter with headers on this machine")
    return o


def imports(py, folder, cwd):
    """Runs hello_world with `py` importing microml from folder: (returncode, stderr)."""
    p = run([py, "-c", CHECK_HELLO, *hello_args()], env=clean_env(folder), cwd=cwd)
    return p.returncode, p.stderr


def test_make_python_per_interpreter(tmp_path, other):
    """Build for this interpreter, then another, then this one again in one build folder: the
    binding is recompiled for whichever interpreter builds (the core is not), the extension is
    the last interpreter's, and an interpreter it does not fit is told which one it is for."""
    build = tmp_path / "build"
    folder = build / "python"
    # The core's objects do not depend on the interpreter: reuse this tree's if built.
    core = mmldata.BUILD_PYTHON / "obj" / "src"
    if core.is_dir():
        shutil.copytree(core, folder / "obj" / "src")
    other_py, other_id = other
    me = identity(sys.executable)
    ext_me, ext_other = folder / f"microml{me[0]}", folder / f"microml{other_id[0]}"

    p = make(build, sys.executable, "python")
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"microml for {me[2]} (Python {me[3]})" in p.stdout, p.stdout
    assert run(["make", "-q", "-C", REPO, f"BUILD={build}", f"PYTHON={sys.executable}",
                ext_me]).returncode == 0, "up to date for the same interpreter"
    assert imports(sys.executable, folder, tmp_path) == (0, "")

    p = make(build, other_py, "python")
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"-I{other_id[1]} -c {REPO}/bindings/cpython/modmicroml.c" in p.stdout, p.stdout
    assert f"microml for {other_id[2]} (Python {other_id[3]})" in p.stdout, p.stdout
    assert imports(other_py, folder, tmp_path) == (0, "")
    info = json.loads((folder / "microml_build_info.json").read_text())
    assert info == {ext_other.name: {"executable": other_id[2], "version": other_id[3],
                                     "ext_suffix": other_id[0]}}
    if other_id[0] != me[0]:
        # This interpreter's extension is gone (it was older than the sources may be): its
        # import names the interpreter the extension there is for, and what to run.
        assert not ext_me.exists()
        rc, err = imports(sys.executable, folder, tmp_path)
        assert rc == 1 and f"{ext_other.name} for {other_id[2]} (Python {other_id[3]})" in err, err
        assert f"run `make python PYTHON={sys.executable}`" in err, err

    # Back to this interpreter: its binding object is stale now and is rebuilt, alone.
    assert run(["make", "-q", "-C", REPO, f"BUILD={build}", f"PYTHON={sys.executable}",
                ext_me]).returncode == 1, "no rebuild after the interpreter changed"
    p = make(build, sys.executable, "python")
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"-I{me[1]} -c {REPO}/bindings/cpython/modmicroml.c" in p.stdout, p.stdout
    if core.is_dir():
        assert f"-c {REPO}/src/" not in p.stdout, "the core was rebuilt for another interpreter"
    assert imports(sys.executable, folder, tmp_path) == (0, "")
    assert sorted(f.name for f in folder.glob("microml*.so")) == [ext_me.name]


def test_make_python_refuses_a_non_interpreter(tmp_path):
    p = make(tmp_path / "build", "/bin/false", "python")
    assert p.returncode != 0 and "PYTHON=/bin/false" in p.stderr, p.stderr


# --- pip install . -----------------------------------------------------------------------------

def load_setup():
    spec = importlib.util.spec_from_file_location("microml_setup", REPO / "setup.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_setup_py_builds_what_make_builds():
    p = run(["make", "--no-print-directory", "-s", "-C", REPO, "python-sources"])
    assert p.returncode == 0, p.stderr
    assert load_setup().sources() == sorted(p.stdout.split())


def test_pip_install_offline(tmp_path):
    """pip install --no-build-isolation --no-index . into a target folder, with Debian's pip,
    setuptools and wheel; the installed module runs hello_world."""
    if run([sys.executable, "-m", "pip", "--version"], timeout=60).returncode != 0:
        pytest.fail("pip missing for this interpreter: run tools/setup (python3-pip)")
    site = tmp_path / "site"
    p = run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index",
             "--no-cache-dir", "--disable-pip-version-check", "--target", site, REPO],
            env=dict(clean_env(""), PIP_NO_INPUT="1"))
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    ext = site / ("microml" + sysconfig.get_config_var("EXT_SUFFIX"))
    assert ext.is_file(), sorted(os.listdir(site))
    p = run([sys.executable, "-c", CHECK_HELLO, *hello_args()], env=clean_env(site),
            cwd=tmp_path)
    assert p.returncode == 0 and p.stdout.strip() == str(ext), p.stderr
