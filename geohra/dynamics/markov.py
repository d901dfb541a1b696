"""Markov chains of an indicator over time.

:func:`markov` -- classic and spatial Markov transition matrices of a balanced long
panel (unit x year), with user cut-offs (e.g. 70/90/110 % of the yearly mean) or
quantiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import check_nan_policy, renamed_arguments
from geohra._result import Result
from geohra.dynamics._homogeneity import homogeneity as _homogeneity
from geohra.dynamics.kde import _resolve_panel

__all__ = ["markov", "MarkovResult"]


@dataclass(frozen=True, repr=False)
class MarkovResult(Result):
    """Result of :func:`markov`.

    Attributes
    ----------
    transitions : DataFrame k x k of counts (rows: class in year t, columns: class in t+1).
    probabilities : DataFrame k x k, rows sum to 1; a class never left from
        (no unit in it in any year but the last) has a row of NaN.
    steady_state : Series, the stationary distribution, or ``None`` when it is
        not unique or some row is undefined.
    cutoffs : array of the k-1 upper class bounds (for ``quantiles="yearly"``
        a year x bound DataFrame). Classes are right-closed: class i holds
        ``c_{i-1} < y <= c_i``.
    classes : Series of class labels indexed like the input rows.
    spatial : dict lag class -> k x k probabilities (spatial Markov), else ``None``.
    spatial_transitions : dict lag class -> k x k counts, else ``None``.
    lag_classes : Series of the neighbours' class per input row, else ``None``.
    homogeneity : Series with the Bickenbach-Bode Q and LR tests that the
        transition probabilities do not depend on the neighbours' class.
    """

    transitions: pd.DataFrame
    probabilities: pd.DataFrame
    steady_state: pd.Series | None
    cutoffs: np.ndarray | pd.DataFrame
    classes: pd.Series
    labels: tuple
    relative: bool
    quantiles: str | None
    spatial: dict | None = None
    spatial_transitions: dict | None = None
    lag_classes: pd.Series | None = None
    lag_cutoffs: np.ndarray | pd.DataFrame | None = None
    homogeneity: pd.Series | None = None
    omitted: tuple = ()
    variant: str = ""

    def _repr_parts(self) -> list[str]:
        parts = [
            f"{len(self.labels)} classes",
            f"{int(self.transitions.to_numpy().sum())} transitions",
            "spatial" if self.spatial is not None else "classic",
        ]
        if self.spatial is not None:
            parts.append(f"{len(self.spatial)} lag classes")
        parts.append("steady state" if self.steady_state is not None else "no unique steady state")
        if self.omitted:
            parts.append(f"{len(self.omitted)} omitted")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Class (and neighbours' class) per input row, indexed like the input."""
        out = self.classes.to_frame("class")
        if self.lag_classes is not None:
            out["lag_class"] = self.lag_classes
        return out

    def summary(self) -> pd.DataFrame:
        """Transition probabilities with the number of transitions per row ``n``;
        for a spatial Markov one block per neighbours' class (first index level
        ``lag``, ``"all"`` for the classic matrix)."""
        blocks = {"all": (self.probabilities, self.transitions)}
        if self.spatial is not None:
            blocks.update({k: (self.spatial[k], self.spatial_transitions[k]) for k in self.spatial})
        frames = []
        for key, (p, t) in blocks.items():
            f = p.copy()
            f["n"] = t.sum(axis=1).astype(int)
            f.index = pd.MultiIndex.from_product([[key], f.index], names=["lag", "from"])
            frames.append(f)
        out = pd.concat(frames)
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant
        return out


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
    adj = w.adjacency
    # map the (few) level labels to unit positions, then the links by their integer codes
    mi = adj.index
    if isinstance(mi, pd.MultiIndex):
        focal = units.get_indexer(mi.levels[0])[mi.codes[0]]
        neigh = units.get_indexer(mi.levels[1])[mi.codes[1]]
    else:  # pragma: no cover - libpysal always uses a MultiIndex
        focal = units.get_indexer(mi.get_level_values(0))
        neigh = units.get_indexer(mi.get_level_values(1))
    vals = adj.to_numpy(dtype=float)
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


@renamed_arguments(spatial_weights="graph")
def markov(
    data: pd.DataFrame | pd.Series,
    column: str | None = None,
    *,
    time: str = "year",
    unit: str | None = None,
    classes: int | Sequence[float] = 4,
    relative: bool = False,
    quantiles: str = "pooled",
    labels: Sequence[str] | None = None,
    graph: Any = None,
    lag_classes: int | Sequence[float] | None = None,
    nan_policy: str = "raise",
) -> MarkovResult:
    """Markov transition matrices of classes over consecutive years.

    Parameters
    ----------
    data : DataFrame (long panel: one row per unit and year) or Series
    column : str
        The indicator.
    time : str
        Year column or index level. Transitions are counted between
        consecutive years present in the data.
    unit : str, optional
        Unit column or index level. Default: the index level that is not
        ``time`` (MultiIndex) or the index itself.
    classes : int or list of float
        An int ``k``: quantile classes (see ``quantiles``). A list: explicit
        increasing cut-offs, applied to the values (or to the relative values
        with ``relative=True``: ``classes=[0.7, 0.9, 1.1], relative=True`` gives
        the common <=70 %, 70-90 %, 90-110 %, >110 % of the yearly mean).
        Classes are right-closed ``(c_{i-1}, c_i]``, as in mapclassify/giddy.
    relative : bool
        Divide each year's values by that year's (unweighted) mean first.
    quantiles : {"pooled", "yearly"}
        With an int ``classes``: cut-offs from all unit-years pooled (classes
        comparable over time, giddy's ``fixed=True``) or from each year
        separately (relative ranks).
    labels : list of str, optional
        Class names (default: the intervals, or Q1..Qk for yearly quantiles).
    graph : libpysal Graph or W, optional
        Spatial Markov (Rey 2001): transitions conditioned on the class of the
        neighbours' average in the starting year (the lag uses row-standardised
        weights; ids must be the panel's unit ids, matched by label).
    lag_classes : int or list of float, optional
        Classes of the neighbours' average; default the same cut-offs as the values.
    nan_policy : {"raise", "omit"}
        ``"omit"`` drops every unit with a missing value (keeping the panel
        balanced) and lists them in ``.omitted``; with ``graph`` their links go
        too (the neighbours' average is over the neighbours that remain).
    """
    check_nan_policy(nan_policy)
    if quantiles not in ("pooled", "yearly"):
        raise ValueError(f"markov: quantiles must be 'pooled' or 'yearly'; got {quantiles!r}.")
    if isinstance(data, (pd.DataFrame, pd.Series)) and unit is None:
        names = [n for n in data.index.names if n != time]
        if isinstance(data.index, pd.MultiIndex):
            if len(names) != 1 or time not in data.index.names:
                raise ValueError(
                    f"markov: cannot tell the unit level in index levels {data.index.names}; "
                    "pass unit=."
                )
            unit = names[0]
    values, keys = _resolve_panel(data, column, {"time": time, "unit": unit}, "markov")
    years = keys["time"]
    units = keys.get("unit")
    if units is None:
        units = pd.Series(values.index, index=values.index)
    if years.isna().any() or units.isna().any():
        raise ValueError("markov: missing unit or year labels.")
    omitted: tuple = ()
    if values.isna().any():
        bad_units = tuple(dict.fromkeys(units[values.isna()]))
        if nan_policy == "raise":
            ex = list(zip(units[values.isna()], years[values.isna()], strict=True))[:8]
            raise ValueError(
                f"markov: missing values at (unit, year) {ex}; fill them, or pass "
                "nan_policy='omit' to drop those units entirely."
            )
        keep = ~units.isin(bad_units)
        values, years, units, omitted = values[keep], years[keep], units[keep], bad_units
    if not np.isfinite(values).all():
        raise ValueError("markov: infinite values in the data.")
    wide, pos_u, pos_t = _pivot(values, units, years)
    n_units, n_years = wide.shape
    if n_years < 2 or n_units < 2:
        raise ValueError(
            f"markov: need at least 2 units and 2 years; got {n_units} unit(s), {n_years} year(s)."
        )
    y = wide.to_numpy(dtype=float)
    if relative:
        mean = y.mean(axis=0)
        if not (mean > 0).all():
            bad = list(wide.columns[~(mean > 0)])
            raise ValueError(
                f"markov: relative=True needs a positive yearly mean; years {bad} have none."
            )
        y = y / mean

    def make_cuts(arr: np.ndarray, spec: Any) -> tuple[np.ndarray | pd.DataFrame, np.ndarray, int]:
        if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            if spec < 2:
                raise ValueError(f"markov: classes must be at least 2; got {spec}.")
            if quantiles == "pooled":
                cut = _quantile_cuts(arr.ravel(), int(spec))
                return cut, _classify(arr, cut), int(spec)
            cuts = np.vstack([_quantile_cuts(arr[:, t], int(spec)) for t in range(arr.shape[1])])
            cls = np.column_stack([_classify(arr[:, t], cuts[t]) for t in range(arr.shape[1])])
            return pd.DataFrame(cuts, index=wide.columns), cls, int(spec)
        cut = np.asarray(spec, dtype=float)
        if (
            cut.ndim != 1
            or len(cut) < 1
            or not (np.diff(cut) > 0).all()
            or not np.isfinite(cut).all()
        ):
            raise ValueError(
                f"markov: class cut-offs must be a strictly increasing list of numbers; got {spec!r}."
            )
        return cut, _classify(arr, cut), len(cut) + 1

    cutoffs, cls, k = make_cuts(y, classes)
    if labels is None:
        if isinstance(cutoffs, pd.DataFrame):
            names_ = [f"Q{i + 1}" for i in range(k)]
        else:
            names_ = _interval_labels(cutoffs)
    else:
        names_ = [str(x) for x in labels]
        if len(names_) != k or len(set(names_)) != k:
            raise ValueError(f"markov: expected {k} distinct labels; got {list(labels)}.")
    t_all = _counts(cls, k)
    p_all = _probs(t_all)
    ss = _steady(p_all)

    def frame(a: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            a, index=pd.Index(names_, name="from"), columns=pd.Index(names_, name="to")
        )

    # class per input row, back on the caller's index
    lab = np.asarray(names_, dtype=object)
    row_classes = pd.Series(lab[cls[pos_u, pos_t]], index=values.index, name="class")

    spatial = spatial_t = lag_series = lag_cut = homog = None
    variant = (
        f"classic Markov, {k} classes, right-closed; "
        + ("values / yearly mean; " if relative else "")
        + (
            "yearly quantiles"
            if isinstance(cutoffs, pd.DataFrame)
            else "pooled quantiles"
            if isinstance(classes, (int, np.integer))
            else "user cut-offs"
        )
    )
    if graph is not None:
        lag = _row_standardised_lag(graph, wide.index, y, omitted)
        if lag_classes is None:
            if isinstance(cutoffs, pd.DataFrame):
                lcls = np.column_stack(
                    [_classify(lag[:, t], cutoffs.iloc[t].to_numpy()) for t in range(n_years)]
                )
            else:
                lcls = _classify(lag, cutoffs)
            lag_cut, m, lnames = cutoffs, k, names_
        else:
            lag_cut, lcls, m = make_cuts(lag, lag_classes)
            lnames = (
                [f"L{i + 1}" for i in range(m)]
                if isinstance(lag_cut, pd.DataFrame)
                else _interval_labels(lag_cut)
            )
        cell = (lcls[:, :-1].ravel() * k + cls[:, :-1].ravel()) * k + cls[:, 1:].ravel()
        tt = np.bincount(cell, minlength=m * k * k).reshape(m, k, k).astype(float)
        spatial = {lnames[i]: frame(_probs(tt[i])) for i in range(m)}
        spatial_t = {lnames[i]: frame(tt[i]) for i in range(m)}
        lag_series = pd.Series(
            np.asarray(lnames, dtype=object)[lcls[pos_u, pos_t]],
            index=values.index,
            name="lag_class",
        )
        homog = _homogeneity(tt)
        variant = (
            variant.replace("classic", "spatial") + "; lag = row-standardised neighbours' mean"
        )

    return MarkovResult(
        transitions=frame(t_all),
        probabilities=frame(p_all),
        steady_state=None
        if ss is None
        else pd.Series(ss, index=pd.Index(names_), name="steady_state"),
        cutoffs=cutoffs,
        classes=row_classes,
        labels=tuple(names_),
        relative=bool(relative),
        quantiles=quantiles if isinstance(classes, (int, np.integer)) else None,
        spatial=spatial,
        spatial_transitions=spatial_t,
        lag_classes=lag_series,
        lag_cutoffs=lag_cut,
        homogeneity=homog,
        omitted=omitted,
        variant=variant,
    )
