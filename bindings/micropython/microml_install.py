# SPDX-License-Identifier: MIT
# Picks the microml .mpy that this MicroPython can load and installs or imports it.
# The .mpy files live in a tree <base>/<arch>/microml.mpy (build/mpy/ of `make mpy`), on the
# device's filesystem or on a web server:
#   import microml_install
#   microml_install.arch()                         # 'armv7emsp', ... from sys.implementation._mpy
#   microml_install.install('/sd/mpy')             # copy <base>/<arch>/microml.mpy to lib_dir()
#   microml_install.mip('https://host/microml')    # the same through mip (network boards)
#   microml = microml_install.load('/sd/mpy')      # import it in place, without copying
# lib_dir() is the first folder on sys.path named .../lib that exists and is writable, else the
# first one that can be created: ~/.micropython/lib on the unix port, /lib on boards.
# Float ABI: arch() is the firmware's own, so the .mpy chosen passes floats the way the firmware
# does (armv7emsp/armv7emdp: in FPU registers; armv6m/armv7m: in integer registers); a .mpy for
# the other ABI refuses to import with a message naming the right one.
import os
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


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _writable(d):
    probe = d + "/.microml_install_probe"
    try:
        open(probe, "wb").close()
        os.remove(probe)
        return True
    except OSError:
        return False


def _makedirs(d):
    """Creates folder d and its missing parents."""
    parts = d.split("/")
    for i in range(1, len(parts) + 1):
        p = "/".join(parts[:i])
        if p and not _exists(p):
            try:
                os.mkdir(p)
            except OSError as e:
                raise OSError(e.args[0] if e.args else 0,
                              "microml_install: cannot create folder %s" % p)


def lib_dir():
    """The folder to install into: the first sys.path entry ending in /lib that exists and is
    writable, else the first such entry that can be created (created here), else /lib."""
    libs = [p.rstrip("/") for p in sys.path if p.rstrip("/").endswith("/lib")] or ["/lib"]
    for d in libs:
        if _exists(d) and _writable(d):
            return d
    for d in libs:
        if not _exists(d):
            try:
                _makedirs(d)
                return d
            except OSError:
                pass
    raise OSError(13, "microml_install: none of %s is a writable folder" % ", ".join(libs))


def install(base, dest=None):
    """Copies <base>/<arch>/microml.mpy to <dest>/microml.mpy (dest: lib_dir(); created if
    missing); returns the destination."""
    src_path = mpy_path(base)
    dest = lib_dir() if dest is None else dest.rstrip("/")
    if dest and not _exists(dest):
        _makedirs(dest)
    out = (dest or ".") + "/microml.mpy"
    try:
        src = open(src_path, "rb")
    except OSError as e:
        raise OSError(e.args[0] if e.args else 0, "microml_install: cannot read %s" % src_path)
    try:
        try:
            dst = open(out, "wb")
        except OSError as e:
            raise OSError(e.args[0] if e.args else 0, "microml_install: cannot write %s" % out)
        with dst:
            buf = bytearray(1024)
            while True:
                n = src.readinto(buf)
                if not n:
                    break
                dst.write(buf if n == len(buf) else memoryview(buf)[:n])
    finally:
        src.close()
    return out


def mip(base_url, dest=None):
    """Downloads <base_url>/<arch>/microml.mpy with mip into dest (default lib_dir())."""
    import mip as _mip

    _mip.install(mpy_path(base_url), target=lib_dir() if dest is None else dest)


def load(base):
    """Imports microml from <base>/<arch>/ without copying it; returns the module."""
    d = mpy_path(base)[: -len("/microml.mpy")]
    sys.path.insert(0, d)
    try:
        import microml
    finally:
        sys.path.remove(d)
    return microml
