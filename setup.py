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


def simd_flags():
    """The x86-64 SIMD level, as mk/core.mk picks it: MML_HOST_SIMD=avx2|sse41|none, else the best
    the build machine's CPU has (its /proc/cpuinfo flags); none off x86-64."""
    level = os.environ.get("MML_HOST_SIMD")
    if level is None:
        level = "none"
        if os.uname().machine == "x86_64":
            try:
                with open("/proc/cpuinfo") as f:
                    flags = set(f.read().split())
            except OSError:
                flags = set()
            level = "avx2" if "avx2" in flags else "sse41" if "sse4_1" in flags else "none"
    choices = {"avx2": ["-mavx2"], "sse41": ["-msse4.1"], "none": []}
    if level not in choices:
        raise SystemExit("MML_HOST_SIMD=%s: expected avx2, sse41 or none" % level)
    return choices[level]


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
            # The x86-64 kernel variants at the machine's SIMD level (simd_flags).
            extra_compile_args=["-std=c99", "-fvisibility=hidden"] + simd_flags(),
            libraries=["m"],
        )],
        options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}},
    )


if __name__ == "__main__":  # as setuptools runs it; tests import sources() alone
    main()
