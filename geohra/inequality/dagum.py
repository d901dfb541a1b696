"""Dagum (1997) decomposition of the Gini coefficient into within-group,
net between-group and transvariation parts, in O(n log n) time and O(n) memory.

Notation (groups j, h; n_j units, mean μ_j; n units in all, mean μ):

    G      = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² μ)                  (ordinary Gini)
    G_jj   = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j)                       (within group j)
    G_jh   = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h))              (between j and h)
    p_j = n_j / n,   s_j = n_j μ_j / (n μ)
    G_w    = Σ_j G_jj p_j s_j
    G_nb   = Σ_{j>h} G_jh (p_j s_h + p_h s_j) D_jh
    G_t    = Σ_{j>h} G_jh (p_j s_h + p_h s_j) (1 − D_jh)
    D_jh   = (d_jh − p_jh) / (d_jh + p_jh),  with groups ordered so μ_j ≥ μ_h and
    d_jh   = Σ_i Σ_r (y_ji − y_hr)⁺ ,  p_jh = Σ_i Σ_r (y_hr − y_ji)⁺   (the 1/(n_j n_h) cancels)

and G = G_w + G_nb + G_t.

Every pair sum comes from one matrix of "positive-part sums"
``P[a, b] = Σ_{i∈a} Σ_{r∈b} (y_i − y_r)⁺``: then d_jh = P[j, h], p_jh = P[h, j],
Σ|y_ji − y_hr| = P[j, h] + P[h, j] and the within sums are 2 P[j, j]. With the values
sorted, a pair r < i differs by the sum of the gaps between them, so
P[a, b] = Σ_t gap_t · #{i ∈ a after t} · #{r ∈ b up to t}: one sort and k running counts.
So k groups cost O(n log n + k n) time and O(k n) memory, instead of the n² pairs of the
textbook loops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from geohra._result import Result, fmt, one_row, pct
from geohra.inequality._prep import (
    check_nonnegative,
    fast_arrays,
    group_codes,
    group_name,
    resolve,
)
from geohra.inequality.gini import gini_sorted

__all__ = ["dagum_gini", "DagumResult", "positive_part_sums", "dagum_core", "dagum_details"]

VARIANT = (
    "Dagum (1997): G = G_w + G_nb + G_t over all ordered pairs (no n-1 correction); "
    "unweighted units; groups ordered by mean (μ_j ≥ μ_h) for d_jh, p_jh, D_jh"
)


def positive_part_sums(
    y: np.ndarray, codes: np.ndarray, k: int, *, presorted: bool = False
) -> np.ndarray:
    """k×k matrix P[a, b] = Σ_{i in a} Σ_{r in b} max(y_i − y_r, 0), in O(n log n + k n).

    With ``presorted=True`` the caller passes ``y`` sorted ascending (and ``codes`` in the
    same order), so the one sort can be shared with the Gini.
    """
    if presorted:
        ys, gs = y, codes
    else:
        order = np.argsort(y)
        ys, gs = y[order], codes[order]
    return _gap_sums(np.diff(ys), gs, np.bincount(gs, minlength=k).astype(np.float64))


def _gap_sums(gap: np.ndarray, gs: np.ndarray, n_g: np.ndarray) -> np.ndarray:
    """P of ``positive_part_sums`` from the gaps of the sorted values, their group codes
    ``gs`` and the group sizes ``n_g`` (as floats)."""
    # gap form: a pair r < i (sorted positions) differs by the gaps between them, so
    # P[a, b] = Σ_t gap_t · #{i ∈ a: i > t} · #{r ∈ b: r ≤ t}. Every term is non-negative
    # and the counts are exact, so ties and rounding cannot make P negative.
    # counting in integers is several times faster than a floating-point running sum
    count = np.int32 if gs.size < 2**31 else np.int64
    below = (gs[:-1] == np.arange(n_g.size)[:, None]).cumsum(axis=1, dtype=count)
    below = below.astype(np.float64)
    above = np.subtract(n_g[:, None], below)
    np.multiply(above, gap, out=above)
    # einsum's own loop, not BLAS: k x n by n x k is small, and BLAS threads contend
    return np.einsum("at,bt->ab", above, below)


@lru_cache(maxsize=64)
def _pair_index(k: int) -> tuple[np.ndarray, ...]:
    """For k groups in mean order: the pairs j < h (``jj``, ``hh``), and the rows and
    columns that gather P[j, h], then P[h, j], then the diagonal in one indexing step.
    Read-only arrays, shared between calls."""
    jj, hh = np.triu_indices(k, 1)
    diag = np.arange(k)
    out = (jj, hh, np.concatenate((jj, hh, diag)), np.concatenate((hh, jj, diag)))
    for a in out:
        a.flags.writeable = False
    return out


def dagum_core(y: np.ndarray, codes: np.ndarray, k: int) -> dict[str, Any]:
    """The four Dagum quantities from values and group codes 0..k-1 (validated inputs).

    Also returns what :func:`dagum_details` needs for the per-group and per-pair tables
    (``order`` maps the groups in descending mean to their codes), so a bootstrap or a
    panel pays only for the four numbers.
    """
    n = y.size
    n_g = np.bincount(codes, minlength=k).astype(np.float64)
    sum_g = np.bincount(codes, weights=y, minlength=k)
    mu = sum_g.sum() / n
    order = (-(sum_g / n_g)).argsort(kind="stable")  # μ_1 ≥ μ_2 ≥ ... as Dagum orders them
    # the one sort, shared by P and the total; tie order is irrelevant (ties add nothing)
    by_value = y.argsort()
    ys = y[by_value]
    gap = ys[1:] - ys[:-1]
    P = _gap_sums(gap, codes[by_value], n_g)  # groups in code order
    m = k * (k - 1) // 2
    rows, cols = _pair_index(k)[2:]
    picked = P[order[rows], order[cols]]  # in mean order: d_jh, p_jh (j < h), then G_jj sums
    d, pt, diag = picked[:m], picked[m : 2 * m], picked[2 * m :]
    scale = n * n * mu
    return {
        "order": order,
        "P": P,
        "n_g": n_g,
        "sum_g": sum_g,
        "n": n,
        "mu": mu,
        # the total comes from the separate sorted-gap Gini, so the identity
        # total = within + between_net + transvariation checks P rather than restating it
        "total": gini_sorted(ys, gap),
        "within": float(np.sum(2.0 * diag) / (2.0 * n * n * mu)),
        # (d_jh − p_jh) / (n² μ) and 2 p_jh / (n² μ) are G_jh (p_j s_h + p_h s_j) D_jh and
        # G_jh (p_j s_h + p_h s_j)(1 − D_jh), without the 0·NaN of an undefined D_jh
        "between_net": float(((d - pt) / scale).sum()),
        "transvariation": float((2.0 * pt / scale).sum()),
    }


def dagum_details(core: dict[str, Any]) -> dict[str, Any]:
    """Per-group and per-pair quantities of the tables (groups in descending mean), from
    :func:`dagum_core`'s output."""
    order, n, mu = core["order"], core["n"], core["mu"]
    P = core["P"][np.ix_(order, order)]
    n_g, sum_g = core["n_g"][order], core["sum_g"][order]
    mean_g = sum_g / n_g
    jj, hh = _pair_index(n_g.size)[:2]
    d = P[jj, hh]
    pt = P[hh, jj]
    gross = d + pt
    with np.errstate(divide="ignore", invalid="ignore"):
        g_jj = 2.0 * np.diag(P) / (2.0 * n_g**2 * mean_g)  # NaN for an all-zero group
        g_jh = gross / (n_g[jj] * n_g[hh] * (mean_g[jj] + mean_g[hh]))
        D = (d - pt) / gross  # undefined (NaN) when the two groups hold one identical value
    return {
        "n_g": n_g,
        "mean_g": mean_g,
        "p": n_g / n,
        "s": sum_g / (n * mu),
        "g_jj": g_jj,
        "jj": jj,
        "hh": hh,
        "d": d,
        "pt": pt,
        "g_jh": g_jh,
        "D": D,
        "net_terms": np.where(gross > 0, (d - pt) / (n * n * mu), 0.0),
        "trans_terms": np.where(gross > 0, 2.0 * pt / (n * n * mu), 0.0),
    }


@dataclass(frozen=True, repr=False)
class DagumResult(Result):
    """Dagum Gini decomposition of one cross-section.

    ``within_groups``: G_jj per group (ordered by descending mean; 0 for a one-unit group).
    ``between_groups``: one row per pair (``group_high`` has the larger mean): ``gini`` G_jh,
    ``relative_affluence`` D_jh, ``d`` and ``p`` (d_jh, p_jh as unnormalised pair sums),
    ``between_net`` and ``transvariation`` (the pair's parts of G_nb and G_t) and their % of
    the total. ``contributions``: within / between_net / transvariation as % of the total.
    ``group_table``: n, mean, unit share p_j, value share s_j, G_jj and its part of G_w.
    The tables are built on first access (cheap scalars first, for bootstraps and panels).
    """

    total: float
    within: float
    between_net: float
    transvariation: float
    variant: str
    n: int
    omitted: tuple = ()
    _parts: dict = field(default=None, repr=False, compare=False)
    _uniques: pd.Index = field(default=None, repr=False, compare=False)
    _group_name: str = field(default="group", repr=False, compare=False)
    _values: tuple = field(default=None, repr=False, compare=False)

    @cached_property
    def _details(self) -> dict[str, Any]:
        return dagum_details(self._parts)

    @cached_property
    def _labels(self) -> pd.Index:
        return pd.Index(self._uniques[self._parts["order"]], name=self._group_name)

    def _repr_parts(self) -> list[str]:
        parts = [
            f"total={fmt(self.total)}",
            f"within {pct(self.within, self.total)}",
            f"between_net {pct(self.between_net, self.total)}",
            f"transvariation {pct(self.transvariation, self.total)}",
            f"{len(self._labels)} groups",
            f"n={self.n}",
        ]
        return parts

    def _pct(self, x: Any) -> Any:
        return (
            np.asarray(x, dtype=float) / self.total * 100.0
            if self.total > 0
            else np.asarray(x) * np.nan
        )

    @cached_property
    def contributions(self) -> pd.Series:
        vals = self._pct([self.within, self.between_net, self.transvariation])
        return pd.Series(vals, index=["within", "between_net", "transvariation"], name="pct")

    @cached_property
    def within_groups(self) -> pd.Series:
        return pd.Series(self._details["g_jj"], index=self._labels, name="gini")

    @cached_property
    def between_groups(self) -> pd.DataFrame:
        r, labels = self._details, self._labels
        return pd.DataFrame(
            {
                "group_high": labels[r["jj"]],
                "group_low": labels[r["hh"]],
                "gini": r["g_jh"],
                "relative_affluence": r["D"],
                "d": r["d"],
                "p": r["pt"],
                "between_net": r["net_terms"],
                "transvariation": r["trans_terms"],
                "between_net_pct": self._pct(r["net_terms"]),
                "transvariation_pct": self._pct(r["trans_terms"]),
            }
        )

    @cached_property
    def group_table(self) -> pd.DataFrame:
        r = self._details
        term = np.nan_to_num(r["g_jj"]) * r["p"] * r["s"]
        return pd.DataFrame(
            {
                "n_units": r["n_g"].astype(int),
                "mean": r["mean_g"],
                "unit_share": r["p"],
                "value_share": r["s"],
                "gini": r["g_jj"],
                "within_term": term,
                "within_pct": self._pct(term),
            },
            index=self._labels,
        )

    def summary(self) -> pd.DataFrame:
        """One row (index ``measure``): the three parts, their shares (%), n, number of
        groups and the variant."""
        c = self._pct([self.within, self.between_net, self.transvariation])
        row = {
            "n": self.n,
            "n_groups": len(self._labels),
            "total": self.total,
            "within": self.within,
            "between_net": self.between_net,
            "transvariation": self.transvariation,
            "within_pct": c[0],
            "between_net_pct": c[1],
            "transvariation_pct": c[2],
            "n_omitted": len(self.omitted),
            "variant": self.variant,
        }
        return one_row(row, "Dagum Gini")

    def to_frame(self) -> pd.DataFrame:
        """Per unit, indexed like the input: value and group."""
        y, labels, index = self._values
        index = pd.RangeIndex(y.size) if index is None else index
        return pd.DataFrame({"value": y, "group": labels}, index=index)


def dagum_gini(
    data: Any,
    column: str | None = None,
    *,
    by: str | pd.Series | np.ndarray,
    nan_policy: str = "raise",
) -> DagumResult:
    """Dagum (1997) decomposition of the Gini coefficient by group.

    Parameters
    ----------
    data
        A Series, an array, or a (Geo)DataFrame together with ``column``.
    column
        The value column (e.g. beds per 1,000 people) when ``data`` is a DataFrame.
    by
        Group label per unit (column name, Series aligned on the index, or array by position).
    nan_policy
        ``"raise"`` or ``"omit"`` (omitted labels in ``.omitted``).

    Returns
    -------
    DagumResult
        ``total`` (= the ordinary, unweighted Gini of all units), ``within`` (G_w),
        ``between_net`` (G_nb), ``transvariation`` (G_t), with
        ``within + between_net + transvariation == total``; per-group and per-pair tables.
        Units weigh equally (Dagum's original definition, no population weights).

    Notes
    -----
    O(n log n) time and O(n) memory for a fixed number of groups: see the module text.
    A one-unit group has G_jj = 0. A group whose values are all zero has an undefined
    G_jj (NaN) and weight 0 in G_w. A pair of groups whose units all share one value
    has an undefined D_jh (NaN) and contributes 0 to both between parts.

    Raises
    ------
    ValueError
        Negative values, all values zero, fewer than two groups, NaN with
        ``nan_policy="raise"``, labels of ``by`` that do not match the data.
    """
    fast = fast_arrays(data, column, labels={"group": by}, nan_policy=nan_policy)
    if fast is not None and "group" in fast:  # plain arrays: checked in place, no pandas
        y, labels, index, omitted = fast["value"], fast["group"], fast["index"], ()
    else:
        inp = resolve(data, column, func="dagum_gini", labels={"group": by}, nan_policy=nan_policy)
        frame = inp.frame
        if "group" not in frame:
            raise TypeError(
                "dagum_gini: by= is required (a column name or a Series of group labels)."
            )
        check_nonnegative(
            frame["value"],
            func="dagum_gini",
            what="values",
            why="the Gini compares shares of a total",
        )
        y = frame["value"].to_numpy(np.float64)
        labels, index, omitted = frame["group"], frame.index, inp.omitted
    if not y.sum() > 0:
        raise ValueError("dagum_gini: all values are zero; the Gini is 0/0 and undefined.")
    codes, uniques = group_codes(labels, func="dagum_gini")
    r = dagum_core(y, codes, len(uniques))
    return DagumResult(
        total=r["total"],
        within=r["within"],
        between_net=r["between_net"],
        transvariation=r["transvariation"],
        variant=VARIANT,
        n=int(y.size),
        omitted=omitted,
        _parts=r,
        _uniques=uniques,
        _group_name=group_name(by),
        _values=(y, labels, index),
    )
