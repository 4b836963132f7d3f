# SPDX-License-Identifier: MIT
# The right .mpy for each firmware: microml_install on the unix port (default folder created
# under $HOME, copy byte-equal, errors that name the path, the installed module imports) and on
# the QEMU boards (the arch it picks), and the float-ABI guard: the soft-float armv7m .mpy on
# the hard-float Cortex-M4F firmware refuses to import and names armv7emsp, the armv6m .mpy
# computes hello_world right on the Cortex-M0, a hard-float .mpy on soft-float firmware is
# refused by MicroPython's own arch check.
import os
import subprocess
import sys

import pytest

import mmldata

BUILD = mmldata.REPO / "build"
RUNNER = mmldata.REPO / "tools" / "run-on-qemu"
INSTALL = mmldata.REPO / "bindings" / "micropython" / "microml_install.py"
STOCK = BUILD / "micropython-stock"
HW = mmldata.DATA / "models" / "tflite-micro" / "hello_world_int8.tflite"
HW_MAIN = mmldata.REPO / "examples" / "hello_world" / "main.py"
# hello_world's expected output (examples/hello_world/README.md): its first and last lines.
HW_FIRST = "x=0.00  y=-0.008  sin(x)=+0.000"
HW_LAST = "largest error: 0.086"


def need(*paths):
    for p in paths:
        if not p.exists():
            pytest.fail(f"{p} missing; run `make micropython mpy qemu` first")


def upy(code, home, cwd):
    env = dict(os.environ, HOME=str(home), MICROPYPATH="")
    env.pop("MICROPYPATH")
    return subprocess.run([str(STOCK), "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def board(name, script, *args):
    fw = BUILD / "qemu" / name / "firmware.elf"
    need(fw)
    return subprocess.run([sys.executable, str(RUNNER), name, str(script), "--timeout", "60",
                           *args], capture_output=True, text=True, timeout=120)


def test_install_unix_default_folder(tmp_path):
    need(STOCK, BUILD / "mpy" / "x64" / "microml.mpy")
    home = tmp_path / "home"
    home.mkdir()
    lib = home / ".micropython" / "lib"
    code = ("import sys; sys.path.append(%r); import microml_install as mi; print(mi.arch()); "
            "print(mi.install(%r))" % (str(INSTALL.parent), str(BUILD / "mpy")))
    r = upy(code, home, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["x64", f"{lib}/microml.mpy"]
    assert (lib / "microml.mpy").read_bytes() == (BUILD / "mpy" / "x64" / "microml.mpy").read_bytes()
    # The installed module is found there by a plain import.
    r = upy("import microml; print(microml.__file__)", home, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{lib}/microml.mpy"


def test_install_unix_explicit_folder_and_errors(tmp_path):
    need(STOCK, BUILD / "mpy" / "x64" / "microml.mpy")
    dest = tmp_path / "a" / "b"
    pre = "import sys; sys.path.append(%r); import microml_install as mi; " % str(INSTALL.parent)
    r = upy(pre + "print(mi.install(%r, %r))" % (str(BUILD / "mpy"), str(dest)), tmp_path, tmp_path)
    assert r.returncode == 0, r.stderr
    assert (dest / "microml.mpy").is_file()
    missing = tmp_path / "nothing"
    r = upy(pre + "mi.install(%r, %r)" % (str(missing), str(dest)), tmp_path, tmp_path)
    assert r.returncode != 0
    assert f"cannot read {missing}/x64/microml.mpy" in r.stderr
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    r = upy(pre + "mi.install(%r, %r)" % (str(BUILD / "mpy"), str(blocked / "sub")), tmp_path,
            tmp_path)
    assert r.returncode != 0
    assert str(blocked / "sub") in r.stderr


@pytest.mark.parametrize("name,arch", [("MPS2_AN386", "armv7emsp"), ("MICROBIT_NATIVE", "armv6m"),
                                       ("MPS2_AN385_STOCK", "armv7m")])
def test_install_picks_board_arch(name, arch, tmp_path):
    script = tmp_path / "pick.py"
    script.write_text("import microml_install as mi\nprint(mi.mpy_path('/x'))\n")
    r = board(name, script, "--file", f"microml_install.py={INSTALL}")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"/x/{arch}/microml.mpy"


def test_soft_float_mpy_refused_on_m4f():
    need(BUILD / "mpy" / "armv7m" / "microml.mpy")
    r = board("MPS2_AN386", HW_MAIN, "--mpy", str(BUILD / "mpy" / "armv7m" / "microml.mpy"),
              "--file", f"hello_world_int8.tflite={HW}")
    assert r.returncode == 1
    assert r.stdout == ""
    assert ("ImportError: microml: this .mpy is armv7m (soft-float) but the firmware passes "
            "floats in FPU registers: install armv7emsp/microml.mpy") in r.stderr


@pytest.mark.parametrize("name,arch", [("MPS2_AN386", "armv7emsp"), ("MICROBIT_NATIVE", "armv6m"),
                                       ("MPS2_AN385_STOCK", "armv7m")])
def test_right_mpy_computes(name, arch):
    mpy = BUILD / "mpy" / arch / "microml.mpy"
    need(mpy)
    r = board(name, HW_MAIN, "--mpy", str(mpy), "--file", f"hello_world_int8.tflite={HW}")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert (lines[0], lines[-1]) == (HW_FIRST, HW_LAST)


def test_hard_float_mpy_refused_on_soft_float_firmware():
    mpy = BUILD / "mpy" / "armv7emsp" / "microml.mpy"
    need(mpy)
    r = board("MPS2_AN385_STOCK", HW_MAIN, "--mpy", str(mpy), "--file", f"hello_world_int8.tflite={HW}")
    assert r.returncode == 1
    assert "ValueError: incompatible .mpy arch" in r.stderr
