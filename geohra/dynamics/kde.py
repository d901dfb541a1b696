"""Kernel density curves of an indicator over time ("dynamic evolution").

:func:`kde` -- kernel density of an indicator per year (and group) on one shared
grid, with the features studies describe in words (main peak location and
height, width, number of peaks). Kernels (``kernel=``: gaussian, epanechnikov,
biweight, triangular, uniform), what the bandwidth means (``kernel_scale=``) and
the named bandwidth rules of R, Stata and MATLAB are registries in
:mod:`geohra.dynamics._kernels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import check_nan_policy, to_numeric, validate_units
from geohra._result import Result, fmt
from geohra.dynamics._kde_core import _bandwidth, _grid, _kde_core
from geohra.dynamics._kernels import BANDWIDTHS, KERNEL_SCALES, KERNELS
from geohra.index import _labels

__all__ = ["kde", "KDEResult", "BANDWIDTH_RULES", "KERNELS", "KERNEL_SCALES"]

#: bandwidth rule -> description (see geohra.dynamics._kernels.BANDWIDTHS)
BANDWIDTH_RULES: dict[str, str] = {name: text for name, (_, text) in BANDWIDTHS.items()}


@dataclass(frozen=True, repr=False)
class KDEResult(Result):
    """Result of :func:`kde`.

    Attributes
    ----------
    grid : the shared evaluation points.
    densities : DataFrame, index = grid, columns = years (or ``(group, year)``
        MultiIndex with ``by``; a single column ``"all"`` without ``time``).
    bandwidth : Series, one bandwidth per curve (same labels as the columns).
    features : DataFrame, one row per curve: n, mean, sd, skewness, bandwidth,
        peak_x, peak_height, width (full width at half maximum of the main
        peak), n_peaks (local maxima at least ``peak_threshold`` x the main
        peak's height).
    peaks : DataFrame, every counted peak per curve (x, height), tallest first.
    """

    grid: np.ndarray
    densities: pd.DataFrame
    bandwidth: pd.Series
    features: pd.DataFrame
    peaks: pd.DataFrame
    rule: str
    peak_threshold: float
    groups: tuple | None = None
    omitted: tuple = ()
    variant: str = "Gaussian kernel; f(x) = 1/(n h) sum_i phi((x - x_i)/h)"
    kernel: str = "gaussian"

    def _repr_parts(self) -> list[str]:
        parts = [f"{self.densities.shape[1]} curves"]
        if self.groups is not None:
            parts.append(f"{len(self.groups)} groups")
        parts += [
            f"bandwidth {self.rule.split(':')[0]}",
            f"grid {fmt(self.grid[0], 3)}–{fmt(self.grid[-1], 3)} ({len(self.grid)} points)",
        ]
        return parts

    def to_frame(self) -> pd.DataFrame:
        """The density curves (index = grid)."""
        return self.densities.copy()

    def summary(self) -> pd.DataFrame:
        """The per-curve features, with the bandwidth rule and kernel."""
        out = self.features.copy()
        out["rule"] = self.rule
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant
        return out

    def plot(self, kind: str = "curves", **kwargs: Any) -> Any:
        """Draw the densities; returns a matplotlib Figure.

        ``kind="curves"``: :func:`geohra.maps.charts.kde_curves` (one line per year, one
        panel per group); ``kind="surface"``: :func:`geohra.maps.charts.kde_surface`
        (year × value × density). Keyword arguments go to that function.
        """
        from geohra.maps import charts

        draw = {"curves": charts.kde_curves, "surface": charts.kde_surface}
        if kind not in draw:
            raise ValueError(f"kind must be one of {list(draw)}; got {kind!r}.")
        return draw[kind](self.densities, **kwargs)


def _resolve_panel(
    data: Any, column: str | None, keys: dict[str, Any], func: str
) -> tuple[pd.Series, dict[str, pd.Series]]:
    if isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else "value")
        column = frame.columns[0] if column is None else column
    elif isinstance(data, pd.DataFrame):
        frame = data
        if column is None:
            raise TypeError(f"{func}: data is a DataFrame, so name the column to analyse.")
    else:
        raise TypeError(f"{func}: data must be a DataFrame or Series; got {type(data).__name__}.")
    if column not in frame.columns:
        raise KeyError(
            f"{func}: column {column!r} is not in the data; available: {list(map(str, frame.columns))}."
        )
    # Hong Kong, Macao, Taiwan (analysis=False) are left out of the distribution, with a warning
    outside = validate_units(frame, frame.index, func=func, cross_section=False)
    if outside:
        frame = frame.drop(index=outside)
    values = to_numeric(frame[column], name=f"{func}: {column!r}")
    resolved = {
        name: _labels(frame, key, name=f"{func}: {name}")
        for name, key in keys.items()
        if key is not None
    }
    return values, resolved


def _check_options(
    bandwidth: str | float, kernel: str, kernel_scale: str, peak_threshold: float, nan_policy: str
) -> None:
    check_nan_policy(nan_policy)
    if kernel not in KERNELS:
        raise ValueError(f"kde: kernel must be one of {list(KERNELS)}; got {kernel!r}.")
    if kernel_scale not in KERNEL_SCALES:
        raise ValueError(
            f"kde: kernel_scale must be one of {list(KERNEL_SCALES)}; got {kernel_scale!r}."
        )
    if isinstance(bandwidth, str) and bandwidth not in BANDWIDTH_RULES:
        raise ValueError(
            f"kde: bandwidth must be one of {list(BANDWIDTH_RULES)} or a positive number; "
            f"got {bandwidth!r}."
        )
    if not 0 < peak_threshold < 1:
        raise ValueError(f"kde: peak_threshold must be in (0, 1); got {peak_threshold!r}.")


def _curve_inputs(
    values: pd.Series, keys: dict[str, pd.Series], nan_policy: str
) -> tuple[pd.DataFrame, tuple, list[str], list[tuple[Any, np.ndarray]]]:
    """The value/by/time frame without missing rows, the omitted labels, the
    grouping columns used and one ``(key, values)`` pair per curve."""
    frame = pd.DataFrame({"value": values.to_numpy()}, index=values.index)
    for name, s in keys.items():
        frame[name] = s.to_numpy()
    if not np.isfinite(frame["value"].dropna()).all():
        raise ValueError("kde: infinite values in the data.")
    bad = frame.isna().any(axis=1)
    omitted: tuple = ()
    if bad.any():
        labels = tuple(frame.index[bad])
        if nan_policy == "raise":
            raise ValueError(
                f"kde: {len(labels)} missing value(s) at {list(labels[:8])}; fill or drop them, "
                "or pass nan_policy='omit'."
            )
        frame, omitted = frame[~bad], labels

    group_cols = [c for c in ("by", "time") if c in frame.columns]
    if group_cols:
        parts = list(frame.groupby(group_cols, sort=True)["value"])
        curves = [
            (k if len(group_cols) > 1 else (k[0] if isinstance(k, tuple) else k), v.to_numpy())
            for k, v in parts
        ]
    else:
        curves = [("all", frame["value"].to_numpy())]
    return frame, omitted, group_cols, curves


def _kde_tables(
    cols: list,
    g: np.ndarray,
    dens: list[np.ndarray],
    feats: list[dict],
    peak_rows: list[tuple],
    bws: dict,
    names: list,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.DataFrame]:
    """Densities, features, bandwidths and peaks, labelled by curve."""
    if len(names) > 1:
        col_index = pd.MultiIndex.from_tuples(cols, names=names)
    else:
        col_index = pd.Index(cols, name=names[0])
    densities = pd.DataFrame(np.column_stack(dens), index=pd.Index(g, name="x"), columns=col_index)
    features = pd.DataFrame(feats, index=col_index)
    bw = pd.Series([bws[k] for k in cols], index=col_index, name="bandwidth")
    peaks_df = pd.DataFrame(
        [(r, px, ph) for _, r, px, ph in peak_rows],
        columns=["peak", "x", "height"],
        index=pd.MultiIndex.from_tuples(
            [(*k, r) if isinstance(k, tuple) else (k, r) for k, r, _, _ in peak_rows],
            names=[*names, "peak"],
        ),
    )[["x", "height"]]
    return densities, features, bw, peaks_df


def kde(
    data: pd.DataFrame | pd.Series,
    column: str | None = None,
    *,
    time: str | None = "year",
    by: str | None = None,
    bandwidth: str | float = "silverman",
    kernel: str = "gaussian",
    kernel_scale: str = "sd",
    grid: Sequence[float] | np.ndarray | None = None,
    grid_size: int = 256,
    peak_threshold: float = 0.05,
    nan_policy: str = "raise",
) -> KDEResult:
    """Kernel density curves per year (and group) on one shared grid.

    Parameters
    ----------
    data : DataFrame (long panel) or Series
    column : str
        The indicator.
    time : str or None
        Year column or index level; ``None`` draws one curve of all rows.
    by : str, optional
        Group column or index level (e.g. region): one curve per group and year.
    bandwidth : str or float
        A rule is applied to every curve with that curve's own sample (its sd,
        IQR and n), so all curves use the same rule; see ``BANDWIDTH_RULES``:
        ``"silverman"``, ``"scott"``, ``"silverman_robust"``, ``"stata"``
        (kdensity's default width, with Stata's quartiles), ``"nrd0"`` / ``"nrd"``
        (R's bw.nrd0, IQR/1.34, and bw.nrd), ``"matlab"`` (ksdensity's and
        fitdist's MAD-based rule), ``"sj"`` / ``"sj_dpi"`` (R's Sheather-Jones bw.SJ).
        A number is one common bandwidth ``h`` in data units for every curve
        (unlike scipy, where a number is a factor of the sd).
    kernel : {"gaussian", "epanechnikov", "biweight", "triangular", "uniform"}
        Stata's kdensity default is ``"epanechnikov"`` (with ``bandwidth="stata"``);
        MATLAB's ``"box"`` and ``"triangle"`` are ``"uniform"`` and ``"triangular"``.
    kernel_scale : {"sd", "support"}
        ``"sd"``: ``h`` is the kernel's standard deviation (R's density(), MATLAB's
        ksdensity and fitdist, Stata's epanechnikov); ``"support"``: ``h`` is the
        half-width of the support (Stata's epan2, biweight, triangle, rectangle).
    grid : array-like, optional
        Evaluation points (increasing). Default: ``grid_size`` equally spaced
        points from ``min - 3 h_max`` to ``max + 3 h_max`` over all curves, so
        every curve integrates to about 1 on the grid.
    grid_size : int
        Number of points of the default grid (at least 16). The programs' own grids:
        R's density 512 points over min - 3 bw ... max + 3 bw; MATLAB's ksdensity 100
        points over min - 3 h ... max + 3 h (normal kernel; this default grid with
        ``grid_size=100``); Stata's kdensity min(n, 50) points over min - h ... max + h
        (pass that as ``grid``).
    peak_threshold : float
        A local maximum counts as a peak if it is at least this fraction of
        the curve's highest point (default 5 %).
    nan_policy : {"raise", "omit"}

    Returns
    -------
    KDEResult
    """
    _check_options(bandwidth, kernel, kernel_scale, peak_threshold, nan_policy)
    if (
        isinstance(data, pd.Series)
        and isinstance(time, str)
        and time not in (data.index.names or [])
    ):
        time = None if time == "year" else time  # a plain Series has no year unless indexed by it
    values, keys = _resolve_panel(data, column, {"time": time, "by": by}, "kde")
    frame, omitted, group_cols, curves = _curve_inputs(values, keys, nan_policy)
    bws = {}
    # here, not in a helper, so a bandwidth rule's warning points at the caller
    for key, x in curves:
        if len(x) < 2:
            raise ValueError(
                f"kde: curve {key!r} has {len(x)} value(s); a density needs at least 2."
            )
        bws[key] = _bandwidth(x, bandwidth, f"curve {key!r}: ")
    g = _grid(grid, grid_size, frame["value"], bws)
    cols, dens, feats, peak_rows = _kde_core(curves, bws, g, kernel, kernel_scale, peak_threshold)

    names = [{"by": by, "time": time}[c] for c in group_cols] or ["curve"]
    names = [
        n if isinstance(n, str) else c for n, c in zip(names, group_cols or ["curve"], strict=True)
    ]
    densities, features, bw, peaks_df = _kde_tables(cols, g, dens, feats, peak_rows, bws, names)
    rule = bandwidth if isinstance(bandwidth, str) else f"common h = {float(bandwidth):g}"
    return KDEResult(
        grid=g,
        densities=densities,
        bandwidth=bw,
        features=features,
        peaks=peaks_df,
        rule=f"{rule}: {BANDWIDTH_RULES[bandwidth]}" if isinstance(bandwidth, str) else rule,
        peak_threshold=float(peak_threshold),
        groups=tuple(dict.fromkeys(k[0] for k in cols)) if "by" in group_cols else None,
        omitted=omitted,
        variant=_variant(kernel, kernel_scale),
        kernel=kernel,
    )


def _variant(kernel: str, scale: str) -> str:
    k = KERNELS[kernel]
    if kernel == "gaussian":
        return "Gaussian kernel; f(x) = 1/(n h) sum_i phi((x - x_i)/h)"
    a = f"h*sqrt({round(1 / k.sd**2)})" if scale == "sd" else "h"
    return (
        f"{kernel} kernel K(u) = {k.formula} on |u| <= 1; f(x) = 1/(n a) sum_i K((x - x_i)/a), "
        f"a = {a} ({KERNEL_SCALES[scale]})"
    )
