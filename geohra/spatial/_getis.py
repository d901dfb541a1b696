"""Getis-Ord local G: Gi* (the unit in its own neighbourhood) or Gi, per unit.

Analytic z under total randomisation (Ord & Getis 1995, general weights) and folded
pseudo p-values from the conditional randomisation of :mod:`geohra.spatial._conditional`.
Public names are re-exported by :mod:`geohra.spatial` (and :mod:`geohra.spatial.local`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import renamed_arguments
from geohra._result import Result, deprecated_alias, one_row, series_frame
from geohra.spatial._conditional import (
    NOT_SIGNIFICANT,
    _bh_adjust,
    _check_significance,
    _conditional_pvalues,
    _series,
    _split_self,
)
from geohra.spatial._prep import _check_permutations, _prepare, deprecated_time_option
from geohra.spatial.weights import _check_transform

SPOT_LABELS = ("Hot spot", "Cold spot", NOT_SIGNIFICANT)
INFERENCE = ("analytic", "permutation")


@dataclass(frozen=True, repr=False)
class GetisOrdResult(Result):
    """Getis-Ord local G (Gi*, or Gi without the unit itself) per unit.

    ``statistic`` G_i = sum_j w_ij x_j / sum_j x_j; ``expected`` W_i / N and ``variance``
    under total randomisation (Ord & Getis 1995, general weights); ``z`` and ``pvalue``
    (two-sided normal); ``pvalue_sim`` folded pseudo p from conditional randomisation;
    ``spot``: "Hot spot" (z > 0), "Cold spot" (z < 0) where the p-value chosen by
    ``inference`` is <= ``significance``, else "Not significant".
    """

    statistic: pd.Series
    expected: pd.Series
    variance: pd.Series
    z: pd.Series
    pvalue: pd.Series
    pvalue_sim: pd.Series | None
    pvalue_fdr: pd.Series | None
    spot: pd.Series
    star: bool
    transform: str
    inference: str
    significance: float
    permutations: int
    n: int
    omitted: tuple
    islands: tuple
    variant: str = field(repr=False)

    method = deprecated_alias("variant", "method")

    def _repr_parts(self) -> list[str]:
        counts = self.spot.value_counts()
        parts = [f"n={self.n}"]
        parts += [f"{lab.lower()} {int(counts.get(lab, 0))}" for lab in SPOT_LABELS]
        parts.append("Gi*" if self.star else "Gi")
        parts.append(f"{self.inference} p")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Columns statistic, expected, variance, z, pvalue, pvalue_sim, spot (+ pvalue_fdr)."""
        return series_frame(
            self,
            (
                "statistic",
                "expected",
                "variance",
                "z",
                "pvalue",
                "pvalue_sim",
                "pvalue_fdr",
                "spot",
            ),
        )

    def summary(self) -> pd.DataFrame:
        """One row: number of hot and cold spots, n, settings."""
        counts = self.spot.value_counts()
        row = {lab: int(counts.get(lab, 0)) for lab in SPOT_LABELS}
        row.update(
            n=self.n,
            star=self.star,
            transform=self.transform,
            inference=self.inference,
            significance=self.significance,
            permutations=self.permutations,
            islands=len(self.islands),
            n_omitted=len(self.omitted),
            variant=self.variant,
        )
        return one_row(row, "Getis-Ord Gi*" if self.star else "Getis-Ord Gi")


@renamed_arguments(weights="graph")
@deprecated_time_option
def getis_ord(
    data: Any,
    column: str | None = None,
    *,
    graph: Any = None,
    star: bool = True,
    transform: str = "b",
    permutations: int = 999,
    significance: float = 0.05,
    inference: str = "analytic",
    fdr: bool = False,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
) -> GetisOrdResult:
    """Getis-Ord Gi* (default) or Gi hot-spot statistics.

    Parameters
    ----------
    data, column, rng, nan_policy, time, unit
        As :func:`geohra.moran`. The variable must be non-negative (G is a share of
        the total; Getis & Ord 1992).
    graph : libpysal Graph or W, optional
        Ids = the data's index. Default: queen contiguity with islands linked to the
        nearest unit. The weights are then re-weighted by ``transform``.
    star : bool
        True: Gi*, the unit itself is in its neighbourhood (unless the weights already
        have a non-zero diagonal) with self-weight 1 for ``"b"``, else the largest
        weight of its row (esda's rule); False: Gi without it.
    transform : {"b", "r", "o"}
        ``"b"`` binary (the classic Gi*, as ArcGIS's hot spot analysis and esda's
        ``G_Local(transform="B")``), ``"r"`` row-standardised after adding the
        self-weight, ``"o"`` the weights as given.
    permutations : int
        Conditional randomisations for ``pvalue_sim`` (0 to skip).
    significance : float
        Level for the hot/cold spot labels.
    inference : {"analytic", "permutation"}
        Which p-value labels the spots: the two-sided normal ``pvalue`` (default, as
        ArcGIS) or the folded pseudo ``pvalue_sim``.
    fdr : bool
        Benjamini-Hochberg adjustment of that p-value before labelling.

    Notes
    -----
    z_i = (sum_j w_ij x_j - xbar W_i) / (s sqrt((N S1_i - W_i^2)/(N - 1))) with
    W_i = sum_j w_ij, S1_i = sum_j w_ij^2, xbar and s (population sd) over the N = n
    values (Gi*) or the N = n - 1 values other than x_i (Gi). For binary weights
    this equals esda's ``Zs``; for row-standardised weights esda applies the
    binary-weights formula, which differs.
    """

    permutations, significance, transform = _check_gi_options(
        permutations, significance, inference, transform
    )
    # _prepare is called here, not in a helper: its IslandWarning's stacklevel counts frames
    p = _prepare(data, column, graph, nan_policy, "getis_ord", default_transform="o")
    _check_non_negative(p.y, p.ids)
    off, self_w = _gi_weights(p.w, star, transform)
    a = _gi_arrays(p.y, off, self_w, star)
    a.update(_gi_tests(p.y, off, self_w, a, permutations, inference, fdr, significance, rng))
    settings = {
        "star": bool(star),
        "transform": transform,
        "inference": inference,
        "significance": significance,
        "permutations": permutations,
    }
    return _gi_result(p, a, settings, fdr)


def _check_gi_options(
    permutations: int, significance: float, inference: str, transform: str
) -> tuple[int, float, str]:
    """Checked permutations, significance, inference and transform."""
    permutations = _check_permutations(permutations)
    significance = _check_significance(significance)
    if inference not in INFERENCE:
        raise ValueError(f"getis_ord: inference must be one of {INFERENCE}; got {inference!r}.")
    if inference == "permutation" and permutations < 1:
        raise ValueError("getis_ord: inference='permutation' needs permutations >= 1.")
    transform = _check_transform(transform)
    if transform not in ("b", "r", "o"):
        raise ValueError(f"getis_ord: transform must be 'b', 'r' or 'o'; got {transform!r}.")
    return permutations, significance, transform


def _check_non_negative(x: np.ndarray, ids: pd.Index) -> None:
    """G is a share of the total: negative values raise, naming up to five units."""
    if (x < 0).any():
        bad = ids[x < 0][:5].tolist()
        raise ValueError(
            f"getis_ord: negative values at {bad}; G is a share of the total and needs "
            "non-negative values (Getis & Ord 1992). Use local_moran for signed variables."
        )


def _gi_weights(w: Any, star: bool, transform: str) -> tuple[Any, np.ndarray]:
    """Off-diagonal weights (CSR) and self-weights re-weighted by ``transform`` and ``star``."""
    off, self_w = _split_self(w)
    if transform == "b":
        off.data = np.ones_like(off.data)
        self_w = (self_w != 0).astype(float)
    if star:
        # a unit's own weight: 1 for binary weights, else the largest weight of its row
        # (esda's rule: equal to its neighbours' weight for row-standardised or binary
        # input, so "r" gives 1/(c_i + 1) whatever the input's scaling)
        row_max = np.zeros(off.shape[0])
        has = np.diff(off.indptr) > 0
        row_max[has] = np.maximum.reduceat(off.data, off.indptr[:-1][has])
        fill = np.where(row_max > 0, row_max, 1.0) if transform != "b" else 1.0
        self_w = np.where(self_w == 0, fill, self_w)
    else:
        self_w = np.zeros_like(self_w)
    if transform == "r":
        total = np.asarray(off.sum(axis=1)).ravel() + self_w
        total = np.where(total > 0, total, 1.0)  # an empty row (island, Gi) stays empty
        off = off.multiply(1.0 / total[:, None]).tocsr()
        self_w = self_w / total
    return off, self_w


def _gi_arrays(x: np.ndarray, off: Any, self_w: np.ndarray, star: bool) -> dict[str, Any]:
    """G_i, its expectation, variance and z under total randomisation (NaN z for islands)."""
    n = x.size
    card = np.diff(off.indptr)
    w_i = np.asarray(off.sum(axis=1)).ravel() + self_w
    s1_i = np.asarray(off.multiply(off).sum(axis=1)).ravel() + self_w**2
    t_i = off @ x + self_w * x
    if star:
        big_n = float(n)
        denom = np.full(n, x.sum())
        xbar = np.full(n, x.mean())
        var_x = np.full(n, np.mean(x * x) - x.mean() ** 2)
    else:
        big_n = float(n - 1)
        denom = x.sum() - x
        xbar = denom / big_n
        var_x = (np.sum(x * x) - x * x) / big_n - xbar**2
    stat = t_i / denom
    expected = w_i / big_n
    spread = (big_n * s1_i - w_i**2) / (big_n - 1)
    variance = spread * var_x / (big_n * xbar) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        zs = (t_i - xbar * w_i) / np.sqrt(var_x * spread)
    zs[card == 0] = np.nan  # islands: no neighbours, no test
    return {"statistic": stat, "expected": expected, "variance": variance, "z": zs, "denom": denom}


def _gi_tests(
    x: np.ndarray,
    off: Any,
    self_w: np.ndarray,
    a: dict[str, Any],
    permutations: int,
    inference: str,
    fdr: bool,
    significance: float,
    rng: Any,
) -> dict[str, Any]:
    """Normal and pseudo p-values, the optional BH adjustment and the spot labels."""
    from scipy import stats

    stat, zs, denom = a["statistic"], a["z"], a["denom"]
    pvals = 2.0 * stats.norm.sf(np.abs(zs))
    psim = None
    if permutations:

        def simulate(sites: np.ndarray, lags: np.ndarray) -> np.ndarray:
            own = (self_w[sites] * x[sites])[:, None]
            return (lags + own) / denom[sites][:, None]

        psim = _conditional_pvalues(x, off, stat, simulate, permutations, rng)
    test = pvals if inference == "analytic" else psim
    q = _bh_adjust(test) if fdr else None
    significant = np.nan_to_num(q if fdr else test, nan=1.0) <= significance
    spot = np.where(
        significant & (zs > 0),
        "Hot spot",
        np.where(significant & (zs < 0), "Cold spot", NOT_SIGNIFICANT),
    )
    return {"pvalue": pvals, "pvalue_sim": psim, "pvalue_fdr": q, "spot": spot}


def _gi_result(p: Any, a: dict[str, Any], settings: dict[str, Any], fdr: bool) -> GetisOrdResult:
    """The arrays as Series on the caller's index, with the variant text."""
    ids, index = p.ids, p.index
    star, transform, inference = settings["star"], settings["transform"], settings["inference"]
    method = (
        f"Getis-Ord {'Gi*' if star else 'Gi'} with {transform}-transformed weights; z under "
        "total randomisation (Ord & Getis 1995, general weights), two-sided normal pvalue; "
        "pvalue_sim: folded one-sided pseudo p from conditional randomisation; spots on "
        f"{'pvalue' if inference == 'analytic' else 'pvalue_sim'}"
        + (" after Benjamini-Hochberg" if fdr else "")
    )

    def optional(key: str) -> pd.Series | None:
        return None if a[key] is None else _series(a[key], ids, index, key)

    return GetisOrdResult(
        statistic=_series(a["statistic"], ids, index, "statistic"),
        expected=_series(a["expected"], ids, index, "expected"),
        variance=_series(a["variance"], ids, index, "variance"),
        z=_series(a["z"], ids, index, "z"),
        pvalue=_series(a["pvalue"], ids, index, "pvalue"),
        pvalue_sim=optional("pvalue_sim"),
        pvalue_fdr=optional("pvalue_fdr"),
        spot=_series(a["spot"], ids, index, "spot", dtype="string"),
        **settings,
        n=p.y.size,
        omitted=p.omitted,
        islands=p.islands,
        variant=method,
    )
