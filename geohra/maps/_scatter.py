"""Steps of :func:`geohra.maps.charts.moran_scatter`: the checked values and the slope,
the point colours of the LISA clusters, the points and the line, and the texts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import align, to_numeric
from geohra.maps._style import LISA_COLORS, LISA_LABELS, font_for, font_props, text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


def _scatter_values(z: pd.Series, lag: pd.Series) -> tuple[pd.Series, pd.Series, float]:
    """``z`` and ``lag`` as numbers on the same units (no NaN), and the slope of the line
    through the origin, ``sum(z * lag) / sum(z**2)``."""
    z = to_numeric(z, name="z")
    lag = to_numeric(lag, name="lag")
    align({"z": z, "lag": lag})
    lag = lag.reindex(z.index)
    if z.isna().any() or lag.isna().any():
        raise ValueError("z and lag must not contain missing values (NaN).")
    slope = float((z * lag).sum() / (z**2).sum())
    return z, lag, slope


def _cluster_colours(z: pd.Series, clusters: pd.Series | None) -> Any:
    """One grey for all points, or the LISA colour of each unit's cluster (white: none)."""
    colours: Any = "#555555"
    if clusters is not None:
        align({"z": z, "clusters": clusters})
        cl = clusters.reindex(z.index)
        unknown = sorted(set(cl.dropna().astype(str)) - set(LISA_LABELS))
        if unknown:
            raise ValueError(f"clusters: unknown labels {unknown}; expected {list(LISA_LABELS)}.")
        colours = [LISA_COLORS[c] if pd.notna(c) else "#ffffff" for c in cl]
    return colours


def _draw_scatter(ax: Axes, z: pd.Series, lag: pd.Series, colours: Any, slope: float) -> None:
    """The points, the line of the slope, the axes through the origin, square limits."""
    pts = ax.scatter(
        z.to_numpy(),
        lag.to_numpy(),
        c=colours,
        s=22,
        edgecolors="#333333",
        linewidths=0.5,
        zorder=3,
    )
    pts.set_gid("moran-points")
    lim = 1.1 * max(np.abs(z).max(), np.abs(lag).max())
    xs = np.array([-lim, lim])
    (line,) = ax.plot(xs, slope * xs, color="#b2182b", lw=1.3, zorder=2)
    line.set_gid("moran-line")
    ax.axhline(0, color="#999999", lw=0.8, ls="--", zorder=1)
    ax.axvline(0, color="#999999", lw=0.8, ls="--", zorder=1)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)


def _label_scatter(
    ax: Axes,
    z: pd.Series,
    lag: pd.Series,
    labels: pd.Series | None,
    lang: str,
    title: str | None,
    slope: float,
) -> None:
    """Quadrant names, unit names next to the points, axis labels, the title with the slope."""
    fp = font_props(lang, 9)
    for (qx, qy), key in (
        ((1, 1), "High-High"),
        ((-1, -1), "Low-Low"),
        ((-1, 1), "Low-High"),
        ((1, -1), "High-Low"),
    ):
        t = ax.text(
            0.97 if qx > 0 else 0.03,
            0.97 if qy > 0 else 0.03,
            text(key, lang),
            transform=ax.transAxes,
            ha="right" if qx > 0 else "left",
            va="top" if qy > 0 else "bottom",
            color="#666666",
            fontproperties=fp,
        )
        t.set_gid("quadrant")
    if labels is not None:
        names = labels.reindex(z.index)
        name_font = font_for([str(v) for v in names], lang, 7)
        for uid in z.index:
            ax.annotate(
                str(names[uid]),
                (z[uid], lag[uid]),
                xytext=(3, 3),
                textcoords="offset points",
                fontproperties=name_font,
            )
    ax.set_xlabel(text("standardised", lang), fontproperties=fp)
    ax.set_ylabel(text("spatial_lag", lang), fontproperties=fp)
    heading = f"{text('moran', lang)} = {slope:.3f}"
    ax.set_title(
        heading if title is None else f"{title}\n{heading}",
        fontproperties=font_for([title or ""], lang, 11),
    )
    ax.set_aspect("equal")
