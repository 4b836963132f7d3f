# SPDX-License-Identifier: MIT
# Builds a MicroPython ROMFS image (vfs.VfsRom, MicroPython >= 1.25) whose file data start at
# aligned offsets, so that a model in it can be borrowed in place by microml.Model (which needs
# 4-byte aligned bytes) once the image sits at an aligned flash address:
#   python3 -m microml_tools.romfs OUT.romfs FILE [NAME=FILE ...] [--align N]
#   mpremote romfs deploy OUT.romfs           # a prebuilt .romfs image is written as it is
# (`mpremote romfs deploy DIR` builds its own image, with no alignment: a model in it may land at
# an odd address.) On the board: vfs.mount(vfs.VfsRom(vfs.rom_ioctl(2, 0)), '/rom'); then
# memoryview(open('/rom/NAME', 'rb')) is the file in flash, no copy.
#
# Format (extmod/vfs_rom.c): header b"\xd2\xcd\x31" + varint(length) + records; a record is
# varint(kind) + varint(length) + payload; a FILE record (kind 5) holds varint(name length),
# the name, then optional PADDING (kind 1) records and a DATA_VERBATIM (kind 2) record. Varints
# are big-endian base-128 with the high bit as "more"; here every length is written in 4 bytes
# (leading 0x80 bytes encode zeros, as mpremote's own builder does), so offsets are known while
# writing and one PADDING record per file aligns its data.
import argparse
import os
import sys

HEADER = b"\xd2\xcd\x31"
KIND_PADDING, KIND_DATA_VERBATIM, KIND_FILE = 1, 2, 5
VARINT_BYTES = 4  # lengths up to 2**28 - 1


def varint(n, width=VARINT_BYTES):
    """n as a big-endian base-128 varint of exactly `width` bytes."""
    if not 0 <= n < 1 << (7 * width):
        raise ValueError("romfs: length %d does not fit %d varint bytes" % (n, width))
    out = bytearray()
    for i in range(width - 1, -1, -1):
        out.append(((n >> (7 * i)) & 0x7F) | (0x80 if i else 0))
    return bytes(out)


def record(kind, payload):
    return bytes([kind]) + varint(len(payload)) + payload


def build(files, align=16):
    """ROMFS image of files [(name, data)], each file's data at a multiple of `align` bytes
    from the start of the image (so at an aligned address when the image is)."""
    if align < 1 or align & (align - 1):
        raise ValueError("romfs: align must be a power of two, got %d" % align)
    start = len(HEADER) + VARINT_BYTES
    body = bytearray()
    seen = set()
    for name, data in files:
        if not name or "/" in name or name in seen:
            raise ValueError("romfs: bad or duplicate file name %r" % name)
        seen.add(name)
        bname = name.encode("ascii")
        head = varint(len(bname)) + bname
        # Offset of the data if the padding record carries p bytes:
        # file record header (1 + 4) + head + padding record (1 + 4 + p) + data header (1 + 4).
        fixed = start + len(body) + 5 + len(head) + 5 + 5
        pad = -fixed % align
        payload = head + record(KIND_PADDING, bytes(pad)) + record(KIND_DATA_VERBATIM, bytes(data))
        assert (fixed + pad) % align == 0
        body += record(KIND_FILE, payload)
    if (start + len(body)) % 2:  # mpremote keeps images an even number of bytes
        body += bytes([KIND_PADDING, 1, 0])  # a 3-byte padding record
    return HEADER + varint(len(body)) + bytes(body)


def files_from_args(specs):
    """[(name, data)] from FILE or NAME=FILE arguments (a folder: its files, not recursive)."""
    out = []
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep:
            name, path = os.path.basename(spec), spec
        if os.path.isdir(path):
            for f in sorted(os.listdir(path)):
                if os.path.isfile(os.path.join(path, f)):
                    with open(os.path.join(path, f), "rb") as fh:
                        out.append((f, fh.read()))
        else:
            with open(path, "rb") as fh:
                out.append((name, fh.read()))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m microml_tools.romfs",
                                 description="Build a ROMFS image with aligned file data.")
    ap.add_argument("out", help="image to write (.romfs: mpremote romfs deploy takes it as is)")
    ap.add_argument("files", nargs="+", metavar="[NAME=]FILE", help="files (or a folder's files)")
    ap.add_argument("--align", type=int, default=16, help="file data alignment (default 16)")
    args = ap.parse_args(argv)
    try:
        image = build(files_from_args(args.files), args.align)
    except (OSError, ValueError) as e:
        print("romfs: %s" % e, file=sys.stderr)
        return 2
    with open(args.out, "wb") as f:
        f.write(image)
    print("%s: %d bytes" % (args.out, len(image)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
