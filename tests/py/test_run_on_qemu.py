# SPDX-License-Identifier: MIT
# tools/run-on-qemu on the Cortex-M4F (MPS2_AN386) and Cortex-M0 (MICROBIT_NATIVE) firmware:
# output and exit status of a normal and a raising script, --timeout on a silent loop, a
# HardFault and a lock-up reported as such, and no qemu process left behind in any of these cases, nor when
# run-on-qemu itself is terminated or killed. qemu's command line carries
# "-name run-on-qemu-<pid of run-on-qemu>", which finds it with pgrep -f.
import os
import signal
import subprocess
import sys
import time

import pytest

import mmldata

RUNNER = mmldata.REPO / "tools" / "run-on-qemu"
BOARDS = ["MPS2_AN386", "MICROBIT_NATIVE"]
# An address whose read faults on each board (bus error from qemu's memory map).
BAD_ADDRESS = {"MPS2_AN386": 0xFFFFFFF0, "MICROBIT_NATIVE": 0x60000000}


def firmware(board):
    fw = mmldata.REPO / "build" / "qemu" / board / "firmware.elf"
    if not fw.is_file():
        pytest.fail(f"{fw} missing; run `make qemu-{board}` first")


def qemu_left(pid):
    """pids of qemu processes started by the run-on-qemu of that pid, still alive."""
    r = subprocess.run(["pgrep", "-f", "--", f"-name run-on-qemu-{pid}( |$)"],
                       capture_output=True, text=True)
    assert r.returncode in (0, 1), f"pgrep failed: {r.stderr}"  # 1: no process matched
    return r.stdout.split()


def run(board, tmp_path, code, *args, timeout=60):
    """Runs code on board; returns (status, stdout, stderr, seconds), after checking that no
    qemu is left."""
    firmware(board)
    script = tmp_path / "script.py"
    script.write_text(code)
    t0 = time.monotonic()
    p = subprocess.Popen([sys.executable, str(RUNNER), board, str(script), *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=timeout)
    secs = time.monotonic() - t0
    time.sleep(0.2)
    assert qemu_left(p.pid) == [], "qemu still running after run-on-qemu returned"
    return p.returncode, out, err, secs


@pytest.mark.parametrize("board", BOARDS)
def test_output_and_status(board, tmp_path):
    rc, out, err, _ = run(board, tmp_path, "for i in range(3):\n    print('line', i * 7)\n")
    assert (rc, out, err) == (0, "line 0\nline 7\nline 14\n", "")


@pytest.mark.parametrize("board", BOARDS)
def test_script_raises(board, tmp_path):
    rc, out, err, _ = run(board, tmp_path, "print('before')\nraise ValueError('boom 42')\n")
    assert rc == 1
    assert out == "before\n"
    assert "ValueError: boom 42" in err


@pytest.mark.parametrize("board", BOARDS)
def test_silent_loop_times_out(board, tmp_path):
    rc, out, err, secs = run(board, tmp_path, "while True:\n    pass\n", "--timeout", "5")
    assert rc == 3, err
    assert "timeout" in err and "5 s" in err
    assert 5 <= secs < 15


@pytest.mark.parametrize("board", BOARDS)
def test_hardfault_reported(board, tmp_path):
    code = "import machine\nprint('reading')\nprint(machine.mem32[%d])\n" % BAD_ADDRESS[board]
    rc, out, err, secs = run(board, tmp_path, code, "--timeout", "30")
    assert rc == 4, err
    assert out == "reading\n"  # the report is not in the output, not even its first word
    assert "HardFault on the board" in err
    assert "xPSR:" in err  # the fault handler's register dump
    assert secs < 25  # reported as it happens, not by the timeout


def test_lockup_reported(tmp_path):
    # A vector table of zeros (VTOR into the empty PSRAM), then a bus fault: taking the HardFault
    # fails too, and the Cortex-M4 locks up (qemu aborts with "Lockup: can't escalate").
    code = ("import machine\nprint('locking')\nmachine.mem32[0xE000ED08] = 0x21800000\n"
            "print(machine.mem32[0xFFFFFFF0])\n")
    rc, out, err, secs = run("MPS2_AN386", tmp_path, code, "--timeout", "30")
    assert rc == 4, err
    assert out == "locking\n"
    assert "lock-up on the board" in err and "Lockup" in err
    assert secs < 25


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_killed_runner_leaves_no_qemu(sig, tmp_path):
    firmware("MPS2_AN386")
    script = tmp_path / "loop.py"
    script.write_text("print('started')\nwhile True:\n    pass\n")
    p = subprocess.Popen([sys.executable, str(RUNNER), "MPS2_AN386", str(script)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b"started\n"
        assert len(qemu_left(p.pid)) == 1
        p.send_signal(sig)
        p.wait(timeout=10)
    finally:
        p.kill()
        p.wait()
    for _ in range(20):  # the kernel's SIGKILL of qemu (PR_SET_PDEATHSIG) is asynchronous
        if not qemu_left(p.pid):
            break
        time.sleep(0.1)
    assert qemu_left(p.pid) == []
    assert p.returncode != 0


def test_usage_errors(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("print(1)\n")
    r = subprocess.run([sys.executable, str(RUNNER), "NO_SUCH_BOARD", str(script)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unknown board 'NO_SUCH_BOARD'" in r.stderr
    r = subprocess.run([sys.executable, str(RUNNER), "MPS2_AN386", str(script), "--file", "a/b=x"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--file wants NAME=PATH" in r.stderr
    missing = tmp_path / "no_such_firmware.elf"
    r = subprocess.run([sys.executable, str(RUNNER), "MPS2_AN386", str(script), "--firmware",
                        str(missing)], capture_output=True, text=True)
    assert r.returncode == 2 and str(missing) + " missing" in r.stderr


def test_firmware_option(tmp_path):
    # --firmware runs the given ELF on the board (benchmarks/run's _ref builds): here a copy of
    # the board's own firmware, outside build/qemu.
    firmware("MPS2_AN386")
    fw = tmp_path / "copy.elf"
    fw.write_bytes((mmldata.REPO / "build" / "qemu" / "MPS2_AN386" / "firmware.elf").read_bytes())
    status, out, err, _ = run("MPS2_AN386", tmp_path, "print('fw', 6 * 7)\n", "--firmware", str(fw))
    assert status == 0 and out.strip() == "fw 42", err
