"""Private input handling shared by the inequality statistics.

Every public function here resolves its inputs the same way: a value column
(plus optional population / weights and group labels) given as column names of
``data`` or as Series aligned on its index, one NaN policy applied to all of them
at once, and non-negativity checked where the statistic needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geohra._checks import SENTINELS, check_totals_or_rates, sentinel_mask
from geohra._common import (
    align,
    check_nan_policy,
    get_series,
    handle_nan,
    resolve_values,
    to_numeric,
    validate_units,
)

# the smallest non-negative missing-value code: checked values below it hold none
_FIRST_CODE = min(c for c in SENTINELS if c >= 0)


@dataclass(frozen=True)
class Inputs:
    """Validated inputs: ``frame`` holds ``value`` and the extra columns, NaN-free."""

    frame: pd.DataFrame
    omitted: tuple


def resolve(
    data: Any,
    column: str | None,
    *,
    func: str,
    numeric: dict[str, Any] | None = None,
    labels: dict[str, Any] | None = None,
    nan_policy: str = "raise",
    expects: tuple[str, str] | None = None,
) -> Inputs:
    """Resolve ``data[column]`` plus extra numeric inputs and group-label inputs.

    ``numeric`` / ``labels`` map a name (used as the column name in the returned
    frame and in error messages) to a column name, a Series aligned on the index,
    an array taken by position, or None (left out). ``expects = (key, "totals" |
    "rates")``: when the numeric input ``key`` (a population) is given, warn if the
    values look like the other kind (see :func:`geohra._checks.check_totals_or_rates`).

    The checks of :mod:`geohra._checks` run here for every statistic: a long panel
    raises, infinite values raise, likely missing-value codes warn, and units outside
    the analysis set (Hong Kong, Macao, Taiwan) are left out with a warning and listed
    in ``omitted``.
    """
    y = get_series(data, column, name=func)
    # a long panel raises here, before align's duplicate-label error, naming per_year
    outside = validate_units(data, y.index, func=func)
    align({f"{func}: data": y})  # duplicate labels raise here
    cols: dict[str, pd.Series] = {"value": y}
    for key, spec in (numeric or {}).items():
        s = resolve_values(data, spec, name=f"{func}: {key}", index=y.index)
        if s is not None:
            cols[key] = to_numeric(s, name=f"{func}: {key}")
    for key, spec in (labels or {}).items():
        s = resolve_values(data, spec, name=f"{func}: {key}", index=y.index)
        if s is not None:
            cols[key] = s
    # one column: no need to build (and copy into) a multi-column frame
    frame = y.to_frame("value") if len(cols) == 1 else pd.DataFrame(cols, index=y.index)
    if outside:
        frame = frame.drop(index=outside)
    frame, omitted = handle_nan(frame, nan_policy=nan_policy, name=func)
    if expects is not None and expects[0] in frame:
        check_totals_or_rates(
            frame["value"],
            frame[expects[0]],
            func=func,
            expects=expects[1],
            column=column if column is not None else getattr(data, "name", None),
        )
    if len(frame) == 0:
        raise ValueError(
            f"{func}: no units left to compute on (the input is empty after NaN handling)."
        )
    return Inputs(frame=frame, omitted=tuple(outside) + tuple(omitted))


def fast_arrays(
    data: Any,
    column: str | None,
    *,
    numeric: dict[str, Any] | None = None,
    labels: dict[str, Any] | None = None,
    nan_policy: str = "raise",
    expects: tuple[str, str] | None = None,
) -> dict[str, Any] | None:
    """The inputs as arrays when ``resolve`` would have nothing to check, else None.

    The fast case: the values and every given extra input are one-dimensional NumPy arrays
    of one length (no labels, so no units to align or leave out and no panel); numbers are
    finite, non-negative and hold no likely missing-value code; labels are integers or
    strings; and no population is given whose kind ``resolve`` would check (``expects``).
    Anything else returns None, so that ``resolve`` runs every check with its messages and
    warnings. The result maps ``"value"`` and each given name to its array (numbers as
    float64) and ``"index"`` to None.
    """
    check_nan_policy(nan_policy)
    if column is not None or type(data) is not np.ndarray or data.ndim != 1 or not data.size:
        return None
    if expects is not None and (numeric or {}).get(expects[0]) is not None:
        return None
    out: dict[str, Any] = {"index": None}
    for key, arr in {"value": data, **(numeric or {})}.items():
        if arr is None:
            continue
        if type(arr) is not np.ndarray or arr.shape != data.shape or arr.dtype.kind not in "fiu":
            return None
        arr = arr.astype(np.float64, copy=False)
        # negative, NaN or infinite (NaN propagates into min and max): the full path explains
        lo, hi = arr.min(), arr.max()
        if not (lo >= 0 and hi < np.inf):
            return None
        # a code such as 9999 (all non-negative codes are >= _FIRST_CODE): the full path warns
        if hi >= _FIRST_CODE and sentinel_mask(arr).any():
            return None
        out[key] = arr
    for key, arr in (labels or {}).items():
        if arr is None:
            continue
        if type(arr) is not np.ndarray or arr.shape != data.shape or arr.dtype.kind not in "iuUSb":
            return None
        out[key] = arr
    return out


def check_nonnegative(s: pd.Series, *, func: str, what: str, why: str) -> None:
    """Raise naming the first negative entries of ``s``."""
    neg = s.to_numpy() < 0
    if neg.any():
        shown = ", ".join(f"{k!r}={v:g}" for k, v in s[neg].iloc[:5].items())
        raise ValueError(
            f"{func}: {what} must be non-negative ({why}); {int(neg.sum())} negative value(s): "
            f"{shown}. Check the data (a sign error, or a missing-value code such as -1?)."
        )


def group_codes(
    labels: pd.Series, *, func: str, min_groups: int = 2
) -> tuple[np.ndarray, pd.Index]:
    """Integer codes 0..k-1 and the group labels (sorted when sortable); ``labels`` is a
    Series or a NumPy array of integers / strings (from ``fast_arrays``)."""
    if isinstance(labels, np.ndarray):  # the labels stay an array: an Index costs ~40 µs
        small = _small_int_codes(labels)
        if small is not None:
            return _checked_codes(*small, func, min_groups)
        uniques, codes = np.unique(labels, return_inverse=True)
        return _checked_codes(codes.reshape(-1), uniques, func, min_groups)
    # pandas' string dtype factorizes several times slower than the same labels as objects
    values = labels.to_numpy(dtype=object) if pd.api.types.is_string_dtype(labels) else labels
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # mixed, unorderable labels: keep order of appearance
        codes, uniques = pd.factorize(values, sort=False)
    uniques = pd.Index(uniques, name=labels.name if labels.name != "by" else None)
    return _checked_codes(codes, uniques, func, min_groups)


def _small_int_codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``np.unique(labels, return_inverse=True)`` (codes first) by counting, for integer
    labels in 0..4n (such as codes 0..k-1): no sort. None for other labels."""
    if labels.dtype.kind not in "iu" or not labels.size or labels.max() > 4 * labels.size:
        return None
    lab = labels.astype(np.intp, copy=False)
    try:
        present = np.bincount(lab) > 0
    except ValueError:  # negative labels
        return None
    if present.all():  # already 0..k-1: the labels are their own codes
        return lab, np.arange(present.size, dtype=labels.dtype)
    return (present.cumsum() - 1)[lab], np.flatnonzero(present).astype(labels.dtype)


def _checked_codes(
    codes: np.ndarray, uniques: pd.Index | np.ndarray, func: str, min_groups: int
) -> tuple[np.ndarray, pd.Index | np.ndarray]:
    if len(uniques) < min_groups:
        raise ValueError(
            f"{func}: fewer than two groups (found {len(uniques)}: {list(uniques)}); a decomposition "
            "into within- and between-group parts needs at least two. Check the grouping column."
        )
    return codes.astype(np.intp), uniques


def group_name(by: Any) -> str:
    """Name for the group axis of result tables: the column name, the Series' name, or 'group'."""
    if isinstance(by, str):
        return by
    if isinstance(by, pd.Series) and by.name is not None:
        return str(by.name)
    return "group"
