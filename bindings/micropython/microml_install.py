# SPDX-License-Identifier: MIT
# Picks the microml .mpy that this MicroPython can load and installs or imports it.
# The .mpy files live in a tree <base>/<arch>/microml.mpy (build/mpy/ of `make mpy`), on the
# device's filesystem or on a web server:
#   import microml_install
#   microml_install.arch()                         # 'armv7emsp', ... from sys.implementation._mpy
#   microml_install.install('/sd/mpy')             # copy <base>/<arch>/microml.mpy to /lib
#   microml_install.mip('https://host/microml')    # the same through mip (network boards)
#   microml = microml_install.load('/sd/mpy')      # import it in place, without copying
import sys

# MicroPython's MP_NATIVE_ARCH_* numbering (bits 10..13 of sys.implementation._mpy).
ARCHS = (None, "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp",
         "xtensa", "xtensawin", "rv32imc")
# The .mpy each firmware arch should load: the same arch where one is built, else the closest one
# with the same float ABI (armv7em firmware has no FPU: the soft-float armv7m build).
BUILT = ("x64", "armv6m", "armv7m", "armv7emsp", "armv7emdp", "rv32imc")
FALLBACK = {"armv7em": "armv7m"}


def arch():
    """The native architecture of this firmware, or None if it cannot load native code."""
    n = (getattr(sys.implementation, "_mpy", 0) >> 10) & 0xF
    return ARCHS[n] if n < len(ARCHS) else None


def mpy_path(base=""):
    """Path (or URL) of the microml .mpy for this firmware under base."""
    a = arch()
    a = FALLBACK.get(a, a)
    if a not in BUILT:
        raise OSError("microml: no .mpy for native arch %r" % a)
    return (base.rstrip("/") + "/" if base else "") + a + "/microml.mpy"


def install(base, dest="/lib"):
    """Copies <base>/<arch>/microml.mpy to <dest>/microml.mpy; returns the destination."""
    out = dest.rstrip("/") + "/microml.mpy"
    with open(mpy_path(base), "rb") as src, open(out, "wb") as dst:
        buf = bytearray(1024)
        while True:
            n = src.readinto(buf)
            if not n:
                break
            dst.write(buf if n == len(buf) else memoryview(buf)[:n])
    return out


def mip(base_url, dest="/lib"):
    """Downloads <base_url>/<arch>/microml.mpy with mip into dest."""
    import mip as _mip

    _mip.install(mpy_path(base_url), target=dest)


def load(base):
    """Imports microml from <base>/<arch>/ without copying it; returns the module."""
    d = mpy_path(base)[: -len("/microml.mpy")]
    sys.path.insert(0, d)
    try:
        import microml
    finally:
        sys.path.remove(d)
    return microml
