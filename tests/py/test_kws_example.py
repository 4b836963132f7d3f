# SPDX-License-Identifier: MIT
# examples/keyword_spotting: classify_wav.py on the MicroPython unix port (Speech Commands clips:
# the ten keywords right, other words Unknown, digital silence Silence), on the Cortex-M4F QEMU
# firmware (a sample of files), on CPython (the WAV reader's errors); kws_mic.py's rolling window
# over a WAV file standing in for the microphone; micro_speech through the audio preprocessor
# model (TFLM's signal ops) on upstream's clips.
import os
import subprocess
import wave

import numpy as np
import pytest

import mmldata

EXAMPLE = mmldata.REPO / "examples" / "keyword_spotting"
CLASSIFY = EXAMPLE / "classify_wav.py"
UNIX = mmldata.REPO / "build" / "micropython"
QEMU_FIRMWARE = mmldata.REPO / "build" / "qemu" / "MPS2_AN386" / "firmware.elf"
RUN_ON_QEMU = mmldata.REPO / "tools" / "run-on-qemu"
SPEECH = mmldata.DATA / "datasets" / "speech_commands_v0.01_subset"
MICRO = mmldata.DATA / "testdata" / "tflite-micro" / "micro_speech"
KWS_MODEL = mmldata.DATA / "models" / "mlcommons-tiny" / "kws_ref_model.tflite"
KEYWORDS = ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes"]


def need(path, target):
    if not path.exists():
        pytest.fail(f"{path} missing; run `make {target}` first")


def write_wav(path, samples, rate=16000, channels=1, width=2):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, "<i2").tobytes() if width == 2 else bytes(samples))


def parse(stdout):
    rows = [line.split("\t") for line in stdout.splitlines()]
    assert all(len(r) == 3 for r in rows), stdout
    for _, _, score in rows:
        assert 0.0 <= float(score) <= 1.0
    return {path: label for path, label, _ in rows}


def run_unix(*args):
    need(UNIX, "micropython")
    p = subprocess.run([str(UNIX), "-X", "heapsize=4M", str(CLASSIFY), *map(str, args)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_mlperf_on_unix_port(tmp_path):
    wavs = sorted(SPEECH.glob("*/*.wav"))
    assert len(wavs) >= 150
    zero = tmp_path / "zero.wav"
    write_wav(zero, np.zeros(16000))
    labels = parse(run_unix(*wavs, zero))
    assert labels.pop(str(zero)) == "Silence"
    kw = [labels[str(w)] == w.parent.name.capitalize() for w in wavs if w.parent.name in KEYWORDS]
    other = [labels[str(w)] == "Unknown" for w in wavs if w.parent.name not in KEYWORDS]
    assert len(kw) == 50 and len(other) == 100
    assert sum(kw) >= 46, f"keywords right {sum(kw)} of 50"  # the model: ~96% on such clips
    assert sum(other) >= 95, f"Unknown {sum(other)} of 100"


# Keyword clips the model gets right with a margin (score >= 0.98 on the unix port), two
# unknown words (0.86, 0.996).
QEMU_SAMPLE = [("yes/439c84f4_nohash_1.wav", "Yes"), ("go/2f813234_nohash_1.wav", "Go"),
               ("no/37e8db82_nohash_1.wav", "No"), ("stop", "Stop"), ("bed", "Unknown"),
               ("house", "Unknown")]


def sample_files():
    out = []
    for rel, label in QEMU_SAMPLE:
        p = SPEECH / rel
        out.append((p if p.suffix else sorted(p.glob("*.wav"))[0], label))
    return out


def test_mlperf_on_qemu_m4f(tmp_path):
    need(QEMU_FIRMWARE, "qemu-MPS2_AN386")
    files = sample_files()
    zero = tmp_path / "zero.wav"
    write_wav(zero, np.zeros(12000))  # shorter than 1 s: zero-padded
    names = [f"c{i}.wav" for i in range(len(files))] + ["zero.wav"]
    driver = tmp_path / "driver.py"
    driver.write_text("import classify_wav\nclassify_wav.main(%r)\n" % names)
    cmd = [str(RUN_ON_QEMU), "MPS2_AN386", str(driver), "--timeout", "300",
           "--file", f"classify_wav.py={CLASSIFY}", "--file", f"kws_ref_model.tflite={KWS_MODEL}",
           "--file", f"zero.wav={zero}"]
    for name, (path, _) in zip(names, files):
        cmd += ["--file", f"{name}={path}"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=400)
    assert p.returncode == 0, p.stderr + p.stdout
    labels = parse(p.stdout)
    assert labels == {**{n: label for n, (_, label) in zip(names, files)}, "zero.wav": "Silence"}


def test_same_labels_on_cpython(microml):
    need(UNIX, "micropython")
    files = [p for p, _ in sample_files()]
    p = subprocess.run([mmldata.PYTHON, str(CLASSIFY), *map(str, files)], capture_output=True,
                       text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(mmldata.BUILD_PYTHON)})
    assert p.returncode == 0, p.stderr
    assert p.stdout == run_unix(*files)  # labels and scores alike


@pytest.mark.parametrize("args, words", [
    (dict(channels=2), "2 channel(s) 16000 Hz 16-bit; want 16-bit PCM mono 16000 Hz"),
    (dict(rate=44100), "1 channel(s) 44100 Hz 16-bit"),
    (dict(width=1), "8-bit"),
])
def test_wav_format_refused(tmp_path, args, words):
    wav = tmp_path / "bad.wav"
    write_wav(wav, np.zeros(1600, np.uint8 if args.get("width") == 1 else np.int16), **args)
    need(UNIX, "micropython")
    p = subprocess.run([str(UNIX), str(CLASSIFY), str(wav)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode != 0 and f"ValueError: {wav}: " in p.stderr and words in p.stderr, p.stderr


def test_not_a_wav(tmp_path):
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"ID3\x03 this is an mp3, really")
    p = subprocess.run([str(UNIX), str(CLASSIFY), str(bad)], capture_output=True, text=True,
                       timeout=60)
    assert "not a WAV file (it starts with b'ID3\\x03 this is'" in p.stderr, p.stderr


def test_kws_mic_rolling_window(tmp_path):
    # 4 s: silence, "yes" starting at 1.0 s, silence, "go" starting at 2.5 s; windows every 0.5 s.
    yes = np.frombuffer(wave.open(str(sample_files()[0][0])).readframes(16000), "<i2")
    go = np.frombuffer(wave.open(str(sample_files()[1][0])).readframes(16000), "<i2")
    audio = np.zeros(64000, np.int16)
    audio[16000:16000 + len(yes)] = yes
    audio[40000:40000 + len(go)] = go
    wav = tmp_path / "stream.wav"
    write_wav(wav, audio)
    need(UNIX, "micropython")
    p = subprocess.run([str(UNIX), "-X", "heapsize=4M", str(EXAMPLE / "kws_mic.py"), str(wav)],
                       capture_output=True, text=True, timeout=120, cwd=str(EXAMPLE))
    assert p.returncode == 0, p.stderr
    rows = [line.split("\t") for line in p.stdout.splitlines()]
    # The window ending at 2.0 s holds the whole "yes", the one ending at 3.5 s the whole "go".
    assert ["2.0 s", "Yes"] in [r[:2] for r in rows], p.stdout
    assert ["3.5 s", "Go"] in [r[:2] for r in rows], p.stdout
    assert {r[1] for r in rows} <= {"Yes", "Go"}, p.stdout


def example():
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("kws_classify_wav", str(CLASSIFY))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


MICRO_WANT = {"yes_1000ms.wav": "yes", "no_1000ms.wav": "no", "silence_1000ms.wav": "silence",
              "noise_1000ms.wav": "silence"}


def test_micro_speech_classifier_on_tflm_features(microml):
    # The classifier half of the micro_speech path on the features TFLM's own audio
    # preprocessor made of upstream's four clips (vectors/micro_speech real_*): the labels
    # upstream's test expects, in the example's label order.
    ms = example().MicroSpeech(features=False)
    for wav, want in MICRO_WANT.items():
        x = (mmldata.VECTORS / "micro_speech" / "public" /
             f"real_{wav[:-4]}.in.bin").read_bytes()
        assert ms.label(x)[0] == want, wav


def test_micro_speech_on_unix_port():
    # Upstream's expectations (micro_speech_test.cc): yes, no, silence, and noise -> silence.
    labels = parse(run_unix("--model", "micro_speech", *[MICRO / n for n in MICRO_WANT]))
    assert {k.rsplit("/", 1)[-1]: v for k, v in labels.items()} == MICRO_WANT
    # The features half: TFLM's features of the same clips, byte for byte.
    ex = example()
    ms = ex.MicroSpeech()
    buf = bytearray(ex.SECOND)
    for wav in MICRO_WANT:
        ex.read_wav(str(MICRO / wav), buf)
        want = (mmldata.VECTORS / "micro_speech" / "public" /
                f"real_{wav[:-4]}.in.bin").read_bytes()
        assert bytes(ms.features(buf)) == want, wav


def test_kws_mic_opens_the_documented_pins(microml, monkeypatch):
    # machine.I2S as kws_mic.py opens it on each board, against the README's wiring table
    # (a stand-in machine module records the call; no hardware here).
    import sys
    import types
    calls = []
    machine = types.ModuleType("machine")
    machine.Pin = lambda n: ("Pin", n)

    class I2S:
        RX, MONO = "RX", "MONO"

        def __init__(self, *args, **kw):
            calls.append((args, kw))
    machine.I2S = I2S
    monkeypatch.setitem(sys.modules, "machine", machine)
    monkeypatch.syspath_prepend(str(EXAMPLE))
    import kws_mic
    readme = (EXAMPLE / "README.md").read_text()
    for platform, prefix, pins in [("esp32", "GPIO", (32, 25, 33)), ("rp2", "GP", (16, 17, 18))]:
        monkeypatch.setattr(kws_mic, "sys", types.SimpleNamespace(platform=platform))
        kws_mic.microphone()
        args, kw = calls[-1]
        assert (kw["sck"][1], kw["ws"][1], kw["sd"][1]) == pins
        for role, pin in zip(("SCK", "WS", "SD"), (f"{prefix}{n}" for n in pins)):
            assert f"| {role} |" in readme and pin in readme.split(f"| {role} |")[1].split("\n")[0]
        assert kw["mode"] == "RX" and kw["bits"] == 16 and kw["format"] == "MONO"
        assert kw["rate"] == 16000 and args == (0,)
