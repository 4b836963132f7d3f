# SPDX-License-Identifier: MIT
# examples/anomaly. machine_sound.py: the MLPerf AD score of the stored real features within 0.5%
# of upstream's on the unix port, and a wav through microml.log_mel scores like its features.
# sensor_monitor.py on NAB's realKnownCause series: the MicroPython unix port runs
# sensor_monitor.py on every series and nab_report.py's acceptance holds (>= 60% of the labelled
# windows detected, <= 1 false alarm per 1000 readings over all series, <= 3 in any, well above
# alarms at random); the unix port, CPython and a detector fitted on the device itself (--fit)
# raise the same alarms as the host-trained one; nab_trained.json is what train_nab.py writes.
import json
import subprocess
import sys

import pytest

import mmldata

sys.path.insert(0, str(mmldata.REPO / "examples" / "anomaly"))
import nab_report  # noqa: E402
import sensor_monitor  # noqa: E402

UNIX = mmldata.REPO / "build" / "micropython"


@pytest.fixture(scope="module")
def unix():
    if not UNIX.exists():
        pytest.fail(f"{UNIX} missing; run `make micropython` first")
    return str(UNIX)


def test_acceptance_on_unix_port(unix, microml):
    rows, tot = nab_report.evaluate(runner=unix)
    assert len(rows) == 7 and tot["windows"] == 19
    assert nab_report.check(rows, tot) == []
    # the thresholds, spelled out
    assert tot["detected"] >= 0.6 * tot["windows"]
    assert 1000.0 * tot["false"] / tot["outside"] <= 1.0
    assert all(1000.0 * r["false"] / r["outside"] <= 3.0 for r in rows)
    assert tot["detected"] >= 1.5 * tot["rand_detected"]


@pytest.mark.parametrize("name", ["nyc_taxi.csv", "ec2_request_latency_system_failure.csv"])
def test_faces_and_device_fit_agree(unix, microml, name):
    path = nab_report.nab_dir() / "data" / "realKnownCause" / name
    trained = subprocess.run([unix, str(mmldata.REPO / "examples/anomaly/sensor_monitor.py"),
                              str(path)], capture_output=True, text=True, check=True).stdout
    fitted = subprocess.run([unix, str(mmldata.REPO / "examples/anomaly/sensor_monitor.py"),
                             str(path), "--fit"], capture_output=True, text=True,
                            check=True).stdout
    host = "".join("%s\t%.2f\n" % a for a in sensor_monitor.monitor(str(path), out=[]))
    assert trained == fitted == host
    assert len(trained.splitlines()) >= 2


def test_trained_file_is_current(microml):
    import train_nab
    shipped = json.loads((mmldata.REPO / "examples/anomaly/nab_trained.json").read_text())
    folder = nab_report.nab_dir() / "data" / "realKnownCause"
    for path in sorted(folder.glob("*.csv")):
        got = train_nab.train(path)
        want = shipped["series"][path.name]
        assert got == pytest.approx(want, rel=1e-6), path.name


def test_machine_sound_unix(unix):
    out = subprocess.run([unix, str(mmldata.REPO / "examples/anomaly/machine_sound.py")],
                         capture_output=True, text=True, check=True, env=mmldata.child_env()).stdout
    score = float(out.split("anomaly score:")[1].split()[0])
    assert "windows: 196" in out
    assert abs(score / 10.2603 - 1) < 0.005


def test_machine_sound_wav(microml, tmp_path):
    # any 16 kHz wav: the clip score from the wav equals the score of microml.log_mel's frames
    # computed here, and speech (not a machine) scores far above the normal ToyCar clip
    import array
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "machine_sound", mmldata.REPO / "examples/anomaly/machine_sound.py")
    ms = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ms)
    wav = mmldata.DATA / "datasets/pocketsphinx_testdata/cards/005.wav"
    samples = ms.wav_samples(wav.read_bytes())
    import wave
    with wave.open(str(wav)) as w:
        assert samples.tobytes() == w.readframes(w.getnframes())
    model = microml.Model((mmldata.DATA / ms.MODEL).read_bytes())
    det = microml.Detector(model, threshold=0.0)
    score, windows = ms.clip_score(det, microml.log_mel(samples))
    assert windows == 1 + len(samples) // 512 - 4
    assert score > 5 * 10.2603


def test_sensor_monitor_cortex_m4f(microml):
    # the Cortex-M4F firmware learns on the device (series.csv is not in nab_trained.json) and
    # raises the alarms the host-trained detector raises on the host
    fw = mmldata.REPO / "build/qemu/MPS2_AN386/firmware.elf"
    if not fw.exists():
        pytest.fail(f"{fw} missing; run `make qemu-MPS2_AN386` first")
    path = nab_report.nab_dir() / "data/realKnownCause/machine_temperature_system_failure.csv"
    out = subprocess.run([str(mmldata.REPO / "tools/run-on-qemu"), "MPS2_AN386",
                          str(mmldata.REPO / "examples/anomaly/sensor_monitor.py"),
                          "--file", f"series.csv={path}", "--timeout", "300"],
                         capture_output=True, text=True, check=True).stdout
    host = "".join("%s\t%.2f\n" % a for a in sensor_monitor.monitor(str(path), out=[]))
    assert out.replace("\r\n", "\n") == host
    assert len(host.splitlines()) == 5
