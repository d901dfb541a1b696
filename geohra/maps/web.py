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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import to_numeric
from geohra.maps._offline import make_offline, remote_assets, save_web_map
from geohra.maps._style import (
    LISA_COLORS,
    LISA_LABELS,
    MISSING_COLOR,
    class_colors,
    column_label,
    looks_chinese,
    text,
)
from geohra.maps._web_layers import (
    TOOLTIP_TEXT,
    _add_context,
    _add_lisa,
    _bounds,
    _highlight,
    _layer_control_last,
    _legend_block,
    _names,
    _prepare_geometry,
    _set_legend,
    _split_years,
    _style_function,
    _want_context,
)
from geohra.maps._web_shapes import _geojson_layer

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

__all__ = ["web_map", "save_web_map", "make_offline", "format_value", "remote_assets"]


def format_value(x: float) -> str:
    """Tooltip number: 4 significant digits, or one decimal with thousands commas from 1,000."""
    if pd.isna(x):
        return ""
    return f"{x:,.1f}" if abs(x) >= 1000 else f"{x:.4g}"


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
        tolerance in degrees. Each border two units share is simplified once
        (Douglas-Peucker: no vertex moves farther than the tolerance) and used by both,
        so neighbours keep sharing identical borders (no gaps or slivers); units that
        would come out invalid or overlapping keep more of their vertices. A layer
        that is not a clean coverage (neighbours' vertices do not match, overlaps) is
        simplified with ``shapely.coverage_simplify`` instead (Visvalingam-Whyatt,
        slower). The simplified layer is computed once and reused by later maps; it is
        also kept on disk (``$GEOHRA_CACHE_DIR``, default the user's cache folder
        ``~/.cache/geohra``; ``GEOHRA_CACHE_DIR=off`` turns it off), keyed by the
        geometry itself, so the next run on the same boundaries reads it.
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
    import folium  # noqa: F401  (fails first when folium is missing)

    from geohra.maps._geo import unit_indexed

    # resolve data
    gdf = unit_indexed(gdf)  # geohra.join's layout: adcode column -> unit index
    frames = _split_years(gdf, time, years)
    # classify
    classification = _classification(frames, column, classification, scheme, k, classify_kwds)
    labels = [str(lab) for lab in classification.labels]
    palette = class_colors(cmap, len(labels))
    lang = _web_lang(lang, next(iter(frames.values())))
    geometry = _prepare_geometry(gdf, simplify, precision)
    _check_columns(gdf, tooltip_fields, lisa)
    # draw: base map and context, then one layer per year (styled), then the legend
    m = _base_map(m, gdf, geometry, tiles, context, lang, precision)
    any_missing = False
    last = list(frames)[-1]
    # several layers draw the same shapes: write them once (see _geojson_layer)
    shared = len(frames) * (1 if lisa is None else 2) > 1
    for year, part in frames.items():
        props = _layer_props(
            part, column, classification, labels, palette, name_field, tooltip_fields, lang
        )
        any_missing |= bool(props["class"].isna().any())
        _add_year_layer(
            m, geometry, props, column, year, last, tooltip_fields, legend_title, lang, shared
        )
        if lisa is not None:
            _add_lisa(
                m,
                part,
                geometry,
                lisa,
                props["name"],
                lang,
                "LISA" if year is None else f"LISA {year}",
                shared,
            )
    _finish(m, labels, palette, any_missing, lisa, legend_title, column, lang, offline)
    return m


def _check_columns(gdf: Any, tooltip_fields: Sequence[str], lisa: str | None) -> None:
    for extra in tooltip_fields:
        if extra not in gdf.columns:
            raise KeyError(
                f"tooltip field {extra!r} is not in the data; columns: {list(gdf.columns)}."
            )
    if lisa is not None and lisa not in gdf.columns:
        raise KeyError(f"lisa column {lisa!r} is not in the data; columns: {list(gdf.columns)}.")


def _base_map(
    m: Any,
    gdf: Any,
    geometry: pd.Series,
    tiles: str | None,
    context: bool | None,
    lang: str,
    precision: int,
) -> Any:
    """A new map fitted to the units (or the given one, with ``tiles`` added), with the
    context layer unless the map already has one."""
    import folium

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
    return m


def _layer_props(
    part: Any,
    column: str,
    classification: Any,
    labels: list[str],
    palette: list[str],
    name_field: str | None,
    tooltip_fields: Sequence[str],
    lang: str,
) -> pd.DataFrame:
    """One year's tooltip texts, class labels (None where missing) and fill colours."""
    values = to_numeric(part[column], name=column)
    present = values.dropna()
    classes = pd.Series(
        np.asarray(classification.apply(present).classes, dtype=int), index=present.index
    ).reindex(part.index)
    props = pd.DataFrame(
        {
            "name": _names(part, name_field, lang),
            "value": [format_value(v) if pd.notna(v) else text("no_data", lang) for v in values],
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
    return props


def _add_year_layer(
    m: Any,
    geometry: pd.Series,
    props: pd.DataFrame,
    column: str,
    year: Any,
    last: Any,
    tooltip_fields: Sequence[str],
    legend_title: str | None,
    lang: str,
    shared: bool,
) -> None:
    import folium

    name_label, class_label = TOOLTIP_TEXT[lang]
    layer_name = column if year is None else str(year)
    aliases = [
        name_label,
        legend_title or column_label(column, lang),
        class_label,
        *tooltip_fields,
    ]
    _geojson_layer(
        m,
        geometry,
        props,
        shared,
        name=layer_name,
        overlay=year is None,
        show=year == last,
        style_function=_style_function,
        highlight_function=_highlight,
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "value", "class", *tooltip_fields], aliases=aliases, sticky=True
        ),
        smooth_factor=0.5,
    )


def _finish(
    m: Any,
    labels: list[str],
    palette: list[str],
    any_missing: bool,
    lisa: str | None,
    legend_title: str | None,
    column: str,
    lang: str,
    offline: bool,
) -> None:
    """The legend, a layer control when there is a choice of layers, offline assets."""
    import folium

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


def _web_lang(lang: str, frame: Any) -> str:
    # The browser draws the text with its own fonts, so no local CJK font is needed here.
    if lang not in ("auto", "zh", "en"):
        raise ValueError(f"lang must be 'auto', 'zh' or 'en'; got {lang!r}.")
    if lang == "auto":
        return "zh" if looks_chinese(frame) else "en"
    return lang
