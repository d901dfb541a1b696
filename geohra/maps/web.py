"""Interactive web maps with folium: one layer per year, tooltips, legend, LISA layer.

Two ways to deliver the page
----------------------------
``offline=True`` (default)
    No tile layer, and the only library the page needs, Leaflet 1.9.4 (vendored in
    ``geohra/maps/assets``, BSD-2 licence), is embedded inline in the HTML together with
    its CSS and icons. folium's other default assets (jQuery, Bootstrap, Font Awesome,
    awesome-markers) are dropped: these maps do not use them. The saved file works from
    a USB stick, an intranet or ``file://`` without internet; it is about 170 kB plus
    the geometry.
``offline=False``
    folium's usual page: Leaflet, jQuery, Bootstrap ... are loaded from public CDNs
    (jsdelivr, cdnjs, code.jquery.com) when the page opens, and a ``tiles`` basemap
    (e.g. ``"OpenStreetMap"``) can be shown. Smaller file, but blank without internet.

Tiles need internet in both modes; with ``offline=True`` a ``tiles`` argument is allowed
and simply shows nothing when offline. Layers added to the map later by the caller
(plugins) may bring their own CDN links; :func:`save_web_map` refuses to write an
"offline" page that still loads anything from the network.

Classes and colours are those of :mod:`geohra.maps.static` for the same
classification (both use :func:`geohra.maps._style.class_colors`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import to_numeric
from geohra.maps._offline import make_offline, remote_assets, save_web_map
from geohra.maps._prepared import cached
from geohra.maps._style import (
    EDGE_COLOR,
    LISA_COLORS,
    LISA_LABELS,
    MISSING_COLOR,
    class_colors,
    column_label,
    looks_chinese,
    text,
)

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

__all__ = ["web_map", "save_web_map", "make_offline", "format_value", "remote_assets"]

# Auto-simplify layers with more vertices than this (a province layer has ~50,000 after
# the built-in generalisation; county layers have millions).
_AUTO_SIMPLIFY_VERTICES = 200_000
_TOOLTIP_TEXT = {
    "en": ("Name", "Class"),
    "zh": ("名称", "分级"),
}


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
        # coverage simplification keeps shared borders shared (no gaps/slivers)
        geoms = shapely.coverage_simplify(geoms, tolerance=float(simplify))
    scale = 10.0**precision
    return shapely.transform(geoms, lambda xy: np.round(xy * scale) / scale)


def format_value(x: float) -> str:
    """Tooltip number: 4 significant digits, or one decimal with thousands commas from 1,000."""
    if pd.isna(x):
        return ""
    return f"{x:,.1f}" if abs(x) >= 1000 else f"{x:.4g}"


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


def _features(
    part: gpd.GeoDataFrame,
    geometry: pd.Series,
    props: pd.DataFrame,
) -> dict:
    from shapely.geometry import mapping

    # GeoJSON of each prepared geometry, made once per layer (shared by all its layers)
    shapes = cached(
        "geojson", geometry.to_numpy(), (), lambda: [mapping(g) for g in geometry.to_numpy()]
    )
    by_unit = dict(zip(geometry.index, shapes, strict=True))
    cols = list(props.columns)
    values = props.astype(object).where(props.notna(), None)
    feats = [
        {
            "type": "Feature",
            "id": str(row[0]),
            "properties": dict(zip(cols, row[1:], strict=True)),
            "geometry": by_unit[row[0]],
        }
        for row in values.itertuples(index=True, name=None)
    ]
    return {"type": "FeatureCollection", "features": feats}


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


# ---------------------------------------------------------------------------
# the map
# ---------------------------------------------------------------------------


def _classification(
    frames: dict[Any, gpd.GeoDataFrame],
    column: str,
    classification: Any,
    scheme: str,
    k: int,
    classify_kwds: dict | None,
) -> Any:
    if classification is not None:
        if classify_kwds:
            raise TypeError("classify_kwds are only used when no classification is given.")
        return classification
    pooled = pd.concat(
        [to_numeric(f[column], name=column) for f in frames.values()], ignore_index=True
    )
    pooled = pooled.dropna()
    if pooled.empty:
        raise ValueError(f"{column}: every value is missing; there is nothing to map.")
    from geohra.classification import classify

    return classify(pooled, scheme=scheme, k=k, **(classify_kwds or {}))


def web_map(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    time: str | None = None,
    years: Sequence[Any] | None = None,
    classification: Any = None,
    scheme: str = "fisher_jenks",
    k: int = 5,
    classify_kwds: dict | None = None,
    cmap: str | Sequence[str] = "YlOrRd",
    name_field: str | None = None,
    tooltip_fields: Sequence[str] = (),
    lisa: str | None = None,
    simplify: float | bool | None = None,
    precision: int = 5,
    offline: bool = True,
    tiles: str | None = None,
    m: folium.Map | None = None,
    lang: str = "auto",
    legend_title: str | None = None,
    context: bool | None = None,
) -> folium.Map:
    """Classified choropleth web map (folium/Leaflet) with tooltips, legend and layers.

    Parameters
    ----------
    gdf
        Units with geometry (any CRS; reprojected to EPSG:4326) and ``column``. With
        ``time``, a long panel: one row per unit and year, the unit id as index.
    column
        Numeric column to map.
    time, years
        Year column of a long panel and the years to show (default all). Each year is
        one layer, chosen with radio buttons in the layer control; the last is shown
        first. Breaks are shared: classified once over all shown years pooled.
    classification
        A :func:`geohra.classify` result to use instead (its ``.apply`` gives classes).
    scheme, k, classify_kwds
        How to classify when no ``classification`` is given.
    cmap
        Colormap name or colours; class ``i`` of ``k`` gets ``cmap(i / (k - 1))``,
        exactly the colours of :func:`geohra.maps.static.choropleth`.
    name_field
        Column with the unit names for the tooltip (default: ``name_zh`` or ``name_en``
        by language, then ``name``, else the index).
    tooltip_fields
        More columns to show in the tooltip. The tooltip always shows the name, the
        value (4 significant digits) and the class label.
    lisa
        Column of LISA cluster labels ("High-High", ... "Not significant"): adds an
        overlay layer per year (hidden at first) in the GeoDa colours, and its legend.
    simplify
        None (default): simplify only layers with more than 200,000 vertices (county
        maps) with a tolerance of 1/4000 of the map's extent; False: never; a number:
        tolerance in degrees. Uses ``shapely.coverage_simplify``, which keeps shared
        borders shared (no gaps or slivers between neighbours).
    precision
        Decimals kept in the coordinates (5 = about 1 m), to keep files small.
    offline
        True: a self-contained page (no CDN, no tiles; see the module notes).
        False: folium's default CDN assets.
    tiles
        A folium tile layer name for a basemap (needs internet), default none.
    m
        An existing ``folium.Map`` to add the layers to (its assets are made offline
        too when ``offline=True``).
    lang
        "auto", "zh" or "en": tooltip and legend words, and Chinese or English names.
        "auto" is Chinese for Chinese units. No local CJK font is needed: the browser
        renders the text.
    legend_title
        Title of the legend (default: the human label of the columns geohra writes, in
        ``lang``, e.g. "综合指数" for ``composite_index``; else ``column``).
    context
        For Chinese units (six-digit adcodes as index): draw Hong Kong, Macao and Taiwan
        in neutral grey and the South China Sea maritime boundary line from the built-in
        layers, not interactive and not in the layer control. None (default): for
        national maps (at least 25 of the 31 mainland provinces present); True on
        non-Chinese units raises.

    Returns
    -------
    folium.Map
        Show it in a notebook, or write it with :func:`save_web_map` (or ``m.save``).
        Layer names are the years (or ``column`` without ``time``).
    """
    import folium

    from geohra.maps._geo import unit_indexed

    gdf = unit_indexed(gdf)  # geohra.join's layout: adcode column -> unit index
    frames = _split_years(gdf, time, years)
    classification = _classification(frames, column, classification, scheme, k, classify_kwds)
    labels = [str(lab) for lab in classification.labels]
    palette = class_colors(cmap, len(labels))
    lang = _web_lang(lang, next(iter(frames.values())))
    geometry = _prepare_geometry(gdf, simplify, precision)
    name_label, class_label = _TOOLTIP_TEXT[lang]
    for extra in tooltip_fields:
        if extra not in gdf.columns:
            raise KeyError(
                f"tooltip field {extra!r} is not in the data; columns: {list(gdf.columns)}."
            )
    if lisa is not None and lisa not in gdf.columns:
        raise KeyError(f"lisa column {lisa!r} is not in the data; columns: {list(gdf.columns)}.")

    if m is None:
        x0, y0, x1, y1 = [float(v) for v in _bounds(geometry)]
        m = folium.Map(
            location=[(y0 + y1) / 2, (x0 + x1) / 2], tiles=tiles, zoom_start=4, control_scale=True
        )
        m.fit_bounds([[y0, x0], [y1, x1]])
    elif tiles is not None:
        folium.TileLayer(tiles).add_to(m)

    already = any(getattr(c, "layer_name", None) == "context" for c in m._children.values())
    if _want_context(gdf, context) and not already:
        _add_context(m, gdf, lang, precision)

    any_missing = False
    last = list(frames)[-1]
    for year, part in frames.items():
        values = to_numeric(part[column], name=column)
        present = values.dropna()
        classes = pd.Series(
            np.asarray(classification.apply(present).classes, dtype=int), index=present.index
        ).reindex(part.index)
        any_missing |= bool(classes.isna().any())
        props = pd.DataFrame(
            {
                "name": _names(part, name_field, lang),
                "value": [
                    format_value(v) if pd.notna(v) else text("no_data", lang) for v in values
                ],
                "class": [labels[int(c)] if pd.notna(c) else None for c in classes],
                "fill": [palette[int(c)] if pd.notna(c) else MISSING_COLOR for c in classes],
            },
            index=part.index,
        )
        for extra in tooltip_fields:
            props[extra] = [
                v if isinstance(v, str) else (format_value(v) if pd.notna(v) else None)
                for v in part[extra]
            ]
        layer_name = column if year is None else str(year)
        aliases = [
            name_label,
            legend_title or column_label(column, lang),
            class_label,
            *tooltip_fields,
        ]
        folium.GeoJson(
            _features(part, geometry, props),
            name=layer_name,
            overlay=year is None,
            show=year == last,
            style_function=_style_function,
            highlight_function=_highlight,
            tooltip=folium.GeoJsonTooltip(
                fields=["name", "value", "class", *tooltip_fields], aliases=aliases, sticky=True
            ),
            smooth_factor=0.5,
        ).add_to(m)
        if lisa is not None:
            _add_lisa(
                m,
                part,
                geometry,
                lisa,
                props["name"],
                lang,
                "LISA" if year is None else f"LISA {year}",
            )

    entries = list(zip(labels, palette, strict=True))
    if any_missing:
        entries.append((text("no_data", lang), MISSING_COLOR))
    lisa_entries = [(text(lab, lang), LISA_COLORS[lab]) for lab in LISA_LABELS] if lisa else None
    _set_legend(m, _legend_block(legend_title or column_label(column, lang), entries, lisa_entries))
    n_layers = sum(isinstance(c, folium.GeoJson) and c.control for c in m._children.values())
    if n_layers > 1:
        _layer_control_last(m)
    if offline:
        make_offline(m)
    return m


def _web_lang(lang: str, frame: Any) -> str:
    # The browser draws the text with its own fonts, so no local CJK font is needed here.
    if lang not in ("auto", "zh", "en"):
        raise ValueError(f"lang must be 'auto', 'zh' or 'en'; got {lang!r}.")
    if lang == "auto":
        return "zh" if looks_chinese(frame) else "en"
    return lang


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
    m: Any, part: Any, geometry: pd.Series, column: str, names: pd.Series, lang: str, name: str
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
    folium.GeoJson(
        _features(part, geometry, props),
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
            fields=["name", "cluster"], aliases=[_TOOLTIP_TEXT[lang][0], "LISA"], sticky=True
        ),
    ).add_to(m)
