# SPDX-License-Identifier: MIT
# `microml features micro [--step-ms 10|20] IN.wav OUT.bin` (tools/microml_cli.c over
# src/dsp/microfrontend.c): TFLite Micro's microfrontend with ESPHome's settings and int8
# conversion, byte for byte equal to the features TFLM computed for every clip of
# <MICROML_DATA>/testdata/wakeword (index.json); the WAV reader's errors.
import json
import subprocess
import wave

import numpy as np
import pytest

import mmldata

WAKEWORD = mmldata.DATA / "testdata" / "wakeword"
INDEX = json.loads((WAKEWORD / "index.json").read_text()) if (WAKEWORD / "index.json").is_file() else {"clips": {}}
CLIPS = sorted(INDEX["clips"])


def wav_path(clip):
    rel = INDEX["clips"][clip]["wav"]
    p = WAKEWORD / rel
    return p if p.is_file() else mmldata.DATA / rel


def features(cli, wav, out, *opts):
    return subprocess.run([cli, "features", "micro", *opts, str(wav), str(out)],
                          capture_output=True, text=True, timeout=60)


def test_clips_present():
    assert len(CLIPS) >= 166, f"{WAKEWORD}/index.json lists {len(CLIPS)} clips"


@pytest.mark.parametrize("clip", CLIPS)
def test_micro_features_equal_tflm(cli, tmp_path, clip):
    out = tmp_path / "f.bin"
    p = features(cli, wav_path(clip), out)
    assert p.returncode == 0, p.stderr
    want = (WAKEWORD / "features_10ms" / f"{clip}.features.bin").read_bytes()
    got = out.read_bytes()
    assert len(got) == 40 * INDEX["clips"][clip]["frames_10ms"]
    assert got == want, f"{clip}: first difference at byte {next(i for i, (a, b) in enumerate(zip(got, want)) if a != b) if len(got) == len(want) else 'length'}"


def test_step_20ms(cli, tmp_path):
    clip = CLIPS[0]
    p = features(cli, wav_path(clip), tmp_path / "f20.bin", "--step-ms", "20")
    assert p.returncode == 0, p.stderr
    with wave.open(str(wav_path(clip))) as w:
        n = w.getnframes()
    got = np.fromfile(tmp_path / "f20.bin", np.int8).reshape(-1, 40)
    assert len(got) == 1 + (n - 480) // 320
    # The first frame sees the same 480 samples and a zero noise estimate at either step.
    want = np.frombuffer((WAKEWORD / "features_10ms" / f"{clip}.features.bin").read_bytes(), np.int8)
    assert (got[0] == want[:40]).all()


def write_wav(path, rate=16000, channels=1, width=2, frames=1600):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * (frames * channels * width // 2))


@pytest.mark.parametrize("kind, args, words", [
    ("stereo", dict(channels=2), "2 channels"),
    ("44k", dict(rate=44100), "44100 Hz"),
    ("8bit", dict(width=1), "8-bit"),
])
def test_wav_format_refused(cli, tmp_path, kind, args, words):
    wav = tmp_path / f"{kind}.wav"
    write_wav(wav, **args)
    p = features(cli, wav, tmp_path / "o.bin")
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and words in p.stderr and "16000 Hz" in p.stderr, p.stderr


def test_not_a_wav(cli, tmp_path):
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"hello, this is not audio at all")
    p = features(cli, bad, tmp_path / "o.bin")
    assert p.returncode == 1 and "not a WAV file" in p.stderr, p.stderr


def test_bad_options(cli, tmp_path):
    wav = tmp_path / "ok.wav"
    write_wav(wav)
    p = features(cli, wav, tmp_path / "o.bin", "--step-ms", "15")
    assert p.returncode == 1 and "10 or 20" in p.stderr
    p = subprocess.run([cli, "features", "mfcc", str(wav), str(tmp_path / "o.bin")],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "micro" in p.stderr
    p = features(cli, tmp_path / "missing.wav", tmp_path / "o.bin")
    assert p.returncode == 1 and "cannot read" in p.stderr


def test_short_wav_no_frames(cli, tmp_path):
    wav = tmp_path / "short.wav"
    write_wav(wav, frames=479)
    p = features(cli, wav, tmp_path / "o.bin")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "o.bin").read_bytes() == b""
