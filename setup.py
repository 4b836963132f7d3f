# SPDX-License-Identifier: MIT
# The CPython extension `microml` for setuptools (`pip install .`; see pyproject.toml): the C core
# and bindings/cpython/ + bindings/common/, the files `make python` compiles (mk/cpython.mk;
# tests/py/test_python_build.py checks the two lists agree), for the interpreter that runs the
# build. Build files go to build/setuptools/, the version comes from include/microml/microml.h.
import glob
import os
import re

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
# mk/core.mk's CORE_SRC folders, and the binding.
SOURCE_DIRS = ["src/core", "src/nn", "src/nn/kernels", "src/dsp", "src/classic", "bindings/cpython",
               "bindings/common"]
BUILD_BASE = os.path.join("build", "setuptools")


def sources():
    """The C files, relative to this folder (setuptools wants relative paths), sorted."""
    files = [os.path.relpath(f, HERE) for d in SOURCE_DIRS
             for f in glob.glob(os.path.join(HERE, d, "*.c"))]
    return sorted(files)


def headers():
    """Every header the C files can include: a changed one rebuilds the extension."""
    return sorted(os.path.relpath(f, HERE) for pattern in ("include/microml/*.h", "src/*/*.h",
                                                           "src/nn/kernels/*.h",
                                                           "bindings/cpython/*.h", "bindings/common/*.h")
                  for f in glob.glob(os.path.join(HERE, pattern)))


def version():
    with open(os.path.join(HERE, "include", "microml", "microml.h")) as f:
        return re.search(r'#define MML_VERSION_STRING "([^"]+)"', f.read()).group(1)


def main():
    os.makedirs(os.path.join(HERE, BUILD_BASE), exist_ok=True)
    setup(
        version=version(),
        packages=[],
        py_modules=[],
        ext_modules=[Extension(
            "microml",
            sources=sources(),
            depends=headers(),
            include_dirs=["include", "src"],
            # The core is C99; only PyInit_microml is exported (as mk/cpython.mk builds it).
            extra_compile_args=["-std=c99", "-fvisibility=hidden"],
            libraries=["m"],
        )],
        options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}},
    )


if __name__ == "__main__":  # as setuptools runs it; tests import sources() alone
    main()
