"""Publication maps with matplotlib: classified choropleths, small multiples, LISA and grade maps.

Every function takes a GeoDataFrame and a column (never a result object), draws on a
matplotlib :class:`~matplotlib.figure.Figure` and returns it. Figures are made with
``matplotlib.figure.Figure`` (not pyplot), so building many maps in a loop does not
accumulate open pyplot figures; save them with ``fig.savefig(path, dpi=300)``.

Drawing is split into small steps: resolve the geometry (projection, grey context,
inset layer) -> classify -> colours -> draw (units, legend, north arrow, scale bar, inset).

Artists carry ``gid`` values so that figures can be inspected: ``"units"`` (one path per
unit with a value, in the order of the GeoDataFrame), ``"missing"`` (hatched units
without a value), ``"context"`` (grey Hong Kong / Macao / Taiwan), ``"north-arrow"``,
``"scale-bar"``, ``"inset"`` (the South China Sea axes) and ``"south-sea-line"``.

Projection: ``projection="albers"`` draws Chinese units in the equal-area Albers
projection ``+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m``
(the usual one for maps of China); other data get an Albers projection fitted to their
extent (standard parallels at 1/6 and 5/6 of the latitude range, central meridian in
the middle). The scale bar is true at the standard parallels of the projection (the
scale error of the China Albers is below 2 % over mainland China); ``projection=None``
keeps the data's CRS, and on longitude/latitude the bar is true along the latitude at
which it is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import to_numeric
from geohra._provinces import PROVINCES
from geohra.maps import _style
from geohra.maps._style import (
    CONTEXT_COLOR,
    CONTEXT_EDGE_COLOR,
    EDGE_COLOR,
    LISA_COLORS,
    LISA_LABELS,
    MISSING_COLOR,
    MISSING_HATCH,
    class_colors,
    font_props,
    resolve_lang,
    text,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["choropleth", "small_multiples", "lisa_map", "grade_map", "CHINA_ALBERS"]

CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"

# Units drawn in grey when the map shows Chinese units (not analysed: no comparable data).
_NON_ANALYSIS = frozenset(row[0] for row in PROVINCES if not row[5])
_ANALYSIS = frozenset(row[0] for row in PROVINCES if row[5])
_PROVINCE_PREFIXES = frozenset(row[0][:2] for row in PROVINCES)
# Main map of China with an inset: the mainland and Hainan (southern tip 18.15 N).
_MAINLAND_BOX = (70.0, 17.8, 138.0, 56.0)
# Where the inset sits on the main axes (axes fraction: x0, y0, width, height).
_INSET_RECT = (0.80, 0.015, 0.19, 0.30)
# Scale bar (axes fraction of its left end) and the bottom of the legend above it.
_SCALE_BAR_AT = (0.03, 0.045)
_LEGEND_BOTTOM = 0.065
# The South China Sea inset: lon/lat box of the standard 南海诸岛 inset.
_INSET_BOX = (106.5, 2.5, 123.5, 24.5)
_MISSING_POLICIES = ("hatch", "raise", "omit")


# ---------------------------------------------------------------------------
# resolve geometry
# ---------------------------------------------------------------------------


def _is_china(index: pd.Index) -> bool:
    """Six-digit adcodes (str) whose first two digits are a province: provinces or counties."""
    return len(index) > 0 and all(
        isinstance(i, str) and len(i) == 6 and i.isdigit() and i[:2] in _PROVINCE_PREFIXES
        for i in index
    )


@dataclass(frozen=True)
class _Geo:
    units: Any  # GeoSeries, projected, index as the input
    context: Any  # GeoSeries or None
    south_sea: Any  # GeoDataFrame or None
    crs: Any
    extent: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    inset_extent: tuple[float, float, float, float] | None


def _target_crs(gdf: gpd.GeoDataFrame, projection: Any, china: bool) -> Any:
    if projection is None:
        return gdf.crs
    if isinstance(projection, str) and projection == "albers":
        if china:
            return CHINA_ALBERS
        x0, y0, x1, y1 = gdf.geometry.to_crs(4326).total_bounds
        span = y1 - y0
        return (
            f"+proj=aea +lat_1={y0 + span / 6:.4f} +lat_2={y1 - span / 6:.4f} "
            f"+lat_0={(y0 + y1) / 2:.4f} +lon_0={(x0 + x1) / 2:.4f} +datum=WGS84 +units=m +no_defs"
        )
    return projection


def _check_geometry(gdf: Any, projection: Any) -> None:
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"expected a GeoDataFrame (units with geometry); got {type(gdf).__name__}. "
            "Join the values to boundaries first, e.g. geohra.join(panel, geohra.load_boundaries(...))."
        )
    if gdf.index.has_duplicates:
        dup = gdf.index[gdf.index.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"the GeoDataFrame has duplicate index labels {dup}; one row per unit is expected. "
            "For a panel with several years use small_multiples(..., time='year') or select one year."
        )
    if gdf.geometry.isna().any() or gdf.geometry.is_empty.any():
        bad = gdf.index[gdf.geometry.isna() | gdf.geometry.is_empty][:5].tolist()
        raise ValueError(f"units without geometry: {bad}. Drop them or supply their boundaries.")
    if gdf.crs is None and projection is not None:
        raise ValueError(
            "the GeoDataFrame has no CRS, so it cannot be projected. Set it, e.g. "
            "gdf.set_crs(4326) for longitude/latitude, or pass projection=None to draw it as is."
        )


def _is_national(index: pd.Index) -> bool:
    """Chinese units spread over (nearly) all of China: at least 25 of the 31 mainland
    provinces present. Maps of one province or a few get no inset/grey context by default
    (Taiwan would stretch the extent of, say, a Guangdong county map)."""
    mainland = {code[:2] for code in _ANALYSIS}
    return _is_china(index) and len({str(i)[:2] for i in index} & mainland) >= 25


def _resolve_flag(flag: bool | None, china: bool, what: str, national: bool | None = None) -> bool:
    if flag is None:
        return china if national is None else national
    if flag and not china:
        raise ValueError(
            f"{what}=True needs Chinese units (six-digit adcodes as index, as from "
            f"geohra.load_boundaries); these units are not. Pass {what}=False or leave it None."
        )
    return bool(flag)


def _prepare_geo(
    gdf: gpd.GeoDataFrame,
    *,
    projection: Any,
    context: bool | None,
    inset: bool | None,
    as_context: pd.Index | None = None,
) -> _Geo:
    """Project the units, find grey context units and the inset layer, compute extents."""
    import geopandas as gpd

    _check_geometry(gdf, projection)
    china = _is_china(gdf.index)
    national = _is_national(gdf.index)
    want_context = _resolve_flag(context, china, "context", national)
    want_inset = _resolve_flag(inset, china, "inset", national)
    crs = _target_crs(gdf, projection, china)
    geoms = gdf.geometry if projection is None else gdf.geometry.to_crs(crs)

    ctx_parts = []
    if as_context is not None and len(as_context):
        ctx_parts.append(geoms.loc[as_context])
        geoms = geoms.drop(as_context)
    if want_context:
        from geohra.boundaries import load_boundaries

        provinces = load_boundaries("china-provinces", include_other=True)
        present = {str(i)[:2] for i in gdf.index}
        extra = provinces[
            provinces.index.isin(_NON_ANALYSIS) & ~provinces.index.str[:2].isin(present)
        ]
        if len(extra):
            ctx_parts.append(extra.geometry.to_crs(crs))
    ctx = gpd.GeoSeries(pd.concat(ctx_parts), crs=crs) if ctx_parts else None

    south_sea = None
    if want_inset:
        from geohra.boundaries import load_boundaries

        south_sea = load_boundaries("china-south-sea").to_crs(crs)

    every = geoms if ctx is None else pd.concat([geoms, ctx])
    every = gpd.GeoSeries(every, crs=crs)
    if want_inset:
        mainland = every.to_crs(4326).clip_by_rect(*_MAINLAND_BOX)
        mainland = gpd.GeoSeries(mainland[~mainland.is_empty], crs=4326).to_crs(crs)
        extent = _room_for_inset(mainland, _pad(mainland.total_bounds))
        inset_extent = _box_extent(_INSET_BOX, crs)
    else:
        extent = _pad(every.total_bounds)
        inset_extent = None
    return _Geo(geoms, ctx, south_sea, crs, extent, inset_extent)


def _room_for_inset(
    mainland: Any, extent: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Widen the main map to the east until the inset box covers no land (e.g. Taiwan)."""
    x0, x1, y0, y1 = extent
    x_frac, y_frac, _, h_frac = _INSET_RECT
    band = mainland.clip_by_rect(x0, y0, x1, y0 + (y_frac + h_frac + 0.01) * (y1 - y0))
    band = band[~band.is_empty]
    if band.empty:
        return extent
    east = float(band.total_bounds[2])
    need = x0 + (east - x0) / (x_frac - 0.01)  # inset's left edge just east of the land
    return (x0, max(x1, need), y0, y1)


def _pad(bounds: Sequence[float], frac: float = 0.03) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * frac, (y1 - y0) * frac
    return (x0 - dx, x1 + dx, y0 - dy, y1 + dy)


def _box_extent(
    box: tuple[float, float, float, float], crs: Any
) -> tuple[float, float, float, float]:
    """Projected extent of a lon/lat box (edges densified: parallels are curves in Albers)."""
    import geopandas as gpd
    from shapely.geometry import box as shp_box

    poly = shp_box(*box).segmentize(0.5)
    x0, y0, x1, y1 = gpd.GeoSeries([poly], crs=4326).to_crs(crs).total_bounds
    return (x0, x1, y0, y1)


# ---------------------------------------------------------------------------
# values and classes
# ---------------------------------------------------------------------------


def _values(gdf: Any, column: str) -> pd.Series:
    if column not in gdf.columns:
        raise KeyError(
            f"column {column!r} is not in the GeoDataFrame; available columns: "
            f"{[c for c in map(str, gdf.columns) if c != gdf.geometry.name]}."
        )
    return to_numeric(gdf[column], name=column)


def _classes_from(result: Any) -> np.ndarray:
    classes = getattr(result, "classes", result)
    return np.asarray(classes, dtype=int)


def _classify(
    values: pd.Series, classification: Any, scheme: str, k: int, classify_kwds: dict | None
) -> tuple[Any, pd.Series]:
    """Classify the non-missing values; return the classification and an int class per unit."""
    present = values.dropna()
    if present.empty:
        raise ValueError("every value is missing (NaN); there is nothing to classify or map.")
    if classification is None:
        from geohra.classify import classify

        classification = classify(present, scheme=scheme, k=k, **(classify_kwds or {}))
        classes = _classes_from(classification.classes.reindex(present.index))
    else:
        if classify_kwds:
            raise TypeError("classify_kwds are only used when no classification is given.")
        classes = _classes_from(classification.apply(present))
    return classification, pd.Series(classes, index=present.index)


def _legend_labels(classification: Any, classes: pd.Series, counts: bool) -> list[str]:
    labels = [str(lab) for lab in classification.labels]
    if counts:
        n = np.bincount(classes.to_numpy(), minlength=len(labels))
        labels = [f"{lab} ({int(c)})" for lab, c in zip(labels, n, strict=True)]
    return labels


def _missing_policy(values: pd.Series, missing: str, column: str) -> pd.Series:
    if missing not in _MISSING_POLICIES:
        raise ValueError(f"missing must be one of {_MISSING_POLICIES}; got {missing!r}.")
    if missing == "raise" and values.isna().any():
        bad = values.index[values.isna()][:8].tolist()
        raise ValueError(
            f"{column}: {int(values.isna().sum())} unit(s) have no value: {bad}. "
            "Fill them, or pass missing='hatch' to draw them hatched as 'No data'."
        )
    return values


def _context_units(values: pd.Series, context: bool | None) -> pd.Index:
    """Units in the data that are Hong Kong / Macao / Taiwan without a value: drawn grey."""
    if context is False:
        return pd.Index([])
    return values.index[values.index.isin(_NON_ANALYSIS) & values.isna().to_numpy()]


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


def _add_polygons(ax: Axes, geoms: Any, *, gid: str, facecolors: Any, **kw: Any) -> Any:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch

    patches = [PathPatch(_polygon_path(g)) for g in geoms]
    coll = PatchCollection(patches, facecolors=facecolors, **kw)
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
        "N",
        xy=(0.06, 0.96),
        xytext=(0.06, 0.86),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        fontproperties=font_props("en", 12),  # "N" in every language; Latin bold face
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
    inset.text(
        0.5,
        0.03,
        text("south_sea", lang),
        transform=inset.transAxes,
        ha="center",
        va="bottom",
        fontproperties=font_props(lang, 6),
    )
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
        prop=font_props(lang, 8),
        title_fontproperties=font_props(lang, 9),
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
) -> None:
    """Draw everything of one map on ``ax``; ``entries=None`` draws no legend."""
    if len(geo.units) > 300:  # county maps: thin borders, or the map turns grey
        linewidth = min(linewidth, 0.12)
    _draw_layers(ax, geo, colors, linewidth=linewidth)
    _setup_axes(ax, geo.extent)
    if geo.south_sea is not None:
        _draw_inset(ax, geo, colors, lang)
    if north_arrow:
        _draw_north_arrow(ax, lang)
    if entries is not None:
        # lower left, lifted to leave room for the scale bar underneath
        _legend(
            ax,
            entries + _extra_entries(colors, geo, lang),
            lang=lang,
            title=legend_title,
            bbox_to_anchor=(0.0, _LEGEND_BOTTOM if scale_bar else 0.0),
        )
    if scale_bar:
        _draw_scale_bar(ax, geo, lang)
    if title:
        ax.set_title(title, fontproperties=font_props(lang, 13))
    if names is not None:
        _draw_names(ax, geo, names, colors)


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


def _draw_names(ax: Axes, geo: _Geo, names: pd.Series, colors: pd.Series) -> None:
    """Each unit's name at a point inside it (representative point, not the centroid,
    which may fall outside a crescent-shaped unit); white on dark fills."""
    from matplotlib.colors import to_rgb
    from matplotlib.font_manager import FontProperties

    family = _style.font_family("zh" if _style.has_cjk(names) else "en")
    fp = FontProperties(family=family, size=6 if len(geo.units) <= 60 else 3)
    points = geo.units.representative_point()
    for uid, pt in points.items():
        label = names.get(uid, "")
        if not label:
            continue
        fill = colors.get(uid)
        dark = False
        if isinstance(fill, str):
            r, g, b = to_rgb(fill)
            dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.35  # relative luminance
        t = ax.text(
            pt.x,
            pt.y,
            label,
            ha="center",
            va="center",
            fontproperties=fp,
            zorder=4,
            color="white" if dark else "black",
        )
        t.set_gid("unit-name")
        t.set_clip_on(True)


_COMMON_DOC = """
    ax
        Axes to draw on; default a new Figure (``figsize``).
    lang
        "auto" (Chinese labels for Chinese units when a CJK font is installed),
        "zh" or "en". Without a CJK font Chinese falls back to English with one warning.
    title, legend_title
        Texts above the map and the legend.
    context
        Draw Hong Kong, Macao and Taiwan in neutral grey from the built-in layer.
        None (default): for national maps of Chinese units (six-digit adcodes as index,
        at least 25 of the 31 mainland provinces present); True also for fewer.
        Rows of the data for those three with no value are drawn grey as well.
    inset
        The South China Sea inset (lower right, with the maritime boundary line); the
        main map then ends at 17.8 N (south of Hainan). None (default): for national maps
        of Chinese units, as for ``context``.
    north_arrow, scale_bar
        Draw a north arrow (upper left) and a scale bar in km (bottom).
    projection
        "albers" (default; the China Albers for Chinese units, see the module notes),
        None (keep the data's CRS) or any CRS accepted by ``GeoDataFrame.to_crs``.
    figsize
        Size in inches of a new figure.
    annotate
        Write each unit's name on the map: a column name, or True for the short
        Chinese names (``short_zh``) with Chinese labels, ``name_en`` otherwise.
"""


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    classification: Any = None,
    scheme: str = "fisher_jenks",
    k: int = 5,
    classify_kwds: dict | None = None,
    cmap: str | Sequence[str] = "YlOrRd",
    ax: Axes | None = None,
    lang: str = "auto",
    title: str | None = None,
    legend_title: str | None = None,
    legend_counts: bool = False,
    context: bool | None = None,
    inset: bool | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
    annotate: bool | str = False,
    missing: str = "hatch",
    projection: Any = "albers",
    figsize: tuple[float, float] = (8.0, 7.0),
) -> Figure:
    """Classified choropleth map of ``column`` with a legend of class ranges.

    Parameters
    ----------
    gdf
        Units (one row each) with geometry and ``column``.
    column
        Numeric column to map.
    classification
        A classification from :func:`geohra.classify` (e.g. breaks pooled over years);
        its ``.apply`` assigns the classes. Default: classify the mapped values with
        ``scheme``, ``k`` and ``classify_kwds``.
    cmap
        Matplotlib colormap name or a list of colours; class ``i`` of ``k`` gets
        ``cmap(i / (k - 1))`` (the same colours as :func:`geohra.maps.web.web_map`).
    legend_counts
        Append the number of units of each class to its legend label: "label (n)".
    missing
        "hatch" (default): units without a value are drawn white, hatched, and listed as
        "No data" / "无数据" in the legend; "raise": refuse missing values; "omit": do not
        draw those units.
    {common}
    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the map (``ax.get_figure()`` when ``ax`` was given).
    """
    values = _missing_policy(_values(gdf, column), missing, column)
    as_context = _context_units(values, context)
    if missing == "omit":
        keep = values.notna() | values.index.isin(as_context)
        gdf, values = gdf[keep.to_numpy()], values[keep]
    lang = resolve_lang(lang, gdf)
    geo = _prepare_geo(
        gdf, projection=projection, context=context, inset=inset, as_context=as_context
    )
    classification, classes = _classify(
        values.drop(as_context), classification, scheme, k, classify_kwds
    )
    labels = _legend_labels(classification, classes, legend_counts)
    palette = class_colors(cmap, len(labels))
    colors = _style.colors_for_classes(classes.reindex(geo.units.index), palette)
    fig, ax = _new_axes(ax, figsize)
    _draw_map(
        ax,
        geo,
        colors,
        [(lab, col, None) for lab, col in zip(labels, palette, strict=True)],
        lang=lang,
        title=title,
        legend_title=column if legend_title is None else legend_title,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        names=_annotation(gdf, annotate, lang),
    )
    return fig


def small_multiples(
    gdf_long: gpd.GeoDataFrame,
    column: str,
    *,
    time: str = "year",
    years: Sequence[Any] | None = None,
    classification: Any = None,
    scheme: str = "fisher_jenks",
    k: int = 5,
    classify_kwds: dict | None = None,
    cmap: str | Sequence[str] = "YlOrRd",
    ncols: int | None = None,
    lang: str = "auto",
    title: str | None = None,
    legend_title: str | None = None,
    context: bool | None = None,
    inset: bool | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
    projection: Any = "albers",
    panel_size: tuple[float, float] = (4.5, 4.0),
) -> Figure:
    """One map per year on SHARED class breaks, with a single legend.

    The classification is computed once from the values of all shown years pooled
    (or taken from ``classification``), so a colour means the same range in every
    panel and changes between years are visible. Units without a value in a year are
    hatched as "No data".

    Parameters
    ----------
    gdf_long
        A long panel: one row per unit and year, the unit id as index, ``time`` column.
    years
        Years to show, in order (default: all, ascending).
    ncols
        Panels per row (default: up to 3).
    panel_size
        Size in inches of one panel.
    {common_no_figsize}
    Returns
    -------
    matplotlib.figure.Figure
    """
    if time not in gdf_long.columns:
        raise KeyError(
            f"time column {time!r} is not in the data; columns: {list(gdf_long.columns)}."
        )
    available = sorted(pd.unique(gdf_long[time]))
    years = available if years is None else list(years)
    unknown = [y for y in years if y not in set(available)]
    if unknown:
        raise ValueError(f"years {unknown} are not in column {time!r}; available: {available}.")
    if not years:
        raise ValueError("years is empty; give at least one year to map.")
    panels = {y: gdf_long[(gdf_long[time] == y).to_numpy()] for y in years}
    pooled = pd.concat([_values(p, column) for p in panels.values()], ignore_index=True)
    if classification is None:
        if pooled.dropna().empty:
            raise ValueError(
                f"{column}: every value of the shown years is missing; nothing to map."
            )
        from geohra.classify import classify

        classification = classify(pooled.dropna(), scheme=scheme, k=k, **(classify_kwds or {}))
    elif classify_kwds:
        raise TypeError("classify_kwds are only used when no classification is given.")
    labels = [str(lab) for lab in classification.labels]
    palette = class_colors(cmap, len(labels))
    lang = resolve_lang(lang, panels[years[0]])

    ncols = min(3, len(years)) if ncols is None else int(ncols)
    nrows = math.ceil(len(years) / ncols)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    any_missing = any_context = False
    for i, (ax, year) in enumerate(zip(axes, years, strict=False)):
        part = panels[year]
        values = _values(part, column)
        as_context = _context_units(values, context)
        geo = _prepare_geo(
            part, projection=projection, context=context, inset=inset, as_context=as_context
        )
        present = values.drop(as_context).dropna()
        classes = pd.Series(_classes_from(classification.apply(present)), index=present.index)
        colors = _style.colors_for_classes(classes.reindex(geo.units.index), palette)
        _draw_map(
            ax,
            geo,
            colors,
            None,
            lang=lang,
            title=str(year),
            legend_title=None,
            north_arrow=north_arrow and i == 0,
            scale_bar=scale_bar and i == 0,
            linewidth=0.25,
        )
        any_missing |= bool(colors.isna().any())
        any_context |= geo.context is not None and len(geo.context) > 0
    for ax in axes[len(years) :]:
        ax.set_axis_off()
    entries = [(lab, col, None) for lab, col in zip(labels, palette, strict=True)]
    if any_missing:
        entries.append((text("no_data", lang), MISSING_COLOR, MISSING_HATCH))
    if any_context:
        entries.append((text("context", lang), CONTEXT_COLOR, None))
    _legend(
        fig,
        entries,
        lang=lang,
        title=column if legend_title is None else legend_title,
        loc="outside lower center",
        ncols=min(len(entries), 4),
    )
    if title:
        fig.suptitle(title, fontproperties=font_props(lang, 14))
    return fig


def _categorical_map(
    gdf: gpd.GeoDataFrame,
    colors: pd.Series,
    entries: list[tuple[str, str, str | None]],
    *,
    ax: Axes | None,
    lang: str,
    title: str | None,
    legend_title: str | None,
    context: bool | None,
    inset: bool | None,
    north_arrow: bool,
    scale_bar: bool,
    annotate: bool | str,
    projection: Any,
    figsize: tuple[float, float],
) -> Figure:
    as_context = _context_units(colors, context)
    geo = _prepare_geo(
        gdf, projection=projection, context=context, inset=inset, as_context=as_context
    )
    fig, ax = _new_axes(ax, figsize)
    _draw_map(
        ax,
        geo,
        colors,
        entries,
        lang=lang,
        title=title,
        legend_title=legend_title,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        names=_annotation(gdf, annotate, lang),
    )
    return fig


def _with_counts(labels: list[str], counts: list[int], show: bool) -> list[str]:
    return [f"{lab} ({n})" for lab, n in zip(labels, counts, strict=True)] if show else labels


def lisa_map(
    gdf: gpd.GeoDataFrame,
    clusters_column: str = "cluster",
    *,
    ax: Axes | None = None,
    lang: str = "auto",
    title: str | None = None,
    legend_title: str | None = None,
    legend_counts: bool = False,
    context: bool | None = None,
    inset: bool | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
    annotate: bool | str = False,
    projection: Any = "albers",
    figsize: tuple[float, float] = (8.0, 7.0),
) -> Figure:
    """LISA cluster map in the standard colours (as GeoDa): High-High red, Low-Low blue,
    Low-High light blue, High-Low pink, Not significant light grey.

    Parameters
    ----------
    clusters_column
        Column of cluster labels: "High-High", "Low-Low", "Low-High", "High-Low",
        "Not significant" (as in ``geohra.local_moran(...).to_frame()["cluster"]``);
        missing labels are hatched as "No data". All five classes are always listed in
        the legend, in that order.
    legend_counts
        Append the number of units of each cluster: "High-High (4)".
    {common}
    Returns
    -------
    matplotlib.figure.Figure
    """
    if clusters_column not in gdf.columns:
        raise KeyError(
            f"column {clusters_column!r} is not in the GeoDataFrame; columns: {list(gdf.columns)}."
        )
    labels = gdf[clusters_column]
    present = labels.dropna().astype(str)
    unknown = sorted(set(present) - set(LISA_LABELS))
    if unknown:
        raise ValueError(
            f"{clusters_column}: unknown cluster labels {unknown}; expected {list(LISA_LABELS)} "
            "(as produced by geohra.local_moran)."
        )
    colors = pd.Series(pd.NA, index=gdf.index, dtype="object")
    colors[present.index] = present.map(dict(LISA_COLORS))
    lang = resolve_lang(lang, gdf)
    counts = [int((present == lab).sum()) for lab in LISA_LABELS]
    names = _with_counts([text(lab, lang) for lab in LISA_LABELS], counts, legend_counts)
    entries = [(n, LISA_COLORS[lab], None) for n, lab in zip(names, LISA_LABELS, strict=True)]
    return _categorical_map(
        gdf,
        colors,
        entries,
        ax=ax,
        lang=lang,
        title=title,
        legend_title="LISA" if legend_title is None else legend_title,
        context=context,
        inset=inset,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        annotate=annotate,
        projection=projection,
        figsize=figsize,
    )


def grade_map(
    gdf: gpd.GeoDataFrame,
    grade_column: str,
    *,
    order: Sequence[Any] | None = None,
    cmap: str | Sequence[str] = "RdYlGn",
    ax: Axes | None = None,
    lang: str = "auto",
    title: str | None = None,
    legend_title: str | None = None,
    legend_counts: bool = False,
    context: bool | None = None,
    inset: bool | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
    annotate: bool | str = False,
    projection: Any = "albers",
    figsize: tuple[float, float] = (8.0, 7.0),
) -> Figure:
    """Map of an ordered categorical column, e.g. coupling-coordination grades.

    Parameters
    ----------
    grade_column
        The grades. Their order is taken from ``order``, else from an ordered
        ``pandas.Categorical`` (its categories), else numbers are sorted; unordered
        text without ``order`` raises (alphabetical order would be arbitrary).
    order
        All grades from lowest to highest. Colours are sampled from ``cmap`` over the
        whole order, so a grade keeps its colour on every map; the legend lists the
        grades present, in order.
    {common}
    Returns
    -------
    matplotlib.figure.Figure
    """
    if grade_column not in gdf.columns:
        raise KeyError(
            f"column {grade_column!r} is not in the GeoDataFrame; columns: {list(gdf.columns)}."
        )
    grades = gdf[grade_column]
    if order is None:
        if isinstance(grades.dtype, pd.CategoricalDtype):
            order = list(grades.cat.categories)
        elif pd.api.types.is_numeric_dtype(grades):
            order = sorted(pd.unique(grades.dropna()))
        else:
            raise ValueError(
                f"{grade_column}: the grades are text without an order; pass order=[lowest, ..., "
                "highest] or make the column an ordered pandas.Categorical."
            )
    order = list(order)
    present = grades.dropna()
    unknown = sorted({str(g) for g in present if g not in order})
    if unknown:
        raise ValueError(f"{grade_column}: grades {unknown} are not in order={order}.")
    palette = dict(zip(order, class_colors(cmap, len(order)), strict=True))
    colors = pd.Series(pd.NA, index=gdf.index, dtype="object")
    colors[present.index] = [palette[g] for g in present]
    lang = resolve_lang(lang, gdf)
    shown = [g for g in order if (present == g).any()]
    names = _with_counts(
        [str(g) for g in shown], [int((present == g).sum()) for g in shown], legend_counts
    )
    entries = [(n, palette[g], None) for n, g in zip(names, shown, strict=True)]
    return _categorical_map(
        gdf,
        colors,
        entries,
        ax=ax,
        lang=lang,
        title=title,
        legend_title=grade_column if legend_title is None else legend_title,
        context=context,
        inset=inset,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        annotate=annotate,
        projection=projection,
        figsize=figsize,
    )


# Shared parameter descriptions, filled into the docstrings once (a docstring must be a
# plain literal, so the text is inserted after the definitions).
for _func in (choropleth, lisa_map, grade_map):
    _func.__doc__ = _func.__doc__.replace("{common}", _COMMON_DOC.strip() + "\n")
small_multiples.__doc__ = small_multiples.__doc__.replace(
    "{common_no_figsize}", _COMMON_DOC.split("    figsize")[0].strip() + "\n"
)
del _func
