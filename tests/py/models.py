# SPDX-License-Identifier: MIT
# The models claimed to work, read from tests/supported_models.txt: the one list every face's
# tests share (vector folder names under <MICROML_DATA>/../vectors/, one per line, # comments; a
# second word, the tag `host`, only matters to the QEMU boards and benchmarks, see the list).
from pathlib import Path

LIST = Path(__file__).resolve().parents[1] / "supported_models.txt"


def _read(path):
    names = []
    for line in path.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            names.append(words[0])
    return names


SUPPORTED = _read(LIST)
