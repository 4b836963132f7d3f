# SPDX-License-Identifier: MIT
# pytest set-up for the CPython face: finds the extension and the data, or says why not.
import sys

import pytest

import mmldata

# Without PYTHONPATH, use this repo's build.
if str(mmldata.BUILD_PYTHON) not in sys.path:
    sys.path.append(str(mmldata.BUILD_PYTHON))


def pytest_report_header(config):
    return [f"microml data: {mmldata.DATA}", f"microml vectors: {mmldata.VECTORS}"]


def pytest_sessionstart(session):
    if not mmldata.VECTORS.is_dir():
        raise pytest.UsageError(
            f"test data not found: {mmldata.VECTORS} (set MICROML_DATA to the shared data folder)")


@pytest.fixture(scope="session")
def microml():
    try:
        import microml
    except ImportError as e:
        pytest.fail(f"cannot import microml ({e}); run `make python` first")
    return microml


@pytest.fixture(scope="session")
def cli():
    if not mmldata.CLI.exists():
        pytest.fail(f"{mmldata.CLI} missing; run `make cli` first")
    return str(mmldata.CLI)
