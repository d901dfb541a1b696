"""Local spatial statistics: local Moran's I (LISA) and Getis-Ord Gi / Gi*.

The conditional randomisation engine (vectorised NumPy with the caller's ``rng``, no
numba) lives in :mod:`geohra.spatial._conditional`.

Public names are re-exported by :mod:`geohra.spatial`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import renamed_arguments
from geohra._result import Result, deprecated_alias, one_row
from geohra.spatial._conditional import (
    NOT_SIGNIFICANT,
    _bh_adjust,
    _check_significance,
    _conditional_pvalues,
    _series,
    _split_self,
)
from geohra.spatial._prep import (
    _check_permutations,
    _deprecated_time,
    _prepare,
)
from geohra.spatial.weights import _check_transform

CLUSTER_LABELS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
SPOT_LABELS = ("Hot spot", "Cold spot", NOT_SIGNIFICANT)
INFERENCE = ("analytic", "permutation")


# ----------------------------------------------------------------------------- local Moran


@dataclass(frozen=True, repr=False)
class LocalMoranResult(Result):
    """Local Moran's I (LISA) per unit, Series indexed like the input.

    ``statistic`` I_i = c z_i lag_i / sum z^2 with z the values standardised by the
    population standard deviation and lag_i = sum_j w_ij z_j; c = n - 1 (esda's
    definition, ``scale="n-1"``) or n (spdep's default, ``scale="n"``);
    ``quadrant`` 1 HH, 2 LH, 3 LL, 4 HL (PySAL's numbering; z or lag equal to 0 count as
    low); ``pvalue`` the folded pseudo p-value from conditional randomisation;
    ``pvalue_fdr`` the Benjamini-Hochberg adjusted p-value (``None`` unless ``fdr``);
    ``cluster`` the label at ``significance`` (on ``pvalue_fdr`` when ``fdr``).
    Islands get NaN p-values and "Not significant".
    """

    statistic: pd.Series
    pvalue: pd.Series
    quadrant: pd.Series
    cluster: pd.Series
    z: pd.Series
    lag: pd.Series
    pvalue_fdr: pd.Series | None
    significance: float
    fdr: bool
    permutations: int
    n: int
    omitted: tuple
    islands: tuple
    variant: str = field(repr=False)

    method = deprecated_alias("variant", "method")

    def _repr_parts(self) -> list[str]:
        counts = self.cluster.value_counts()
        short = {"High-High": "HH", "Low-Low": "LL", "Low-High": "LH", "High-Low": "HL"}
        parts = [f"n={self.n}"]
        parts += [f"{short[lab]} {int(counts.get(lab, 0))}" for lab in short]
        parts.append(f"not significant {int(counts.get(NOT_SIGNIFICANT, 0))}")
        parts.append(f"{self.permutations} permutations")
        if self.fdr:
            parts.append("FDR")
        if self.islands:
            parts.append(f"{len(self.islands)} islands")
        if self.omitted:
            parts.append(f"{len(self.omitted)} omitted")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Columns statistic, pvalue, quadrant, cluster, z, lag (+ pvalue_fdr)."""
        cols = {
            "statistic": self.statistic,
            "pvalue": self.pvalue,
            "quadrant": self.quadrant,
            "cluster": self.cluster,
            "z": self.z,
            "lag": self.lag,
        }
        if self.pvalue_fdr is not None:
            cols["pvalue_fdr"] = self.pvalue_fdr
        return pd.DataFrame(cols)

    def plot(self, **kwargs: Any) -> Any:
        """Moran scatter plot (z against lag, points coloured by cluster); keyword
        arguments go to :func:`geohra.maps.charts.moran_scatter`. Needs matplotlib."""
        from geohra.maps.charts import moran_scatter

        ok = self.z.notna()
        return moran_scatter(self.z[ok], self.lag[ok], clusters=self.cluster[ok], **kwargs)

    def summary(self) -> pd.DataFrame:
        """One row: number of units per cluster label, n, settings."""
        counts = self.cluster.value_counts()
        row = {lab: int(counts.get(lab, 0)) for lab in (*CLUSTER_LABELS.values(), NOT_SIGNIFICANT)}
        row.update(
            n=self.n,
            significance=self.significance,
            fdr=self.fdr,
            permutations=self.permutations,
            islands=len(self.islands),
            n_omitted=len(self.omitted),
            variant=self.variant,
        )
        return one_row(row, "Local Moran's I")


#: scale registry: name -> description of the constant c in I_i = c z_i lag_i / sum z^2
LOCAL_SCALES: dict[str, str] = {
    "n-1": "I_i = (n-1) z_i sum_j w_ij z_j / sum z^2 (PySAL/esda)",
    "n": "I_i = n z_i sum_j w_ij z_j / sum z^2 = z_i lag_i / m2, m2 = sum z^2/n (spdep default)",
}
#: island registry: do units without neighbours count in the mean, variance and n?
ISLAND_RULES: dict[str, str] = {
    "include": "islands count in the mean, the variance and n (PySAL; spdep adjust.x=FALSE)",
    "exclude": "mean, variance and n over units with neighbours only (spdep adjust.x=TRUE)",
}

_LISA_METHOD = (
    "local Moran, z standardised with ddof=0; "
    "pvalue: folded one-sided pseudo p (min(#I_sim >= I_i, #I_sim <= I_i) + 1)/(permutations + 1) "
    "from conditional randomisation (own value fixed, neighbours drawn without replacement); "
    "FDR: Benjamini-Hochberg step-up with q <= significance"
)


@renamed_arguments(weights="graph")
def local_moran(
    data: Any,
    column: str | None = None,
    *,
    graph: Any = None,
    permutations: int = 999,
    significance: float = 0.05,
    fdr: bool = False,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
    time: str | None = None,
    unit: str | None = None,
    scale: str = "n-1",
    islands: str = "include",
) -> LocalMoranResult:
    """Local Moran's I (LISA) with cluster labels.

    Parameters
    ----------
    data, column, weights, rng, nan_policy, time, unit
        As :func:`geohra.moran` (default weights: queen contiguity, row-standardised,
        islands linked to the nearest unit).
    permutations : int
        Conditional randomisations for the pseudo p-values (at least 1; 999 default:
        the smallest attainable p is 1/(permutations+1)).
    significance : float
        Level for the cluster labels: a unit is labelled by its quadrant ("High-High",
        "Low-High", "Low-Low", "High-Low") when p <= significance, else
        "Not significant".
    fdr : bool
        Control the false discovery rate over all units with Benjamini-Hochberg
        (1995): labels use the adjusted p-values (``pvalue_fdr``) with the classic
        "<=" step-up rule. esda's ``fdr()`` instead returns one cut-off i·alpha/m for a
        strict "<" comparison (and alpha/m when nothing passes), which can drop units
        whose p equals the cut-off (e.g. p = 0.001 with 999 permutations and 50 units).
    scale : {"n-1", "n"}
        The constant c of I_i = c z_i lag_i / sum z^2: ``"n-1"`` (default, PySAL/esda) or
        ``"n"`` (R spdep's ``localmoran`` default ``mlvar=TRUE``, I_i = z_i lag_i / m2).
        With row-standardised weights and no islands, the mean of I_i under ``"n"`` is
        the global Moran's I. p-values do not depend on it.
    islands : {"include", "exclude"}
        Units without neighbours (kept by ``spatial_weights(..., islands="keep")``):
        ``"include"`` (default; PySAL and spdep's ``adjust.x=FALSE``) counts them in the
        mean, the variance and n; ``"exclude"`` (spdep's ``adjust.x=TRUE``) takes the
        mean, the variance and n over units with neighbours only. Islands get I_i = 0
        either way; the conditional randomisation still draws from all other units.

    Returns
    -------
    LocalMoranResult
    """
    _check_lisa_options(scale, islands)
    if time is not None:
        return _deprecated_time(
            local_moran,
            data,
            column,
            time,
            unit,
            graph=graph,
            permutations=permutations,
            significance=significance,
            fdr=fdr,
            rng=rng,
            nan_policy=nan_policy,
            scale=scale,
            islands=islands,
        )
    permutations, significance = _check_lisa_counts(permutations, significance)
    # _prepare is called here, not in a helper: its IslandWarning's stacklevel counts frames
    p = _prepare(data, column, graph, nan_policy, "local_moran")
    arrays = _lisa_arrays(p.y, p.w, scale, islands, permutations, fdr, significance, rng)
    return _lisa_result(p, arrays, scale, islands, permutations, fdr, significance)


def _check_lisa_options(scale: str, islands: str) -> None:
    """The registry options of :func:`local_moran` (checked before the per-year split)."""
    if scale not in LOCAL_SCALES:
        raise ValueError(f"local_moran: scale must be one of {list(LOCAL_SCALES)}; got {scale!r}.")
    if islands not in ISLAND_RULES:
        raise ValueError(
            f"local_moran: islands must be one of {list(ISLAND_RULES)}; got {islands!r}."
        )


def _check_lisa_counts(permutations: int, significance: float) -> tuple[int, float]:
    """Checked permutations (at least 1) and significance level."""
    permutations = _check_permutations(permutations)
    if permutations < 1:
        raise ValueError(
            "local_moran: permutations must be at least 1 (pseudo p-values need them)."
        )
    return permutations, _check_significance(significance)


def _lisa_arrays(
    y: np.ndarray,
    w: Any,
    scale: str,
    islands: str,
    permutations: int,
    fdr: bool,
    significance: float,
    rng: Any,
) -> dict[str, Any]:
    """Local Moran on arrays in the weights' order: statistic, p-values, quadrants, labels."""
    n = y.size
    off, self_w = _split_self(w)
    use = np.diff(off.indptr) > 0 if islands == "exclude" else np.ones(n, dtype=bool)
    if use.sum() < 3 or not y[use].std() > 0:
        raise ValueError(
            "local_moran: with islands='exclude' fewer than 3 units with neighbours, or "
            "their values are all equal; use islands='include'."
        )
    z = (y - y[use].mean()) / y[use].std()
    lag = w @ z
    m = int(use.sum())
    factor = (m - 1 if scale == "n-1" else m) / float(z[use] @ z[use])
    stat = factor * z * lag
    quadrant = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))

    def simulate(sites: np.ndarray, lags: np.ndarray) -> np.ndarray:
        zi = z[sites][:, None]
        return factor * zi * (lags + self_w[sites][:, None] * zi)

    pvals = _conditional_pvalues(z, off, stat, simulate, permutations, rng)
    q = _bh_adjust(pvals) if fdr else None
    test = q if fdr else pvals
    significant = np.nan_to_num(test, nan=1.0) <= significance
    labels = np.where(significant, np.vectorize(CLUSTER_LABELS.get)(quadrant), NOT_SIGNIFICANT)
    return {
        "statistic": stat,
        "pvalue": pvals,
        "pvalue_fdr": q,
        "quadrant": quadrant,
        "cluster": labels,
        "z": z,
        "lag": lag,
    }


def _lisa_result(
    p: Any,
    a: dict[str, Any],
    scale: str,
    islands: str,
    permutations: int,
    fdr: bool,
    significance: float,
) -> LocalMoranResult:
    """The arrays of :func:`_lisa_arrays` as Series on the caller's index."""
    ids, index = p.ids, p.index
    cluster = _series(a["cluster"], ids, index, "cluster", dtype="string")
    q = a["pvalue_fdr"]
    return LocalMoranResult(
        statistic=_series(a["statistic"], ids, index, "statistic"),
        pvalue=_series(a["pvalue"], ids, index, "pvalue"),
        quadrant=_series(a["quadrant"], ids, index, "quadrant", dtype="Int64"),
        cluster=cluster,
        z=_series(a["z"], ids, index, "z"),
        lag=_series(a["lag"], ids, index, "lag"),
        pvalue_fdr=None if q is None else _series(q, ids, index, "pvalue_fdr"),
        significance=significance,
        fdr=bool(fdr),
        permutations=permutations,
        n=p.y.size,
        omitted=p.omitted,
        islands=p.islands,
        variant=f"{LOCAL_SCALES[scale]}; {ISLAND_RULES[islands]}; " + _LISA_METHOD,
    )


# ----------------------------------------------------------------------------- Getis-Ord


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
        if self.islands:
            parts.append(f"{len(self.islands)} islands")
        if self.omitted:
            parts.append(f"{len(self.omitted)} omitted")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Columns statistic, expected, variance, z, pvalue, pvalue_sim, spot (+ pvalue_fdr)."""
        cols = {
            "statistic": self.statistic,
            "expected": self.expected,
            "variance": self.variance,
            "z": self.z,
            "pvalue": self.pvalue,
        }
        if self.pvalue_sim is not None:
            cols["pvalue_sim"] = self.pvalue_sim
        if self.pvalue_fdr is not None:
            cols["pvalue_fdr"] = self.pvalue_fdr
        cols["spot"] = self.spot
        return pd.DataFrame(cols)

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
    time: str | None = None,
    unit: str | None = None,
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

    if time is not None:
        return _deprecated_time(
            getis_ord,
            data,
            column,
            time,
            unit,
            graph=graph,
            star=star,
            transform=transform,
            permutations=permutations,
            significance=significance,
            inference=inference,
            fdr=fdr,
            rng=rng,
            nan_policy=nan_policy,
        )
    permutations = _check_permutations(permutations)
    significance = _check_significance(significance)
    if inference not in INFERENCE:
        raise ValueError(f"getis_ord: inference must be one of {INFERENCE}; got {inference!r}.")
    if inference == "permutation" and permutations < 1:
        raise ValueError("getis_ord: inference='permutation' needs permutations >= 1.")
    transform = _check_transform(transform)
    if transform not in ("b", "r", "o"):
        raise ValueError(f"getis_ord: transform must be 'b', 'r' or 'o'; got {transform!r}.")
    p = _prepare(data, column, graph, nan_policy, "getis_ord", default_transform="o")
    x = p.y
    if (x < 0).any():
        bad = p.ids[x < 0][:5].tolist()
        raise ValueError(
            f"getis_ord: negative values at {bad}; G is a share of the total and needs "
            "non-negative values (Getis & Ord 1992). Use local_moran for signed variables."
        )
    off, self_w = _split_self(p.w)
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
    from scipy import stats

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
    ids, index = p.ids, p.index
    method = (
        f"Getis-Ord {'Gi*' if star else 'Gi'} with {transform}-transformed weights; z under "
        "total randomisation (Ord & Getis 1995, general weights), two-sided normal pvalue; "
        "pvalue_sim: folded one-sided pseudo p from conditional randomisation; spots on "
        f"{'pvalue' if inference == 'analytic' else 'pvalue_sim'}"
        + (" after Benjamini-Hochberg" if fdr else "")
    )
    return GetisOrdResult(
        statistic=_series(stat, ids, index, "statistic"),
        expected=_series(expected, ids, index, "expected"),
        variance=_series(variance, ids, index, "variance"),
        z=_series(zs, ids, index, "z"),
        pvalue=_series(pvals, ids, index, "pvalue"),
        pvalue_sim=None if psim is None else _series(psim, ids, index, "pvalue_sim"),
        pvalue_fdr=None if q is None else _series(q, ids, index, "pvalue_fdr"),
        spot=_series(spot, ids, index, "spot", dtype="string"),
        star=bool(star),
        transform=transform,
        inference=inference,
        significance=significance,
        permutations=permutations,
        n=n,
        omitted=p.omitted,
        islands=p.islands,
        variant=method,
    )
