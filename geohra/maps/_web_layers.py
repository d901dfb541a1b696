"""Data and layers of :func:`geohra.maps.web.web_map`: years of a panel, EPSG:4326
geometry (simplified, rounded), GeoJSON features and their styles, the legend box, the
layer control, the grey Hong Kong / Macao / Taiwan context with the maritime line, and the
LISA overlay."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra.maps._prepared import cached
from geohra.maps._style import (
    EDGE_COLOR,
    LISA_COLORS,
    LISA_LABELS,
    MISSING_COLOR,
    text,
)
from geohra.maps._web_shapes import _geojson_layer

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

TOOLTIP_TEXT = {
    "en": ("Name", "Class"),
    "zh": ("名称", "分级"),
}


# Auto-simplify layers with more vertices than this (a province layer has ~50,000 after
# the built-in generalisation; county layers have millions).
_AUTO_SIMPLIFY_VERTICES = 200_000


# ---------------------------------------------------------------------------
# data -> features
# ---------------------------------------------------------------------------


def _split_years(
    gdf: gpd.GeoDataFrame, time: str | None, years: Sequence[Any] | None
) -> dict[Any, gpd.GeoDataFrame]:
    if time is None:
        if years is not None:
            raise TypeError("years= needs time= (the year column of a long panel).")
        if gdf.index.has_duplicates:
            dup = gdf.index[gdf.index.duplicated()].unique()[:5].tolist()
            raise ValueError(
                f"duplicate index labels {dup}: one row per unit is expected. For a long "
                "panel pass time='year' to get one layer per year."
            )
        return {None: gdf}
    if time not in gdf.columns:
        raise KeyError(f"time column {time!r} is not in the data; columns: {list(gdf.columns)}.")
    available = sorted(pd.unique(gdf[time]))
    chosen = available if years is None else list(years)
    unknown = [y for y in chosen if y not in set(available)]
    if unknown or not chosen:
        raise ValueError(
            f"years {unknown or chosen} are not in column {time!r}; available: {available}."
        )
    out = {}
    for year in chosen:
        part = gdf[(gdf[time] == year).to_numpy()]
        if part.index.has_duplicates:
            dup = part.index[part.index.duplicated()].unique()[:5].tolist()
            raise ValueError(
                f"year {year}: duplicate unit labels {dup}; one row per unit and year."
            )
        out[year] = part
    return out


def _vertex_count(geoms: Any) -> int:
    import shapely

    return int(shapely.get_num_coordinates(np.asarray(geoms)).sum())


def _prepare_geometry(
    gdf: gpd.GeoDataFrame, simplify: float | bool | None, precision: int
) -> pd.Series:
    """EPSG:4326 geometry per unit id (first row of each id), simplified and rounded."""
    if gdf.crs is None:
        raise ValueError(
            "the GeoDataFrame has no CRS; set it (e.g. gdf.set_crs(4326) for longitude/"
            "latitude) so the map can be reprojected to EPSG:4326."
        )
    if gdf.geometry.isna().any() or gdf.geometry.is_empty.any():
        bad = gdf.index[gdf.geometry.isna() | gdf.geometry.is_empty].unique()[:5].tolist()
        raise ValueError(f"units without geometry: {bad}. Drop them or supply their boundaries.")
    first = gdf[~gdf.index.duplicated()]
    from geohra.io.geometry_checks import check_crs

    check_crs(first, label="the GeoDataFrame", who="web_map", warn_degrees=False)
    # prepared once per layer and reused by every web map of it (see maps/_prepared.py)
    geoms = cached(
        "web_geometry",
        first.geometry.array,
        (str(gdf.crs), simplify, precision),
        lambda: _simplified_4326(first.geometry, simplify, precision),
    )
    return pd.Series(geoms, index=first.index)


def _simplified_4326(geometry: Any, simplify: float | bool | None, precision: int) -> np.ndarray:
    import shapely

    geoms = np.asarray(geometry.to_crs(4326).array, dtype=object)
    if simplify is None:
        simplify = _vertex_count(geoms) > _AUTO_SIMPLIFY_VERTICES
    if simplify is True:
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        simplify = 2.5e-4 * max(x1 - x0, y1 - y0)  # ~1.5 km for China
    if simplify:
        # each shared border simplified once: borders stay shared (no gaps/slivers)
        from geohra.maps._coverage import simplify_coverage
        from geohra.maps._disk_cache import on_disk

        # also kept on disk for the next run on the same boundaries (maps/_disk_cache.py)
        tol = float(simplify)
        simple = on_disk(
            "web",
            geoms,
            ("coverage", tol, precision),
            lambda: simplify_coverage(geoms, tol, precision),
        )
        if simple is not None:
            return simple  # already rounded to `precision`
        # not a clean coverage (or not polygons): GEOS's coverage simplification
        geoms = shapely.coverage_simplify(geoms, tolerance=float(simplify))
    scale = 10.0**precision
    return shapely.transform(geoms, lambda xy: np.round(xy * scale) / scale)


def _names(gdf: gpd.GeoDataFrame, name_field: str | None, lang: str) -> pd.Series:
    if name_field is None:
        for candidate in (("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")) + (
            "name",
        ):
            if candidate in gdf.columns:
                name_field = candidate
                break
    if name_field is None:
        return pd.Series(gdf.index.astype(str), index=gdf.index)
    if name_field not in gdf.columns:
        raise KeyError(
            f"name_field {name_field!r} is not in the data; columns: {list(gdf.columns)}."
        )
    return gdf[name_field].astype(str)


def _style_function(feature: dict) -> dict:
    fill = feature["properties"]["fill"]
    missing = feature["properties"]["class"] is None
    return {
        "fillColor": fill,
        "color": EDGE_COLOR,
        "weight": 0.6,
        "fillOpacity": 0.85,
        "dashArray": "3" if missing else None,
    }


def _highlight(feature: dict) -> dict:
    return {"weight": 2.5, "color": "#000000"}


# ---------------------------------------------------------------------------
# legend (offline assets: see _offline.py)
# ---------------------------------------------------------------------------


def _legend_block(
    title: str, entries: Sequence[tuple[str, str]], lisa: Sequence[tuple[str, str]] | None
) -> str:
    def block(head: str, rows: Sequence[tuple[str, str]]) -> str:
        items = "".join(
            f'<div class="geohra-legend-row"><span style="display:inline-block;width:14px;height:12px;'
            f'margin-right:6px;border:1px solid {EDGE_COLOR};background:{color}"></span>'
            f"{html.escape(label)}</div>"
            for label, color in rows
        )
        return (
            '<div class="geohra-legend-title" style="font-weight:bold;margin:2px 0">'
            f"{html.escape(head)}</div>{items}"
        )

    body = block(title, entries)
    if lisa:
        body += block("LISA", lisa)
    return body


def _set_legend(m: Any, block: str) -> None:
    """One legend box per map: blocks of several web_map calls on the same ``m`` stack."""
    import folium

    blocks = [*getattr(m, "_geohra_legend_blocks", []), block]
    m._geohra_legend_blocks = blocks
    page = (
        '<div id="geohra-legend" class="geohra-legend" style="position:fixed;bottom:28px;right:12px;'
        "z-index:1000;background:rgba(255,255,255,0.92);padding:6px 10px;border:1px solid #999;"
        'border-radius:4px;font:12px/1.5 sans-serif;max-height:70%;overflow:auto">'
        + '<div style="height:6px"></div>'.join(blocks)
        + "</div>"
    )
    m.get_root().html.add_child(folium.Element(page), name="geohra_legend")


def _layer_control_last(m: Any) -> None:
    """A single layer control, added after all layers (its script refers to them)."""
    import folium

    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
    folium.LayerControl(collapsed=False).add_to(m)


def _want_context(gdf: Any, context: bool | None) -> bool:
    from geohra.maps._geo import _is_china, _is_national

    units = pd.Index(pd.unique(gdf.index))
    china = _is_china(units)
    if context and not china:
        raise ValueError(
            "context=True needs Chinese units (six-digit adcodes as index, as from "
            "geohra.load_boundaries); these units are not. Pass context=False or leave it None."
        )
    return _is_national(units) if context is None else bool(context)


def _add_context(m: Any, gdf: Any, lang: str, precision: int) -> None:
    """Grey Hong Kong / Macao / Taiwan (those not among the units) and the maritime line."""
    import folium
    import shapely
    from shapely.geometry import mapping

    from geohra.io.boundaries import load_boundaries
    from geohra.maps._geo import _NON_ANALYSIS
    from geohra.maps._style import CONTEXT_COLOR, CONTEXT_EDGE_COLOR

    def rounded(geoms: Any) -> list:
        scale = 10.0**precision
        arr = shapely.transform(
            np.asarray(geoms, dtype=object), lambda xy: np.round(xy * scale) / scale
        )
        return [mapping(g) for g in arr]

    provinces = load_boundaries("china-provinces", include_other=True)
    present = {str(i)[:2] for i in gdf.index}
    other = provinces[provinces.index.isin(_NON_ANALYSIS) & ~provinces.index.str[:2].isin(present)]
    name_col = "name_zh" if lang == "zh" else "name_en"
    if len(other):
        feats = [
            {
                "type": "Feature",
                "id": uid,
                "properties": {"name": str(other.loc[uid, name_col])},
                "geometry": geom,
            }
            for uid, geom in zip(other.index, rounded(other.geometry.array), strict=True)
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            name="context",
            control=False,
            interactive=False,
            style_function=lambda f: {
                "fillColor": CONTEXT_COLOR,
                "color": CONTEXT_EDGE_COLOR,
                "weight": 0.6,
                "fillOpacity": 0.9,
            },
        ).add_to(m)
    sea = load_boundaries("china-south-sea")
    lines = sea[sea.geom_type.isin(["LineString", "MultiLineString"])]
    if len(lines):
        feats = [
            {"type": "Feature", "properties": {}, "geometry": g}
            for g in rounded(lines.geometry.array)
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            name="maritime boundary",
            control=False,
            interactive=False,
            style_function=lambda f: {"color": "#333333", "weight": 1.2, "dashArray": "6 4"},
        ).add_to(m)


def _bounds(geometry: pd.Series) -> np.ndarray:
    import shapely

    return shapely.total_bounds(np.asarray(geometry, dtype=object))


def _add_lisa(
    m: Any,
    part: Any,
    geometry: pd.Series,
    column: str,
    names: pd.Series,
    lang: str,
    name: str,
    shared: bool,
) -> None:
    import folium

    labels = part[column]
    unknown = sorted(set(labels.dropna().astype(str)) - set(LISA_LABELS))
    if unknown:
        raise ValueError(
            f"{column}: unknown cluster labels {unknown}; expected {list(LISA_LABELS)}."
        )
    props = pd.DataFrame(
        {
            "name": names,
            "cluster": [text(c, lang) if pd.notna(c) else text("no_data", lang) for c in labels],
            "fill": [LISA_COLORS[c] if pd.notna(c) else MISSING_COLOR for c in labels],
        },
        index=part.index,
    )
    _geojson_layer(
        m,
        geometry,
        props,
        shared,
        name=name,
        overlay=True,
        show=False,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": EDGE_COLOR,
            "weight": 0.6,
            "fillOpacity": 0.9,
        },
        highlight_function=_highlight,
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "cluster"], aliases=[TOOLTIP_TEXT[lang][0], "LISA"], sticky=True
        ),
    )
