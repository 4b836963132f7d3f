# SPDX-License-Identifier: MIT
# Streaming wake words (microml.WakeWord, examples/wake_word/detect_wav.py) against TFLM: on
# every clip of testdata/wakeword, detect_wav.py on the MicroPython unix port reports the
# detections that ESPHome's rule gives on TFLM's stored model outputs (computed here by an
# independent implementation of the rule, checked against the README's table), with and without
# the VAD; on CPython the features of every slice equal TFLM's stored ones, fed in random chunk
# sizes; a 10+ s recording gives the same features and detections in random chunks as whole;
# wrong inputs (dtype, odd byte count, non-16 kHz WAV, not a streaming model) give clear errors.
import array
import json
import random
import re
import subprocess
import wave

import pytest

import mmldata

WAKEWORD = mmldata.DATA / "testdata" / "wakeword"
INDEX = json.loads((WAKEWORD / "index.json").read_text())
CLIPS = sorted(INDEX["clips"])
ESPHOME = mmldata.DATA / "models" / "esphome"
EXAMPLE = mmldata.REPO / "examples" / "wake_word" / "detect_wav.py"
UNIX = mmldata.REPO / "build" / "micropython"


def wav_path(clip):
    rel = INDEX["clips"][clip]["wav"]
    p = WAKEWORD / rel
    return p if p.is_file() else mmldata.DATA / rel


def wav_samples(path):
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        return w.readframes(w.getnframes())


def esphome_rule(wake, vad, slices, cutoff=247, window=5, vad_cutoff=127, vad_window=5, stride=3):
    """Slices on which ESPHome's rule fires (wakeword.md), from a cold start, given each
    invocation's uint8 output; invocation i runs on slice stride*i + stride-1."""
    ring, newest, ignore, unprocessed = [0] * window, 0, -100, False
    vring, vnewest = [0] * vad_window, 0
    fired = []
    for s in range(slices):
        i, last = divmod(s, stride)
        if last == stride - 1 and i < len(wake):
            newest = (newest + 1) % window
            ring[newest] = wake[i]
            unprocessed = True
            if vad is not None:
                vnewest = (vnewest + 1) % vad_window
                vring[vnewest] = vad[i]
        if ring[newest] < cutoff:
            ignore = min(ignore + 1, 0)
        vad_ok = vad is None or sum(vring) > vad_cutoff * vad_window
        if unprocessed and ignore >= 0:
            unprocessed = False
            if sum(ring) > cutoff * window and vad_ok:
                fired.append(s)
                ring, ignore = [0] * window, -100
    return fired


def seconds(slice_):
    return "%.2f" % ((480 + 160 * slice_) / 16000)


def expected(clip, with_vad):
    wake = (WAKEWORD / "okay_nabu_v2" / f"{clip}.out.bin").read_bytes()
    vad = (WAKEWORD / "vad_v2" / f"{clip}.out.bin").read_bytes() if with_vad else None
    fired = esphome_rule(wake, vad, INDEX["clips"][clip]["frames_10ms"])
    return ",".join(seconds(s) for s in fired) if fired else "-"


def readme_table():
    """clip -> cold detection times of the README's table ('-' for none)."""
    rows = {}
    for line in (WAKEWORD / "README.md").read_text().splitlines():
        m = re.match(r"\| (\w+) \|.*\| ([^|]+) \| [^|]+ \|$", line)
        if m and m.group(1) in INDEX["clips"]:
            cold = m.group(2).strip()
            t = re.findall(r"([0-9.]+) s\)", cold)
            rows[m.group(1)] = ",".join(t) if t else "-"
    return rows


def test_reference_rule_matches_readme():
    rows = readme_table()
    assert len(rows) == 16 and sum(v != "-" for v in rows.values()) == 8
    for clip, want in rows.items():
        assert expected(clip, False) == want, clip
    # "Speech Commands clips here: 150, detections on them: 0"
    sc = [c for c in CLIPS if c.startswith("sc_")]
    assert len(sc) == 150 and all(expected(c, False) == "-" for c in sc)


def run_example(args, timeout=600):
    if not UNIX.exists():
        pytest.fail(f"{UNIX} missing; run `make micropython` first")
    return subprocess.run([str(UNIX), str(EXAMPLE), *args], capture_output=True, text=True,
                          timeout=timeout)


def model_args(vad):
    args = ["--model", str(ESPHOME / "okay_nabu_v2.tflite"),
            "--manifest", str(ESPHOME / "okay_nabu_v2.json")]
    if vad:
        args += ["--vad", str(ESPHOME / "vad_v2.tflite"),
                 "--vad-manifest", str(ESPHOME / "vad_v2.json")]
    return args


@pytest.mark.parametrize("vad", [False, True], ids=["wake", "wake+vad"])
def test_detect_wav_unix_every_clip(vad):
    r = run_example(model_args(vad) + [str(wav_path(c)) for c in CLIPS])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == len(CLIPS)
    for clip, line in zip(CLIPS, lines):
        assert line == f"{wav_path(clip)}\t{expected(clip, vad)}", clip
    if not vad:
        assert sum(not line.endswith("\t-") for line in lines) == 8


def test_detect_wav_cpython(microml, capsys):
    import importlib.util
    spec = importlib.util.spec_from_file_location("detect_wav", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    clips = [c for c in CLIPS if not c.startswith("sc_")]
    assert mod.main(model_args(False) + [str(wav_path(c)) for c in clips]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{wav_path(c)}\t{expected(c, False)}" for c in clips]


@pytest.fixture(scope="module")
def models(microml):
    return (microml.Model((ESPHOME / "okay_nabu_v2.tflite").read_bytes()),
            microml.Model((ESPHOME / "vad_v2.tflite").read_bytes()))


def feed_all(ww, pcm, chunks, with_features=True):
    """Feeds pcm (bytes) in the given chunk sizes (samples); (features, detections)."""
    feats, dets, pos = bytearray(), [], 0
    for n in chunks:
        part = pcm[2 * pos:2 * (pos + n)]
        pos += n
        buf = bytearray(40 * (len(part) // 320 + 3)) if with_features else None
        before = ww.slices
        got = ww.feed(array.array("h", part), features=buf) if with_features else ww.feed(part)
        if with_features:
            feats += buf[:40 * (ww.slices - before)]
        dets += got or []
    assert pos * 2 >= len(pcm)
    return bytes(feats), dets


def random_chunks(n, rng):
    out = []
    while sum(out) < n:
        out.append(rng.choice([0, 1, 7, 159, 160, 161, 480, rng.randrange(1, 3000)]))
    return out


@pytest.mark.parametrize("clip", [c for c in CLIPS if not c.startswith("sc_")])
def test_features_equal_tflm_random_chunks(microml, models, clip):
    ww = microml.WakeWord(models[0], vad=models[1])
    pcm = wav_samples(wav_path(clip))
    feats, dets = feed_all(ww, pcm, random_chunks(len(pcm) // 2, random.Random(clip)))
    assert feats == (WAKEWORD / "features_10ms" / f"{clip}.features.bin").read_bytes()
    assert (",".join("%.2f" % d[2] for d in dets) or "-") == expected(clip, True)


def test_ten_seconds_random_chunks_equal_whole(microml, models):
    clips = ["okay_nabu_00", "general_00", "okay_nabu_01", "general_01", "okay_nabu_05"]
    pcm = b"".join(wav_samples(wav_path(c)) for c in clips)
    assert len(pcm) // 2 >= 10 * 16000
    ww = microml.WakeWord(models[0], cutoff=0.97, window=5, vad=models[1], vad_cutoff=0.5)
    whole = feed_all(ww, pcm, [len(pcm) // 2])
    want_feats = b"".join((WAKEWORD / "features_10ms" / f"{c}.features.bin").read_bytes()
                          for c in clips[:1])
    assert whole[0][:len(want_feats)] == want_feats  # the first clip starts cold, as TFLM's
    assert len(whole[1]) == 3  # one per okay_nabu clip
    for seed in range(3):
        ww.reset()
        got = feed_all(ww, pcm, random_chunks(len(pcm) // 2, random.Random(seed)))
        assert got == whole
        ww.reset()
        assert feed_all(ww, pcm, random_chunks(len(pcm) // 2, random.Random(seed)),
                        with_features=False)[1] == whole[1]
    assert [d[0] for d in whole[1]] == [0, 0, 0]
    assert all(0.968 < d[1] <= 1.0 for d in whole[1])
    assert all(abs(d[2] - (480 + 160 * d[3]) / 16000) < 1e-4 for d in whole[1])


def test_detection_tuple_and_reset(microml, models):
    ww = microml.WakeWord(models[0])
    assert (ww.stride, ww.cutoff, ww.window, ww.step_ms, ww.slices) == (3, 247, 5, 10, 0)
    pcm = wav_samples(wav_path("okay_nabu_00"))
    dets = ww.feed(pcm)
    assert len(dets) == 1 and dets[0][0] == 0 and dets[0][3] == 215
    assert abs(dets[0][2] - 2.18) < 1e-6
    assert ww.slices == INDEX["clips"]["okay_nabu_00"]["frames_10ms"]
    assert ww.feed(b"") is None
    ww.reset()
    assert ww.slices == 0
    assert ww.feed(pcm)[0][3] == 215  # a cold start again


def test_bad_samples(microml, models):
    ww = microml.WakeWord(models[0])
    with pytest.raises(TypeError, match="int16.*float32"):
        ww.feed(array.array("f", [0.0] * 10))
    with pytest.raises(TypeError, match="int16.*int32"):
        ww.feed(array.array("i", [0] * 10))
    with pytest.raises(ValueError, match="16-bit: 3 bytes"):
        ww.feed(b"\x00\x01\x02")
    with pytest.raises(TypeError, match="buffer of int16"):
        ww.feed([1, 2, 3])
    with pytest.raises(ValueError, match="needs 40 bytes for the 1 slices"):
        ww.feed(bytes(960), features=bytearray(10))
    with pytest.raises(ValueError, match="writable"):
        ww.feed(bytes(960), features=bytes(40))


def test_bad_settings(microml, models):
    with pytest.raises(ValueError, match="cutoff must be a probability"):
        microml.WakeWord(models[0], cutoff=1.5)
    with pytest.raises(ValueError, match="window must be 1..255 slices, got 0"):
        microml.WakeWord(models[0], window=0)
    with pytest.raises(ValueError, match="step_ms must be 10 or 20.*got 30"):
        microml.WakeWord(models[0], step_ms=30)
    with pytest.raises(TypeError):
        microml.WakeWord(b"not a model")
    with pytest.raises(TypeError, match="vad must be"):
        microml.WakeWord(models[0], vad=3)
    with pytest.raises(ValueError, match="VAD must be a model object of its own"):
        microml.WakeWord(models[0], vad=models[0])
    hello = microml.Model((mmldata.DATA / "models" / "tflite-micro" / "hello_world_int8.tflite")
                          .read_bytes())
    with pytest.raises(ValueError, match=r"input 0 must be int8 \[1, stride, 40\]"):
        microml.WakeWord(hello)


def write_wav(path, rate=16000, channels=1, width=2, frames=1600):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * (frames * channels * width // 2))


@pytest.mark.parametrize("kind, args, words", [
    ("stereo", dict(channels=2), "16000 Hz 2-channel 16-bit PCM WAV; needs 16000 Hz mono"),
    ("44k", dict(rate=44100), "44100 Hz mono 16-bit PCM WAV; needs 16000 Hz mono 16-bit PCM"),
    ("8bit", dict(width=1), "16000 Hz mono 8-bit PCM WAV; needs"),
])
def test_detect_wav_refuses_other_wavs(tmp_path, kind, args, words):
    bad, good = tmp_path / f"{kind}.wav", wav_path("okay_nabu_00")
    write_wav(bad, **args)
    (tmp_path / "x.mp3").write_bytes(b"ID3\x04" + bytes(100))
    r = run_example(model_args(False) + [str(bad), str(tmp_path / "x.mp3"), str(good)])
    assert r.returncode == 1
    assert f"{bad}: {words}" in r.stderr
    assert f"x.mp3: not a WAV file (starts with b'ID3\\x04')" in r.stderr
    assert r.stdout == f"{good}\t2.18\n"  # the other files still run


def test_detect_wav_usage():
    r = run_example(["--model", "x.tflite"])
    assert r.returncode == 2 and r.stdout.startswith("usage: detect_wav.py")


def test_vad_gate_blocks(microml, models):
    # vad_cutoff 1.0: int(255) and a window sum > 255 * 5 cannot happen, so the VAD blocks every
    # detection, as the reference rule says; with the VAD's own cutoff the detection stands.
    pcm = wav_samples(wav_path("okay_nabu_00"))
    wake = (WAKEWORD / "okay_nabu_v2" / "okay_nabu_00.out.bin").read_bytes()
    vad = (WAKEWORD / "vad_v2" / "okay_nabu_00.out.bin").read_bytes()
    slices = INDEX["clips"]["okay_nabu_00"]["frames_10ms"]
    assert esphome_rule(wake, vad, slices, vad_cutoff=255) == []
    assert microml.WakeWord(models[0], vad=models[1], vad_cutoff=1.0).feed(pcm) is None
    assert esphome_rule(wake, vad, slices) == [215]
    assert microml.WakeWord(models[0], vad=models[1], vad_cutoff=0.5).feed(pcm)[0][3] == 215


def test_detect_wav_qemu_m4f(tmp_path):
    """A sample on the Cortex-M4F firmware: two detections and a miss, with the VAD."""
    fw = mmldata.REPO / "build" / "qemu" / "MPS2_AN386" / "firmware.elf"
    if not fw.exists():
        pytest.fail(f"{fw} missing; run `make qemu` first")
    clips = ["okay_nabu_00", "general_00", "okay_nabu_07"]
    args = ["--model", "m.tflite", "--manifest", "m.json", "--vad", "v.tflite",
            "--vad-manifest", "v.json"] + [c + ".wav" for c in clips]
    script = tmp_path / "ww.py"
    script.write_text("import detect_wav\ndetect_wav.main(%r)\n" % args)
    files = {"detect_wav.py": EXAMPLE, "m.tflite": ESPHOME / "okay_nabu_v2.tflite",
             "m.json": ESPHOME / "okay_nabu_v2.json", "v.tflite": ESPHOME / "vad_v2.tflite",
             "v.json": ESPHOME / "vad_v2.json"}
    files.update({c + ".wav": wav_path(c) for c in clips})
    cmd = [str(mmldata.REPO / "tools" / "run-on-qemu"), "MPS2_AN386", str(script)]
    for name, path in files.items():
        cmd += ["--file", f"{name}={path}"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == [f"{c}.wav\t{expected(c, True)}" for c in clips]
    assert expected("okay_nabu_07", True) == "1.88"


# microml.AudioStream: any classifier every N frames.

MICRO_SPEECH = mmldata.DATA / "testdata" / "tflite-micro" / "micro_speech"
SPEECH = mmldata.DATA / "datasets" / "speech_commands_v0.01_subset"


def cli_features(tmp_path, kind, wav, *opts):
    out = tmp_path / "f.bin"
    r = subprocess.run([str(mmldata.CLI), "features", kind, *opts, str(wav), str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


@pytest.mark.parametrize("word,label", [("yes", 2), ("no", 3), ("silence", None), ("noise", None)])
def test_audio_stream_micro_speech(microml, tmp_path, word, label):
    """micro_speech on its 1 s clips: the one invocation (frame 48, once 49 frames fill the map)
    sees the clip's whole-file features and gives the model's scores on them."""
    m = microml.Model((mmldata.DATA / "models" / "tflite-micro" /
                       "micro_speech_quantized.tflite").read_bytes())
    wav = MICRO_SPEECH / f"{word}_1000ms.wav"
    feats = cli_features(tmp_path, "micro", wav, "--step-ms", "20")
    assert len(feats) == 49 * 40
    want = m.top_k(feats, 1)[0]
    s = microml.AudioStream(m, frontend="micro", step_ms=20, threshold=0.7, ignore=(0, 1))
    pcm = wav_samples(wav)
    for chunks in ([len(pcm) // 2], random_chunks(len(pcm) // 2, random.Random(word))):
        s.reset()
        dets = []
        pos = 0
        for n in chunks:
            dets += s.feed(pcm[2 * pos:2 * (pos + n)]) or []
            pos += n
        assert s.frames == 49 and s.last == want
        if label is None:
            assert dets == []
        else:
            assert [(d[0], d[3]) for d in dets] == [(label, 48)] and want[0] == label
            assert abs(dets[0][2] - 0.99) < 1e-6 and dets[0][1] == want[1]


def test_audio_stream_mlperf_equals_whole_clip(microml, tmp_path):
    """MLPerf KWS: the invocation at 1.0 s sees the last 16000 samples, normalized by their own
    peak: for a 1 s clip, the scores of `microml features mlperf` on the whole file."""
    m = microml.Model((mmldata.DATA / "models" / "mlcommons-tiny" / "kws_ref_model.tflite")
                      .read_bytes())
    s = microml.AudioStream(m, frontend="mlperf", every=1000, threshold=2.0)
    for word in ["yes", "left", "stop"]:
        wav = sorted((SPEECH / word).glob("*.wav"))[0]
        pcm = wav_samples(wav)
        if len(pcm) != 32000:
            continue
        want = m.top_k(cli_features(tmp_path, "mlperf", wav), 1)[0]
        s.reset()
        assert s.feed(array.array("h", pcm)) is None  # threshold 2.0: never fires
        assert s.frames == 50 and s.last == want, word


def test_audio_stream_refractory_and_chunks(microml):
    """Detections in a 10+ s recording: the same whole and in random chunks; none closer than
    the refractory period; smoothing over 3 invocations."""
    m = microml.Model((mmldata.DATA / "models" / "tflite-micro" /
                       "micro_speech_quantized.tflite").read_bytes())
    pcm = b"".join(wav_samples(MICRO_SPEECH / f"{w}_1000ms.wav")
                   for w in ["yes", "silence", "no", "noise", "yes", "yes"] * 2)
    assert len(pcm) >= 2 * 160000
    s = microml.AudioStream(m, step_ms=20, every=2, smooth=3, threshold=0.6,
                            refractory_ms=1500, ignore=[0, 1])
    whole = s.feed(pcm)
    assert whole and {d[0] for d in whole} == {2, 3}
    frames = [d[3] for d in whole]
    assert all(b - a >= 75 for a, b in zip(frames, frames[1:]))  # 1500 ms of 20 ms frames
    assert all((d[3] - 48) % 2 == 0 for d in whole)  # invocations on frames 48, 50, ...
    for seed in range(3):
        s.reset()
        got, pos = [], 0
        for n in random_chunks(len(pcm) // 2, random.Random(seed)):
            got += s.feed(memoryview(pcm)[2 * pos:2 * (pos + n)]) or []
            pos += n
        assert got == whole


def test_audio_stream_bad_settings(microml, models):
    m = microml.Model((mmldata.DATA / "models" / "tflite-micro" /
                       "micro_speech_quantized.tflite").read_bytes())
    with pytest.raises(ValueError, match="frontend must be 'micro' or 'mlperf'"):
        microml.AudioStream(m, frontend="mfcc")
    with pytest.raises(ValueError, match="every must be 1..1000 frames, got 0"):
        microml.AudioStream(m, every=0)
    with pytest.raises(ValueError, match="smooth must be 1..64 invocations, got 99"):
        microml.AudioStream(m, smooth=99)
    with pytest.raises(ValueError, match="ignore: labels must be 0..31"):
        microml.AudioStream(m, ignore=(40,))
    with pytest.raises(ValueError, match="mlperf front end needs an int8 input of 49 x 10"):
        microml.AudioStream(m, frontend="mlperf")
    with pytest.raises(TypeError, match="int16"):
        microml.AudioStream(m).feed(array.array("f", [0.0]))


def test_audio_stream_unix_port_same_as_cpython(microml, tmp_path):
    """The unix port's AudioStream gives CPython's detections (labels, frames) and last scores."""
    model = mmldata.DATA / "models" / "tflite-micro" / "micro_speech_quantized.tflite"
    words = ["yes", "silence", "no", "noise", "yes"]
    pcm = b"".join(wav_samples(MICRO_SPEECH / f"{w}_1000ms.wav") for w in words)
    (tmp_path / "pcm.raw").write_bytes(pcm)
    script = tmp_path / "as.py"
    script.write_text(
        "import microml\n"
        f"m = microml.Model(open({str(model)!r}, 'rb').read())\n"
        "s = microml.AudioStream(m, step_ms=20, every=3, smooth=2, threshold=0.6, "
        "refractory_ms=800, ignore=[0, 1])\n"
        f"f = open({str(tmp_path / 'pcm.raw')!r}, 'rb')\n"
        "buf = bytearray(1000)\n"
        "while True:\n"
        "    n = f.readinto(buf)\n"
        "    if not n:\n"
        "        break\n"
        "    for d in s.feed(memoryview(buf)[:n]) or []:\n"
        "        print(d[0], d[3], '%.4f' % d[1])\n"
        "print('last', s.last[0], '%.4f' % s.last[1], s.frames)\n")
    r = subprocess.run([str(UNIX), str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    s = microml.AudioStream(microml.Model(model.read_bytes()), step_ms=20, every=3, smooth=2,
                            threshold=0.6, refractory_ms=800, ignore=[0, 1])
    want = ["%d %d %.4f" % (d[0], d[3], d[1]) for d in s.feed(pcm) or []]
    want.append("last %d %.4f %d" % (s.last[0], s.last[1], s.frames))
    assert len(want) >= 3 and r.stdout.splitlines() == want


def test_wake_word_step_20ms_features_equal_cli(microml, models, tmp_path):
    """step_ms=20 (v1 manifests): the slices are the CLI's 20 ms microfrontend features."""
    wav = wav_path("okay_nabu_03")
    want = cli_features(tmp_path, "micro", wav, "--step-ms", "20")
    ww = microml.WakeWord(models[0], step_ms=20)
    assert ww.step_ms == 20
    pcm = wav_samples(wav)
    feats, _ = feed_all(ww, pcm, random_chunks(len(pcm) // 2, random.Random(20)))
    assert len(want) > 0 and feats == want


def test_detect_wav_x64_mpy(tmp_path):
    """The native module (.mpy) on the stock unix port: the same lines as the built-in module."""
    mpy = mmldata.REPO / "build" / "mpy" / "x64" / "microml.mpy"
    stock = mmldata.REPO / "build" / "micropython-stock"
    if not mpy.exists() or not stock.exists():
        pytest.fail("build/mpy/x64/microml.mpy or build/micropython-stock missing; run `make`")
    (tmp_path / "microml.mpy").write_bytes(mpy.read_bytes())
    (tmp_path / "detect_wav.py").write_text(EXAMPLE.read_text())
    clips = ["okay_nabu_02", "general_03", "okay_nabu_06", "okay_nabu_09"]
    r = subprocess.run([str(stock), "detect_wav.py"] + model_args(True) +
                       [str(wav_path(c)) for c in clips],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"{wav_path(c)}\t{expected(c, True)}" for c in clips]


def test_wake_mic_with_a_simulated_microphone(tmp_path):
    """wake_mic.py on the unix port with a stand-in `machine` module whose I2S delivers a clip
    as an INMP441 does (24-bit samples left-aligned in 32-bit words): its viper conversion and
    loop find the clip's detection."""
    (tmp_path / "clip.raw").write_bytes(wav_samples(wav_path("okay_nabu_00")))
    (tmp_path / "machine.py").write_text(
        "class Pin:\n"
        "    def __init__(self, n):\n"
        "        self.n = n\n"
        "class I2S:\n"
        "    RX = 0\n"
        "    MONO = 0\n"
        "    def __init__(self, bus, sck, ws, sd, mode, bits, format, rate, ibuf):\n"
        "        assert (bus, bits, rate, sck.n, ws.n, sd.n) == (0, 32, 16000, 32, 25, 33)\n"
        "        self.f = open('clip.raw', 'rb')\n"
        "    def readinto(self, buf):\n"
        "        b = self.f.read(len(buf) // 2)\n"
        "        if not b:\n"
        "            raise KeyboardInterrupt\n"
        "        for i in range(len(b) // 2):\n"
        "            buf[4 * i] = 0x5a\n"  # the low byte of the 24-bit sample: dropped
        "            buf[4 * i + 1] = 0\n"
        "            buf[4 * i + 2] = b[2 * i]\n"
        "            buf[4 * i + 3] = b[2 * i + 1]\n"
        "        return 2 * len(b)\n")
    for name in ("wake_mic.py", "detect_wav.py"):
        (tmp_path / name).write_text((EXAMPLE.parent / name).read_text())
    for name in ("okay_nabu_v2.tflite", "okay_nabu_v2.json", "vad_v2.tflite", "vad_v2.json"):
        (tmp_path / name).write_bytes((ESPHOME / name).read_bytes())
    r = subprocess.run([str(UNIX), "-c", "import wake_mic"], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path)
    assert "KeyboardInterrupt" in r.stderr  # the stand-in's end of the clip
    assert r.stdout.splitlines() == [
        "listening: <microml.WakeWord stride 3, cutoff 247/255, window 5, with VAD>",
        "wake word at 2.18 s (score 0.971)"]
