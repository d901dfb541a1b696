"""Spatial weights and global spatial autocorrelation (Moran's I, Geary's C).

``spatial_weights`` returns a :class:`libpysal.graph.Graph` whose ids are the
GeoDataFrame's index (contiguity, islands and projections are handled in
:mod:`geohra.spatial.weights`; the default weights of the statistics are built there without
importing libpysal). The statistics are computed here, in vectorised NumPy, so that

* data and weights are matched on ids, never by position (esda's classes flatten the
  input and trust its order);
* permutation inference draws from the ``rng`` you pass (esda's ``Moran`` and
  ``Geary`` use numpy's global random state);
* nothing compiles numba code (esda's local statistics do, ~15 s in a fresh process).

The analytic moments follow Cliff & Ord (1981), the same formulas as esda; the tests
check every number against ``esda.Moran`` / ``esda.Geary`` on the same data and weights.
Local statistics (``local_moran``, ``getis_ord``) live in :mod:`geohra.spatial.local`.

Words: a *unit* is a row (province, county); *neighbours* are the units with a
non-zero weight in its row; an *island* is a unit without neighbours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import renamed_arguments, resolve_rng
from geohra._result import Result, deprecated_alias, fmt, one_row
from geohra.spatial._prep import (
    _check_permutations,
    _folded_pvalue,
    _permuted_blocks,
    _prepare,
    _two_sided,
    _weight_sums,
    deprecated_time_option,
)

# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, repr=False)
class _GlobalResult(Result):
    statistic: float
    expected: float
    variance: float
    z: float
    pvalue: float
    variance_norm: float
    z_norm: float
    pvalue_norm: float
    pvalue_sim: float | None
    expected_sim: float | None
    z_sim: float | None
    permutations: int
    n: int
    omitted: tuple
    islands: tuple
    variant: str
    simulations: np.ndarray | None = field(default=None, repr=False)
    # per unit (indexed like the input, NaN where omitted): standardised values
    # (population sd) and their spatial lag, for the Moran scatter plot
    standardised: pd.Series | None = field(default=None, repr=False)
    lag: pd.Series | None = field(default=None, repr=False)

    _FIELDS = (
        "statistic",
        "expected",
        "variance",
        "z",
        "pvalue",
        "variance_norm",
        "z_norm",
        "pvalue_norm",
        "pvalue_sim",
        "expected_sim",
        "z_sim",
        "permutations",
        "n",
    )

    method = deprecated_alias("variant", "method")

    def _repr_parts(self) -> list[str]:
        parts = [f"{self._SYMBOL}={fmt(self.statistic, 3)}", f"p={fmt(self.pvalue, 3)}"]
        if self.pvalue_sim is not None:
            parts.append(f"p_sim={fmt(self.pvalue_sim, 3)}")
        parts.append(f"n={self.n}")
        if self.permutations:
            parts.append(f"{self.permutations} permutations")
        return parts

    def summary(self) -> pd.DataFrame:
        """One row (index ``measure``): the statistic, moments, z-scores and p-values, n,
        variant."""
        row = {name: getattr(self, name) for name in self._FIELDS}
        row["islands"] = len(self.islands)
        row["n_omitted"] = len(self.omitted)
        row["variant"] = self.variant
        return one_row(row, self._NAME)

    def to_frame(self) -> pd.DataFrame:
        """A global statistic has no per-unit values: the same one row as ``summary()``
        (use :func:`local_moran` for per-unit results)."""
        return self.summary()


_MORAN_METHOD = (
    "Moran's I = n/S0 * z'Wz / z'z (z = y - mean); pvalue: two-sided normal approximation "
    "under randomisation (variance_norm/z_norm/pvalue_norm: under normality); pvalue_sim: "
    "PySAL's folded one-sided pseudo p (min(#I_sim >= I, #I_sim <= I) + 1)/(permutations + 1) "
    "from random permutations of the values over the units"
)
_GEARY_METHOD = (
    "Geary's C = (n-1) sum_ij w_ij (y_i - y_j)^2 / (2 S0 sum (y - mean)^2); pvalue: "
    "two-sided normal approximation under randomisation (pvalue_norm: under normality; "
    "esda reports one-sided values, half of these); pvalue_sim: PySAL's folded one-sided "
    "pseudo p (min(#C_sim >= C, #C_sim <= C) + 1)/(permutations + 1)"
)


@dataclass(frozen=True, repr=False)
class MoranResult(_GlobalResult):
    """Global Moran's I. ``statistic`` is I; ``expected`` is -1/(n-1); ``variance``,
    ``z`` and ``pvalue`` are under randomisation (two-sided); ``*_norm`` under the
    normality assumption; ``pvalue_sim`` is the permutation pseudo p-value (see
    ``variant``); ``expected_sim`` and ``z_sim`` summarise the permutation distribution
    (kept in ``simulations``); ``standardised`` and ``lag`` hold each unit's
    standardised value and its spatial lag (the Moran scatter plot)."""

    _NAME = "Moran's I"
    _SYMBOL = "I"

    def plot(self, **kwargs: Any) -> Any:
        """Moran scatter plot; keyword arguments go to
        :func:`geohra.maps.charts.moran_scatter`. Needs matplotlib."""
        from geohra.maps.charts import moran_scatter

        ok = self.standardised.notna()
        return moran_scatter(self.standardised[ok], self.lag[ok], **kwargs)


@dataclass(frozen=True, repr=False)
class GearyResult(_GlobalResult):
    """Global Geary's C (``expected`` = 1; C < 1 means positive autocorrelation); fields
    as :class:`MoranResult`."""

    _NAME = "Geary's C"
    _SYMBOL = "C"


# ----------------------------------------------------------------------------- Moran, Geary


@renamed_arguments(weights="graph")
@deprecated_time_option
def moran(
    data: Any,
    column: str | None = None,
    *,
    graph: Any = None,
    permutations: int = 999,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
) -> MoranResult:
    """Global Moran's I with analytic and permutation inference.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame or Series
        One row per unit, indexed by unit id; or a long panel with ``time``.
    column : str
        The variable, when ``data`` is a (Geo)DataFrame.
    graph : libpysal Graph or W, optional
        Ids must be the data's index labels (any order; missing or extra ids raise).
        Used as given (not re-standardised). Default: queen contiguity, row-standardised,
        islands linked to their nearest unit (``spatial_weights(data)``, warns).
    permutations : int
        Random permutations for ``pvalue_sim`` (0 to skip).
    rng : None, int or numpy Generator
        Source of the permutations.
    nan_policy : {"raise", "omit"}
        ``"omit"`` drops units with missing values from the data and the weights
        (re-standardising rows) and lists them in ``.omitted``.
    time, unit : str, optional
        Deprecated: use ``geohra.per_year(moran, panel, column, time="year")``, which
        builds the weights once per geometry and returns a :class:`~geohra.PerYearResult`.

    Returns
    -------
    MoranResult
        See :class:`MoranResult`; ``variant`` states the formulas and p-value variants.
    """
    permutations = _check_permutations(permutations)
    p = _prepare(data, column, graph, nan_policy, "moran")
    n = p.y.size
    z = p.y - p.y.mean()
    s0, s1, s2, _, _ = _weight_sums(p.w)
    m2 = float(z @ z)

    def stat(zz: np.ndarray) -> np.ndarray:  # rows are variables
        return n / s0 * np.einsum("ij,ij->i", zz, (p.w @ zz.T).T) / m2

    observed = float(stat(z[None, :])[0])
    expected = -1.0 / (n - 1)
    var_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0) - expected**2
    kurt = (np.sum(z**4) / n) / (m2 / n) ** 2
    a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
    b = kurt * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    var_rand = (a - b) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - expected**2
    std = z / p.y.std()
    return MoranResult(
        **_inference(observed, expected, var_rand, var_norm, z, stat, permutations, rng),
        n=n,
        omitted=p.omitted,
        islands=p.islands,
        variant=_MORAN_METHOD,
        standardised=pd.Series(std, index=p.ids, name="z").reindex(p.index),
        lag=pd.Series(p.w @ std, index=p.ids, name="lag").reindex(p.index),
    )


@renamed_arguments(weights="graph")
@deprecated_time_option
def geary(
    data: Any,
    column: str | None = None,
    *,
    graph: Any = None,
    permutations: int = 999,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
) -> GearyResult:
    """Global Geary's C with analytic and permutation inference.

    Parameters as :func:`moran`. ``expected`` is 1; values below 1 mean similar
    neighbours (positive autocorrelation). p-values are two-sided (esda's ``p_norm`` and
    ``p_rand`` are one-sided: half of ours).
    """
    permutations = _check_permutations(permutations)
    p = _prepare(data, column, graph, nan_policy, "geary")
    n = p.y.size
    z = p.y - p.y.mean()
    s0, s1, s2, rows, cols = _weight_sums(p.w)
    m2 = float(z @ z)
    degree = rows + cols

    def stat(zz: np.ndarray) -> np.ndarray:
        # sum_ij w_ij (z_i - z_j)^2 = sum_i z_i^2 (row_i + col_i) - 2 z'Wz
        quad = np.einsum("ij,ij->i", zz, (p.w @ zz.T).T)
        return (n - 1) * ((zz * zz) @ degree - 2 * quad) / (2 * s0 * m2)

    observed = float(stat(z[None, :])[0])
    kurt = (np.sum(z**4) / n) / (m2 / n) ** 2
    nn = n * n
    a = (n - 1) * s1 * (nn - 3 * n + 3 - (n - 1) * kurt)
    b = 0.25 * ((n - 1) * s2 * (nn + 3 * n - 6 - (nn - n + 2) * kurt))
    c = s0 * s0 * (nn - 3 - (n - 1) ** 2 * kurt)
    var_rand = (a - b + c) / (n * (n - 2) * (n - 3) * s0 * s0)
    var_norm = ((2 * s1 + s2) * (n - 1) - 4 * s0 * s0) / (2 * (n + 1) * s0 * s0)
    return GearyResult(
        **_inference(observed, 1.0, var_rand, var_norm, z, stat, permutations, rng),
        n=n,
        omitted=p.omitted,
        islands=p.islands,
        variant=_GEARY_METHOD,
    )


def _inference(
    observed: float,
    expected: float,
    var_rand: float,
    var_norm: float,
    z: np.ndarray,
    stat: Callable[[np.ndarray], np.ndarray],
    permutations: int,
    rng: Any,
) -> dict:
    z_rand = (observed - expected) / math.sqrt(var_rand) if var_rand > 0 else math.nan
    z_norm = (observed - expected) / math.sqrt(var_norm) if var_norm > 0 else math.nan
    out = {
        "statistic": observed,
        "expected": expected,
        "variance": var_rand,
        "z": z_rand,
        "pvalue": _two_sided(z_rand),
        "variance_norm": var_norm,
        "z_norm": z_norm,
        "pvalue_norm": _two_sided(z_norm),
        "pvalue_sim": None,
        "expected_sim": None,
        "z_sim": None,
        "permutations": permutations,
        "simulations": None,
    }
    if permutations:
        gen = resolve_rng(rng)
        sims = np.concatenate([stat(block) for block in _permuted_blocks(z, permutations, gen)])
        sd = sims.std()
        out.update(
            pvalue_sim=float(_folded_pvalue(np.asarray(observed), sims)),
            expected_sim=float(sims.mean()),
            z_sim=float((observed - sims.mean()) / sd) if sd > 0 else math.nan,
            simulations=sims,
        )
    return out
