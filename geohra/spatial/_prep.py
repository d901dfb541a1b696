"""Shared preparation of the spatial statistics: data and weights matched on ids,
permutation helpers, and the per-year loop over a long panel.

Import direction: weights <- _prep <- autocorrelation, local.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import check_nan_policy, get_series, handle_nan, validate_units
from geohra.spatial.weights import (
    IslandWarning,
    _import_geopandas,
    _LiteGraph,
)

if TYPE_CHECKING:  # pragma: no cover
    from libpysal.graph import Graph
    from scipy import sparse

_CHUNK = 4_000_000  # array elements per vectorised permutation block (~32 MB of float64)


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
    # a long panel raises naming per_year; Hong Kong, Macao, Taiwan are left out (warned)
    outside = validate_units(data, s.index, func=who)
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"{who}: the index repeats unit ids {dup}; one row per unit is needed. "
            "For a long panel use geohra.per_year(func, panel, column, time='year') or select one year (geohra.cross_section)."
        )
    if weights is None:
        gpd = _import_geopandas()
        if not isinstance(data, gpd.GeoDataFrame):
            raise TypeError(
                f"{who}: pass graph= (a libpysal Graph or W with the data's index as ids) "
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
    if outside:  # the graph may or may not hold them; either way they are left out below
        missing = missing.difference(pd.Index(outside), sort=False)
        extra = extra.difference(pd.Index(outside), sort=False)
    if len(missing) or len(extra):
        raise ValueError(
            f"{who}: the weights' ids do not match the data's index: "
            f"{len(missing)} unit(s) of the data are not in the weights {missing[:8].tolist()}; "
            f"{len(extra)} id(s) of the weights are not in the data {extra[:8].tolist()}. "
            "Build the weights from the same units (spatial_weights(gdf)) and index the data "
            "by the same ids (e.g. adcode)."
        )
    kept, omitted = handle_nan(s.drop(index=outside), nan_policy=nan_policy, name=who)
    omitted = tuple(outside) + tuple(omitted)
    if omitted or len(pd.Index(graph.unique_ids).difference(kept.index)):
        graph = _drop_units(graph, kept.index, who)
        ids = pd.Index(graph.unique_ids)
    if len(ids) < 3:
        raise ValueError(f"{who}: need at least 3 units with values; got {len(ids)}.")
    y = kept.reindex(ids).to_numpy(dtype=np.float64)
    if not np.isfinite(y).all():
        raise ValueError(f"{who}: infinite values at {ids[~np.isfinite(y)][:5].tolist()}.")
    with np.errstate(over="ignore", under="ignore"):
        spread = float(np.std(y))
    if not (np.isfinite(spread) and spread > 0) and not np.all(y == y[0]):
        raise ValueError(
            f"{who}: the variance of the values over- or underflows float64 (values from "
            f"{y.min():g} to {y.max():g}); rescale them first (e.g. values / 1e6 or * 1e6)."
        )
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
        f"{who}: graph must be a libpysal.graph.Graph or libpysal.weights.W; got "
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
    """Yield blocks of random permutations of ``z`` (rows of an F-ordered array), bounded
    in memory."""
    per_block = max(1, _CHUNK // max(1, z.size))
    done = 0
    while done < permutations:
        m = min(per_block, permutations - done)
        # one permutation per column of an (n x m) array, handed out as its (m x n)
        # transpose: ``w @ block.T`` then needs no copy, and a permutation per call is
        # about twice as fast as rng.permuted on the whole block
        block = np.empty((z.size, m))
        for r in range(m):
            block[:, r] = rng.permutation(z)
        yield block.T
        done += m


def deprecated_time_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: the old ``time=``/``unit=`` options of a spatial statistic, now a thin
    call of :func:`geohra.per_year` with a DeprecationWarning (removed in geohra 0.3).

    The decorated function no longer takes ``time``/``unit``; the wrapper's signature
    shows them (keyword-only, default None) so ``help()`` matches the docstring.
    """
    import functools
    import inspect

    from geohra._common import user_stacklevel

    name = func.__name__

    @functools.wraps(func)
    def wrapper(
        data: Any,
        column: Any = None,
        *,
        time: str | None = None,
        unit: str | None = None,
        **kw: Any,
    ) -> Any:
        if time is None:
            return func(data, column, **kw)
        from geohra._yearly import per_year

        warnings.warn(
            f"{name}(..., time=...) is deprecated and will be removed in geohra 0.3; use "
            f"geohra.per_year(geohra.{name}, data, column, time={time!r}) (same result object: "
            ".summary(), .to_frame(), result[year]).",
            DeprecationWarning,
            stacklevel=user_stacklevel(),
        )
        return per_year(func, data, column, time=time, unit=unit, **kw)

    sig = inspect.signature(func)
    extra = [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str | None")
        for n in ("time", "unit")
    ]
    wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *extra])  # type: ignore[attr-defined]
    return wrapper
