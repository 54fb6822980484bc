import numpy as np
import pytest

from warehouse.distinct import sorted_distinct


@pytest.mark.parametrize("ids", [
    np.array([], dtype=np.int32),
    np.array([7], dtype=np.int32),
    np.array([3, 1, 3, 2, 1, 1], dtype=np.int64),
    np.random.default_rng(1).integers(0, 500, 5_000).astype(np.int32),
])
def test_sorted_distinct_is_np_unique(ids):
    found = sorted_distinct(ids)
    assert found.dtype == ids.dtype
    assert np.array_equal(found, np.unique(ids))
