"""Spatial weights and global spatial autocorrelation (Moran's I, Geary's C).

``spatial_weights`` returns a :class:`libpysal.graph.Graph` whose ids are the
GeoDataFrame's index (contiguity, islands and projections are handled in
:mod:`geohra._weights`; the default weights of the statistics are built there without
importing libpysal). The statistics are computed here, in vectorised NumPy, so that

* data and weights are matched on ids, never by position (esda's classes flatten the
  input and trust its order);
* permutation inference draws from the ``rng`` you pass (esda's ``Moran`` and
  ``Geary`` use numpy's global random state);
* nothing compiles numba code (esda's local statistics do, ~15 s in a fresh process).

The analytic moments follow Cliff & Ord (1981), the same formulas as esda; the tests
check every number against ``esda.Moran`` / ``esda.Geary`` on the same data and weights.
Local statistics (``local_moran``, ``getis_ord``) live in :mod:`geohra._local` and
are re-exported here.

Words: a *unit* is a row (province, county); *neighbours* are the units with a
non-zero weight in its row; an *island* is a unit without neighbours.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import check_nan_policy, get_series, handle_nan, resolve_rng
from geohra._weights import (
    IslandWarning,
    _check_transform,
    _graph_from_positions,
    _import_geopandas,
    _links,
    _LiteGraph,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from libpysal.graph import Graph
    from scipy import sparse

_CHUNK = 4_000_000  # array elements per vectorised permutation block (~32 MB of float64)


# ----------------------------------------------------------------------------- weights


def spatial_weights(
    gdf: gpd.GeoDataFrame,
    kind: str = "queen",
    *,
    k: int | None = None,
    threshold: float | None = None,
    islands: str = "nearest",
    transform: str = "r",
) -> Graph:
    """Spatial weights between the units of a GeoDataFrame, with ids = its index.

    Parameters
    ----------
    gdf : GeoDataFrame
        One row per unit, a unique index (e.g. adcode) and a CRS.
    kind : {"queen", "rook", "knn", "distance"}
        ``queen``: polygons sharing a border or a corner; ``rook``: a border
        (vertex-based, as libpysal's default: a shared corner is a common vertex, a
        shared border two consecutive common vertices, compared exactly; layers whose
        neighbours do not share vertices need cleaning first, e.g. snapping or
        ``shapely.coverage_simplify``, or use ``knn``/``distance``);
        ``knn``: the ``k`` nearest centroids; ``distance``: centroids within
        ``threshold``. Centroids and distances are taken in a projected CRS: the
        data's own if projected, otherwise an Albers equal-area projection fitted to
        the data's extent (for China close to the usual ``lat_1=25, lat_2=47,
        lon_0=105``), so ``threshold`` is in metres for longitude/latitude data.
    k : int
        Number of neighbours, ``kind="knn"`` only.
    threshold : float
        Distance band, ``kind="distance"`` only.
    islands : {"nearest", "keep"}
        Units with no neighbour (Hainan with contiguity weights). ``"nearest"``
        (default) links each to the unit whose polygon is nearest (shortest distance
        between the polygons in the projected CRS), in both directions, and warns
        naming both. ``"keep"`` leaves it isolated and warns: its weights row is
        empty, so its spatial lag is 0; it still counts in ``n`` and in the mean and
        variance of the global statistics (as in PySAL), and local statistics report
        no test for it (p-value NaN, "Not significant").
    transform : {"r", "b", "d", "v", "o"}
        ``"r"`` row-standardised (default), ``"b"`` binary, ``"d"`` doubly
        standardised, ``"v"`` variance-stabilising, ``"o"`` as built.

    Returns
    -------
    libpysal.graph.Graph
    """
    transform = _check_transform(transform)
    ids, focal, neighbor, weight = _links(
        gdf, kind, k=k, threshold=threshold, islands=islands, stacklevel=3
    )
    return _graph_from_positions(ids, focal, neighbor, weight).transform(transform.upper())


# ----------------------------------------------------------------------------- input


@dataclass(frozen=True)
class _Prepared:
    """Data and weights matched on ids, in the weights' order."""

    y: np.ndarray
    ids: pd.Index  # order of y and of the rows/columns of w
    w: Any  # scipy.sparse.csr_array, float64, diagonal as in the graph
    graph: Any
    index: pd.Index  # the caller's full index (for to_frame)
    omitted: tuple
    islands: tuple


def _prepare(
    data: Any,
    column: str | None,
    weights: Any,
    nan_policy: str,
    who: str,
    *,
    default_transform: str = "r",
) -> _Prepared:
    check_nan_policy(nan_policy)
    s = get_series(data, column, name=who)
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"{who}: the index repeats unit ids {dup}; one row per unit is needed. "
            "For a long panel pass time='year'."
        )
    if weights is None:
        gpd = _import_geopandas()
        if not isinstance(data, gpd.GeoDataFrame):
            raise TypeError(
                f"{who}: pass weights= (a libpysal Graph or W with the data's index as ids) "
                "or a GeoDataFrame to build queen contiguity weights from."
            )
        graph = _LiteGraph.build(data, default_transform, stacklevel=4)
    elif isinstance(weights, _LiteGraph):
        graph = weights
    else:
        graph = _as_graph(weights, who)
    ids = pd.Index(graph.unique_ids)
    missing = s.index.difference(ids, sort=False)
    extra = ids.difference(s.index, sort=False)
    if len(missing) or len(extra):
        raise ValueError(
            f"{who}: the weights' ids do not match the data's index: "
            f"{len(missing)} unit(s) of the data are not in the weights {missing[:8].tolist()}; "
            f"{len(extra)} id(s) of the weights are not in the data {extra[:8].tolist()}. "
            "Build the weights from the same units (spatial_weights(gdf)) and index the data "
            "by the same ids (e.g. adcode)."
        )
    kept, omitted = handle_nan(s, nan_policy=nan_policy, name=who)
    if omitted:
        graph = _drop_units(graph, kept.index, who)
        ids = pd.Index(graph.unique_ids)
    if len(ids) < 3:
        raise ValueError(f"{who}: need at least 3 units with values; got {len(ids)}.")
    y = kept.reindex(ids).to_numpy(dtype=np.float64)
    if not np.isfinite(y).all():
        raise ValueError(f"{who}: infinite values at {ids[~np.isfinite(y)][:5].tolist()}.")
    if np.all(y == y[0]):
        raise ValueError(
            f"{who}: every value is {y[0]}; spatial autocorrelation is undefined for a "
            "constant variable (zero variance)."
        )
    w = graph.sparse.tocsr().astype(np.float64)
    return _Prepared(y, ids, w, graph, s.index, tuple(omitted), tuple(graph.isolates))


def _as_graph(weights: Any, who: str) -> Graph:
    from libpysal.graph import Graph
    from libpysal.weights import W

    if isinstance(weights, Graph):
        return weights
    if isinstance(weights, W):
        return Graph.from_W(weights)
    raise TypeError(
        f"{who}: weights must be a libpysal.graph.Graph or libpysal.weights.W; got "
        f"{type(weights).__name__}. Build one with geohra.spatial_weights(gdf)."
    )


def _drop_units(graph: Graph, keep: pd.Index, who: str) -> Graph:
    """Weights restricted to ``keep``; re-applies the graph's transformation."""
    transformation = graph.transformation
    before = set(graph.isolates)
    sub = graph.subgraph(list(keep))
    new_islands = [u for u in sub.isolates if u not in before]
    if new_islands:
        warnings.warn(
            f"{who}: after leaving out the units with missing values, {new_islands[:8]} "
            "have no neighbour left; their spatial lag is 0.",
            IslandWarning,
            stacklevel=4,
        )
    return sub.transform(transformation) if transformation in ("R", "B", "D", "V") else sub


# ----------------------------------------------------------------------------- helpers


def _folded_pvalue(observed: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """PySAL's folded pseudo p-value: (min(#sim >= obs, #sim <= obs) + 1) / (perms + 1).

    ``sims`` has the permutations on the LAST axis. One-sided in the direction of the
    observed value (the "directed"/folded variant esda uses by default). Simulated values
    equal to the observed one up to floating-point rounding (relative 1e-9; they arise
    whenever a draw reproduces the observed neighbourhood in another order) count as
    "at least as extreme" on both sides; PySAL counts only exact ">=" ties, on the
    upper side, so it can differ when such ties occur.
    """
    perms = sims.shape[-1]
    obs = np.asarray(observed, dtype=np.float64)[..., None]
    tol = 1e-9 * np.maximum(np.abs(obs), np.abs(sims).max(axis=-1, keepdims=True))
    upper = (sims >= obs - tol).sum(axis=-1)
    lower = (sims <= obs + tol).sum(axis=-1)
    return (np.minimum(upper, lower) + 1.0) / (perms + 1.0)


def _two_sided(z: float) -> float:
    from scipy import stats

    return float(2.0 * stats.norm.sf(abs(z)))


def _check_permutations(permutations: int) -> int:
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)):
        raise TypeError(f"permutations must be a whole number; got {permutations!r}.")
    if permutations < 0:
        raise ValueError(f"permutations must be >= 0; got {permutations}.")
    return int(permutations)


def _weight_sums(w: sparse.csr_array) -> tuple[float, float, float, np.ndarray, np.ndarray]:
    """S0, S1, S2 of Cliff & Ord and the row and column sums."""
    s0 = float(w.sum())
    sym = w + w.T
    s1 = 0.5 * float(sym.multiply(sym).sum())
    rows = np.asarray(w.sum(axis=1)).ravel()
    cols = np.asarray(w.sum(axis=0)).ravel()
    s2 = float(((rows + cols) ** 2).sum())
    return s0, s1, s2, rows, cols


def _permuted_blocks(z: np.ndarray, permutations: int, rng: np.random.Generator) -> Any:
    """Yield blocks of random permutations of ``z`` (rows), bounded in memory."""
    per_block = max(1, _CHUNK // max(1, z.size))
    done = 0
    while done < permutations:
        m = min(per_block, permutations - done)
        yield rng.permuted(np.broadcast_to(z, (m, z.size)), axis=1)
        done += m


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class _GlobalResult:
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
    method: str
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

    def summary(self) -> pd.DataFrame:
        """One row: the statistic, moments, z-scores and p-values, n, method."""
        row = {name: getattr(self, name) for name in self._FIELDS}
        row["islands"] = len(self.islands)
        row["omitted"] = len(self.omitted)
        row["method"] = self.method
        return pd.DataFrame([row], index=pd.Index([self._NAME], name="statistic_name"))

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


@dataclass(frozen=True)
class MoranResult(_GlobalResult):
    """Global Moran's I. ``statistic`` is I; ``expected`` is -1/(n-1); ``variance``,
    ``z`` and ``pvalue`` are under randomisation (two-sided); ``*_norm`` under the
    normality assumption; ``pvalue_sim`` is the permutation pseudo p-value (see
    ``method``); ``expected_sim`` and ``z_sim`` summarise the permutation distribution
    (kept in ``simulations``); ``standardised`` and ``lag`` hold each unit's
    standardised value and its spatial lag (the Moran scatter plot)."""

    _NAME = "moran_i"

    def plot(self, **kwargs: Any) -> Any:
        """Moran scatter plot; keyword arguments go to
        :func:`geohra.maps.charts.moran_scatter`. Needs matplotlib."""
        from geohra.maps.charts import moran_scatter

        ok = self.standardised.notna()
        return moran_scatter(self.standardised[ok], self.lag[ok], **kwargs)


@dataclass(frozen=True)
class GearyResult(_GlobalResult):
    """Global Geary's C (``expected`` = 1; C < 1 means positive autocorrelation); fields
    as :class:`MoranResult`."""

    _NAME = "geary_c"


@dataclass(frozen=True)
class PanelResult:
    """Per-year results of a spatial statistic on a long panel.

    ``results`` maps each year to that year's result; ``summary()`` stacks the yearly
    summaries (one row per year for global statistics) with a ``time`` column;
    ``to_frame()`` stacks the yearly ``to_frame()`` tables — for local statistics indexed
    like the input panel's rows.
    """

    time: str
    results: dict
    rows: dict = field(repr=False)  # year -> the panel's row labels of that year, by unit

    def __getitem__(self, year: Any) -> Any:
        return self.results[year]

    def summary(self) -> pd.DataFrame:
        frames = []
        for year, res in self.results.items():
            frame = res.summary().reset_index()
            frame.insert(0, self.time, year)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True).set_index(self.time)

    def to_frame(self) -> pd.DataFrame:
        frames = []
        for year, res in self.results.items():
            frame = res.to_frame()
            if isinstance(res, _GlobalResult):
                frame = frame.reset_index(drop=True)
                frame.index = pd.Index([year], name=self.time)
            else:
                frame = frame.rename(index=self.rows[year])
                frame.insert(0, self.time, year)
            frames.append(frame)
        return pd.concat(frames)


# ----------------------------------------------------------------------------- Moran, Geary


def moran(
    data: Any,
    column: str | None = None,
    *,
    weights: Any = None,
    permutations: int = 999,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
    time: str | None = None,
    unit: str | None = None,
) -> MoranResult | PanelResult:
    """Global Moran's I with analytic and permutation inference.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame or Series
        One row per unit, indexed by unit id; or a long panel with ``time``.
    column : str
        The variable, when ``data`` is a (Geo)DataFrame.
    weights : libpysal Graph or W, optional
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
    time : str, optional
        Column of years in a long panel: one result per year (:class:`PanelResult`).
    unit : str, optional
        With ``time``: the column of unit ids (default ``"adcode"`` if present, else
        the index).

    Returns
    -------
    MoranResult
        See :class:`MoranResult`; ``method`` states the formulas and p-value variants.
    """
    if time is not None:
        return _by_time(
            moran,
            data,
            column,
            time,
            unit,
            weights=weights,
            permutations=permutations,
            rng=rng,
            nan_policy=nan_policy,
        )
    permutations = _check_permutations(permutations)
    p = _prepare(data, column, weights, nan_policy, "moran")
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
        method=_MORAN_METHOD,
        standardised=pd.Series(std, index=p.ids, name="z").reindex(p.index),
        lag=pd.Series(p.w @ std, index=p.ids, name="lag").reindex(p.index),
    )


def geary(
    data: Any,
    column: str | None = None,
    *,
    weights: Any = None,
    permutations: int = 999,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
    time: str | None = None,
    unit: str | None = None,
) -> GearyResult | PanelResult:
    """Global Geary's C with analytic and permutation inference.

    Parameters as :func:`moran`. ``expected`` is 1; values below 1 mean similar
    neighbours (positive autocorrelation). p-values are two-sided (esda's ``p_norm`` and
    ``p_rand`` are one-sided: half of ours).
    """
    if time is not None:
        return _by_time(
            geary,
            data,
            column,
            time,
            unit,
            weights=weights,
            permutations=permutations,
            rng=rng,
            nan_policy=nan_policy,
        )
    permutations = _check_permutations(permutations)
    p = _prepare(data, column, weights, nan_policy, "geary")
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
        method=_GEARY_METHOD,
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


# ----------------------------------------------------------------------------- per year


def _by_time(
    func: Callable[..., Any],
    data: Any,
    column: str | None,
    time: str,
    unit: str | None,
    *,
    weights: Any,
    rng: Any = None,
    default_transform: str = "r",
    **kwargs: Any,
) -> PanelResult:
    """Run ``func`` on each year of a long panel, units indexed by ``unit``.

    Without ``weights`` the weights are built once from the first row of each unit
    (the boundaries do not change between years) and shared by every year.
    """
    who = getattr(func, "__name__", "statistic")
    if not isinstance(data, pd.DataFrame) or time not in data.columns:
        raise KeyError(f"{who}: time={time!r} needs a long (Geo)DataFrame with a {time!r} column.")
    if unit is None:
        unit = "adcode" if "adcode" in data.columns else None
    elif unit not in data.columns:
        raise KeyError(
            f"{who}: unit column {unit!r} is not in the data; columns: {list(data.columns)}."
        )
    ids = data[unit] if unit is not None else pd.Series(data.index, index=data.index)
    if weights is None:
        gpd = _import_geopandas()
        if not isinstance(data, gpd.GeoDataFrame):
            raise TypeError(f"{who}: pass weights= or a GeoDataFrame to build them from.")
        first = data.loc[~ids.duplicated().to_numpy()]
        units = first.set_axis(pd.Index(ids[first.index].to_numpy()), axis=0)
        weights = _LiteGraph.build(units, default_transform, stacklevel=3)
    gen = resolve_rng(rng)
    results: dict = {}
    rows: dict = {}
    for year, part in data.groupby(time, sort=True):
        orig = part.index
        unit_ids = pd.Index(ids.loc[orig].to_numpy())
        if unit_ids.has_duplicates:
            dup = unit_ids[unit_ids.duplicated()].unique()[:5].tolist()
            raise ValueError(f"{who}: units {dup} appear more than once in {time} {year}.")
        rows[year] = dict(zip(unit_ids, orig, strict=True))
        part = part.drop(columns=[time]).set_axis(unit_ids, axis=0)
        results[year] = func(part, column, weights=weights, rng=gen, **kwargs)
    return PanelResult(time=time, results=results, rows=rows)


# local statistics are defined in geohra._local (imported last: it uses the helpers above)
from geohra._local import (  # noqa: E402
    GetisOrdResult,
    LocalMoranResult,
    getis_ord,
    local_moran,
)

__all__ = [
    "GearyResult",
    "GetisOrdResult",
    "IslandWarning",
    "LocalMoranResult",
    "MoranResult",
    "PanelResult",
    "geary",
    "getis_ord",
    "local_moran",
    "moran",
    "spatial_weights",
]
