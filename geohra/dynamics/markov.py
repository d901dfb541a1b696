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
from geohra.dynamics._markov_core import (
    _counts,
    _interval_labels,
    _make_cuts,
    _pivot,
    _probs,
    _row_standardised_lag,
    _spatial_counts,
    _steady,
)
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


def _panel_inputs(
    values: pd.Series, keys: dict[str, pd.Series], nan_policy: str
) -> tuple[pd.Series, pd.DataFrame, np.ndarray, np.ndarray, tuple]:
    """Drop units with missing values (or raise) and pivot to a balanced unit x year
    table; return the kept values, the table, each row's cell and the omitted units."""
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
    return values, wide, pos_u, pos_t, omitted


def _relative(wide: pd.DataFrame, relative: bool) -> np.ndarray:
    """The unit x year values, divided by each year's mean with ``relative=True``."""
    y = wide.to_numpy(dtype=float)
    if relative:
        mean = y.mean(axis=0)
        if not (mean > 0).all():
            bad = list(wide.columns[~(mean > 0)])
            raise ValueError(
                f"markov: relative=True needs a positive yearly mean; years {bad} have none."
            )
        y = y / mean
    return y


def _class_names(cutoffs: np.ndarray | pd.DataFrame, k: int, labels: Any) -> list[str]:
    if labels is None:
        if isinstance(cutoffs, pd.DataFrame):
            return [f"Q{i + 1}" for i in range(k)]
        return _interval_labels(cutoffs)
    names_ = [str(x) for x in labels]
    if len(names_) != k or len(set(names_)) != k:
        raise ValueError(f"markov: expected {k} distinct labels; got {list(labels)}.")
    return names_


def _square(a: np.ndarray, names_: list[str]) -> pd.DataFrame:
    return pd.DataFrame(a, index=pd.Index(names_, name="from"), columns=pd.Index(names_, name="to"))


def _spatial_part(
    graph: Any,
    wide: pd.DataFrame,
    y: np.ndarray,
    cls: np.ndarray,
    cutoffs: np.ndarray | pd.DataFrame,
    names_: list[str],
    lag_classes: Any,
    quantiles: str,
    omitted: tuple,
    index: pd.Index,
    pos_u: np.ndarray,
    pos_t: np.ndarray,
) -> tuple[dict, dict, pd.Series, Any, pd.Series]:
    """Spatial Markov: probabilities and counts per neighbours' class, the lag class
    per input row, the lag cut-offs and the homogeneity tests."""
    lag = _row_standardised_lag(graph, wide.index, y, omitted)
    k = len(names_)
    tt, lcls, lag_cut, m = _spatial_counts(
        lag, cls, k, cutoffs, lag_classes, quantiles, wide.columns
    )
    if lag_classes is None:
        lnames = names_
    else:
        lnames = (
            [f"L{i + 1}" for i in range(m)]
            if isinstance(lag_cut, pd.DataFrame)
            else _interval_labels(lag_cut)
        )
    spatial = {lnames[i]: _square(_probs(tt[i]), names_) for i in range(m)}
    spatial_t = {lnames[i]: _square(tt[i], names_) for i in range(m)}
    lag_series = pd.Series(
        np.asarray(lnames, dtype=object)[lcls[pos_u, pos_t]], index=index, name="lag_class"
    )
    return spatial, spatial_t, lag_series, lag_cut, _homogeneity(tt)


def _variant(
    k: int, relative: bool, cutoffs: np.ndarray | pd.DataFrame, classes: Any, *, spatial: bool
) -> str:
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
    if spatial:
        variant = (
            variant.replace("classic", "spatial") + "; lag = row-standardised neighbours' mean"
        )
    return variant


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
    values, wide, pos_u, pos_t, omitted = _panel_inputs(values, keys, nan_policy)
    y = _relative(wide, relative)

    cutoffs, cls, k = _make_cuts(y, classes, quantiles, wide.columns)
    names_ = _class_names(cutoffs, k, labels)
    t_all = _counts(cls, k)
    p_all = _probs(t_all)
    ss = _steady(p_all)
    # class per input row, back on the caller's index
    lab = np.asarray(names_, dtype=object)
    row_classes = pd.Series(lab[cls[pos_u, pos_t]], index=values.index, name="class")

    spatial = spatial_t = lag_series = lag_cut = homog = None
    if graph is not None:
        spatial, spatial_t, lag_series, lag_cut, homog = _spatial_part(
            graph,
            wide,
            y,
            cls,
            cutoffs,
            names_,
            lag_classes,
            quantiles,
            omitted,
            values.index,
            pos_u,
            pos_t,
        )
    return MarkovResult(
        transitions=_square(t_all, names_),
        probabilities=_square(p_all, names_),
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
        variant=_variant(k, relative, cutoffs, classes, spatial=graph is not None),
    )
