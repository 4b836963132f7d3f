# SPDX-License-Identifier: MIT
# Wake-word detection in WAV files with any microWakeWord model and its ESPHome manifest, by
# ESPHome's rule from a cold start: one line per file, `path<TAB>t1,t2,...` (seconds at the end of
# the 10 ms feature slice on which each detection fires) or `path<TAB>-`.
#   micropython detect_wav.py --model M.tflite --manifest M.json [--vad V.tflite
#       [--vad-manifest V.json]] FILE.wav ...
# Runs on the MicroPython unix port, on boards (import it and call main([...])) and on CPython.
import sys

import microml

try:
    import json
except ImportError:
    import ujson as json

CHUNK = 1024  # samples read and fed at a time, as a microphone driver would deliver them


def manifest_settings(text, what="manifest"):
    """(cutoff, window, step_ms) of an ESPHome microWakeWord manifest (v1 or v2)."""
    m = json.loads(text)
    micro = m.get("micro") if isinstance(m, dict) else None
    if not isinstance(micro, dict) or "probability_cutoff" not in micro:
        raise ValueError(what + ": not a microWakeWord manifest (no micro.probability_cutoff)")
    window = micro.get("sliding_window_size", micro.get("sliding_window_average_size"))
    if window is None:
        raise ValueError(what + ": no sliding_window_size")
    # v1 manifests have no feature_step_size: ESPHome runs them at 20 ms.
    step = micro.get("feature_step_size", 20 if m.get("version", 1) == 1 else 10)
    return float(micro["probability_cutoff"]), int(window), int(step)


def _u16(b, i):
    return b[i] | b[i + 1] << 8


def _u32(b, i):
    return b[i] | b[i + 1] << 8 | b[i + 2] << 16 | b[i + 3] << 24


def wav_open(path):
    """Opens a 16 kHz mono 16-bit PCM WAV file: (file positioned at the samples, sample count).
    Anything else raises ValueError saying what the file is."""
    f = open(path, "rb")
    try:
        head = f.read(12)
        if len(head) < 12 or head[0:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ValueError("not a WAV file (starts with %r)" % bytes(head[0:4]))
        fmt = None
        while True:
            ch = f.read(8)
            if len(ch) < 8:
                raise ValueError("WAV file without a data chunk")
            cid, size = bytes(ch[0:4]), _u32(ch, 4)
            if cid == b"fmt ":
                fmt = f.read(size + (size & 1))
                if len(fmt) < 16:
                    raise ValueError("WAV file with a short fmt chunk")
            elif cid == b"data":
                break
            else:
                f.read(size + (size & 1))
        if fmt is None:
            raise ValueError("WAV file without a fmt chunk before its data")
        tag, ch_n, rate, bits = _u16(fmt, 0), _u16(fmt, 2), _u32(fmt, 4), _u16(fmt, 14)
        if tag == 0xFFFE and len(fmt) >= 26:
            tag = _u16(fmt, 24)  # WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
        if tag != 1 or ch_n != 1 or rate != 16000 or bits != 16:
            kind = {1: "PCM", 3: "float", 6: "A-law", 7: "mu-law"}.get(tag, "format %d" % tag)
            raise ValueError("%d Hz %s %d-bit %s WAV; needs 16000 Hz mono 16-bit PCM" % (
                rate, "mono" if ch_n == 1 else "%d-channel" % ch_n, bits, kind))
        return f, size // 2
    except Exception:
        f.close()
        raise


def detect(ww, path, buf=None):
    """Detection times (seconds) in one WAV file, from a cold start."""
    f, n = wav_open(path)
    buf = buf or bytearray(2 * CHUNK)
    mv = memoryview(buf)
    times = []
    ww.reset()
    try:
        left = 2 * n
        while left > 0:
            got = f.readinto(mv[:min(left, len(buf))])
            if not got:
                break
            left -= got
            hits = ww.feed(mv[:got - (got & 1)])
            if hits:
                for label, score, seconds, slice_ in hits:
                    times.append(seconds)
    finally:
        f.close()
    return times


def read(path):
    with open(path, "rb") as f:
        return f.read()


def usage():
    print("usage: detect_wav.py --model M.tflite --manifest M.json [--vad V.tflite "
          "[--vad-manifest V.json]] FILE.wav ...")
    return 2


def main(argv):
    opts = {"--model": None, "--manifest": None, "--vad": None, "--vad-manifest": None}
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in opts:
            if i + 1 >= len(argv):
                return usage()
            opts[a] = argv[i + 1]
            i += 2
        elif a.startswith("--"):
            return usage()
        else:
            files.append(a)
            i += 1
    if opts["--model"] is None or opts["--manifest"] is None or not files:
        return usage()
    cutoff, window, step = manifest_settings(read(opts["--manifest"]), opts["--manifest"])
    model = microml.Model(read(opts["--model"]))
    vad = None
    vad_cutoff, vad_window = 0.5, 5  # ESPHome's VAD defaults, when no manifest is given
    if opts["--vad"] is not None:
        vad = microml.Model(read(opts["--vad"]))
        if opts["--vad-manifest"] is not None:
            vad_cutoff, vad_window, _ = manifest_settings(read(opts["--vad-manifest"]),
                                                          opts["--vad-manifest"])
    ww = microml.WakeWord(model, cutoff=cutoff, window=window, vad=vad, vad_cutoff=vad_cutoff,
                          vad_window=vad_window, step_ms=step)
    buf = bytearray(2 * CHUNK)
    status = 0
    for path in files:
        try:
            times = detect(ww, path, buf)
        except (OSError, ValueError) as e:
            sys.stderr.write("%s: %s\n" % (path, e))
            status = 1
            continue
        print("%s\t%s" % (path, ",".join("%.2f" % t for t in times) if times else "-"))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
