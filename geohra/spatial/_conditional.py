"""Conditional randomisation engine shared by the local statistics (local Moran, Getis-Ord).

Conditional randomisation is done here in vectorised NumPy with the caller's ``rng``
instead of esda's numba engine, so a fresh process pays no numba compilation (esda's
``Moran_Local`` takes ~15 s on first call) and results are reproducible from ``rng``.

Conditional randomisation (Anselin 1995): for each unit ``i`` its own value stays put
and its ``c_i`` neighbour slots are filled with ``c_i`` values drawn without
replacement from the other ``n - 1`` units. As in esda, one set of ``permutations``
draws of indices (into "the other units") is shared by all units; each unit maps them
to its own ``n - 1`` others and uses as many as it has neighbours (units are grouped by
neighbour count: no padding to the largest count). With an int seed the draws are kept
and reused by later calls with the same seed and sizes (every year of a panel). Work is
done in blocks of units so memory stays bounded.

Also here: Benjamini-Hochberg adjustment, the significance check and the Series
builder used by :mod:`geohra.spatial.local` and :mod:`geohra.spatial._getis`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import resolve_rng
from geohra.spatial._prep import _folded_pvalue

NOT_SIGNIFICANT = "Not significant"
_BLOCK = 4_000_000  # elements of the (units x permutations x neighbours) block


def _split_self(w: Any) -> tuple[Any, np.ndarray]:
    """Off-diagonal weights (CSR, explicit zeros removed) and the self-weights."""
    from scipy import sparse

    diag = w.diagonal().astype(np.float64)
    off = sparse.csr_array(w - sparse.diags_array(diag, format="csr"))
    off.eliminate_zeros()
    off.sort_indices()
    return off, diag


def _random_others(n: int, k: int, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """``permutations`` ordered samples of ``k`` distinct indices from ``range(n - 1)``.

    Each row is distributed as the first ``k`` entries of a uniformly random permutation.
    When duplicates are rare (k² ≤ (n − 1) / 4) rows are drawn as ``k`` independent
    uniform integers and rows holding a repeat are drawn again: given that its entries are
    distinct, every ordered tuple of distinct indices is equally likely, so this is exact.
    Otherwise the ``k`` smallest of ``n − 1`` uniform keys, in order of their keys, are
    taken (keys drawn in blocks of permutations so memory stays bounded).
    """
    others = n - 1
    if 4 * k * k <= others:
        out = rng.integers(0, others, size=(permutations, k))
        redo = np.arange(permutations)
        while redo.size:
            rows = np.sort(out[redo], axis=1)
            redo = redo[(rows[:, 1:] == rows[:, :-1]).any(axis=1)]
            out[redo] = rng.integers(0, others, size=(redo.size, k))
        return out
    out = np.empty((permutations, k), dtype=np.int64)
    per_block = max(1, _BLOCK // max(1, others))
    for start in range(0, permutations, per_block):
        stop = min(permutations, start + per_block)
        keys = rng.random((stop - start, others))
        if k < others:
            pick = np.argpartition(keys, k - 1, axis=1)[:, :k]
        else:
            pick = np.broadcast_to(np.arange(others), keys.shape)
        order = np.argsort(np.take_along_axis(keys, pick, axis=1), axis=1)
        out[start:stop] = np.take_along_axis(pick, order, axis=1)
    return out


_DRAWS: dict[tuple, np.ndarray] = {}  # (n, k, permutations, seed) -> draws, for int seeds


def _draws(n: int, k: int, permutations: int, rng: Any) -> np.ndarray:
    """``_random_others`` for ``rng``; with an int seed the draws are a pure function of
    (n, k, permutations, seed), so they are kept and reused (e.g. by every year of a panel
    analysed with the same seed) instead of being drawn again."""
    if not isinstance(rng, (int, np.integer)) or isinstance(rng, bool):
        return _random_others(n, k, permutations, resolve_rng(rng))
    key = (n, k, permutations, int(rng))
    if key not in _DRAWS:
        if len(_DRAWS) >= 16:
            _DRAWS.clear()
        _DRAWS[key] = _random_others(n, k, permutations, resolve_rng(rng))
        _DRAWS[key].flags.writeable = False
    return _DRAWS[key]


def _conditional_pvalues(
    values: np.ndarray,
    off: Any,
    observed: np.ndarray,
    simulate: Callable[[np.ndarray, np.ndarray], np.ndarray],
    permutations: int,
    rng: Any,
) -> np.ndarray:
    """Folded pseudo p-values from conditional randomisation; NaN for islands.

    ``simulate(sites, lags)`` turns random neighbour sums ``lags`` (sites x
    permutations) into simulated statistics for those sites. Units are processed in
    groups of equal neighbour count c, each using the first c columns of the shared
    draws, so the work is Σ_i c_i × permutations (no padding to the largest count).
    """
    if rng is not None and not isinstance(rng, (int, np.integer, np.random.Generator)):
        resolve_rng(rng)  # raises, saying what rng may be
    n = values.size
    card = np.diff(off.indptr)
    kmax = int(card.max()) if n else 0
    pvalues = np.full(n, np.nan)
    if kmax == 0:
        return pvalues
    draws = _draws(n, kmax, permutations, rng)  # (P, kmax) into "others"
    small = np.int32 if n < 2**31 - 1 else np.int64  # halves the memory traffic
    for c in np.unique(card[card > 0]):
        group = np.flatnonzero(card == c)
        d = np.ascontiguousarray(draws[:, :c], dtype=small)
        # index j of "the others of i" is unit j, or j + 1 from i on (skipping i): both
        # candidate values are gathered once per group, each site then only selects
        below, above = values[d][None], values[d + 1][None]
        # weights of each site's c neighbours, in CSR order (matching the draw slots)
        wts = off.data[off.indptr[group][:, None] + np.arange(c)]
        step = max(1, _BLOCK // (permutations * int(c)))
        for start in range(0, group.size, step):
            sites = group[start : start + step]
            picked = np.where(d[None] >= sites.astype(small)[:, None, None], above, below)
            lags = np.einsum("spk,sk->sp", picked, wts[start : start + step])
            sims = simulate(sites, lags)
            pvalues[sites] = _folded_pvalue(observed[sites], sims)
    return pvalues


def _bh_adjust(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (q-values); NaN stays NaN.

    q_(i) = min_{j >= i} p_(j) m / j over the m tested units, capped at 1; a unit is
    significant at level alpha when q <= alpha (the classic step-up rule).
    """
    out = np.full(pvalues.shape, np.nan)
    ok = ~np.isnan(pvalues)
    p = pvalues[ok]
    m = p.size
    if m == 0:
        return out
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(q, 1.0)
    out[ok] = adjusted
    return out


def _check_significance(significance: float) -> float:
    if not isinstance(significance, (int, float)) or not 0 < significance < 1:
        raise ValueError(f"significance must be a number between 0 and 1; got {significance!r}.")
    return float(significance)


def _series(
    values: np.ndarray, ids: pd.Index, index: pd.Index, name: str, dtype: Any = None
) -> pd.Series:
    """Values in the weights' order -> a Series on the caller's full index (NaN for omitted)."""
    s = pd.Series(values, index=ids, name=name, dtype=dtype)
    return s.reindex(index)
