# SPDX-License-Identifier: MIT
# Always-listening wake word on a board with an I2S microphone (INMP441): any microWakeWord model
# and its ESPHome manifest, ESPHome's detection rule (microml.WakeWord). Copy to the board:
# wake_mic.py, detect_wav.py (for its manifest reader), MODEL.tflite and MODEL.json (and
# optionally vad_v2.tflite + vad_v2.json), then `import wake_mic` (or save it as main.py).
# Wiring (INMP441: VDD 3.3 V, GND, L/R to GND = left channel):
#   ESP32:             SCK -> GPIO32, WS -> GPIO25, SD -> GPIO33
#   Raspberry Pi Pico: SCK -> GP16,   WS -> GP17 (rp2 needs WS = SCK + 1), SD -> GP18
import sys

import microml
from machine import I2S, Pin

from detect_wav import manifest_settings

MODEL, MANIFEST = "okay_nabu_v2.tflite", "okay_nabu_v2.json"
VAD, VAD_MANIFEST = "vad_v2.tflite", "vad_v2.json"  # used when present
PINS = {"esp32": (32, 25, 33), "rp2": (16, 17, 18)}  # SCK, WS, SD (other ports: ESP32's)
CHUNK = 512  # samples per read: 32 ms


def read(path):
    with open(path, "rb") as f:
        return f.read()


try:
    import micropython

    @micropython.viper
    def to_int16(src: ptr8, dst: ptr8, n: int):
        # The INMP441's 24-bit samples arrive left-aligned in 32-bit little-endian words: their
        # top 16 bits (bytes 2 and 3) are the int16 sample.
        for i in range(n):
            dst[2 * i] = src[4 * i + 2]
            dst[2 * i + 1] = src[4 * i + 3]
except (ImportError, SyntaxError, NameError):
    def to_int16(src, dst, n):
        for i in range(n):
            dst[2 * i] = src[4 * i + 2]
            dst[2 * i + 1] = src[4 * i + 3]


def exists(path):
    try:
        open(path, "rb").close()
        return True
    except OSError:
        return False


def main():
    cutoff, window, step = manifest_settings(read(MANIFEST), MANIFEST)
    model = microml.Model(read(MODEL))
    vad, vad_cutoff, vad_window = None, 0.5, 5
    if exists(VAD):
        vad = microml.Model(read(VAD))
        if exists(VAD_MANIFEST):
            vad_cutoff, vad_window, _ = manifest_settings(read(VAD_MANIFEST), VAD_MANIFEST)
    ww = microml.WakeWord(model, cutoff=cutoff, window=window, vad=vad, vad_cutoff=vad_cutoff,
                          vad_window=vad_window, step_ms=step)
    sck, ws, sd = PINS.get(sys.platform, PINS["esp32"])
    mic = I2S(0, sck=Pin(sck), ws=Pin(ws), sd=Pin(sd), mode=I2S.RX, bits=32,
              format=I2S.MONO, rate=16000, ibuf=8 * 4 * CHUNK)
    raw = bytearray(4 * CHUNK)  # every buffer allocated once: the loop allocates nothing
    pcm = bytearray(2 * CHUNK)
    raw_mv, pcm_mv = memoryview(raw), memoryview(pcm)
    print("listening:", ww)
    while True:
        n = mic.readinto(raw_mv) // 4
        to_int16(raw, pcm, n)
        hits = ww.feed(pcm if n == CHUNK else pcm_mv[:2 * n])
        if hits:
            for label, score, seconds, slice_ in hits:
                print("wake word at %.2f s (score %.3f)" % (seconds, score))


main()
