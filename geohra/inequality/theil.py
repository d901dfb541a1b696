"""Theil T and mean log deviation (Theil L), plain or population-weighted, with
a within/between-group decomposition in which both parts are computed directly.

Both indices are Kullback-Leibler divergences between two distributions over the
units, the resource shares ``s_i = Y_i / Y`` and the population shares
``q_i = P_i / P`` (``q_i = 1/n`` when no population is given):

    T = Σ_i s_i ln(s_i / q_i)      (Theil T, weights of the decomposition: S_g)
    L = Σ_i q_i ln(q_i / s_i)      (mean log deviation, weights: Q_g)

so one routine, ``divergence(a, b)``, serves both with the roles of s and q swapped.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from geohra.inequality._prep import (
    check_nonnegative,
    fast_arrays,
    group_codes,
    group_name,
    resolve,
)
from geohra.inequality._theil_results import PairwiseTheilResult, TheilResult, _pct

__all__ = ["theil", "TheilResult", "theil_pairwise", "PairwiseTheilResult"]

# registry of log bases: name -> ln(base) used as divisor
_BASES: dict[Any, float] = {"e": 1.0, 2: math.log(2.0), 10: math.log(10.0)}
_INDICES = ("T", "L")


def _xlogx_over(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a·ln(a/b) elementwise with the limit 0·ln(0/b) = 0; the caller guarantees b > 0 where a > 0."""
    pos = a > 0
    # ln a − ln b rather than ln(a/b): the ratio of a tiny and a normal share can overflow
    if pos.all():  # no zero: the same products without masking (a short path per call)
        return a * (np.log(a) - np.log(b))
    out = np.zeros_like(a)
    out[pos] = a[pos] * (np.log(a[pos]) - np.log(b[pos]))
    return out


def divergence(
    a: np.ndarray, b: np.ndarray, codes: np.ndarray | None = None, k: int = 0
) -> dict[str, Any]:
    """Σ a ln(a/b) and, with group codes, its between and within parts (computed separately).

    ``a`` and ``b`` are shares summing to one. Between = Σ_g A_g ln(A_g/B_g) on group
    sums; within = Σ_g A_g · D_g where D_g is the divergence of the within-group shares
    a_i/A_g against b_i/B_g. A group with A_g = 0 has weight 0 and an undefined D_g (NaN).
    """
    terms = _xlogx_over(a, b)
    out: dict[str, Any] = {"terms": terms, "total": float(terms.sum())}
    if codes is None:
        return out
    A = np.bincount(codes, weights=a, minlength=k)
    B = np.bincount(codes, weights=b, minlength=k)
    between_terms = _xlogx_over(A, B)
    with np.errstate(divide="ignore", invalid="ignore"):
        a_in = a / A[codes]
        b_in = b / B[codes]
    if (A > 0).all():  # every group holds some share: no group to leave out
        group_div = np.bincount(codes, weights=_xlogx_over(a_in, b_in), minlength=k)
        weighted = A * np.nan_to_num(group_div)
    else:
        inner = np.zeros_like(a)
        ok = A[codes] > 0
        inner[ok] = _xlogx_over(a_in[ok], b_in[ok])
        group_div = np.bincount(codes, weights=inner, minlength=k)
        group_div[A == 0] = np.nan
        weighted = np.where(A > 0, A * np.nan_to_num(group_div), 0.0)
    out.update(
        between=float(between_terms.sum()),
        within=float(weighted.sum()),
        between_terms=between_terms,
        group_index=group_div,
        group_weighted=weighted,
        A=A,
        B=B,
    )
    return out


def theil(
    data: Any,
    column: str | None = None,
    *,
    population: str | pd.Series | np.ndarray | None = None,
    by: str | pd.Series | np.ndarray | None = None,
    index: str = "T",
    base: str | int = "e",
    nan_policy: str = "raise",
) -> TheilResult:
    """Theil index (T or L), optionally population-weighted and decomposed by group.

    Parameters
    ----------
    data
        A Series, an array, or a (Geo)DataFrame together with ``column``.
    column
        With ``population``: the resource **total** per unit (e.g. beds). Without it:
        any non-negative value per unit, each unit weighing equally.
    population
        Population per unit (column name, Series aligned on the index, or array by position).
    by
        Group label per unit (e.g. eastern/central/western) for the decomposition.
    index
        ``"T"``: Theil T, ``Σ_i s_i ln(s_i/q_i)``, decomposed with resource-share weights S_g.
        ``"L"``: mean log deviation, ``Σ_i q_i ln(q_i/s_i)``, decomposed with population-share
        weights Q_g. Here ``s_i = Y_i/Y`` and ``q_i = P_i/P`` (``1/n`` without population);
        unweighted T is PySAL's ``TheilD`` convention ``Σ s_i ln(n s_i)``.
    base
        Logarithm base: ``"e"`` (default), ``10`` (studies that write lg) or ``2``.
    nan_policy
        ``"raise"`` or ``"omit"`` (omitted labels in ``.omitted``).

    Returns
    -------
    TheilResult
        ``total``, ``within``, ``between`` (within and between are computed independently:
        between from group totals, within as the weighted sum of each group's own index),
        ``groups`` table, ``variant`` text. Zeros use the limit 0·ln 0 = 0.

    Raises
    ------
    ValueError
        Negative values; for T, a unit with resource but zero population (infinite term);
        for L, a unit with zero resource but positive population (ln 0); fewer than two
        groups; NaN with ``nan_policy="raise"``; labels that do not match; infinite
        values; a long panel (use :func:`geohra.per_year`).

    Warns
    -----
    DataQualityWarning
        With ``population``, values that look like per-capita rates instead of totals
        (by name, or CV(x/P) > 2 CV(x)); likely missing-value codes (-999, 9999 ...);
        Hong Kong, Macao, Taiwan left out (listed in ``.omitted``).
    """
    _check_theil_options(index, base)
    fast = fast_arrays(
        data,
        column,
        numeric={"population": population},
        labels={"group": by},
        nan_policy=nan_policy,
        expects=("population", "totals"),
    )
    if fast is not None:  # plain arrays: checked in place, no pandas
        y, pop, labels = fast["value"], fast.get("population"), fast.get("group")
        row_index, omitted = fast["index"], ()
    else:
        # resolve() is called here, not in a helper: its warnings point at the caller's line
        inp = resolve(
            data,
            column,
            func="theil",
            numeric={"population": population},
            labels={"group": by},
            nan_policy=nan_policy,
            expects=("population", "totals"),
        )
        y, pop, labels, row_index, omitted = _theil_arrays(inp)
    s, q = _theil_shares(y, pop, index, row_index)
    a, b = (s, q) if index == "T" else (q, s)
    codes = uniques = None
    if labels is not None:
        codes, uniques = group_codes(labels, func="theil")
    res = divergence(a, b, codes, 0 if uniques is None else len(uniques))
    parts = {
        "y": y,
        "population": pop,
        "labels": labels,
        "index": row_index,
        "s": s,
        "q": q,
        "codes": codes,
        "uniques": uniques,
        "res": res,
        "scale": _BASES[base],
        "group_name": group_name(by),
    }
    return _theil_result(parts, index, base, omitted)


def _check_theil_options(index: str, base: str | int) -> None:
    """The registry options of :func:`theil`."""
    if index not in _INDICES:
        raise ValueError(
            f"theil: index must be 'T' (Theil T) or 'L' (mean log deviation); got {index!r}."
        )
    if base not in _BASES:
        raise ValueError(f"theil: base must be one of 'e', 10, 2; got {base!r}.")


def _theil_shares(
    y: np.ndarray, pop: np.ndarray | None, index: str, row_index: pd.Index | None
) -> tuple[np.ndarray, np.ndarray]:
    """Resource shares s and population shares q (1/n unweighted); raises where the
    index is undefined (all zero) or infinite (T: resources without population,
    L: population without resources)."""
    if not y.sum() > 0:
        raise ValueError(
            "theil: all resource values are zero; shares are 0/0 and the index is undefined."
        )
    s = y / y.sum()
    if pop is not None:
        if not pop.sum() > 0:
            raise ValueError("theil: total population is zero.")
        q = pop / pop.sum()
    else:
        q = np.full(y.size, 1.0 / y.size)
    if index == "T":
        bad = (s > 0) & (q == 0)
        if bad.any():
            raise ValueError(
                f"theil: unit(s) {_labels_of(row_index, bad)} have resources but zero population, so "
                "their Theil-T term s·ln(s/0) is infinite. Fix the population or leave those units out."
            )
    else:
        bad = (q > 0) & (s == 0)
        if bad.any():
            raise ValueError(
                f"theil: unit(s) {_labels_of(row_index, bad)} have zero resource, so the mean log "
                "deviation (index='L', which takes ln of every unit's share) is infinite. Use "
                "index='T', which handles zeros through the limit 0·ln 0 = 0, or leave those units out."
            )
    return s, q


def _theil_result(
    parts: dict[str, Any], index: str, base: str | int, omitted: tuple
) -> TheilResult:
    """The result in ``base`` units, with the variant text; ``parts`` feed ``.groups``."""
    res, scale = parts["res"], parts["scale"]
    weighted = parts["population"] is not None
    decomposed = parts["codes"] is not None
    name = "Theil T" if index == "T" else "mean log deviation (Theil L)"
    formula = "Σ s_i ln(s_i/q_i)" if index == "T" else "Σ q_i ln(q_i/s_i)"
    shares = "q_i = P_i/P (population-weighted)" if weighted else "q_i = 1/n (units weigh equally)"
    weights_word = (
        "resource shares S_g"
        if index == "T"
        else "population shares Q_g"
        if weighted
        else "unit shares n_g/n"
    )
    variant = f"{name}: {formula}, s_i = Y_i/Y, {shares}; log base {base}; 0·ln0 = 0" + (
        f"; within = Σ_g (weight_g · index_g) with {weights_word}, between from group totals"
        if decomposed
        else ""
    )
    return TheilResult(
        total=res["total"] / scale,
        within=res["within"] / scale if decomposed else None,
        between=res["between"] / scale if decomposed else None,
        index=index,
        base=str(base),
        weighted=weighted,
        variant=variant,
        n=int(parts["y"].size),
        omitted=omitted,
        _parts=parts,
    )


def theil_pairwise(
    data: Any,
    column: str | None = None,
    *,
    by: str | pd.Series | np.ndarray,
    population: str | pd.Series | np.ndarray | None = None,
    index: str = "T",
    base: str | int = "e",
    nan_policy: str = "raise",
) -> PairwiseTheilResult:
    """Between-region Theil for each pair of regions, in one call.

    For regions ``g`` and ``h`` the units of those two regions are taken alone, shares are
    formed within the pair, and the Theil index of that subset is decomposed by region
    (:func:`theil`); ``between`` is its between-region part, e.g. T_between(east, west).
    Parameters as :func:`theil`; ``by`` is required and needs at least two regions.
    """
    inp = resolve(
        data,
        column,
        func="theil_pairwise",
        numeric={"population": population},
        labels={"group": by},
        nan_policy=nan_policy,
    )
    frame = inp.frame
    try:  # one order for the sums, so the numbers do not depend on the row order
        frame = frame.sort_index(kind="stable")
    except TypeError:  # labels that do not sort: keep the given order
        pass
    codes, uniques = group_codes(frame["group"], func="theil_pairwise")
    rows = []
    for a in range(len(uniques)):
        for b in range(a + 1, len(uniques)):
            part = frame[(codes == a) | (codes == b)]
            res = theil(
                part,
                "value",
                population="population" if "population" in part else None,
                by="group",
                index=index,
                base=base,
            )
            rows.append(
                {
                    "region_a": uniques[a],
                    "region_b": uniques[b],
                    "n_units": res.n,
                    "total": res.total,
                    "within": res.within,
                    "between": res.between,
                    "between_pct": _pct(res.between, res.total),
                }
            )
    variant = (
        "pairwise between-region part: for each pair of regions, the units of the two regions "
        "alone (shares within the pair), decomposed by region; " + res.variant
    )
    return PairwiseTheilResult(
        table=pd.DataFrame(rows),
        index=index,
        base=str(base),
        weighted="population" in frame,
        variant=variant,
        omitted=inp.omitted,
    )


def _theil_arrays(inp: Any) -> tuple:
    """Arrays from resolved inputs, with the signs checked."""
    frame = inp.frame
    check_nonnegative(
        frame["value"], func="theil", what="resource values", why="logarithms of shares are taken"
    )
    pop = None
    if "population" in frame:
        check_nonnegative(
            frame["population"], func="theil", what="population", why="it is a head count"
        )
        pop = frame["population"].to_numpy(np.float64)
    labels = frame["group"] if "group" in frame else None
    y = frame["value"].to_numpy(np.float64)
    return y, pop, labels, frame.index, inp.omitted


def _labels_of(row_index: pd.Index | None, mask: np.ndarray) -> list:
    """The first few labels (positions for array input) where ``mask`` holds."""
    pos = np.flatnonzero(mask)[:5]
    return pos.tolist() if row_index is None else list(row_index[pos])
