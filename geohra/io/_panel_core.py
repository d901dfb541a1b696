"""The engine behind read_panel / read_nbs: columns, years, numbers, units, checks.

Private; see :mod:`geohra.io.panel` for the public functions and the tidy panel shape.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geohra.io import _tabular as tab
from geohra.io._load import _sheet_hint, load  # noqa: F401 (load is used by io.panel)
from geohra.io.quality import check_quality

# Column names recognised as the unit / the year when unit= / year= are not given
# (compared after NFKC, stripping and case folding).
_UNIT_NAMES = (
    "adcode",
    "code",
    "province",
    "provinces",
    "unit",
    "name",
    "地区",
    "省份",
    "省",
    "省区",
    "省市",
    "省区市",
    "省份名称",
    "地区名称",
    "行政区划代码",
    "区划代码",
    "省级行政区",
)
_YEAR_NAMES = ("year", "years", "年份", "年", "年度", "时间")

# Labels of totals and regional aggregates printed in published tables next to the
# provinces; matched only when units are matched to the province table.
_AGGREGATES = frozenset(
    {
        "全国",
        "全国合计",
        "全国总计",
        "合计",
        "总计",
        "中国",
        "全国平均",
        "平均",
        "均值",
        "东部",
        "中部",
        "西部",
        "东北",
        "东部地区",
        "中部地区",
        "西部地区",
        "东北地区",
        "china",
        "national",
        "nationwide",
        "nationaltotal",
        "total",
        "all",
        "average",
        "mean",
        "east",
        "central",
        "west",
        "northeast",
        "eastern",
        "western",
        "middle",
    }
)


def _key(label: Any) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(label)).casefold())


# ---------------------------------------------------------------------------
# read_panel
# ---------------------------------------------------------------------------


def _find_column(
    raw: tab.RawTable, given: Any, names: Sequence[str], what: str, who: str
) -> str | None:
    cols = list(raw.frame.columns)
    if given is not None:
        label = tab.clean_label(given)
        if label in cols:
            return label
        matches = [c for c in cols if _key(c) == _key(given)]
        if len(matches) == 1:
            return matches[0]
        raise KeyError(
            f"{who}: {what} column {given!r} is not in {raw.source}; available columns: {cols}. "
            f"Pass {what}= one of them."
        )
    wanted = {_key(n) for n in names}
    found = [c for c in cols if _key(c) in wanted]
    if len(found) > 1:
        raise ValueError(
            f"{who}: several columns of {raw.source} could be the {what} column: {found}. "
            f"Pass {what}= to choose one (the other is then read as an indicator unless you "
            "pass columns=)."
        )
    return found[0] if found else None


def _check_not_nbs(raw: tab.RawTable, who: str) -> None:
    first = str(raw.frame.columns[0]) if len(raw.frame.columns) else ""
    if first.startswith(("数据库", "指标", "时间")):
        raise ValueError(
            f"{who}: {raw.source} starts with {first!r}, the title of a National Bureau of "
            "Statistics export; read it with geohra.read_nbs(path) instead."
        )


def _parse_years(raw: tab.RawTable, col: str, who: str) -> np.ndarray:
    column = raw.frame[col]
    if pd.api.types.is_integer_dtype(column) and not column.isna().any():
        years = column.to_numpy(dtype="int64")
        if ((years >= tab.YEAR_MIN) & (years <= tab.YEAR_MAX)).all():
            return years  # the common case, checked without a Python loop
    else:
        text = column.astype(str).str.strip()
        if text.str.fullmatch(r"[0-9]{4}").all():
            years = text.astype("int64").to_numpy()
            if ((years >= tab.YEAR_MIN) & (years <= tab.YEAR_MAX)).all():
                return years
    cells = column.tolist()
    years, bad = [], []
    for pos, v in enumerate(cells):
        y = tab.parse_year_cell(v)
        if y is None:
            bad.append(pos)
        years.append(y)
    if bad:
        shown = ", ".join(f"{cells[p]!r} ({raw.where[p]})" for p in bad[:8])
        more = f" and {len(bad) - 8} more" if len(bad) > 8 else ""
        raise ValueError(
            f"{who}: year column {col!r} of {raw.source} must hold years (whole numbers "
            f"{tab.YEAR_MIN}-{tab.YEAR_MAX}, written 2013 or '2013年'); got {shown}{more}. "
            "Fix these cells, or pass year= the right column (or year=2013 for a single "
            "cross-section without a year column)."
        )
    return np.asarray(years, dtype="int64")


def _numeric(
    raw: tab.RawTable, frame: pd.DataFrame, cols: list[str], context: Callable[[int], str], who: str
) -> pd.DataFrame:
    """Columns to float64; ``context(pos)`` describes a row, only for the error message."""
    out, problems, n_bad = {}, [], 0
    for col in cols:
        values, bad = tab.numeric_column(frame[col])
        out[col] = values
        n_bad += len(bad)
        for pos in bad[: max(0, 8 - len(problems))]:
            problems.append(f"column {col!r}, {context(pos)}: {frame[col].iloc[pos]!r}")
    if problems:
        more = f" ({n_bad} bad cells in all)" if n_bad > len(problems) else ""
        raise ValueError(
            f"{who}: expected numbers in the indicator columns of {raw.source}; found "
            f"non-numeric cells: {'; '.join(problems)}{more}. Empty cells are read as missing. "
            "Yearbook marks such as '…' or '-' do not always mean missing, so geohra does not "
            "guess: replace them by numbers or empty cells, remove thousands separators and "
            "'%' signs, or pass columns= to read only the indicator columns."
        )
    return pd.DataFrame(out, index=frame.index)


def _check_aggregates(names: pd.Series, raw: tab.RawTable, who: str) -> None:
    hits = sorted({str(v) for v in names if isinstance(v, str) and _key(v) in _AGGREGATES})
    if hits:
        raise ValueError(
            f"{who}: {raw.source} has rows for {hits}, which look like totals or regional "
            "aggregates, not units. Remove those rows (e.g. df = df[~df['<unit column>']."
            f"isin({hits})]) and pass the DataFrame, or pass match=False for non-China units."
        )


def _unit_ids(names: pd.Series, raw: tab.RawTable, match: Any, who: str) -> pd.Series:
    if match is False:

        def strip(v: Any) -> Any:
            return v.strip() if isinstance(v, str) else v

        ids = names.map(strip)
        unusable = [f"{raw.where[p]}: {v!r}" for p, v in enumerate(ids) if not _is_scalar_id(v)]
        if unusable:
            raise ValueError(
                f"{who}: unit ids must be single values (text or numbers); {raw.source} has "
                f"{', '.join(unusable[:8])}. Fix those cells."
            )
        missing = [raw.where[p] for p, v in enumerate(ids) if tab.is_missing(v)]
        if missing:
            raise ValueError(
                f"{who}: unit ids are missing (empty) at {missing[:8]} of {raw.source}; fill or drop those rows."
            )
        return ids
    from geohra.io.names import match_units

    table = None if match is True else match
    if table is None:
        _check_aggregates(names, raw, who)
    return match_units(names.reset_index(drop=True), table=table).set_axis(names.index)


def _is_scalar_id(value: Any) -> bool:
    if isinstance(value, (list, tuple, set, dict, bytes)):
        return False
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _assemble(
    ids: pd.Series,
    years: np.ndarray,
    values: pd.DataFrame,
    names: pd.Series,
    where: list[str],
    source: str,
    who: str,
) -> pd.DataFrame:
    ids = ids.reset_index(drop=True)
    key = pd.DataFrame({"adcode": ids, "year": years})
    dup = key.duplicated(keep=False)
    if dup.any():
        groups = []
        for (uid, yr), idx in key[dup].groupby(["adcode", "year"], sort=True).groups.items():
            given = sorted({str(names.iloc[i]) for i in idx})
            groups.append(
                f"{'/'.join(given)} -> {uid} in {yr} ({', '.join(where[i] for i in idx)})"
            )
        raise ValueError(
            f"{who}: each (unit, year) must occur once, but {source} has {len(groups)} "
            f"duplicate(s): {'; '.join(groups[:8])}{' ...' if len(groups) > 8 else ''}. Remove the "
            "extra rows or aggregate them first (e.g. df.groupby([unit, year]).sum())."
        )
    out = pd.concat([key, values.reset_index(drop=True)], axis=1)
    return out.sort_values(["adcode", "year"], kind="stable").reset_index(drop=True)


def _wide_parts(raw: tab.RawTable, unit_col: str, year_cols: list[str], indicator: str, who: str):
    """Stack a wide table (one column per year) into names, years, values, where."""
    frame = raw.frame
    years = np.repeat([tab.year_from_label(c) for c in year_cols], len(frame)).astype("int64")
    stacked = pd.DataFrame({indicator: pd.concat([frame[c] for c in year_cols], ignore_index=True)})
    n = len(frame)

    def context(pos: int) -> str:
        row, col = pos % n, year_cols[pos // n]
        return f"{raw.where[row]} ({frame[unit_col].iloc[row]}), column {col!r}"

    values = _numeric(raw, stacked, [indicator], context, who)
    names = pd.concat([frame[unit_col]] * len(year_cols), ignore_index=True)
    return names, years, values, raw.where * len(year_cols)


def _wide_from_raw(
    raw: tab.RawTable, unit_col: str, year_cols: list[str], indicator: str, match: Any, who: str
) -> pd.DataFrame:
    names, years, values, where = _wide_parts(raw, unit_col, year_cols, indicator, who)
    ids = _unit_ids(names, raw, match, who)
    return _assemble(ids, years, values, names, where, raw.source, who)


def build_panel(
    raw: tab.RawTable,
    *,
    unit: Any,
    year: Any,
    columns: Sequence[str] | None,
    form: str,
    indicator: str | None,
    match: Any,
    who: str,
) -> pd.DataFrame:
    """read_panel after loading: find columns, parse years and numbers, match, check."""
    _check_not_nbs(raw, who)
    if raw.frame.empty:
        raise ValueError(
            f"{who}: {raw.source} has a header ({list(raw.frame.columns)}) but no data rows."
        )
    unit_col = _find_column(raw, unit, _UNIT_NAMES, "unit", who)
    if unit_col is None:
        raise KeyError(
            f"{who}: could not find the unit column of {raw.source} (looked for "
            f"{list(_UNIT_NAMES[:6])} ...); available columns: {list(raw.frame.columns)}. "
            "Pass unit='<column>'." + _sheet_hint(raw)
        )
    year_const = (
        year if isinstance(year, (int, np.integer)) and not isinstance(year, bool) else None
    )
    year_col = None
    if year_const is not None:
        if tab.year_from_label(int(year_const)) is None:
            raise ValueError(
                f"{who}: year={year_const!r} is not a year ({tab.YEAR_MIN}-{tab.YEAR_MAX})."
            )
    elif form != "wide":
        year_col = _find_column(raw, year, _YEAR_NAMES, "year", who)
    elif year is not None:
        raise ValueError(
            f"{who}: year= is for the long form; a wide table has one column per year."
        )
    others = [c for c in raw.frame.columns if c not in (unit_col, year_col)]
    if form == "auto":
        form = "long" if (year_col or year_const is not None) else "wide"
        if form == "wide" and not any(tab.year_from_label(c) for c in others):
            raise KeyError(
                f"{who}: could not find a year column (looked for {list(_YEAR_NAMES)}) nor "
                f"year columns (such as 2022 or 2022年) in {raw.source}; available columns: "
                f"{list(raw.frame.columns)}. Pass year='<column>', or year=2013 for a single "
                "cross-section." + _sheet_hint(raw)
            )
    if form == "long" and year_col is None and year_const is None:
        raise KeyError(
            f"{who}: form='long' needs a year column; none of {list(_YEAR_NAMES)} is in "
            f"{raw.source} (columns: {list(raw.frame.columns)}). Pass year='<column>' or year=2013."
        )
    if columns is not None:
        columns = [tab.clean_label(c) for c in columns]
        missing = [c for c in columns if c not in others]
        if missing:
            raise KeyError(
                f"{who}: columns {missing} are not value columns of {raw.source}; available: {others}."
            )
        others = list(columns)
    if not others:
        raise ValueError(
            f"{who}: {raw.source} has no indicator columns besides {unit_col!r}/{year_col!r}."
        )

    frame = raw.frame
    if form == "long":
        years = (
            _parse_years(raw, year_col, who) if year_col else np.full(len(frame), int(year_const))
        )

        def context(pos: int) -> str:
            return f"{raw.where[pos]} ({frame[unit_col].iloc[pos]}, {years[pos]})"

        values = _numeric(raw, frame, others, context, who)
        names = frame[unit_col]
        where = list(raw.where)
    else:
        year_of = {c: tab.year_from_label(c) for c in others}
        not_years = [c for c, y in year_of.items() if y is None]
        if not_years:
            raise ValueError(
                f"{who}: a wide table has the unit column and one column per year (2022 or "
                f"2022年); columns {not_years} of {raw.source} are not years. Pass columns= "
                "with the year columns to read, or form='long' with year= for a long table."
            )
        dup_years = sorted({y for y in year_of.values() if list(year_of.values()).count(y) > 1})
        if dup_years:
            raise ValueError(
                f"{who}: {raw.source} has several columns for year(s) {dup_years}: {others}. Keep one column per year."
            )
        names, years, values, where = _wide_parts(raw, unit_col, others, indicator or "value", who)
    ids = _unit_ids(names, raw, match, who)
    out = _assemble(ids, years, values, names, where, raw.source, who)
    out.attrs["source"] = raw.source
    check_quality(out, who=who)
    return out
