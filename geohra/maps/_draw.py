"""Drawing steps shared by the static maps: polygons, legend, north arrow, scale bar,
inset, unit names. Each takes an Axes and already resolved geometry and colours."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra.maps import _layout, _style
from geohra.maps._geo import _INSET_RECT, _Geo
from geohra.maps._prepared import polygon_paths
from geohra.maps._style import (
    CONTEXT_COLOR,
    CONTEXT_EDGE_COLOR,
    EDGE_COLOR,
    MISSING_COLOR,
    MISSING_HATCH,
    font_for,
    font_props,
    text,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Scale bar (axes fraction of its left end) and the bottom of the legend above it.
_SCALE_BAR_AT = (0.03, 0.045)
_LEGEND_BOTTOM = 0.065

# ---------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------


def _polygon_path(geom: Any) -> Any:
    """One compound matplotlib Path for a (multi)polygon, holes included."""
    from matplotlib.path import Path

    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type == "Polygon":
            for ring in (poly.exterior, *poly.interiors):
                parts.append(Path(np.asarray(ring.coords)[:, :2], closed=True))
        elif poly.geom_type in ("MultiPolygon", "GeometryCollection"):
            parts.append(_polygon_path(poly))
    if not parts:
        raise ValueError(f"cannot draw a {geom.geom_type} as an area; expected (multi)polygons.")
    return Path.make_compound_path(*parts)


def _drawing_tolerance(geoms: Any) -> float:
    """Simplification tolerance for drawing a layer: 1/5,000 of its larger span (about
    0.3 px on a map 1,500 px wide), rounded down to a power of two so that maps of one
    layer share their paths. Filled paths are drawn vertex by vertex (matplotlib does not
    simplify them): a county layer has 4 million vertices, most of them far below a pixel."""
    x0, y0, x1, y1 = geoms.total_bounds
    span = max(x1 - x0, y1 - y0)
    if not np.isfinite(span) or span <= 0:
        return 0.0
    return float(2.0 ** math.floor(math.log2(span / 5000.0)))


def _add_polygons(ax: Axes, geoms: Any, *, gid: str, facecolors: Any, **kw: Any) -> Any:
    import shapely
    from matplotlib.collections import PathCollection

    # paths are made once per geometry (and tolerance) and reused by later maps of the same
    # layer; a PathCollection takes them directly (a PathPatch per unit costs ~0.2 ms each)
    tol = _drawing_tolerance(geoms)

    def make(g: Any) -> Any:
        if not tol:
            return _polygon_path(g)
        # plain Douglas-Peucker (12x faster than the topology-preserving form on counties);
        # a unit it would collapse or make invalid is simplified preserving topology
        s = shapely.simplify(g, tol)
        if s.is_empty or not s.is_valid:
            s = shapely.simplify(g, tol, preserve_topology=True)
        return _polygon_path(s)

    paths = polygon_paths(geoms, make, tol)
    coll = PathCollection(paths, facecolors=facecolors, transform=ax.transData, **kw)
    coll.set_gid(gid)
    ax.add_collection(coll, autolim=False)
    return coll


def _draw_layers(ax: Axes, geo: _Geo, colors: pd.Series, *, linewidth: float) -> None:
    """Coloured units, hatched missing units and grey context on one axes."""
    units = geo.units
    have = colors.reindex(units.index).notna().to_numpy()
    if have.any():
        _add_polygons(
            ax,
            units[have],
            gid="units",
            facecolors=list(colors.reindex(units.index)[have]),
            edgecolors=EDGE_COLOR,
            linewidths=linewidth,
            zorder=2,
        )
    if (~have).any():
        _add_polygons(
            ax,
            units[~have],
            gid="missing",
            facecolors=MISSING_COLOR,
            edgecolors=EDGE_COLOR,
            hatch=MISSING_HATCH,
            linewidths=linewidth,
            zorder=2,
        )
    if geo.context is not None and len(geo.context):
        _add_polygons(
            ax,
            geo.context,
            gid="context",
            facecolors=CONTEXT_COLOR,
            edgecolors=CONTEXT_EDGE_COLOR,
            linewidths=linewidth,
            zorder=1,
        )


def _setup_axes(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_axis_off()


def _draw_north_arrow(ax: Axes, lang: str) -> None:
    ann = ax.annotate(
        text("north", lang),
        xy=(0.06, 0.96),
        xytext=(0, -30),  # in points: the arrow keeps its length on small maps
        xycoords="axes fraction",
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        fontproperties=font_props(lang, 12),  # "N" / "北"
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3, "headwidth": 10},
        zorder=5,
    )
    ann.set_gid("north-arrow")


def _nice_length(target: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above ``target`` (target > 0)."""
    exp = math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * 10**exp <= target:
            return m * 10**exp
    return 10**exp  # pragma: no cover - unreachable, 1 * 10**exp <= target


def _metres_per_unit(crs: Any) -> float | None:
    """Metres per CRS unit for projected CRSs, None for geographic ones."""
    from pyproj import CRS

    c = CRS.from_user_input(crs)
    if c.is_geographic:
        return None
    return float(c.axis_info[0].unit_conversion_factor)


def _draw_scale_bar(ax: Axes, geo: _Geo, lang: str) -> None:
    """A two-segment scale bar in km, sized to about a sixth of the map width, in the
    lower left corner under the legend (labels below the bar)."""
    from matplotlib.patches import Rectangle

    x0, x1, y0, y1 = geo.extent
    width, height = x1 - x0, y1 - y0
    bx, by = x0 + _SCALE_BAR_AT[0] * width, y0 + _SCALE_BAR_AT[1] * height
    if geo.crs is None:
        return  # no CRS: distances unknown, no bar (documented on the functions)
    per_unit = _metres_per_unit(geo.crs)
    if per_unit is None:
        from pyproj import Geod

        geod = Geod(ellps="WGS84")
        # km per degree of longitude along the bar's latitude
        lon_end, _, _ = geod.fwd(bx, by, 90.0, 1000.0)
        units_per_km = lon_end - bx
    else:
        units_per_km = 1000.0 / per_unit
    km = _nice_length(0.17 * width / units_per_km)
    seg = km / 2 * units_per_km
    h = 0.012 * height
    for i, face in enumerate(("black", "white")):
        rect = Rectangle(
            (bx + i * seg, by), seg, h, facecolor=face, edgecolor="black", linewidth=0.8, zorder=5
        )
        rect.set_gid("scale-bar")
        ax.add_patch(rect)
    fp = font_props(lang, 8)
    for x, label in ((bx, "0"), (bx + 2 * seg, f"{km:g} {text('km', lang)}")):
        t = ax.text(x, by - 0.5 * h, label, ha="center", va="top", fontproperties=fp, zorder=5)
        t.set_gid("scale-bar")


def _draw_inset(ax: Axes, geo: _Geo, colors: pd.Series, lang: str) -> None:
    """The South China Sea in a box at the lower right, with the maritime boundary line."""
    from matplotlib.collections import LineCollection

    inset = ax.inset_axes(list(_INSET_RECT))
    inset.set_gid("inset")
    _draw_layers(inset, geo, colors, linewidth=0.2)
    layer = geo.south_sea
    lines = layer[layer.geom_type.isin(["LineString", "MultiLineString"])]
    areas = layer[layer.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(areas):
        _add_polygons(
            inset,
            areas.geometry,
            gid="south-sea-islands",
            facecolors=CONTEXT_COLOR,
            edgecolors=EDGE_COLOR,
            linewidths=0.2,
            zorder=3,
        )
    segments = []
    for geom in lines.geometry:
        for part in getattr(geom, "geoms", [geom]):
            segments.append(np.asarray(part.coords)[:, :2])
    if segments:
        coll = LineCollection(segments, colors="#333333", linewidths=0.8, zorder=4)
        coll.set_gid("south-sea-line")
        inset.add_collection(coll, autolim=False)
    _setup_axes(inset, geo.inset_extent)
    inset.set_axis_on()
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_linewidth(0.8)
    label = inset.text(
        0.97,
        0.03,
        text("south_sea", lang),
        transform=inset.transAxes,
        ha="right",
        va="bottom",
        fontproperties=font_props(lang, 6),
        zorder=5,
    )
    label.set_gid("south-sea-label")  # moved off the line once the layout is final
    inset.set_facecolor("white")


def _legend(
    ax: Any,
    entries: Sequence[tuple[str, str, str | None]],
    *,
    lang: str,
    title: str | None,
    loc: str = "lower left",
    **kw: Any,
) -> Any:
    """Legend of (label, facecolour, hatch) patches; ``ax`` may be an Axes or a Figure."""
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=color, edgecolor=EDGE_COLOR, hatch=hatch, label=label, linewidth=0.5)
        for label, color, hatch in entries
    ]
    leg = ax.legend(
        handles=handles,
        loc=loc,
        title=title,
        prop=font_for([e[0] for e in entries], lang, 8),
        title_fontproperties=font_for([title or ""], lang, 9),
        frameon=False,
        **kw,
    )
    leg.set_gid("legend")
    return leg


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.get_figure(), ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _extra_entries(colors: pd.Series, geo: _Geo, lang: str) -> list[tuple[str, str, str | None]]:
    entries: list[tuple[str, str, str | None]] = []
    if colors.reindex(geo.units.index).isna().any():
        entries.append((text("no_data", lang), MISSING_COLOR, MISSING_HATCH))
    if geo.context is not None and len(geo.context):
        entries.append((text("context", lang), CONTEXT_COLOR, None))
    return entries


def _draw_map(
    ax: Axes,
    geo: _Geo,
    colors: pd.Series,
    entries: list[tuple[str, str, str | None]] | None,
    *,
    lang: str,
    title: str | None,
    legend_title: str | None,
    north_arrow: bool,
    scale_bar: bool,
    linewidth: float = 0.4,
    names: pd.Series | None = None,
    source_note: str | None = None,
) -> None:
    """Draw everything of one map on ``ax``; ``entries=None`` draws no legend (the caller
    draws one for several maps and then calls :func:`_place_texts` itself)."""
    if len(geo.units) > 300:  # county maps: thin borders, or the map turns grey
        linewidth = min(linewidth, 0.12)
    _draw_layers(ax, geo, colors, linewidth=linewidth)
    _setup_axes(ax, geo.extent)
    if geo.south_sea is not None:
        _draw_inset(ax, geo, colors, lang)
    if north_arrow:
        _draw_north_arrow(ax, lang)
    leg = None
    if entries is not None:
        leg = _legend(
            ax,
            entries + _extra_entries(colors, geo, lang),
            lang=lang,
            title=legend_title,
            bbox_to_anchor=(0.0, _LEGEND_BOTTOM if scale_bar else 0.0),
        )
    if scale_bar:
        _draw_scale_bar(ax, geo, lang)
    if title:
        ax.set_title(title, fontproperties=font_for([title], lang, 13))
    if source_note:
        _draw_source_note(ax, source_note, lang)
    if entries is not None:
        _place_texts(ax, geo, leg, north_arrow=north_arrow, scale_bar=scale_bar)
        if names is not None:
            _layout.draw_names(ax, geo.units, names, colors)


def _place_texts(
    ax: Axes, geo: _Geo, leg: Any, *, north_arrow: bool, scale_bar: bool, settled: bool = False
) -> None:
    """Once the layout is final: the legend to a corner free of units (else outside the
    map) and the South China Sea label off the maritime line."""
    if not settled:
        _layout.settle(_layout.root_figure(ax))
    if leg is not None:
        lift = _LEGEND_BOTTOM if scale_bar else 0.0
        candidates = [("lower left", (0.0, lift))]
        if geo.south_sea is None:  # the inset holds the lower right corner
            candidates.append(("lower right", (1.0, lift)))
        candidates.append(("upper right", (1.0, 1.0)))
        candidates.append(("upper left", (0.0, 0.84 if north_arrow else 1.0)))
        drawn = list(geo.units) + ([] if geo.context is None else list(geo.context))
        _layout.place_legend(ax, leg, drawn, candidates)
    for inset in ax.child_axes:
        if inset.get_gid() == "inset":
            _layout.place_inset_label(inset)


def _draw_source_note(ax: Any, note: str, lang: str) -> Any:
    """The map-source note (e.g. 审图号) in small type under the axes, left-aligned;
    ``ax`` may be a Figure (small multiples: under everything)."""
    fp = _note_font(note, lang)
    if hasattr(ax, "transAxes"):
        t = ax.annotate(
            note,
            xy=(0.0, 0.0),
            xycoords="axes fraction",
            xytext=(0, -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontproperties=fp,
            color="#333333",
        )
    else:
        t = ax.text(0.01, 0.005, note, ha="left", va="bottom", fontproperties=fp, color="#333333")
    t.set_gid("source-note")
    return t


def _note_font(note: str, lang: str) -> Any:
    if not _style.has_cjk([note]):
        return font_props(lang, 7)
    if _style.find_cjk_font() is None:
        raise ValueError(
            f"source_note {note!r} is Chinese but no font with Chinese glyphs is installed, so "
            "it would be drawn as empty boxes. Install one (e.g. apt-get install fonts-noto-cjk) "
            "or write the note in English."
        )
    return font_props("zh", 7)


def _annotation(gdf: Any, annotate: bool | str, lang: str) -> pd.Series | None:
    """Unit names to write on the map: a column, or True for short Chinese / English names."""
    if annotate is False or annotate is None:
        return None
    if annotate is True:
        candidates = ("short_zh", "name_zh") if lang == "zh" else ("name_en",)
        found = [c for c in (*candidates, "name") if c in gdf.columns]
        if not found:
            raise ValueError(
                f"annotate=True looks for a name column {[*candidates, 'name']}; none is in the "
                "data. Pass annotate='<column>' naming the column to write."
            )
        annotate = found[0]
    if annotate not in gdf.columns:
        raise KeyError(
            f"annotate column {annotate!r} is not in the data; columns: {list(gdf.columns)}."
        )
    names = gdf[annotate].astype("object").where(gdf[annotate].notna(), "").astype(str)
    if _style.has_cjk(names) and _style.find_cjk_font() is None:
        raise ValueError(
            f"the names in {annotate!r} are Chinese but no font with Chinese glyphs is installed, "
            "so they would be drawn as empty boxes. Install one (e.g. apt-get install "
            "fonts-noto-cjk) or annotate with English names (annotate='name_en')."
        )
    return names
