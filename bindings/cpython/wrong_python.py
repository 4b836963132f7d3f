# SPDX-License-Identifier: MIT
# The CPython extension's import guard, copied to build/python/microml.py by `make python`.
# Python prefers an extension module to a .py of the same name in one folder, so this file only
# runs when no microml extension there fits the running interpreter; it then raises an ImportError
# that says which interpreter the extension there was built for and how to build one for this
# one. `python3 wrong_python.py --record EXT` (run by make with the interpreter it built EXT for)
# records that interpreter in microml_build_info.json beside EXT.
import json
import os
import sys
import sysconfig

INFO = "microml_build_info.json"


def _this_python():
    return {"executable": sys.executable, "version": sys.version.split()[0],
            "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX")}


def _read(folder):
    try:
        with open(os.path.join(folder, INFO)) as f:
            built = json.load(f)
        return built if isinstance(built, dict) else {}
    except (OSError, ValueError):
        return {}


def _record(ext):
    """Records the running interpreter as the one ext (a built extension file, the only one in
    its folder: make removes the others, built from older sources) is for."""
    folder, name = os.path.split(os.path.abspath(ext))
    built = {name: _this_python()}
    tmp = os.path.join(folder, INFO + ".tmp")
    with open(tmp, "w") as f:
        json.dump(built, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, os.path.join(folder, INFO))


def _refuse():
    folder = os.path.dirname(os.path.abspath(__file__))
    built = {n: b for n, b in _read(folder).items() if os.path.isfile(os.path.join(folder, n))}
    me = _this_python()
    if built:
        have = "; ".join(f"{n} for {b.get('executable')} (Python {b.get('version')})"
                         for n, b in sorted(built.items()))
        what = f"microml in {folder} was built for another Python: {have}"
    else:
        what = f"no microml extension built in {folder}"
    raise ImportError(
        f"{what}; this is {me['executable']} (Python {me['version']}), which needs "
        f"microml{me['ext_suffix']}: run `make python PYTHON={me['executable']}` "
        f"or `pip install .` with this interpreter", name="microml", path=__file__)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--record":
        sys.exit("usage: wrong_python.py --record EXTENSION_FILE")
    _record(sys.argv[2])
else:
    _refuse()
