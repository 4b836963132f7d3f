# SPDX-License-Identifier: MIT
# Gestures and activities on a board with an MPU6050 or LSM6DS3 IMU over I2C (README.md: wiring).
#   import board; board.wand()       draw a digit in the air (magic_wand_digits.tflite)
#   import board; board.activity()   classify 10 s windows of motion (activity.mml)
# The drivers only need an object with readfrom_mem / writeto_mem (machine.I2C), so that
# tests/py/test_gesture.py runs them on the unix port against a simulated sensor.
import struct
import time
from array import array

import microml

G = 9.80665


class MPU6050:
    """InvenSense MPU-6050 at 0x68 (AD0 low) or 0x69: +-2 g, +-250 deg/s."""
    WHO_AM_I = 0x75

    def __init__(self, i2c, addr=0x68):
        self.i2c, self.addr = i2c, addr
        i2c.writeto_mem(addr, 0x6B, b"\x00")  # PWR_MGMT_1: wake up, internal clock
        i2c.writeto_mem(addr, 0x1A, b"\x03")  # CONFIG: 44 Hz low-pass
        i2c.writeto_mem(addr, 0x1B, b"\x00")  # GYRO_CONFIG: +-250 deg/s, 131 LSB per deg/s
        i2c.writeto_mem(addr, 0x1C, b"\x00")  # ACCEL_CONFIG: +-2 g, 16384 LSB per g

    def read(self, out):
        """out[0:3] = acceleration (g), out[3:6] = rotation rate (deg/s)."""
        v = struct.unpack(">hhhhhhh", self.i2c.readfrom_mem(self.addr, 0x3B, 14))
        for i in range(3):
            out[i] = v[i] / 16384.0
            out[3 + i] = v[4 + i] / 131.0
        return out


class LSM6DS3:
    """ST LSM6DS3 at 0x6A (SA0 low) or 0x6B: 104 Hz, +-2 g, +-245 deg/s."""

    def __init__(self, i2c, addr=0x6A):
        self.i2c, self.addr = i2c, addr
        who = i2c.readfrom_mem(addr, 0x0F, 1)[0]
        if who not in (0x69, 0x6A):
            raise OSError("no LSM6DS3 at 0x%02x (WHO_AM_I 0x%02x)" % (addr, who))
        i2c.writeto_mem(addr, 0x10, b"\x40")  # CTRL1_XL: 104 Hz, +-2 g (0.061 mg/LSB)
        i2c.writeto_mem(addr, 0x11, b"\x40")  # CTRL2_G: 104 Hz, 245 deg/s (8.75 mdps/LSB)
        i2c.writeto_mem(addr, 0x12, b"\x44")  # CTRL3_C: block data update, address increment

    def read(self, out):
        v = struct.unpack("<hhhhhh", self.i2c.readfrom_mem(self.addr, 0x22, 12))  # gyro, accel
        for i in range(3):
            out[i] = v[3 + i] * 0.000061
            out[3 + i] = v[i] * 0.00875
        return out


def open_imu(i2c):
    """The first IMU that answers on the bus."""
    found = i2c.scan()
    for addr in (0x68, 0x69):
        if addr in found:
            return MPU6050(i2c, addr)
    for addr in (0x6A, 0x6B):
        if addr in found:
            return LSM6DS3(i2c, addr)
    raise OSError("no MPU6050 (0x68/0x69) or LSM6DS3 (0x6A/0x6B) on I2C: found %s" % found)


def default_i2c():
    import machine
    import sys
    pins = {"rp2": (0, 4, 5), "esp32": (0, 21, 22)}  # (bus, SDA, SCL): README.md
    bus, sda, scl = pins.get(sys.platform, (0, None, None))
    if sda is None:
        return machine.I2C(bus, freq=400000)
    return machine.I2C(bus, sda=machine.Pin(sda), scl=machine.Pin(scl), freq=400000)


def capture(imu, n, rate, sleep=True):
    """n samples [n, 6] (g, deg/s) at `rate` Hz, interleaved in an array('f')."""
    buf, s = array("f", bytes(24 * n)), array("f", bytes(24))
    period = 1000 // rate
    t = time.ticks_ms()
    for i in range(n):
        imu.read(s)
        for k in range(6):
            buf[6 * i + k] = s[k]
        t = time.ticks_add(t, period)
        if sleep:
            time.sleep_ms(max(0, time.ticks_diff(t, time.ticks_ms())))
    return buf


def wand_stroke(samples, rate, still=50):
    """The stroke of samples [n, 6]: the first `still` samples give the gyroscope drift and
    gravity (hold the board still), the rest is the gesture."""
    n = len(samples) // 6
    drift, gravity = [0.0] * 3, [0.0] * 3
    for i in range(still):
        for k in range(3):
            gravity[k] += samples[6 * i + k] / still
            drift[k] += samples[6 * i + 3 + k] / still
    gyro = array("f", bytes(12 * (n - still)))
    for i in range(still, n):
        for k in range(3):
            gyro[3 * (i - still) + k] = samples[6 * i + 3 + k]
    return microml.stroke_from_gyro(gyro, rate, drift=drift, gravity=gravity)


def wand(i2c=None, model_path="magic_wand_digits.tflite", rate=100, rounds=5):
    imu = open_imu(i2c or default_i2c())
    with open(model_path, "rb") as f:
        model = microml.Model(f.read())
    img = bytearray(32 * 32 * 3)
    for _ in range(rounds):
        print("hold still... then draw a digit (2 s)")
        stroke = wand_stroke(capture(imu, 50 + 2 * rate, rate), rate)
        microml.rasterize_stroke(stroke, img)
        (k, score), = model.top_k(img, 1)
        print("digit\t%d\t%.4f" % (k, score))


def activity(i2c=None, model_path="activity.mml", rounds=3):
    """BasicMotions' model (10 Hz, 100-sample windows). Its features were trained on a smart
    watch's units: retrain on your own recordings (train_activity.py) for reliable labels."""
    from activity import CHANNELS, WINDOW, BANDS, RATE, LABELS
    imu = open_imu(i2c or default_i2c())
    with open(model_path, "rb") as f:
        model = microml.load(f.read())
    feats = microml.IMUFeatures(CHANNELS, WINDOW, bands=BANDS, rate=RATE)
    x = array("f", bytes(4 * feats.n_features))
    for _ in range(rounds):
        feats.push(capture(imu, WINDOW, int(RATE)))
        feats.read(x)
        proba = model.predict_proba(x)
        k = max(range(len(proba)), key=lambda j: proba[j])
        print("activity\t%s\t%.4f" % (LABELS[model.classes[k]], proba[k]))
