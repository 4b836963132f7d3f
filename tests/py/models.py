# SPDX-License-Identifier: MIT
# The models claimed to work, read from tests/supported_models.txt: the one list every face's
# tests share (vector folder names under <MICROML_DATA>/../vectors/, one per line, # comments).
from pathlib import Path

LIST = Path(__file__).resolve().parents[1] / "supported_models.txt"


def _read(path):
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


SUPPORTED = _read(LIST)
