"""Array core of :func:`geohra.dynamics.markov`: the balanced panel table, classes,
transition counts and probabilities, the steady state and the spatial lag (numpy/scipy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _pivot(
    values: pd.Series, unit: pd.Series, year: pd.Series
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Unit x year table of a balanced long panel, and each input row's (unit, year) cell.

    Integer codes from one factorisation per key place every row in O(N) (no pivot
    and no label look-up per row: those dominated at 40,000 units x 20 years).
    """
    pos_u, units = pd.factorize(unit, sort=True)
    pos_t, years = pd.factorize(year, sort=True)
    n_u, n_t = len(units), len(years)
    cell = pos_u.astype(np.int64) * n_t + pos_t
    counts = np.bincount(cell, minlength=n_u * n_t)
    if (counts > 1).any():
        dup = pd.Series(cell).duplicated().to_numpy()
        ex = [(units[u], years[t]) for u, t in zip(pos_u[dup][:5], pos_t[dup][:5], strict=True)]
        raise ValueError(
            f"markov: unit-year pairs appear more than once: {ex}; each unit needs one row per year."
        )
    holes = np.flatnonzero(counts == 0)
    if holes.size:
        ex = [(units[i // n_t], years[i % n_t]) for i in holes[:8]]
        raise ValueError(
            f"markov: unbalanced panel: {holes.size} unit-year(s) missing, "
            f"e.g. (unit, year) {ex}. Markov transitions need every unit in every year; "
            "drop those units or years first."
        )
    table = np.empty(n_u * n_t)
    table[cell] = values.to_numpy(dtype=float)
    wide = pd.DataFrame(
        table.reshape(n_u, n_t),
        index=pd.Index(units, name="unit"),
        columns=pd.Index(years, name="year"),
    )
    return wide, pos_u, pos_t


def _classify(y: np.ndarray, cut: np.ndarray) -> np.ndarray:
    # right-closed classes as in mapclassify/giddy: class i holds c_{i-1} < y <= c_i
    return np.searchsorted(cut, y, side="left")


def _quantile_cuts(y: np.ndarray, k: int) -> np.ndarray:
    cut = np.quantile(y, np.arange(1, k) / k)
    if (np.diff(cut) <= 0).any():
        raise ValueError(
            f"markov: {k} quantile classes are not distinct (tied values give cut-offs {cut}); "
            "use fewer classes or explicit cut-offs."
        )
    return cut


def _counts(cls: np.ndarray, k: int) -> np.ndarray:
    t = np.bincount(cls[:, :-1].ravel() * k + cls[:, 1:].ravel(), minlength=k * k)
    return t.reshape(k, k).astype(float)


def _probs(t: np.ndarray) -> np.ndarray:
    rows = t.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, t / np.where(rows > 0, rows, 1.0), np.nan)


def _steady(p: np.ndarray) -> np.ndarray | None:
    if np.isnan(p).any():
        return None
    vals, vecs = np.linalg.eig(p.T)
    one = np.isclose(vals, 1.0, atol=1e-10)
    if one.sum() != 1:
        return None  # several closed classes: the long-run distribution depends on the start
    v = np.real(vecs[:, one][:, 0])
    v = v / v.sum()
    return np.where(np.abs(v) < 1e-14, 0.0, v)


def _interval_labels(cut: np.ndarray) -> list[str]:
    c = [f"{x:.4g}" for x in cut]
    return (
        [f"<={c[0]}"] + [f"({a}, {b}]" for a, b in zip(c[:-1], c[1:], strict=True)] + [f">{c[-1]}"]
    )


def _row_standardised_lag(
    w: Any, units: pd.Index, wide: np.ndarray, omitted: tuple = ()
) -> np.ndarray:
    from scipy import sparse

    from geohra.spatial.weights import _LiteGraph

    if not isinstance(w, _LiteGraph):  # geohra's own weights need no libpysal
        try:
            from libpysal.graph import Graph
            from libpysal.weights import W
        except ImportError as err:  # pragma: no cover
            raise ImportError("markov(graph=...) needs libpysal: pip install libpysal") from err
        if isinstance(w, W):
            w = Graph.from_W(w)
        if not isinstance(w, Graph):
            raise TypeError(
                "markov: graph must be a libpysal Graph or W; "
                f"got {type(w).__name__}. Build one with geohra.spatial_weights(...)."
            )
    ids = pd.Index(w.unique_ids)
    ids = ids[~ids.isin(omitted)]  # units left out by nan_policy="omit": their links go too
    if len(ids) != len(units) or (units.get_indexer(ids) < 0).any():
        in_units, in_ids = set(units), set(ids)  # built once: O(n), not a set per unit
        only_w = [u for u in ids if u not in in_units][:6]
        only_d = [u for u in units if u not in in_ids][:6]
        raise ValueError(
            "markov: graph ids do not match the panel's units: only in the weights "
            f"{only_w}, only in the panel {only_d}. Build the weights on the same unit ids."
        )
    focal, neigh, vals = _links_in(w, units)
    kept = (focal >= 0) & (neigh >= 0)
    vals, focal, neigh = vals[kept], focal[kept], neigh[kept]
    m = sparse.csr_matrix((vals, (focal, neigh)), shape=(len(units), len(units)))
    rs = np.asarray(m.sum(axis=1)).ravel()
    if (rs <= 0).any():
        isl = list(units[rs <= 0][:8])
        raise ValueError(
            f"markov: units {isl} have no neighbours, so their neighbours' class is undefined. "
            "Use weights without islands (e.g. k-nearest neighbours) or drop them."
        )
    # the neighbours' average: row-standardised on a copy, the caller's weights stay as given
    return sparse.diags(1.0 / rs) @ m @ wide


def _links_in(w: Any, units: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The links of ``w`` as (focal, neighbour) positions in ``units`` (-1 where a unit is
    not there) and weights, in the graph's order: focal, then neighbour, as listed."""
    if not hasattr(w, "adjacency"):  # geohra's _LiteGraph: the same links from its matrix
        m = w.sparse
        pos = units.get_indexer(pd.Index(w.unique_ids))
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        return pos[rows], pos[m.indices], m.data.astype(float)
    adj = w.adjacency
    # map the (few) level labels to unit positions, then the links by their integer codes
    mi = adj.index
    if isinstance(mi, pd.MultiIndex):
        focal = units.get_indexer(mi.levels[0])[mi.codes[0]]
        neigh = units.get_indexer(mi.levels[1])[mi.codes[1]]
    else:  # pragma: no cover - libpysal always uses a MultiIndex
        focal = units.get_indexer(mi.get_level_values(0))
        neigh = units.get_indexer(mi.get_level_values(1))
    return focal, neigh, adj.to_numpy(dtype=float)


def _make_cuts(
    arr: np.ndarray, spec: Any, quantiles: str, years: pd.Index
) -> tuple[np.ndarray | pd.DataFrame, np.ndarray, int]:
    """Cut-offs (a year x bound DataFrame for yearly quantiles), the class of every
    cell of ``arr`` (unit x year) and the number of classes."""
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if spec < 2:
            raise ValueError(f"markov: classes must be at least 2; got {spec}.")
        if quantiles == "pooled":
            cut = _quantile_cuts(arr.ravel(), int(spec))
            return cut, _classify(arr, cut), int(spec)
        cuts = np.vstack([_quantile_cuts(arr[:, t], int(spec)) for t in range(arr.shape[1])])
        cls = np.column_stack([_classify(arr[:, t], cuts[t]) for t in range(arr.shape[1])])
        return pd.DataFrame(cuts, index=years), cls, int(spec)
    cut = np.asarray(spec, dtype=float)
    if cut.ndim != 1 or len(cut) < 1 or not (np.diff(cut) > 0).all() or not np.isfinite(cut).all():
        raise ValueError(
            f"markov: class cut-offs must be a strictly increasing list of numbers; got {spec!r}."
        )
    return cut, _classify(arr, cut), len(cut) + 1


def _spatial_counts(
    lag: np.ndarray,
    cls: np.ndarray,
    k: int,
    cutoffs: np.ndarray | pd.DataFrame,
    lag_classes: Any,
    quantiles: str,
    years: pd.Index,
) -> tuple[np.ndarray, np.ndarray, Any, int]:
    """Transition counts m x k x k by the neighbours' class in the starting year, the
    lag class of every cell, the lag cut-offs and the number of lag classes ``m``.

    Without ``lag_classes`` the lag is classed with the values' own cut-offs."""
    if lag_classes is None:
        if isinstance(cutoffs, pd.DataFrame):
            lcls = np.column_stack(
                [_classify(lag[:, t], cutoffs.iloc[t].to_numpy()) for t in range(lag.shape[1])]
            )
        else:
            lcls = _classify(lag, cutoffs)
        lag_cut, m = cutoffs, k
    else:
        lag_cut, lcls, m = _make_cuts(lag, lag_classes, quantiles, years)
    cell = (lcls[:, :-1].ravel() * k + cls[:, :-1].ravel()) * k + cls[:, 1:].ravel()
    tt = np.bincount(cell, minlength=m * k * k).reshape(m, k, k).astype(float)
    return tt, lcls, lag_cut, m
