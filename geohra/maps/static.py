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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from geohra.maps import _style
from geohra.maps._draw import _annotation, _draw_map, _new_axes
from geohra.maps._geo import CHINA_ALBERS, _prepare_geo, unit_indexed
from geohra.maps._grid import finish_grid
from geohra.maps._static_steps import (
    COMMON_DOC,
    _categorical_map,
    _classify,
    _context_units,
    _draw_panel,
    _grade_colors,
    _grid_entries,
    _grid_figure,
    _legend_labels,
    _lisa_colors,
    _missing_policy,
    _pooled_classification,
    _values,
    _with_counts,
    _year_panels,
)
from geohra.maps._style import (
    LISA_COLORS,
    LISA_LABELS,
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
    gdf_long, years, panels = _year_panels(gdf_long, time, years)
    classification = _pooled_classification(
        panels, column, classification, scheme, k, classify_kwds
    )
    labels = [str(lab) for lab in classification.labels]
    palette = class_colors(cmap, len(labels))
    # resolve_lang() is called here, not in a helper: its warning points at the caller's line
    lang = resolve_lang(lang, panels[years[0]])
    fig, axes, ncols = _grid_figure(len(years), ncols, panel_size)
    any_missing = any_context = False
    for i, (ax, year) in enumerate(zip(axes, years, strict=False)):
        missing_here, context_here = _draw_panel(
            ax,
            panels[year],
            column,
            classification,
            palette,
            lang=lang,
            title=str(year),
            context=context,
            inset=inset,
            north_arrow=north_arrow and i == 0,
            scale_bar=scale_bar and i == 0,
            projection=projection,
        )
        any_missing |= missing_here
        any_context |= context_here
    for ax in axes[len(years) :]:
        ax.set_axis_off()
    finish_grid(
        fig,
        list(axes[: len(years)]),
        _grid_entries(labels, palette, any_missing, any_context, lang),
        lang=lang,
        legend_title=column_label(column, lang) if legend_title is None else legend_title,
        title=title,
        source_note=source_note,
        ncols=ncols,
        panel_height=None if panel_size is None else panel_size[1],
    )
    return fig


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
    colors, present = _lisa_colors(gdf, clusters_column)
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
    order, present, palette, colors = _grade_colors(gdf, grade_column, order, cmap)
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
    _func.__doc__ = _func.__doc__.replace("{common}", COMMON_DOC.strip() + "\n")
small_multiples.__doc__ = small_multiples.__doc__.replace(
    "{common_no_figsize}", COMMON_DOC.split("    figsize")[0].strip() + "\n"
)
del _func
