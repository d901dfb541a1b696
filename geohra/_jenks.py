"""Exact Fisher-Jenks natural breaks in float64, O(k·m·log m) with NumPy only.

The problem: split the sorted values into ``k`` contiguous classes minimising the
total within-class sum of squared deviations (1-D k-means, solved exactly).

Method (the idea of Wang & Song's Ckmeans.1d.dp, written here from the definition):

* Work on the ``m`` distinct values with their multiplicities. An optimal partition
  never splits equal values (moving one copy to the class whose mean is no farther
  strictly lowers the cost), so nothing is lost, and ties cannot be split by rounding.
* Centre the values (subtract the mean) and keep weighted prefix sums of count, x and
  x² in float64, so that the cost of a run ``[i, j)`` is
  ``S2 - S1² / S0`` of the differences. Centring is what keeps data with a large
  offset (``[0, 1, 2, 50, ...] + 1e6``) exact; mapclassify 2.10 accumulates raw
  values in float32 and misclassifies it.
* Dynamic programming over the number of classes ``c``:
  ``D_c[j] = min_{i<j} D_{c-1}[i] + cost(i, j)``. The cost matrix satisfies the
  quadrangle (Monge) inequality, so the leftmost optimal ``i`` is non-decreasing in
  ``j`` and each layer can be solved by divide and conquer: solve the middle ``j``
  over its admissible range of ``i``, then the left half only needs ``i <= opt`` and
  the right half ``i >= opt``. Instead of recursing per element in Python, every
  recursion LEVEL is solved for all pending sub-problems at once with flat NumPy
  arrays (O(m) work per level, O(log m) levels per layer).

Ties between candidate split points are broken towards the smallest ``i`` (the
leftmost minimum), which keeps the result deterministic.
"""

from __future__ import annotations

import numpy as np


def _run_cost(
    p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Within-class sum of squares of the run of distinct values ``[i, j)``."""
    s0 = p0[j] - p0[i]
    s1 = p1[j] - p1[i]
    cost = (p2[j] - p2[i]) - s1 * s1 / s0
    # Rounding can leave a tiny negative number for a constant run; the exact value
    # is >= 0 and clipping only removes that rounding, never real information.
    return np.maximum(cost, 0.0)


def _solve_layer(
    prev: np.ndarray, p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, c: int, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """One DP layer: ``D_c[j]`` and its leftmost argmin for ``j = c .. m``.

    ``prev[i]`` is ``D_{c-1}[i]`` (cost of the best ``c-1`` classes over the first ``i``
    distinct values; +inf where infeasible). Returns arrays of length ``m + 1``.
    """
    cur = np.full(m + 1, np.inf)
    arg = np.zeros(m + 1, dtype=np.int64)
    # pending sub-problems: solve j in [jlo, jhi] knowing opt(j) in [olo, ohi]
    jlo = np.array([c], dtype=np.int64)
    jhi = np.array([m], dtype=np.int64)
    olo = np.array([c - 1], dtype=np.int64)
    ohi = np.array([m - 1], dtype=np.int64)
    while jlo.size:
        mid = (jlo + jhi) // 2
        hi = np.minimum(ohi, mid - 1)
        lens = hi - olo + 1
        total = int(lens.sum())
        starts = np.zeros(lens.size, dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        # candidate i for every sub-problem, laid out segment after segment
        pos = np.arange(total, dtype=np.int64)
        i = pos + np.repeat(olo - starts, lens)
        j = np.repeat(mid, lens)
        val = prev[i] + _run_cost(p0, p1, p2, i, j)
        best = np.minimum.reduceat(val, starts)
        # leftmost position attaining the minimum of its segment
        first = np.minimum.reduceat(np.where(val == np.repeat(best, lens), pos, total), starts)
        opt = i[first]
        cur[mid] = best
        arg[mid] = opt
        left = jlo <= mid - 1
        right = mid + 1 <= jhi
        jlo, jhi, olo, ohi = (
            np.concatenate([jlo[left], mid[right] + 1]),
            np.concatenate([mid[left] - 1, jhi[right]]),
            np.concatenate([olo[left], opt[right]]),
            np.concatenate([opt[left], ohi[right]]),
        )
    return cur, arg


def fisher_jenks_breaks(values: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Exact natural breaks of finite ``values`` into ``k`` classes.

    Returns ``(upper, ssw)``: the ``k`` class upper bounds (each an observed value,
    ascending, the last equal to the maximum) and the minimal within-class sum of
    squared deviations. ``k`` must not exceed the number of distinct values
    (the caller checks and explains).
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    uniq, counts = np.unique(x, return_counts=True)
    m = uniq.size
    if not 1 <= k <= m:
        raise ValueError(f"k must be between 1 and the number of distinct values ({m}); got {k}.")
    w = counts.astype(np.float64)
    centred = uniq - np.sum(w * uniq) / np.sum(w)
    p0 = np.concatenate([[0.0], np.cumsum(w)])
    p1 = np.concatenate([[0.0], np.cumsum(w * centred)])
    p2 = np.concatenate([[0.0], np.cumsum(w * centred * centred)])
    if k == 1:
        return uniq[-1:].copy(), float(_run_cost(p0, p1, p2, np.array([0]), np.array([m]))[0])

    # layer 1: one class over the first j distinct values
    js = np.arange(m + 1)
    layer = np.full(m + 1, np.inf)
    layer[1:] = _run_cost(p0, p1, p2, np.zeros(m, dtype=np.int64), js[1:])
    args: list[np.ndarray] = []
    for c in range(2, k):
        layer, arg = _solve_layer(layer, p0, p1, p2, c, m)
        args.append(arg)
    # last layer: only j = m is needed, a single scan over i
    cand = np.arange(k - 1, m)
    vals = layer[cand] + _run_cost(p0, p1, p2, cand, np.full(cand.size, m))
    best = int(np.argmin(vals))  # argmin returns the first (leftmost) minimum
    ssw = float(vals[best])
    # backtrack the class starts (in distinct-value positions)
    starts = [int(cand[best])]
    for arg in reversed(args):
        starts.append(int(arg[starts[-1]]))
    starts = starts[::-1]  # starts of classes 2..k; class 1 starts at 0
    ends = starts + [m]  # exclusive end of classes 1..k
    upper = uniq[np.asarray(ends) - 1]
    return upper, ssw
