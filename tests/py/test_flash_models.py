# SPDX-License-Identifier: MIT
# Models kept in flash: the ROMFS image builder (python/microml_tools/romfs.py: format and
# alignment, read back by an independent parser here and by MicroPython's VfsRom on the board),
# and examples/person_detection on the Cortex-M0 board (MICROBIT_NATIVE, 224 KB heap, armv6m
# .mpy) with its files in the board's ROMFS partition: it prints the README's expected output,
# where the same run with the model read into RAM fails with MemoryError.
import subprocess
import sys

import pytest

import mmldata

sys.path.insert(0, str(mmldata.REPO / "python"))
from microml_tools import romfs  # noqa: E402

BUILD = mmldata.REPO / "build"
RUNNER = mmldata.REPO / "tools" / "run-on-qemu"
PD_MAIN = mmldata.REPO / "examples" / "person_detection" / "main.py"
PD_MODEL = mmldata.DATA / "models" / "tflite-micro" / "person_detect.tflite"
PD_PICS = mmldata.DATA / "testdata" / "tflite-micro" / "person_detection"
# examples/person_detection/README.md, "Expected output".
PD_EXPECTED = "person.bmp: person (score 0.94)\nno_person.bmp: no person (score 0.72)\n"


def parse_varint(b, i):
    n = 0
    while True:
        c = b[i]
        i += 1
        n = (n << 7) | (c & 0x7F)
        if not c & 0x80:
            return n, i


def parse_romfs(image):
    """{name: (data offset, data bytes)} of a flat ROMFS image, per extmod/vfs_rom.c's format."""
    assert image[:3] == b"\xd2\xcd\x31"
    size, i = parse_varint(image, 3)
    assert i + size == len(image)
    files = {}
    while i < len(image):
        kind, i = parse_varint(image, i)
        n, i = parse_varint(image, i)
        end = i + n
        if kind == 5:  # FILE: name, then records up to the data
            nlen, j = parse_varint(image, i)
            name = image[j:j + nlen].decode()
            j += nlen
            while j < end:
                k, j = parse_varint(image, j)
                m, j = parse_varint(image, j)
                if k == 2:  # DATA_VERBATIM
                    files[name] = (j, image[j:j + m])
                j += m
        else:
            assert kind == 1  # only padding besides files
        i = end
    return files


@pytest.mark.parametrize("align", [4, 16, 64])
def test_romfs_build_aligned(align):
    blobs = [("a.bin", bytes(range(7))), ("b.tflite", b"x" * 1001), ("empty", b""),
             ("c", bytes(300))]
    image = romfs.build(blobs, align=align)
    assert len(image) % 2 == 0
    files = parse_romfs(image)
    assert sorted(files) == sorted(n for n, _ in blobs)
    for name, data in blobs:
        off, got = files[name]
        assert got == data
        assert off % align == 0


def test_romfs_build_errors():
    with pytest.raises(ValueError, match="align"):
        romfs.build([("a", b"1")], align=3)
    with pytest.raises(ValueError, match="duplicate"):
        romfs.build([("a", b"1"), ("a", b"2")])
    with pytest.raises(ValueError, match="bad"):
        romfs.build([("d/a", b"1")])


def run(board, script, *args):
    fw = BUILD / "qemu" / board / "firmware.elf"
    if not fw.is_file():
        pytest.fail(f"{fw} missing; run `make qemu-{board}` first")
    return subprocess.run([sys.executable, str(RUNNER), board, str(script), "--timeout", "120",
                           *args], capture_output=True, text=True, timeout=200)


def test_romfs_on_board_zero_copy(tmp_path):
    """VfsRom mounts the image at /rom (MicroPython's boot does it), lists it, and a file's
    memoryview lies in the partition, aligned, with the host file's bytes."""
    script = tmp_path / "rom.py"
    script.write_text(
        "import os, uctypes\n"
        "print(sorted(os.listdir('/rom')))\n"
        "v = memoryview(open('/rom/pd.tflite', 'rb'))\n"
        "a = uctypes.addressof(v)\n"
        "print(len(v), 0x21c00000 <= a < 0x22000000, a % 16, v == file_view('copy.tflite'))\n")
    r = run("MPS2_AN386", script, "--romfs", f"pd.tflite={PD_MODEL}", "--romfs",
            f"p.bmp={PD_PICS / 'person.bmp'}", "--file", f"copy.tflite={PD_MODEL}")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["['p.bmp', 'pd.tflite']",
                                     f"{PD_MODEL.stat().st_size} True 0 True"]


def test_person_detection_m0_model_in_flash():
    mpy = BUILD / "mpy" / "armv6m" / "microml.mpy"
    if not mpy.is_file():
        pytest.fail(f"{mpy} missing; run `make mpy` first")
    files = [("person_detect.tflite", PD_MODEL), ("person.bmp", PD_PICS / "person.bmp"),
             ("no_person.bmp", PD_PICS / "no_person.bmp")]
    r = run("MICROBIT_NATIVE", PD_MAIN, "--mpy", str(mpy),
            *[a for n, p in files for a in ("--romfs", f"{n}={p}")])
    assert r.returncode == 0, r.stderr
    assert r.stdout == PD_EXPECTED
    # The same with the files in the plain /ram filesystem: the model is read into the heap,
    # which cannot hold it.
    r = run("MICROBIT_NATIVE", PD_MAIN, "--mpy", str(mpy),
            *[a for n, p in files for a in ("--file", f"{n}={p}")])
    assert r.returncode == 1
    assert "MemoryError" in r.stderr


def test_romfs_usage_errors(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("print(1)\n")
    r = run("MPS2_AN385_STOCK", script, "--romfs", f"m={PD_MODEL}")
    assert r.returncode == 2 and "has no ROMFS partition" in r.stderr
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(600 * 1024))
    r = run("MICROBIT_NATIVE", script, "--romfs", f"big.bin={big}")
    assert r.returncode == 2 and "does not fit MICROBIT_NATIVE's 512 KB ROMFS partition" in r.stderr
