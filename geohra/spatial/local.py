"""Local spatial statistics: local Moran's I (LISA) and Getis-Ord Gi / Gi*.

The conditional randomisation engine (vectorised NumPy with the caller's ``rng``, no
numba) lives in :mod:`geohra.spatial._conditional`, Getis-Ord in
:mod:`geohra.spatial._getis` (re-exported here).

Public names are re-exported by :mod:`geohra.spatial`.
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
from geohra.spatial._getis import INFERENCE, SPOT_LABELS, GetisOrdResult, getis_ord
from geohra.spatial._prep import (
    _check_permutations,
    _prepare,
    deprecated_time_option,
)

__all__ = [
    "CLUSTER_LABELS",
    "INFERENCE",
    "NOT_SIGNIFICANT",
    "SPOT_LABELS",
    "GetisOrdResult",
    "LocalMoranResult",
    "getis_ord",
    "local_moran",
]

CLUSTER_LABELS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}


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
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Columns statistic, pvalue, quadrant, cluster, z, lag (+ pvalue_fdr)."""
        return series_frame(
            self, ("statistic", "pvalue", "quadrant", "cluster", "z", "lag", "pvalue_fdr")
        )

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
@deprecated_time_option
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
