"""Checks that catch input which makes a statistic meaningless (see README "What bad input gets").

Private and dependency-light: numpy and pandas only. Each check either raises a
``ValueError`` in the house style (what was expected, what was given, how to fix) or
warns with :class:`DataQualityWarning` where the data only *suggest* a problem.

- :func:`check_finite` - infinite values raise (NaN is the missing value, ``inf`` is not).
- :func:`sentinel_mask` - likely missing-value codes such as -999 or 9999.
- :func:`check_cross_section` - a long panel passed where one cross-section is expected.
- :func:`outside_analysis` - Hong Kong, Macao and Taiwan (``analysis`` False) in statistics.
- :func:`check_totals_or_rates` - rates where totals are expected, and the reverse.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from typing import Any

import numpy as np
import pandas as pd


class DataQualityWarning(UserWarning):
    """Possible problems in the data itself (missing values, codes, copied years, rates)."""


# Codes that spreadsheets, SPSS/Stata exports and yearbook databases use for "missing".
SENTINELS = (-99.0, -999.0, -9999.0, -99999.0, -999999.0, 999.0, 9999.0, 99999.0, 999999.0)


def _shown(labels: Any, n: int = 8) -> str:
    labels = list(labels)
    return ", ".join(map(repr, labels[:n])) + (
        f" ... ({len(labels)} in all)" if len(labels) > n else ""
    )


def check_finite(s: pd.Series, *, name: str) -> None:
    """Raise naming the units that hold +inf or -inf (e.g. a division by a zero population)."""
    values = s.to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isinf(values)
    if bad.any():
        items = [f"{k!r}={v}" for k, v in s[bad].iloc[:8].items()]
        raise ValueError(
            f"{name}: expected finite numbers; {int(bad.sum())} value(s) are infinite: "
            f"{', '.join(items)}. Infinity usually comes from a division by zero (a rate over a "
            "zero population); fix the source, or set those cells to NaN (missing) and pass "
            "nan_policy='omit'."
        )


def sentinel_mask(values: np.ndarray) -> np.ndarray:
    """True where a value is a likely missing-value code.

    A value is flagged when it is exactly one of ``SENTINELS`` and either far outside
    the other values (beyond three times their range from their minimum or maximum, or
    negative while all others are non-negative), or repeated and outside their range.
    Needs at least three other values to judge; conservative on purpose: 9999 among
    values from 1,000 to 80,000 is not flagged unless it repeats.
    """
    values = np.asarray(values, dtype="float64")
    out = np.zeros(values.shape, dtype=bool)
    finite = np.isfinite(values)
    cand = finite & np.isin(values, SENTINELS)
    if not cand.any():
        return out
    rest = values[finite & ~cand]
    if rest.size < 3:
        return out
    lo, hi = float(rest.min()), float(rest.max())
    span = hi - lo
    for code in np.unique(values[cand]):
        at = cand & (values == code)
        far = code > hi + 3 * span or code < lo - 3 * span or (code < 0 <= lo)
        repeated = int(at.sum()) >= 2 and (code > hi or code < lo)
        if far or repeated:
            out |= at
    return out


def check_sentinels(s: pd.Series, *, name: str) -> None:
    """Warn naming unit and value when ``s`` holds likely missing-value codes.

    A warning, not an error: a real value can equal 9999. Make it an error with
    ``warnings.simplefilter("error", geohra.DataQualityWarning)``.
    """
    mask = sentinel_mask(s.to_numpy(dtype="float64", na_value=np.nan))
    if mask.any():
        items = [f"{k!r}={v:g}" for k, v in s[mask].iloc[:8].items()]
        rest = s[~mask].dropna()
        warnings.warn(
            f"{name}: {int(mask.sum())} value(s) look like missing-value codes, not data: "
            f"{', '.join(items)} (the other values lie between {rest.min():g} and "
            f"{rest.max():g}); the result includes them as numbers. Replace the codes by NaN, "
            "e.g. data.replace({-999: numpy.nan, 9999: numpy.nan}), and pass nan_policy='omit'; "
            "or correct them if they are real.",
            DataQualityWarning,
            stacklevel=4,
        )


# ---------------------------------------------------------------------------
# panels where a cross-section is expected
# ---------------------------------------------------------------------------

_TIME_NAMES = ("year", "years", "年份", "年", "年度")
_UNIT_COLUMNS = ("adcode", "code", "unit", "province", "name", "name_zh", "name_en", "地区", "省份")


def _time_key(label: Any) -> str:
    return unicodedata.normalize("NFKC", str(label)).strip().casefold()


def check_cross_section(data: Any, *, func: str) -> None:
    """Raise when ``data`` is a long panel (units repeated over a year column or level)."""
    if not isinstance(data, (pd.DataFrame, pd.Series)):
        return
    index = data.index
    time = None
    levels = [n for n in index.names if n is not None and _time_key(n) in _TIME_NAMES]
    if levels and isinstance(index, pd.MultiIndex):
        time = index.get_level_values(levels[0])
    elif isinstance(data, pd.DataFrame):
        cols = [c for c in data.columns if _time_key(c) in _TIME_NAMES]
        if cols:
            time = data[cols[0]]
    if time is None:
        return
    years = pd.unique(pd.Series(time).dropna())
    if len(years) < 2:
        return
    repeated = index.has_duplicates
    if isinstance(index, pd.MultiIndex):
        others = [n for n in index.names if n not in levels]
        repeated = repeated or any(index.get_level_values(n).has_duplicates for n in others if n)
    if isinstance(data, pd.DataFrame) and not repeated:
        repeated = any(
            data[c].duplicated().any()
            for c in data.columns
            if isinstance(c, str) and _time_key(c) in _UNIT_COLUMNS
        )
    if repeated:
        shown = sorted(years.tolist())
        raise ValueError(
            f"{func}: expected one cross-section (one row per unit); got a long panel with "
            f"{len(years)} years ({shown[:6]}{' ...' if len(shown) > 6 else ''}) and each unit "
            "repeated, which would pool all unit-years into one number. Use "
            f"geohra.per_year(geohra.{func}, data, ...) for one result per year, or select "
            "one year with geohra.cross_section(data, year)."
        )


# ---------------------------------------------------------------------------
# units outside the analysis set
# ---------------------------------------------------------------------------


def outside_analysis(data: Any, index: pd.Index) -> list[Any]:
    """Labels of ``index`` whose unit is not in the analysis set (Hong Kong, Macao, Taiwan).

    Read from an ``analysis`` column of ``data`` when there is one (the built-in
    boundaries and ``geohra.join`` have it); otherwise from the built-in province table
    when every label of ``index`` (or every value of an ``adcode`` column) is a province
    adcode. Labels may repeat (a panel indexed by unit): each is listed once.
    """
    if isinstance(data, pd.DataFrame) and "analysis" in data.columns:
        flag = data["analysis"]
        if not flag.index.equals(index):
            if flag.index.has_duplicates:
                return []
            flag = flag.reindex(index)
        if pd.api.types.is_bool_dtype(flag):
            out = ~flag.to_numpy(dtype=bool)
        else:  # object column with NaN (units without the flag count as analysed)
            out = flag.map(lambda v: isinstance(v, (bool, np.bool_)) and not v).to_numpy(dtype=bool)
        return list(pd.unique(index[out]))
    from geohra.io._provinces import PROVINCES

    codes = {row[0]: row[5] for row in PROVINCES}

    def others(values: Any) -> set[str] | None:
        """The non-analysis codes among ``values`` if all are province codes, else None."""
        uniq = pd.Index(values).unique()
        if not len(uniq) or len(uniq) > len(codes):  # cheap exit for large or other data
            return None
        labels = {str(v) for v in uniq}
        return {lab for lab in labels if not codes[lab]} if labels <= set(codes) else None

    found = others(index)
    if found is not None:
        return [v for v in index.unique() if str(v) in found]
    if isinstance(data, pd.DataFrame) and "adcode" in data.columns and data.index.equals(index):
        found = others(data["adcode"])
        if found:
            mask = data["adcode"].astype(str).isin(found).to_numpy()
            return list(pd.unique(index[mask]))
    return []


def warn_outside_analysis(excluded: list[Any], *, func: str, data: Any = None) -> None:
    """Warn naming the units left out; ``excluded`` are row labels of ``data``."""
    from geohra.io._provinces import PROVINCES

    units, rows = list(excluded), ""
    if isinstance(data, pd.DataFrame) and "adcode" in data.columns:
        ids = data.loc[data.index.isin(excluded), "adcode"]
        if not ids.index.equals(pd.Index(ids.to_numpy())):
            units, rows = list(pd.unique(ids)), f" ({len(ids)} rows)"
    names = {row[0]: row[3] for row in PROVINCES}
    shown = ", ".join(f"{v!r} ({names[str(v)]})" if str(v) in names else repr(v) for v in units)
    warnings.warn(
        f"{func}: left out {len(units)} unit(s) outside the analysis set (analysis=False, "
        f"e.g. Hong Kong, Macao, Taiwan from load_boundaries(include_other=True)): {shown}"
        f"{rows}. They are drawn on maps but not part of the statistics.",
        DataQualityWarning,
        stacklevel=4,
    )


# ---------------------------------------------------------------------------
# totals versus rates
# ---------------------------------------------------------------------------

_RATE_NAME = re.compile(
    r"(per[_ ]?(capita|cap|head|person|people|pop|1000|1k|10000|10k|100k|100000|thousand)"
    r"|_per_|per\d|_pc$|_rate$|^rate_|ratio|share|percent|pct|proportion|density"
    r"|率|每千|每万|每十万|每百|人均|千人|万人|占比|比例|比重|密度)",
    re.IGNORECASE,
)


def looks_like_rate_name(name: Any) -> bool:
    return isinstance(name, str) and bool(_RATE_NAME.search(name))


def _cv(x: np.ndarray) -> float:
    m = float(np.mean(x))
    return float(np.std(x)) / m if m > 0 else float("nan")


def check_totals_or_rates(
    value: pd.Series, population: pd.Series, *, func: str, expects: str, column: Any
) -> None:
    """Warn when a column looks like rates where totals are expected, or the reverse.

    The heuristic, documented and conservative: totals grow with population, so the
    per-capita value x/P varies much less across units than x itself; a rate does not,
    and x/P then varies much more than x. With the coefficient of variation (CV),
    "looks like rates" means CV(x/P) > 2 CV(x) and "looks like totals" CV(x) > 2 CV(x/P).
    Needs five or more units with positive values and a population that varies (CV ≥ 0.3);
    a column name such as ``beds_per_1000``, ``床位率`` or ``每千人口...`` also counts as rates.
    """
    x = value.to_numpy(dtype="float64")
    p = population.to_numpy(dtype="float64")
    ok = (x > 0) & (p > 0)
    named_rate = looks_like_rate_name(column)
    data_says = None
    if ok.sum() >= 5 and _cv(p[ok]) >= 0.3:
        cv_x, cv_r = _cv(x[ok]), _cv(x[ok] / p[ok])
        if cv_r > 2 * cv_x:
            data_says = "rates"
        elif cv_x > 2 * cv_r:
            data_says = "totals"
    label = repr(column) if column is not None else "the values"
    if expects == "totals" and (data_says == "rates" or (named_rate and data_says != "totals")):
        why = (
            "its name reads as a rate"
            if named_rate
            else "it varies far less across units than its per-capita value"
        )
        warnings.warn(
            f"{func}: with population=, {label} must be a total per unit (e.g. the number of "
            f"beds), but it looks like a per-capita rate ({why}). Rates in place of totals give "
            "wrong shares (a population-weighted Theil T of rates can be many times too "
            "large). Pass the totals, or convert with geohra.totals_from_rates(...).",
            DataQualityWarning,
            stacklevel=4,
        )
    elif expects == "rates" and data_says == "totals" and not named_rate:
        warnings.warn(
            f"{func}: with population weights, {label} should be a per-capita value (e.g. beds "
            "per 1,000 people), but it looks like totals (it varies far more across units than "
            "its value per person). A population-weighted Gini of totals counts population "
            "twice. Pass rates, or convert with geohra.per_capita(...).",
            DataQualityWarning,
            stacklevel=4,
        )
