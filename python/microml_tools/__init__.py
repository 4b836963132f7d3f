# SPDX-License-Identifier: MIT
"""microml host tools (pure Python): model writers and helpers used by tests and scripts."""
