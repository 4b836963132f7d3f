# SPDX-License-Identifier: MIT
# micro_speech end to end on the CPython face: TFLM's four test recordings through
# audio_preprocessor_int8.tflite (TFLite Micro's signal-library ops: 30 ms frames of 480 samples,
# 20 ms hop, state carried from frame to frame, 49 frames) give the 49x40 int8 feature maps TFLM
# computed (../shared/vectors/micro_speech, real_*), byte for byte; micro_speech_quantized
# classifies them as TFLM's micro_speech_test expects; reset() restarts the state.
import wave

import numpy as np
import pytest

import mmldata

WAVS = mmldata.DATA / "testdata" / "tflite-micro" / "micro_speech"
PREPROCESSOR = mmldata.DATA / "models" / "tflite-micro" / "audio_preprocessor_int8.tflite"
LABELS = ["silence", "unknown", "yes", "no"]
FRAME, HOP, FRAMES = 480, 320, 49
# recording -> label micro_speech_test.cc expects
CASES = [("yes", "yes"), ("no", "no"), ("silence", "silence"), ("noise", "silence")]


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def features(model, samples):
    """49 frames through one preprocessor (state carried), as micro_speech_test.cc does."""
    assert len(samples) >= (FRAMES - 1) * HOP + FRAME
    rows = [model.predict(samples[k * HOP:k * HOP + FRAME].reshape(1, FRAME))
            for k in range(FRAMES)]
    return np.stack(rows).astype(np.int8)


def reference_features(name):
    return (mmldata.VECTORS / "micro_speech" / "public" / f"real_{name}_1000ms.in.bin").read_bytes()


@pytest.mark.parametrize("name,label", CASES, ids=[c[0] for c in CASES])
def test_features_and_label(microml, name, label):
    pre = microml.Model(PREPROCESSOR.read_bytes())
    fmap = features(pre, read_wav(WAVS / f"{name}_1000ms.wav"))
    assert fmap.shape == (FRAMES, 40)
    want = reference_features(name)
    got = fmap.tobytes()
    assert got == want, f"{name}: first difference at byte " + str(
        next(i for i in range(len(want)) if got[i] != want[i]))
    kws = microml.Model(mmldata.model_bytes("micro_speech"))
    scores = kws.predict(fmap.reshape(1, FRAMES * 40))
    assert LABELS[int(np.argmax(scores))] == label, (name, scores)
    assert kws.argmax(fmap.reshape(1, FRAMES * 40)) == LABELS.index(label)


def test_reset_restarts_state(microml):
    """The spectral-subtraction noise estimate is state: after reset() a recording gives the
    same features as on a fresh model, and without reset() it does not."""
    pre = microml.Model(PREPROCESSOR.read_bytes())
    yes = read_wav(WAVS / "yes_1000ms.wav")
    noise = read_wav(WAVS / "noise_1000ms.wav")
    features(pre, noise)
    carried = features(pre, yes).tobytes()
    assert carried != reference_features("yes")
    pre.reset()
    assert features(pre, yes).tobytes() == reference_features("yes")


def test_single_30ms_frames(microml):
    """TFLM's micro_speech_test also checks one fresh 30 ms frame of yes and of no."""
    pre = microml.Model(PREPROCESSOR.read_bytes())
    for name in ("yes", "no"):
        pre.reset()
        x = read_wav(WAVS / f"{name}_30ms.wav")
        assert len(x) == FRAME
        got = pre.predict(x.reshape(1, FRAME)).tobytes()
        want = (mmldata.VECTORS / "audio_preprocessor_int8" / "public" /
                f"real_{name}_30ms.out.bin").read_bytes()
        assert got == want, name
