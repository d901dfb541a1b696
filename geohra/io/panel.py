"""Reading indicator panels (unit x year), NBS exports, and joining them to boundaries.

The tidy panel
--------------
Every reader returns the same shape, a **long** :class:`pandas.DataFrame` with a
RangeIndex and the columns

- ``adcode`` - the unit id: the six-digit GB/T 2260 code as str when the units were
  matched to China's provinces (the default), or the ids exactly as given (surrounding
  spaces removed from text) with ``match=False`` (any other country or level);
- ``year`` - int64;
- one float64 column per indicator.

Rows are sorted by (adcode, year) and each (adcode, year) pair occurs once. One year's
cross-section indexed by adcode is ``cross_section(panel, 2013)``.

``join(boundaries, panel)`` returns a GeoDataFrame in the same long shape (RangeIndex,
``adcode`` and ``year`` columns, the boundary attributes, the indicators, geometry
repeated per year); ``cross_section(joined, 2013)`` gives the GeoDataFrame of one year
indexed by adcode, ready for the statistics and the maps.

Data quality
------------
Nothing is dropped or filled silently. Bad input raises (unknown units, duplicate
(unit, year) rows, non-numeric cells, invalid years, unreadable or empty files).
Suspicious but possible data are reported with a :class:`DataQualityWarning`: missing
values in a year in which the indicator is otherwise reported, and two years whose
values are identical for every unit (a typical copy error in published tables).

Missing-value conventions: an empty cell, or the tokens NA, N/A, NaN, null, None,
#N/A, is missing (NaN). Yearbook marks such as '…' or '-' are refused with an error,
because in China's yearbooks '…' means "too small to show", not "missing".

Rates and totals
----------------
``per_capita(panel, ["beds"], population="population_10k", per=1000,
population_unit=10_000)`` adds ``beds_per_1000``; ``totals_from_rates`` is its inverse.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from geohra.io import _panel_core as core
from geohra.io._panel_core import DataQualityWarning, check_quality

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "DataQualityWarning", "check_quality", "cross_section", "join", "per_capita", "read_nbs", "read_panel",
    "totals_from_rates",
]


def read_panel(
    source: str | Path | pd.DataFrame,
    *,
    unit: str | None = None,
    year: str | int | None = None,
    columns: Sequence[str] | None = None,
    form: Literal["auto", "long", "wide"] = "auto",
    indicator: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    match: bool | pd.DataFrame = True,
) -> pd.DataFrame:
    """Read an indicator panel (unit x year) into the tidy long form.

    Parameters
    ----------
    source
        A CSV/TSV file (UTF-8, UTF-8 with BOM, UTF-16 with BOM or GBK/GB18030, detected),
        an XLSX or XLS workbook, a Parquet file, or a DataFrame (not modified). The file
        type is recognised from the content, not the extension.
    unit
        The column naming the units. Default: the one column called adcode, code,
        province, unit, name, 地区, 省份, 省 ... (an error lists the columns if none or
        several are found).
    year
        Long form: the year column (default: a column called year, 年份, 年, 年度, 时间),
        or an int to give every row that year (a cross-section without a year column).
    columns
        The value columns to read: indicators (long form) or year columns (wide form).
        Default: every column except the unit and year columns.
    form
        ``"long"`` (unit, year, indicator columns), ``"wide"`` (one indicator; unit
        column, then one column per year such as ``2022`` or ``2022年``) or ``"auto"``:
        long if a year column is found or ``year`` is given, else wide if the other
        columns are years.
    indicator
        Wide form: the name of the indicator column (default ``"value"``).
    encoding
        Text encoding of a CSV; default: detect UTF-8 / UTF-16 / GB18030.
    sheet
        Workbook sheet name or 0-based position (default: the first sheet).
    match
        True (default): match unit names/codes to China's provinces with
        :func:`geohra.match_units` (Chinese or English names, aliases, adcodes as int or
        str); ``adcode`` then holds six-digit codes. A DataFrame (e.g. boundaries from
        :func:`geohra.load_boundaries`): match against its index and name columns.
        False: keep the ids as given (any other units).

    Returns
    -------
    pandas.DataFrame
        RangeIndex; columns ``adcode``, ``year`` (int64), then the indicators (float64),
        sorted by (adcode, year). ``attrs["source"]`` names the input.

    Raises
    ------
    ValueError
        Unknown unit names (listed with the closest known names), rows for totals such as
        全国, duplicate (unit, year) rows, non-numeric cells (column, row and value),
        invalid years, files that are empty, binary or not a table.
    KeyError
        A named unit/year column that does not exist (the available ones are listed).

    Warns
    -----
    DataQualityWarning
        Missing values in years an indicator is otherwise reported, missing unit-years,
        or two years with identical values for every unit.
    """
    who = "read_panel"
    if form not in ("auto", "long", "wide"):
        raise ValueError(f"{who}: form must be 'auto', 'long' or 'wide'; got {form!r}.")
    raw = core.load(source, encoding=encoding, sheet=sheet, who=who)
    return core.build_panel(raw, unit=unit, year=year, columns=columns, form=form,
                            indicator=indicator, match=match, who=who)


# ---------------------------------------------------------------------------
# read_nbs
# ---------------------------------------------------------------------------

def read_nbs(path_or_paths: str | Path | Iterable[str | Path], *, encoding: str | None = None) -> pd.DataFrame:
    """Read National Bureau of Statistics provincial annual exports (分省年度数据).

    The layout, as downloaded from the NBS database as CSV (GBK or UTF-8), XLS or XLSX::

        数据库：分省年度数据
        指标：每千人口医疗卫生机构床位数(张)
        时间：最近10年
        地区,2022年,2021年,...
        北京市,5.8,5.9,...
        ...
        注：...
        数据来源：国家统计局

    Parameters
    ----------
    path_or_paths
        One export or several (one indicator each); they are combined into one panel
        with one column per indicator (an outer join on unit and year: a year missing
        from one file gives NaN there, never zero).
    encoding
        Text encoding of CSV exports; default: detect UTF-8 / GBK (GB18030).

    Returns
    -------
    pandas.DataFrame
        The tidy long panel (see :func:`read_panel`): ``adcode``, ``year``, one float64
        column per indicator named after the ``指标：`` line without its unit. Empty
        cells are NaN. ``attrs["units"]`` maps each indicator to the unit printed in
        parentheses (e.g. ``{"每千人口医疗卫生机构床位数": "张"}``); ``attrs["nbs"]``
        holds per file: file, database, indicator, unit, time, notes (the 注/数据来源 lines).

    Raises
    ------
    ValueError
        A file not in this layout (e.g. a plain CSV, a binary file), an empty file,
        unknown province names, non-numeric cells, or the same indicator in two files.
    """
    from geohra.io.nbs import read_nbs_files

    return read_nbs_files(path_or_paths, encoding=encoding)


# ---------------------------------------------------------------------------
# join and cross-sections
# ---------------------------------------------------------------------------


def _as_long(panel: pd.DataFrame, who: str) -> pd.DataFrame:
    """Accept the tidy panel (columns adcode, year) or the same with a MultiIndex."""
    if not isinstance(panel, pd.DataFrame):
        raise TypeError(f"{who}: expected the panel as a DataFrame (from read_panel); got {type(panel).__name__}.")
    if {"adcode", "year"} <= set(panel.index.names):
        panel = panel.reset_index()
    missing = [c for c in ("adcode", "year") if c not in panel.columns]
    if missing:
        raise KeyError(
            f"{who}: the panel needs columns 'adcode' and 'year' (the shape read_panel returns); "
            f"{missing} missing, columns are {list(panel.columns)}. Read it with geohra.read_panel, "
            "or rename your unit and year columns."
        )
    return panel


def _labels(ids: Iterable[Any]) -> str:
    """'110000 (北京)' for province codes, the id itself otherwise."""
    from geohra.io._provinces import PROVINCES

    short = {row[0]: row[2] for row in PROVINCES}
    ids = list(ids)
    text = ", ".join(f"{i} ({short[i]})" if i in short else repr(i) for i in ids[:12])
    return text + (f" ... ({len(ids)} in all)" if len(ids) > 12 else "")


def join(
    boundaries: gpd.GeoDataFrame,
    panel: pd.DataFrame,
    *,
    how: Literal["left", "inner"] = "left",
) -> gpd.GeoDataFrame:
    """Join a tidy panel to boundaries: one row per unit and year, geometry repeated.

    Parameters
    ----------
    boundaries
        A GeoDataFrame indexed by unit id, e.g. ``geohra.load_boundaries()`` (indexed by
        adcode). Its attribute columns (names, region schemes ...) are kept.
    panel
        The tidy panel from :func:`read_panel` / :func:`read_nbs` (columns ``adcode``,
        ``year``, indicators; a MultiIndex (adcode, year) is accepted too).
    how
        ``"left"`` (default): every boundary unit for every year of the panel; units or
        unit-years without data get NaN indicators (drawn as "no data", never as zero).
        ``"inner"``: only the (unit, year) rows present in the panel.

    Returns
    -------
    geopandas.GeoDataFrame
        RangeIndex; columns ``adcode``, ``year``, the boundary attributes, the panel's
        indicators, and the geometry; same CRS as ``boundaries``; sorted by (adcode, year).
        ``cross_section(joined, year)`` gives one year indexed by adcode.

    Raises
    ------
    ValueError
        Units in the panel that are not in the boundaries (all listed); a column present
        in both inputs; duplicate ids in the boundaries.

    Warns
    -----
    DataQualityWarning
        Units of the boundaries (those with ``analysis`` True, if that column exists) that
        have no data in some or all years of the panel.
    """
    import geopandas as gpd

    who = "join"
    if not isinstance(boundaries, gpd.GeoDataFrame):
        raise TypeError(
            f"{who}: expected boundaries as a GeoDataFrame (e.g. geohra.load_boundaries()); got "
            f"{type(boundaries).__name__}. The order is join(boundaries, panel)."
        )
    if how not in ("left", "inner"):
        raise ValueError(f"{who}: how must be 'left' or 'inner'; got {how!r}.")
    panel = _as_long(panel, who)
    if boundaries.index.has_duplicates:
        dup = boundaries.index[boundaries.index.duplicated()].unique().tolist()
        raise ValueError(f"{who}: the boundaries' index repeats unit ids {dup[:10]}; each unit must appear once.")
    bids = pd.Index(boundaries.index)
    pids = pd.Index(pd.unique(panel["adcode"]))
    unknown = pids.difference(bids, sort=False)
    if len(unknown):
        hint = ""
        if pids.inferred_type != bids.inferred_type:
            hint = (f" The panel's ids are {pids.inferred_type} but the boundaries' index is "
                    f"{bids.inferred_type}: convert one to the other's type.")
        raise ValueError(
            f"{who}: {len(unknown)} unit(s) in the panel are not in the boundaries: {_labels(unknown)}. "
            "Load boundaries that contain them (e.g. load_boundaries(include_other=True) for Hong "
            f"Kong, Macao, Taiwan) or drop those units from the panel.{hint}"
        )
    overlap = [c for c in panel.columns if c not in ("adcode", "year") and c in boundaries.columns]
    if "year" in boundaries.columns or "adcode" in boundaries.columns:
        overlap += [c for c in ("adcode", "year") if c in boundaries.columns]
    if overlap:
        raise ValueError(
            f"{who}: columns {overlap} are in both the boundaries and the panel; rename them in "
            "one of the two (e.g. panel.rename(columns={...})) so nothing is overwritten."
        )
    if panel.duplicated(["adcode", "year"]).any():
        raise ValueError(f"{who}: the panel has duplicate (adcode, year) rows; read it with read_panel, which checks this.")

    years = sorted(pd.unique(panel["year"]))
    expected = bids
    if "analysis" in boundaries.columns:
        expected = bids[boundaries["analysis"].fillna(False).astype(bool).to_numpy()]
    present = set(zip(panel["adcode"], panel["year"], strict=True))
    absent_units = [u for u in expected if not any((u, y) in present for y in years)]
    partial = [(u, y) for u in expected if u not in absent_units for y in years if (u, y) not in present]
    if absent_units or partial:
        parts = []
        if absent_units:
            parts.append(f"{len(absent_units)} unit(s) of the boundaries have no data in the panel: {_labels(absent_units)}")
        if partial:
            shown = ", ".join(f"{u} {y}" for u, y in partial[:12])
            parts.append(f"{len(partial)} unit-year(s) have no row: {shown}{' ...' if len(partial) > 12 else ''}")
        warnings.warn(
            f"{who}: " + "; ".join(parts) + (". They are kept with missing (NaN) indicators, shown as"
            " 'no data' on maps, never as zero." if how == "left" else ". They are left out (how='inner')."),
            DataQualityWarning, stacklevel=2,
        )
    geom = boundaries.geometry.name
    attrs = boundaries.drop(columns=[geom])
    attrs = pd.DataFrame(attrs).rename_axis("adcode").reset_index()
    if how == "left":
        grid = pd.MultiIndex.from_product([bids, years], names=["adcode", "year"]).to_frame(index=False)
        long = grid.merge(panel, on=["adcode", "year"], how="left")
    else:
        long = panel.copy()
    long = long.merge(attrs, on="adcode", how="left")
    ordered = ["adcode", "year"] + [c for c in attrs.columns if c != "adcode"] + [
        c for c in panel.columns if c not in ("adcode", "year")]
    long = long[ordered].sort_values(["adcode", "year"], kind="stable").reset_index(drop=True)
    geometry = boundaries.geometry.reindex(long["adcode"]).to_numpy()
    out = gpd.GeoDataFrame(long, geometry=gpd.GeoSeries(geometry, crs=boundaries.crs).values, crs=boundaries.crs)
    out = out.rename_geometry(geom) if geom != "geometry" else out
    out.attrs = {**boundaries.attrs, **panel.attrs}
    return out


def cross_section(data: pd.DataFrame, year: int) -> pd.DataFrame:
    """One year of a tidy panel or joined GeoDataFrame, indexed by adcode.

    Returns the same type as ``data`` (a GeoDataFrame stays one) without the ``year``
    column, ready for the cross-section statistics (``geohra.theil(cross_section(...),
    "beds")``) and maps. Raises ValueError listing the available years if ``year`` has no rows.
    """
    data = _as_long(data, "cross_section")
    mask = data["year"] == year
    if not mask.any():
        avail = sorted(pd.unique(data["year"]).tolist())
        raise ValueError(f"cross_section: no rows for year {year!r}; the data has years {avail}.")
    out = data.loc[mask].drop(columns=["year"]).set_index("adcode")
    out.attrs = dict(data.attrs)
    return out


# ---------------------------------------------------------------------------
# per-capita values and totals
# ---------------------------------------------------------------------------


def _rate_columns(data: pd.DataFrame, columns: Sequence[str] | Mapping[str, str], suffix: str, who: str) -> dict[str, str]:
    if isinstance(columns, str):
        columns = [columns]
    mapping = dict(columns) if isinstance(columns, Mapping) else {c: f"{c}{suffix}" for c in columns}
    missing = [c for c in mapping if c not in data.columns]
    if missing:
        raise KeyError(f"{who}: columns {missing} are not in the data; available: {list(data.columns)}.")
    clash = [n for n in mapping.values() if n in data.columns]
    if clash:
        raise ValueError(f"{who}: output columns {clash} already exist; pass columns as a dict {{source: new_name}}.")
    return mapping


def _population(data: pd.DataFrame, population: str, who: str) -> pd.Series:
    if population not in data.columns:
        raise KeyError(f"{who}: population column {population!r} is not in the data; available: {list(data.columns)}.")
    pop = data[population].astype("float64")
    bad = pop[(pop <= 0)]
    if len(bad):
        raise ValueError(
            f"{who}: population must be positive; {population!r} is {bad.iloc[0]!r} at row "
            f"{bad.index[0]!r} ({len(bad)} such rows). Fix or drop those rows."
        )
    return pop


def per_capita(
    data: pd.DataFrame,
    columns: Sequence[str] | Mapping[str, str],
    *,
    population: str,
    per: float = 1000,
    population_unit: float = 1,
) -> pd.DataFrame:
    """Add per-capita rates: ``value / (population * population_unit) * per``.

    ``population_unit`` says what one unit of the population column is (10_000 for a
    column in 10,000 persons, as in China's yearbooks). New columns are named
    ``<column>_per_<per>`` unless ``columns`` is a dict {source: new name}. Missing
    values stay missing; a non-positive population raises. Returns a new DataFrame.

    Example: physicians per 1,000 people from a total and a population in 10,000s:
    ``per_capita(panel, ["physicians_total"], population="population_10k", per=1000,
    population_unit=10_000)``.
    """
    who = "per_capita"
    mapping = _rate_columns(data, columns, f"_per_{per:g}", who)
    pop = _population(data, population, who) * population_unit
    out = data.copy()
    for src, new in mapping.items():
        out[new] = data[src].astype("float64") / pop * per
    return out


def totals_from_rates(
    data: pd.DataFrame,
    columns: Sequence[str] | Mapping[str, str],
    *,
    population: str,
    per: float = 10_000,
    population_unit: float = 1,
) -> pd.DataFrame:
    """Add totals from per-capita rates: ``rate * population * population_unit / per``.

    The inverse of :func:`per_capita`. New columns are named ``<column>_total`` unless
    ``columns`` is a dict {source: new name}. Returns a new DataFrame.

    Example: beds per 10,000 people and a population in 10,000 persons give the number
    of beds: ``totals_from_rates(panel, {"beds_per_10k_pop": "beds"},
    population="population_10k", per=10_000, population_unit=10_000)``.
    """
    who = "totals_from_rates"
    mapping = _rate_columns(data, columns, "_total", who)
    pop = _population(data, population, who) * population_unit
    out = data.copy()
    for src, new in mapping.items():
        out[new] = data[src].astype("float64") * pop / per
    return out
