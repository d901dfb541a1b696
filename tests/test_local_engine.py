"""The conditional-randomisation engine of the local statistics against a plain loop over
units and permutations with the same draws, and the distribution of the draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from geohra.spatial import _conditional as engine
from geohra.spatial._prep import _folded_pvalue


def _random_graph(n, rng):
    """Sparse weights with degrees from 0 to 12 and unequal positive weights."""
    rows, cols = [], []
    for i in range(n):
        k = int(rng.integers(0, 13)) if i % 17 else 0  # some islands
        nb = rng.choice(np.delete(np.arange(n), i), size=k, replace=False)
        rows += [i] * k
        cols += list(nb)
    data = rng.uniform(0.2, 2.0, len(rows))
    w = sparse.csr_array((data, (rows, cols)), shape=(n, n))
    w.sort_indices()
    return w


@pytest.mark.parametrize("n", [40, 700])
def test_engine_equals_loop_over_units_and_permutations(n):
    rng = np.random.default_rng(n)
    w = _random_graph(n, rng)
    values = rng.normal(size=n)
    observed = values * (w @ values)
    perms = 60

    def simulate(sites, lags):
        return values[sites, None] * lags

    got = engine._conditional_pvalues(values, w, observed, simulate, perms, 123)
    card = np.diff(w.indptr)
    draws = engine._random_others(n, int(card.max()), perms, np.random.default_rng(123))
    want = np.full(n, np.nan)
    for i in range(n):
        c = card[i]
        if c == 0:
            continue
        others = np.delete(np.arange(n), i)
        nb_w = w.data[w.indptr[i] : w.indptr[i + 1]]
        sims = np.array([values[i] * nb_w @ values[others[draws[p, :c]]] for p in range(perms)])
        want[i] = _folded_pvalue(np.array([observed[i]]), sims[None, :])[0]
    np.testing.assert_array_equal(np.isnan(got), card == 0)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_draws_are_distinct_and_uniform():
    rng = np.random.default_rng(0)
    n, k, perms = 401, 9, 40_000  # 4k² <= n - 1: the rejection path
    d = engine._random_others(n, k, perms, rng)
    assert d.shape == (perms, k) and d.min() >= 0 and d.max() < n - 1
    s = np.sort(d, axis=1)
    assert not (s[:, 1:] == s[:, :-1]).any()
    # every slot is uniform over the n - 1 others: chi-square over 400 cells per slot
    expected = perms / (n - 1)
    for slot in (0, k - 1):
        counts = np.bincount(d[:, slot], minlength=n - 1)
        chi2 = ((counts - expected) ** 2 / expected).sum()
        assert chi2 < (n - 2) + 5 * np.sqrt(2 * (n - 2))  # mean df, sd sqrt(2 df)
    # slots are exchangeable: P(slot0 < slot1) = 1/2
    assert abs((d[:, 0] < d[:, 1]).mean() - 0.5) < 0.01


def test_int_seed_draws_are_reused_and_equal_to_fresh_ones():
    engine._DRAWS.clear()
    a = engine._draws(500, 6, 99, 7)
    b = engine._draws(500, 6, 99, 7)
    assert a is b  # kept for the next year
    np.testing.assert_array_equal(a, engine._random_others(500, 6, 99, np.random.default_rng(7)))
    gen = np.random.default_rng(7)
    c = engine._draws(500, 6, 99, gen)
    assert c is not a  # a Generator's draws advance its state: never reused
