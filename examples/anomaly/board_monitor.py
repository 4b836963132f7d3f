# SPDX-License-Identifier: MIT
# sensor_monitor.py's detector on a board, reading a real sensor: a TMP102 temperature sensor over
# I2C, or any analog sensor (a thermistor divider, a current clamp) on an ADC pin. It learns what
# normal is from the first TRAIN_READINGS readings, then prints one line per alarm:
# seconds-since-start<TAB>score. Pins are for a Raspberry Pi Pico (RP2040); see README.md for
# others. Not run in CI (no hardware): the detector itself is the one tests/py/test_anomaly*.py
# and the NAB report check.
import time

import microml
from machine import ADC, I2C, Pin

SENSOR = "tmp102"  # or "adc"
I2C_ID, SDA, SCL, TMP102_ADDR = 0, 4, 5, 0x48  # GP4 = SDA, GP5 = SCL, TMP102 ADD0 to GND
ADC_PIN = 26  # GP26 = ADC0
PERIOD_MS = 1000  # one reading per second
TRAIN_READINGS = 600  # ten minutes of normal operation
# The parameters sensor_monitor.py uses on every NAB series.
SMOOTH, QUANTILE, OFF_QUANTILE, K, N, GAP = 0.2, 0.999, 0.8, 2, 3, 300


def sensor():
    """A function returning one reading (a float)."""
    if SENSOR == "tmp102":
        i2c = I2C(I2C_ID, sda=Pin(SDA), scl=Pin(SCL), freq=100_000)
        buf = bytearray(2)

        def read():
            i2c.readfrom_mem_into(TMP102_ADDR, 0x00, buf)  # temperature register, 12 bits
            raw = (buf[0] << 4) | (buf[1] >> 4)
            if raw & 0x800:
                raw -= 0x1000
            return raw * 0.0625  # degrees Celsius
        return read
    adc = ADC(Pin(ADC_PIN))
    return lambda: adc.read_u16() / 65535.0  # 0..1 of the supply


def main():
    read = sensor()
    normal = []
    start = time.ticks_ms()
    while len(normal) < TRAIN_READINGS:
        normal.append(read())
        time.sleep_ms(PERIOD_MS)
    d = microml.Detector(smooth=SMOOTH, quantile=QUANTILE, off_quantile=OFF_QUANTILE, k=K, n=N,
                         gap=GAP).fit(normal)
    print("trained on %d readings: mean %.3f, std %.3f, threshold %.2f" % (
        len(normal), d.mean, d.var ** 0.5, d.threshold))
    while True:
        s = d.update(read())
        if s is not None:
            print("%d\t%.2f" % (time.ticks_diff(time.ticks_ms(), start) // 1000, s))
        time.sleep_ms(PERIOD_MS)


main()
