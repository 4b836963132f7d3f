# SPDX-License-Identifier: MIT
# The models claimed to work: every public vector of each must match (tests/py/test_vectors.py,
# tests/py/test_cli.py). Names are vector folders under <MICROML_DATA>/../vectors/.
# Grow this list as kernels land; it is the only place that says what is supported.
SUPPORTED = [
    "hello_world_int8",
    "hello_world_float",
]
