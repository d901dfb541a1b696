"""Charts that go beside the maps: kernel-density curves and surface, decomposition bars,
Moran scatter plot.

Each function takes plain DataFrames / Series (e.g. ``kde(...).densities``,
``per_year(theil, ...)``, ``local_moran(...).to_frame()[["z", "lag"]]``), draws on a
``matplotlib.figure.Figure`` (not pyplot) and returns it. Chinese labels need a CJK font
(see :mod:`geohra.maps._style`); without one, labels fall back to English with one warning.
Tick labels stay in DejaVu Sans, which has a true minus sign, so no global
``axes.unicode_minus`` change is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import to_numeric
from geohra.maps._scatter import _cluster_colours, _draw_scatter, _label_scatter, _scatter_values
from geohra.maps._style import (
    font_for,
    font_props,
    has_cjk,
    region_label,
    region_order,
    resolve_lang,
    text,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["kde_curves", "kde_surface", "decomposition_bars", "moran_scatter"]

# Parts of the two decompositions, in stacking order.
_THEIL_PARTS = ("within", "between")
_DAGUM_PARTS = ("within", "between_net", "transvariation")
_PART_COLORS = {
    "within": "#4575b4",
    "between": "#d73027",
    "between_net": "#d73027",
    "transvariation": "#fdae61",
}


def _figure(ax: Axes | None, figsize: tuple[float, float], **kw: Any) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.get_figure(), ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot(**kw)


def _lang(lang: str, labels: Any) -> str:
    return resolve_lang(lang, chinese=has_cjk(labels))


def _check_densities(densities: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(densities, pd.DataFrame) or densities.empty:
        raise TypeError(
            "expected the density curves as a non-empty DataFrame (index = grid, columns = "
            "years, or (group, year)), e.g. geohra.kde(...).densities; got "
            f"{type(densities).__name__}."
        )
    if not densities.index.is_monotonic_increasing:
        raise ValueError("the density index (the grid) must be increasing.")
    return densities


def kde_curves(
    densities: pd.DataFrame,
    *,
    ax: Axes | None = None,
    cmap: str = "viridis",
    lang: str = "auto",
    title: str | None = None,
    xlabel: str | None = None,
    ncols: int = 2,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Kernel-density curves, one line per year (coloured from early to late).

    Parameters
    ----------
    densities
        Index = grid of values, columns = years; or a two-level column MultiIndex
        ``(group, year)`` (``kde(..., by="region3")``), drawn as one panel per group
        with shared axes (the value axis reaches the highest curve of all panels), and
        one legend of years. Regions of the built-in schemes come in their canonical
        order (East, Central, West, Northeast) and are titled in ``lang`` (东部, 中部,
        西部, 东北); other groups keep their order and name.
    ax
        Axes to draw on (single-level columns only).
    cmap
        Colormap for the years (first year = start of the map).
    xlabel
        Label of the value axis (default "Value"/"数值").
    ncols
        Panels per row for groups.

    Returns
    -------
    matplotlib.figure.Figure
    """
    densities = _check_densities(densities)
    grouped = isinstance(densities.columns, pd.MultiIndex)
    if grouped and densities.columns.nlevels != 2:
        raise ValueError("expected columns (group, year) with two levels.")
    if grouped and ax is not None:
        raise TypeError("ax= draws one panel; curves per group need a figure of their own.")
    groups = list(dict.fromkeys(densities.columns.get_level_values(0))) if grouped else [None]
    groups = region_order(groups) if grouped else groups
    years = list(dict.fromkeys(densities.columns.get_level_values(-1)))
    lang = _lang(lang, [*groups, title or "", xlabel or ""])
    import matplotlib

    colours = matplotlib.colormaps[cmap](np.linspace(0, 1, max(len(years), 2)))[: len(years)]
    if grouped:
        from matplotlib.figure import Figure

        nc = min(ncols, len(groups))
        nr = -(-len(groups) // nc)
        fig = Figure(figsize=figsize or (4.5 * nc, 3.4 * nr), layout="constrained")
        axes = fig.subplots(nr, nc, squeeze=False, sharex=True, sharey=True).ravel()
        for a in axes[len(groups) :]:
            a.set_axis_off()
        for i in range(max(0, len(groups) - nc), len(groups)):
            # the lowest panel of each column shows the x values (with an empty slot below
            # it, sharex would have hidden them)
            axes[i].xaxis.set_tick_params(labelbottom=True)
    else:
        fig, a0 = _figure(ax, figsize or (6.5, 4.2))
        axes = [a0]
    fp = font_props(lang, 9)
    for a, group in zip(axes, groups, strict=False):
        for colour, year in zip(colours, years, strict=True):
            col = (group, year) if grouped else year
            if col in densities.columns:
                a.plot(
                    densities.index,
                    densities[col].to_numpy(),
                    color=colour,
                    lw=1.4,
                    label=str(year),
                )
        if grouped:
            label = region_label(group, lang)
            a.set_title(label, fontproperties=font_for([label], lang, 10))
        a.set_xlabel(xlabel or text("value", lang), fontproperties=fp)
        a.set_ylabel(text("density", lang), fontproperties=fp)
    # One explicit limit from all curves: with shared axes an autoscaled limit set while
    # drawing the first panel would clip the peaks of the later ones.
    drawn = [np.nanmax(ln.get_ydata()) for a in axes for ln in a.get_lines()]
    if drawn:
        axes[0].set_ylim(0, 1.05 * max(max(drawn), 0) or 1.0)
        _trim_tails(axes[0], densities)
    handles, labels = axes[0].get_legend_handles_labels()
    if grouped:
        fig.legend(handles, labels, loc="outside right center", prop=fp, frameon=False)
    else:
        axes[0].legend(prop=fp, frameon=False)
    if title:
        fig.suptitle(title, fontproperties=font_for([title], lang, 12))
    return fig


def _trim_tails(ax: Axes, densities: pd.DataFrame) -> None:
    """x limits where some curve is above 0.1 % of the highest peak (the grid runs three
    bandwidths past the data, where every curve is flat at 0)."""
    values = densities.to_numpy(dtype=float)
    peak = np.nanmax(values) if values.size else 0.0
    if not peak > 0:
        return
    seen = np.flatnonzero(np.nanmax(values, axis=1) > 1e-3 * peak)
    grid = densities.index.to_numpy(dtype=float)
    lo, hi = grid[seen[0]], grid[seen[-1]]
    if hi > lo:
        pad = 0.03 * (hi - lo)
        ax.set_xlim(max(grid[0], lo - pad), min(grid[-1], hi + pad))


def kde_surface(
    densities: pd.DataFrame,
    *,
    group: Any = None,
    cmap: str = "viridis",
    lang: str = "auto",
    title: str | None = None,
    xlabel: str | None = None,
    elev: float = 28.0,
    azim: float = -60.0,
    figsize: tuple[float, float] = (7.0, 5.5),
) -> Figure:
    """The 3-D surface of density over value (x) and year (y).

    Parameters
    ----------
    densities
        Index = grid, columns = years (numeric); with ``(group, year)`` columns pass
        ``group`` to choose the curves of one group.
    group
        The group to draw from a two-level column index.
    elev, azim
        Viewing angles of the 3-D axes (degrees).

    Returns
    -------
    matplotlib.figure.Figure
        The 3-D axes is ``fig.axes[0]``; its surface is ``fig.axes[0].collections[0]``.
    """
    densities = _check_densities(densities)
    if isinstance(densities.columns, pd.MultiIndex):
        groups = list(dict.fromkeys(densities.columns.get_level_values(0)))
        if group is None or group not in groups:
            raise ValueError(f"the curves are per group; pass group= one of {groups}.")
        densities = densities[group]
    elif group is not None:
        raise TypeError("group= needs densities with (group, year) columns.")
    try:
        years = np.asarray(densities.columns, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"the surface needs numeric years as columns; got {list(densities.columns)}."
        ) from None
    if len(years) < 2:
        raise ValueError("a surface needs at least two years.")
    order = np.argsort(years)
    lang = _lang(lang, [title or "", xlabel or "", group or ""])
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot(projection="3d")
    x, y = np.meshgrid(densities.index.to_numpy(dtype=float), years[order])
    z = densities.to_numpy(dtype=float).T[order]
    ax.plot_surface(x, y, z, cmap=cmap, linewidth=0, antialiased=True, rstride=1, cstride=1)
    fp = font_props(lang, 9)
    ax.set_xlabel(xlabel or text("value", lang), fontproperties=fp)
    ax.set_ylabel(text("year", lang), fontproperties=fp)
    ax.set_zlabel(text("density", lang), fontproperties=fp)
    ax.view_init(elev=elev, azim=azim)
    if title:
        ax.set_title(title, fontproperties=font_for([title], lang, 12))
    return fig


def decomposition_bars(
    summary: pd.DataFrame,
    *,
    time: str = "year",
    parts: Sequence[str] | None = None,
    kind: str = "share",
    ax: Axes | None = None,
    lang: str = "auto",
    title: str | None = None,
    figsize: tuple[float, float] = (7.0, 4.2),
) -> Figure:
    """Stacked bars of the parts of an inequality decomposition, one bar per year.

    Parameters
    ----------
    summary
        One row per year: ``geohra.per_year(geohra.theil, panel, ...)`` (the result or its
        ``.summary()``) or the same with ``dagum_gini``; a ``time`` column (or the index)
        and the parts.
    parts
        Columns to stack. Default: ``within, between_net, transvariation`` when
        ``between_net`` is present (Dagum), else ``within, between`` (Theil).
    kind
        "share": each part as a percentage of ``total`` (a ``total`` column, else the
        sum of the parts), bars reach 100 %; "value": the parts themselves, with the
        total marked as a line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if kind not in ("share", "value"):
        raise ValueError(f"kind must be 'share' or 'value'; got {kind!r}.")
    if hasattr(summary, "summary") and not isinstance(summary, pd.DataFrame):
        summary = summary.summary()
    frame = summary.set_index(time) if time in summary.columns else summary
    if parts is None:
        parts = _DAGUM_PARTS if "between_net" in frame.columns else _THEIL_PARTS
    missing = [p for p in parts if p not in frame.columns]
    if missing:
        raise KeyError(
            f"decomposition parts {missing} are not in the summary; columns: {list(frame.columns)}. "
            "Pass parts=[...] naming the columns to stack."
        )
    values = pd.DataFrame({p: to_numeric(frame[p], name=p) for p in parts})
    if values.isna().any().any():
        raise ValueError(
            "the decomposition has missing parts (NaN); compute it with groups in every year."
        )
    total = (
        to_numeric(frame["total"], name="total") if "total" in frame.columns else values.sum(axis=1)
    )
    shown = values.div(total, axis=0) * 100 if kind == "share" else values
    lang = _lang(lang, [title or ""])
    fig, ax = _figure(ax, figsize)
    x = np.arange(len(shown))
    bottom = np.zeros(len(shown))
    for p in parts:
        bars = ax.bar(
            x,
            shown[p].to_numpy(),
            bottom=bottom,
            color=_PART_COLORS.get(p),
            label=text(p, lang),
            edgecolor="white",
            linewidth=0.5,
            width=0.7,
        )
        for rect in bars:
            rect.set_gid(f"part-{p}")  # containers have no gid: tag the rectangles
        bottom = bottom + shown[p].to_numpy()
    if kind == "value":
        (line,) = ax.plot(
            x, total.to_numpy(), color="black", marker="o", ms=3, lw=1, label=text("total", lang)
        )
        line.set_gid("total")
    ax.set_xticks(x, [str(i) for i in shown.index], rotation=45 if len(x) > 8 else 0)
    if len(x) < _MIN_SLOTS:  # one or two years: bars of the usual width, not the whole axis
        pad = (_MIN_SLOTS - len(x)) / 2
        ax.set_xlim(-0.5 - pad, len(x) - 0.5 + pad)
    if kind == "share" and len(x) <= 8:  # few bars: print each part's share on it
        _label_segments(ax, x, shown, parts)
    fp = font_props(lang, 9)
    ax.set_ylabel(
        text("share", lang) if kind == "share" else text("value", lang), fontproperties=fp
    )
    ax.set_xlabel(text("year", lang), fontproperties=fp)
    ax.legend(prop=fp, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title, fontproperties=font_for([title], lang, 12))
    return fig


_MIN_SLOTS = 5  # a decomposition chart is at least this many bar widths wide


def _label_segments(ax: Axes, x: np.ndarray, shown: pd.DataFrame, parts: Sequence[str]) -> None:
    """The share (%) of each part written in the middle of its segment (if >= 4 %)."""
    bottom = np.zeros(len(x))
    for p in parts:
        height = shown[p].to_numpy(dtype=float)
        for xi, b, h in zip(x, bottom, height, strict=True):
            if h >= 4:
                t = ax.text(xi, b + h / 2, f"{h:.1f}", ha="center", va="center", fontsize=8)
                t.set_color("white" if p in ("within", "between", "between_net") else "black")
                t.set_gid(f"share-{p}")
        bottom = bottom + height


def moran_scatter(
    z: pd.Series,
    lag: pd.Series,
    *,
    clusters: pd.Series | None = None,
    labels: pd.Series | None = None,
    ax: Axes | None = None,
    lang: str = "auto",
    title: str | None = None,
    figsize: tuple[float, float] = (5.5, 5.0),
) -> Figure:
    """Moran scatter plot: standardised values (x) against their spatial lag (y).

    The line through the origin has slope ``sum(z * lag) / sum(z**2)``, which is
    Moran's I when ``z`` is centred and the lag uses row-standardised weights (then
    also the least-squares slope), as in GeoDa. The slope is written on the plot.

    Parameters
    ----------
    z, lag
        Series aligned on the unit index (order may differ), e.g. the ``z`` and
        ``lag`` columns of ``geohra.local_moran(...).to_frame()``.
    clusters
        Optional LISA labels per unit: points coloured as in the LISA map.
    labels
        Optional names per unit written next to the points.

    Returns
    -------
    matplotlib.figure.Figure
        The fitted line has gid ``"moran-line"``, the points ``"moran-points"``.
    """
    z, lag, slope = _scatter_values(z, lag)
    lang = _lang(lang, [title or "", *([] if labels is None else list(labels))])
    fig, ax = _figure(ax, figsize)
    colours = _cluster_colours(z, clusters)
    _draw_scatter(ax, z, lag, colours, slope)
    _label_scatter(ax, z, lag, labels, lang, title, slope)
    return fig
