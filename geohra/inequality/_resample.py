"""Array cores that evaluate the Gini, Theil and Dagum statistics on many bootstrap
resamples at once.

A resample drawn with replacement is the data with multiplicities: unit i appears m_i
times. Every statistic here is a sum over units (Theil) or over pairs of units (Gini,
Dagum), so a resample's value is the weighted statistic of the original units with
weights m_i (times the population, when there is one); pairs of copies of one unit have
difference 0 and add nothing. This lets the data be sorted once and R resamples be
evaluated as R×n matrix operations: no per-resample sort and no Python loop.

Each function takes the sorted values ``ys``, the group codes in the same order, and
``m`` (R×n multiplicities in that order) and returns a dict of length-R arrays, NaN for
resamples where the statistic is undefined (the same cases the one-sample cores reject).
"""

from __future__ import annotations

import numpy as np


def multiplicities(indices: np.ndarray, n: int) -> np.ndarray:
    """R×n counts of each position in each row of resampled ``indices`` (R×n_draws)."""
    r = indices.shape[0]
    flat = (indices + (np.arange(r) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=r * n).reshape(r, n).astype(np.float64)


def gini_many(ys: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Gini of sorted ``ys`` under each row of weights ``w`` (R×n):
    Σ_k gap_k · W_(≤k) · W_(>k) / (W · Σ w y), the gap form of ``gini_core``."""
    gaps = np.diff(ys)
    below = np.cumsum(w[:, :-1], axis=1)
    total_w = w.sum(axis=1)
    above = total_w[:, None] - below
    np.maximum(above, 0.0, out=above)  # the subtraction may round a hair below 0
    num = (below * above) @ gaps
    den = total_w * (w @ ys)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def theil_many(
    ys: np.ndarray,
    q_units: np.ndarray,
    m: np.ndarray,
    codes: np.ndarray | None,
    k: int,
    index: str,
) -> dict[str, np.ndarray]:
    """Theil T (or L) and, with codes, its between / within parts, per resample.

    ``q_units`` are the units' population weights (ones when unweighted). The shares of a
    resample are s_i = m_i y_i / Σ m y and q_i = m_i P_i / Σ m P, computed as in ``divergence``.
    """
    wy = m * ys
    wq = m * q_units
    ty = wy.sum(axis=1)
    tq = wq.sum(axis=1)
    valid = (ty > 0) & (tq > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = wy / ty[:, None]
        q = wq / tq[:, None]
    a, b = (s, q) if index == "T" else (q, s)
    valid &= ~((a > 0) & (b == 0)).any(axis=1)  # an infinite term
    terms = _xlogx_over(a, b)
    out = {"total": np.where(valid, terms.sum(axis=1), np.nan)}
    if codes is None:
        return out
    onehot = np.zeros((codes.size, k))
    onehot[np.arange(codes.size), codes] = 1.0
    A = a @ onehot
    B = b @ onehot
    between = _xlogx_over(A, B).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = _xlogx_over(a / A[:, codes], b / B[:, codes])
    group_div = inner @ onehot
    within = np.where(A > 0, A * group_div, 0.0).sum(axis=1)
    out["within"] = np.where(valid, within, np.nan)
    out["between"] = np.where(valid, between, np.nan)
    return out


def _xlogx_over(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a·(ln a − ln b) with the limit 0 where a = 0 (or is NaN from 0/0)."""
    pos = a > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = a * (np.log(np.where(pos, a, 1.0)) - np.log(np.where(pos, b, 1.0)))
    return np.where(pos, t, 0.0)


def dagum_plan(codes: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Index arrays for ``dagum_many`` that depend only on the (sorted) data's groups.

    Positions are reordered group by group (``perm``); a row's cumulative sum ``cz`` in
    that order then gives group b's resampled count at value positions ≤ t as
    ``cz[gather[b, t]] − cz[start[b]]``: one length-n cumulative sum per resample instead
    of k of them.
    """
    n = codes.size
    n_g = np.bincount(codes, minlength=k)
    start = np.concatenate(([0], np.cumsum(n_g)[:-1]))
    onehot = np.zeros((k, n), dtype=np.intp)
    onehot[codes, np.arange(n)] = 1
    gather = start[:, None] + np.cumsum(onehot[:, :-1], axis=1)
    return {
        "perm": np.argsort(codes, kind="stable"),
        "start": start,
        "end": start + n_g,
        "gather": gather,
    }


def dagum_many(ys: np.ndarray, m: np.ndarray, plan: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Total Gini, G_w, G_nb and G_t per resample (``plan``: ``dagum_plan`` of the codes).

    P[a, b] = Σ_{i∈a} m_i Σ_{r∈b, y_r<y_i} m_r (y_i − y_r) in the gap form of
    ``positive_part_sums``: Σ_t gap_t · above_a(t) · below_b(t), with below_b(t) the
    resampled count of group b at value positions ≤ t and above_a(t) that of group a after
    t. The net between-group term of a pair is |P[a, b] − P[b, a]| (= n_j n_h (μ_j − μ_h)
    with j the group of larger mean) and its transvariation 2·min(P[a, b], P[b, a]), so no
    per-resample ordering of the groups by mean is needed.
    """
    r, n = m.shape
    k = plan["start"].size
    cz = np.zeros((r, n + 1))
    np.cumsum(m[:, plan["perm"]], axis=1, out=cz[:, 1:])
    base = cz[:, plan["start"]]
    below = cz[:, plan["gather"]] - base[:, :, None]  # R×k×(n−1)
    above = (cz[:, plan["end"]] - base)[:, :, None] - below
    P = np.matmul(above * np.diff(ys), below.transpose(0, 2, 1))  # R×k×k
    scale = m.sum(axis=1) * (m @ ys)  # n² μ
    valid = scale > 0
    jj, hh = np.triu_indices(k, 1)
    d = P[:, jj, hh]
    p = P[:, hh, jj]
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.trace(P, axis1=1, axis2=2) / scale
        net = np.abs(d - p).sum(axis=1) / scale
        trans = 2.0 * np.minimum(d, p).sum(axis=1) / scale
    return {
        "total": gini_many(ys, m),
        "within": np.where(valid, within, np.nan),
        "between_net": np.where(valid, net, np.nan),
        "transvariation": np.where(valid, trans, np.nan),
    }
