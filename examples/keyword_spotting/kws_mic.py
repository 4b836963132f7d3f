# SPDX-License-Identifier: MIT
# Live keyword spotting from an I2S MEMS microphone (INMP441): a rolling 1 s window, classified
# every 0.5 s with the MLPerf Tiny KWS model (classify_wav.MLPerf). Every buffer is allocated once:
# machine.I2S.readinto fills a 0.5 s chunk, the window slides by copying inside one bytearray.
# Copy classify_wav.py, kws_mic.py and kws_ref_model.tflite to the board (or put the model in
# /rom), then `import kws_mic; kws_mic.main()`; pins: README.md. run(source) takes anything with
# readinto(), so the loop also runs on the unix port over a WAV file (WavSource).
import sys

from classify_wav import LABELS, SECOND, MLPerf

RATE = 16000
HOP = SECOND // 2  # bytes of 0.5 s: the window moves by half a second
THRESHOLD = 0.8  # report a keyword whose score is at least this

# (board name as sys.platform says it, I2S id, SCK, WS, SD): INMP441 wiring, L/R pin to GND.
PINS = {
    "esp32": (0, 32, 25, 33),
    "rp2": (0, 16, 17, 18),  # rp2: WS must be SCK + 1
}


def microphone():
    """machine.I2S reading 16-bit mono samples at 16 kHz from the INMP441."""
    from machine import I2S, Pin
    i2s_id, sck, ws, sd = PINS[sys.platform]
    return I2S(i2s_id, sck=Pin(sck), ws=Pin(ws), sd=Pin(sd), mode=I2S.RX, bits=16,
               format=I2S.MONO, rate=RATE, ibuf=2 * HOP)


class WavSource:
    """readinto() over a 16-bit mono 16 kHz WAV file's samples, for running without hardware
    (header skipped, as classify_wav.read_wav checks it); b'' at the end."""

    def __init__(self, path):
        from classify_wav import read_wav
        read_wav(path, bytearray(SECOND))  # checks the format
        self.f = open(path, "rb")
        self.f.read(12)  # RIFF, size, WAVE
        while True:
            chunk = self.f.read(8)
            size = chunk[4] | chunk[5] << 8 | chunk[6] << 16 | chunk[7] << 24
            if chunk[:4] == b"data":
                return
            self.f.read(size + (size & 1))

    def readinto(self, buf):
        return self.f.readinto(buf) or 0


def run(source, clf=None, report=print):
    """Reads source 0.5 s at a time; after each full 1 s window, classifies it and reports
    (seconds, label, score) for keywords scoring at least THRESHOLD. Returns at the source's
    end (a microphone never ends)."""
    clf = clf or MLPerf()
    window = bytearray(SECOND)
    chunk = bytearray(HOP)
    win, mv = memoryview(window), memoryview(chunk)
    filled, t = 0, 0
    while True:
        got = 0
        while got < HOP:
            n = source.readinto(mv[got:])
            if not n:
                return
            got += n
        win[:HOP] = win[HOP:]  # slide: the newer half becomes the older one
        win[HOP:] = mv
        filled += 1
        t += 1
        if filled < 2:
            continue
        label, score = clf.classify(window)
        if label not in (LABELS["mlperf"][10], LABELS["mlperf"][11]) and score >= THRESHOLD:
            report("%.1f s\t%s\t%.3f" % (t * 0.5, label, score))


def main():
    run(microphone())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(WavSource(sys.argv[1]))  # no hardware: a WAV file stands for the microphone
    else:
        main()
