"""The siting programme's sparse matrix (``programme.Matrix``) against scipy.sparse."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from orevalue.siting.programme import Matrix

entries = st.integers(1, 6).flatmap(
    lambda n_rows: st.integers(1, 6).flatmap(
        lambda n_cols: st.tuples(
            st.just((n_rows, n_cols)),
            st.lists(
                st.tuples(
                    st.integers(0, n_rows - 1),
                    st.integers(0, n_cols - 1),
                    st.sampled_from([-2.5, -1.0, 0.5, 1.0, 3.0]),
                ),
                max_size=30,
            ),
        )
    )
)


@settings(max_examples=200, deadline=None)
@given(entries)
def test_the_matrix_sums_repeats_as_scipy_sparse_does(case) -> None:  # type: ignore[no-untyped-def]
    shape, listed = case
    r, c, v = (np.array([e[k] for e in listed], dtype=float if k == 2 else int) for k in range(3))
    r, c = r.astype(int), c.astype(int)
    m = Matrix.from_entries(r, c, v, shape)
    reference = sparse.csr_matrix((v, (r, c)), shape=shape)
    np.testing.assert_array_equal(m.toarray(), reference.toarray())
    # row-wise, columns ascending within a row, no entry that sums to zero
    assert m.start[0] == 0 and m.start[-1] == m.nnz and np.all(np.diff(m.start) >= 0)
    for i in range(shape[0]):
        cols = m.index[m.start[i] : m.start[i + 1]]
        assert np.all(np.diff(cols) > 0)
    assert np.all(m.value != 0)
    assert m.nnz == np.count_nonzero(reference.toarray())
