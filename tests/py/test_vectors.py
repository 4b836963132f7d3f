# SPDX-License-Identifier: MIT
# Every public vector of every model in tests/supported_models.txt through microml.Model:
# outputs equal the TensorFlow Lite Micro reference (integers byte for byte, float32 ~1e-4).
import pytest

import mmldata
from models import SUPPORTED

VECTORS = [v for name in SUPPORTED for v in mmldata.vectors(name)]


def test_every_supported_model_has_vectors():
    for name in SUPPORTED:
        assert mmldata.model_path(name).is_file(), name
        assert mmldata.vectors(name), f"{name}: no public vectors"


@pytest.mark.parametrize("vec", VECTORS, ids=[v.id for v in VECTORS])
def test_vector(microml, vec):
    meta = mmldata.meta(vec.model)
    # One Model per vector: multi-invocation vectors carry state from frame to frame.
    model = microml.Model(mmldata.model_bytes(vec.model))
    for k, (xs, ys) in enumerate(vec.frames()):
        x = xs[0] if len(xs) == 1 else tuple(xs)
        y = model.predict(x)
        got = [y] if len(ys) == 1 else list(y)
        assert len(got) == len(ys)
        for i, (g, e) in enumerate(zip(got, ys)):
            # numpy results carry the tensor's shape (docs/python-api.md)
            assert g.shape == tuple(meta["outputs"][i]["shape"]) and g.nbytes == len(e)
            mmldata.assert_output_equal(g.tobytes(), e, meta["outputs"][i],
                                        f"{vec.id} frame {k} output {i}")
