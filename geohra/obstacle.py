"""Obstacle degree model: which indicators hold a unit back most.

For unit (or unit-year) ``i`` and indicator ``j`` with normalised value
``z_ij`` in [0, 1] and weight ``w_j``::

    O_ij = 100 * w_j (1 - z_ij) / sum_k w_k (1 - z_ik)        (percent)

``w_j`` is the factor contribution, ``1 - z_ij`` the indicator deviation.
Subsystem obstacle degrees are the sums of their indicators' ``O_ij``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import check_nan_policy, renamed_arguments, resolve_values, to_numeric
from geohra._result import Result, fmt
from geohra.index import EntropyResult

__all__ = ["obstacle_degree", "ObstacleResult"]

VARIANT = "O_ij = 100 w_j (1 - z_ij) / sum_k w_k (1 - z_ik) (percent; deviation 1 - z)"


@dataclass(frozen=True, repr=False)
class ObstacleResult(Result):
    """Result of :func:`obstacle_degree`.

    Attributes
    ----------
    degrees : DataFrame indexed like ``normalized``, one column per indicator, in %
        (rows sum to 100; NaN rows where every deviation is 0, see ``undefined``).
    groups : DataFrame of subsystem sums (same rows), or ``None`` without ``groups``.
    top : DataFrame with ``top`` rows per unit (index: the row labels, the year when
        years are known and not already an index level, and ``rank`` 1..top):
        ``indicator``, ``degree``.
    years : each row's year when per-year weights were used, else ``None``.
    """

    degrees: pd.DataFrame
    groups: pd.DataFrame | None
    top: pd.DataFrame
    weights: pd.Series | pd.DataFrame
    years: pd.Series | None
    undefined: tuple = ()
    variant: str = VARIANT
    omitted: tuple = ()

    def _repr_parts(self) -> list[str]:
        mean = self.degrees.mean()
        parts = [f"n={len(self.degrees)}", f"{self.degrees.shape[1]} indicators"]
        if mean.notna().any():
            top = str(mean.idxmax())
            top = top if len(top) <= 24 else top[:23] + "…"
            parts.append(f"top factor {top} (mean {fmt(mean.max(), 1)} %)")
        if self.groups is not None:
            parts.append(f"{self.groups.shape[1]} subsystems")
        if self.undefined:
            parts.append(f"{len(self.undefined)} undefined")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Indicator obstacle degrees (and subsystem sums, prefixed ``group_``), indexed
        like ``normalized``."""
        if self.groups is None:
            return self.degrees.copy()
        return pd.concat([self.degrees, self.groups.add_prefix("group_")], axis=1)

    def summary(self) -> pd.DataFrame:
        """Mean obstacle degree per indicator (per year when years are known), ranked;
        the share of units for which the indicator is among the top factors."""
        deg = self.degrees
        top_counts = self.top["indicator"].value_counts()
        if self.years is None:
            out = pd.DataFrame({"mean_degree": deg.mean()})
            out["rank"] = out["mean_degree"].rank(ascending=False, method="min").astype("Int64")
            n_units = max(len(deg.dropna(how="all")), 1)
            out["top_share"] = top_counts.reindex(out.index, fill_value=0) / n_units
            out = out.rename_axis("indicator")  # a copy: never rename degrees' own columns
        else:
            out = deg.groupby(self.years.to_numpy()).mean().stack().to_frame("mean_degree")
            out = out.rename_axis([self.years.name or "year", "indicator"])
            out["rank"] = (
                out.groupby(level=0)["mean_degree"]
                .rank(ascending=False, method="min")
                .astype("Int64")
            )
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant
        return out


def _is_column_list(value: Any) -> bool:
    if isinstance(value, (pd.Series, pd.DataFrame, Mapping, str)):
        return False
    return all(isinstance(v, str) for v in value)


def _resolve_weights(weights: Any, columns: list) -> pd.Series | pd.DataFrame:
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series):
        weights = pd.Series(dict(weights), dtype=float)
    if isinstance(weights, pd.Series):
        labels = list(weights.index)
    elif isinstance(weights, pd.DataFrame):
        labels = list(weights.columns)
    else:
        raise TypeError(
            "obstacle_degree: weights must be a Series (indicator -> weight), a mapping or a "
            f"year x indicator DataFrame; got {type(weights).__name__}."
        )
    if set(labels) != set(columns):
        raise ValueError(
            "obstacle_degree: weights and normalized must name the same indicators; "
            f"only in weights: {[c for c in labels if c not in columns]}, only in normalized: "
            f"{[c for c in columns if c not in labels]}."
        )
    w = weights.reindex(columns) if isinstance(weights, pd.Series) else weights[columns]
    w = w.astype(float)
    arr = w.to_numpy()
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError("obstacle_degree: weights must be finite and non-negative.")
    return w


@renamed_arguments(normalized="data")
def obstacle_degree(
    data: pd.DataFrame | EntropyResult,
    columns: Sequence[str] | None = None,
    *,
    weights: pd.Series | pd.DataFrame | Mapping[str, float] | None = None,
    time: str | pd.Series | None = None,
    groups: Mapping[str, str] | None = None,
    top: int = 3,
    nan_policy: str = "raise",
) -> ObstacleResult:
    """Obstacle degree of every indicator for every unit (and year), in percent.

    Parameters
    ----------
    data : DataFrame or EntropyResult
        Normalised indicators ``z_ij`` in [0, 1] (rows = units or unit-years,
        columns = indicators), e.g. ``entropy_weights(...).normalized``. Passing
        the :class:`~geohra.index.EntropyResult` itself uses its ``normalized``,
        ``weights`` and, for per-year weights, its years. (Called ``normalized`` before
        0.2.)
    columns : list of str, optional
        The indicator columns of ``data`` (default: every column).
    weights : Series, mapping or DataFrame
        Indicator weights (labels must match the columns of ``normalized``). A
        year x indicator DataFrame (per-year entropy weights) needs each row's
        year: ``time=``. Weights need not sum to 1 (the formula is a ratio).
    time : str or Series, optional
        Year of each row: an index level name of ``normalized`` or a Series
        indexed like it (every column of ``normalized`` is taken as an indicator). Only used with
        per-year weights; with a Series of weights it only groups ``.summary()``.
    groups : mapping indicator -> subsystem, optional
        Adds subsystem obstacle degrees (sums of their indicators). Every
        indicator must be assigned.
    top : int
        Number of main obstacle factors reported per row.
    nan_policy : {"raise", "omit"}
        Rows with a missing normalised value raise by default; ``"omit"`` leaves them
        out and lists them in ``.omitted``.

    Returns
    -------
    ObstacleResult
        ``degrees`` (rows sum to 100), ``groups``, ``top`` (index: row labels + rank).

    Notes
    -----
    A row with ``z_ij = 1`` for every indicator has no deviation at all, so its
    obstacle degrees are 0/0: they are NaN, with a warning naming the rows
    (listed in ``.undefined``), and the row is left out of ``top``.
    """
    check_nan_policy(nan_policy)
    if not (isinstance(top, (int, np.integer)) and top >= 1):
        raise ValueError(f"obstacle_degree: top must be a positive integer; got {top!r}.")
    z, wrow, w, years, omitted = _inputs(data, columns, weights, time, nan_policy)
    deg, undefined = _degrees(z.to_numpy(), wrow)
    degrees = pd.DataFrame(deg, index=z.index, columns=list(z.columns))
    if undefined.any():
        rows = list(z.index[undefined])
        warnings.warn(
            f"obstacle_degree: rows {rows[:8]}{' ...' if len(rows) > 8 else ''} have no deviation "
            "on any weighted indicator (z = 1 wherever the weight is positive); their obstacle "
            "degrees are undefined (NaN).",
            UserWarning,
            stacklevel=2,
        )
    return ObstacleResult(
        degrees=degrees,
        groups=_group_sums(degrees, groups),
        top=_top_factors(degrees, deg, undefined, years, top),
        weights=w,
        years=None
        if years is None
        else pd.Series(years.to_numpy(), index=z.index, name=years.name),
        undefined=tuple(z.index[undefined]),
        omitted=omitted,
    )


def _inputs(
    data: Any, columns: Any, weights: Any, time: Any, nan_policy: str
) -> tuple[pd.DataFrame, np.ndarray, Any, pd.Series | None, tuple]:
    """Validation: normalised values z in [0, 1], one weight row per data row, the years."""
    normalized, years = data, None
    if columns is not None and not _is_column_list(columns):
        # the pre-0.2 positional call obstacle_degree(normalized, weights)
        warnings.warn(
            "obstacle_degree(normalized, weights) is deprecated and will be removed in geohra "
            "0.3; pass the weights by keyword: obstacle_degree(data, weights=...).",
            DeprecationWarning,
            stacklevel=4,
        )
        if weights is not None:
            raise TypeError("obstacle_degree: weights given twice (by position and keyword).")
        columns, weights = None, columns
    if isinstance(normalized, EntropyResult):
        if weights is None:
            weights = normalized.weights
        if time is None and normalized.years is not None:
            years = normalized.years
        normalized = normalized.normalized
    if not isinstance(normalized, pd.DataFrame):
        raise TypeError(
            "obstacle_degree: data must be a DataFrame of normalised indicators or an "
            f"EntropyResult; got {type(normalized).__name__}."
        )
    if weights is None:
        raise TypeError("obstacle_degree: weights are required unless an EntropyResult is given.")
    columns = list(normalized.columns) if columns is None else list(columns)
    absent = [c for c in columns if c not in normalized.columns]
    if absent:
        raise KeyError(
            f"obstacle_degree: columns {absent} are not in the data; its columns: "
            f"{list(map(str, normalized.columns))}."
        )
    if time is not None:
        years = resolve_values(normalized, time, name="obstacle_degree: time")
    z = pd.DataFrame(
        {c: to_numeric(normalized[c], name=f"obstacle_degree: {c!r}") for c in columns}
    )
    omitted: tuple = ()
    missing = z.isna().any(axis=1).to_numpy()
    if missing.any():
        rows = list(z.index[missing])
        if nan_policy == "raise":
            raise ValueError(
                f"obstacle_degree: missing normalised values at rows {rows[:6]}"
                f"{' ...' if len(rows) > 6 else ''}; fill or drop them, or pass "
                "nan_policy='omit' to leave those rows out (listed in .omitted)."
            )
        omitted = tuple(rows)
        z = z.loc[~missing]
        if years is not None:
            years = years[~missing]  # by position: unit labels repeat over years
    vals = z.to_numpy()
    if (vals < 0).any() or (vals > 1).any():
        rows = list(z.index[((vals < 0) | (vals > 1)).any(axis=1)])[:6]
        raise ValueError(
            f"obstacle_degree: normalised values must lie in [0, 1]; rows {rows} do not. "
            "Pass entropy_weights(...).normalized or min-max normalise first."
        )
    w = _resolve_weights(weights, columns)
    return z, _weight_rows(w, years, vals.shape), w, years, omitted


def _weight_rows(w: Any, years: pd.Series | None, shape: tuple) -> np.ndarray:
    """The weight of every indicator for every row: per-year weights follow each row's year."""
    if not isinstance(w, pd.DataFrame):
        return np.broadcast_to(w.to_numpy(), shape)
    if years is None:
        raise ValueError(
            "obstacle_degree: weights has one row per year; say which year each row of "
            "the data belongs to with time= (an index level name or a Series of years "
            "indexed like the data), or pass the EntropyResult itself."
        )
    unknown = sorted(set(years) - set(w.index))
    if unknown:
        raise ValueError(
            f"obstacle_degree: years {unknown[:6]} of the data have no row in weights "
            f"(weights cover {list(w.index)})."
        )
    return w.loc[years.to_numpy()].to_numpy()


def _degrees(vals: np.ndarray, wrow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Array core: O_ij = 100 w_j (1 - z_ij) / sum_j w_j (1 - z_ij); 0/0 rows are NaN."""
    contrib = wrow * (1.0 - vals)
    total = contrib.sum(axis=1)
    undefined = total == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        deg = 100.0 * contrib / total[:, None]
    deg[undefined] = np.nan
    return deg, undefined


def _group_sums(degrees: pd.DataFrame, groups: Mapping[str, str] | None) -> pd.DataFrame | None:
    if groups is None:
        return None
    columns = list(degrees.columns)
    groups = dict(groups)
    unassigned = [c for c in columns if c not in groups]
    extra = [c for c in groups if c not in columns]
    if unassigned or extra:
        raise ValueError(
            "obstacle_degree: groups must map every indicator to a subsystem; "
            f"unassigned: {unassigned}, not indicators: {extra}."
        )
    order = list(dict.fromkeys(groups[c] for c in columns))
    return pd.DataFrame(
        {
            g: degrees[[c for c in columns if groups[c] == g]].sum(axis=1, min_count=1)
            for g in order
        },
        index=degrees.index,
    )


def _top_factors(
    degrees: pd.DataFrame, deg: np.ndarray, undefined: np.ndarray, years: Any, top: int
) -> pd.DataFrame:
    columns = list(degrees.columns)
    index = degrees.index
    k = min(top, len(columns))
    defined = ~undefined
    # stable sort on -degree keeps column order among ties
    order = np.argsort(-np.where(defined[:, None], deg, 0.0), axis=1, kind="stable")[:, :k]
    rows_pos = np.repeat(np.flatnonzero(defined), k)
    ranks = np.tile(np.arange(1, k + 1), int(defined.sum()))
    cols_pos = order[defined].ravel()
    idx_labels = index[rows_pos]
    levels = [idx_labels.get_level_values(i) for i in range(idx_labels.nlevels)]
    names = list(index.names)
    if years is not None and (years.name is None or years.name not in names):
        # e.g. a province index repeated over years: the year tells the rows apart
        levels.append(pd.Index(years.to_numpy()[rows_pos]))
        names.append(years.name or "year")
    levels.append(pd.Index(ranks))
    names.append("rank")
    return pd.DataFrame(
        {
            "indicator": np.asarray(columns, dtype=object)[cols_pos],
            "degree": deg[rows_pos, cols_pos],
        },
        index=pd.MultiIndex.from_arrays(levels, names=names),
    )
