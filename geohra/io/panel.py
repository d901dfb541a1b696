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

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from geohra._checks import DataQualityWarning
from geohra.io import _panel_core as core
from geohra.io.join import cross_section, join
from geohra.io.quality import check_quality

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "DataQualityWarning",
    "check_quality",
    "cross_section",
    "join",
    "per_capita",
    "read_nbs",
    "read_panel",
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
    return core.build_panel(
        raw,
        unit=unit,
        year=year,
        columns=columns,
        form=form,
        indicator=indicator,
        match=match,
        who=who,
    )


# ---------------------------------------------------------------------------
# read_nbs
# ---------------------------------------------------------------------------


def read_nbs(
    path_or_paths: str | Path | Iterable[str | Path], *, encoding: str | None = None
) -> pd.DataFrame:
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
# per-capita values and totals
# ---------------------------------------------------------------------------


def _rate_columns(
    data: pd.DataFrame, columns: Sequence[str] | Mapping[str, str], suffix: str, who: str
) -> dict[str, str]:
    if isinstance(columns, str):
        columns = [columns]
    mapping = (
        dict(columns) if isinstance(columns, Mapping) else {c: f"{c}{suffix}" for c in columns}
    )
    missing = [c for c in mapping if c not in data.columns]
    if missing:
        raise KeyError(
            f"{who}: columns {missing} are not in the data; available: {list(data.columns)}."
        )
    clash = [n for n in mapping.values() if n in data.columns]
    if clash:
        raise ValueError(
            f"{who}: output columns {clash} already exist; pass columns as a dict {{source: new_name}}."
        )
    return mapping


def _population(data: pd.DataFrame, population: str, who: str) -> pd.Series:
    if population not in data.columns:
        raise KeyError(
            f"{who}: population column {population!r} is not in the data; available: {list(data.columns)}."
        )
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
