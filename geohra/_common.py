"""Shared helpers for every statistic: input resolution, validation, randomness.

These keep the house rules in one place (see STYLE.md): align on the index,
never by position; NaN raises unless ``nan_policy="omit"``; randomness comes
from an explicit ``rng``; inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd

from geohra._checks import (
    check_cross_section,
    check_finite,
    check_sentinels,
    outside_analysis,
    warn_outside_analysis,
)

NAN_POLICIES = ("raise", "omit")


def resolve_rng(rng: None | int | np.random.Generator) -> np.random.Generator:
    """Return a Generator from ``None`` (fresh entropy), an int seed or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator; got {type(rng).__name__}. "
        "Pass for example rng=42 for a reproducible result."
    )


def check_nan_policy(nan_policy: str) -> None:
    if nan_policy not in NAN_POLICIES:
        raise ValueError(f"nan_policy must be one of {NAN_POLICIES}; got {nan_policy!r}.")


def get_series(data: Any, column: str | None = None, *, name: str = "column") -> pd.Series:
    """Resolve ``data`` (+ ``column``) into a float Series, keeping the index.

    ``data`` may be a Series, a (Geo)DataFrame with ``column``, or an array-like
    (which gets a RangeIndex). Non-numeric values raise, naming the first offending row.
    """
    if isinstance(data, pd.DataFrame):
        if column is None:
            raise TypeError(
                f"{name}: data is a DataFrame, so name the column to use "
                f"(one of {list(map(str, data.columns))[:12]})."
            )
        s = resolve_values(data, column, name=name)
    elif isinstance(data, pd.Series):
        if column is not None:
            raise TypeError(f"{name}: data is a Series, so do not pass column={column!r}.")
        s = data
    else:
        if column is not None:
            raise TypeError(f"{name}: column={column!r} needs a DataFrame as data.")
        arr = np.asarray(data)
        if arr.ndim != 1:
            raise ValueError(f"{name}: expected one-dimensional values; got shape {arr.shape}.")
        s = pd.Series(arr)
    return to_numeric(s, name=name)


def to_numeric(s: pd.Series, *, name: str = "column") -> pd.Series:
    """Convert to float64 or raise naming the first non-numeric row."""
    if pd.api.types.is_bool_dtype(s) or not (
        pd.api.types.is_numeric_dtype(s) or s.dtype == object or pd.api.types.is_string_dtype(s)
    ):
        raise TypeError(f"{name}: expected numbers; got dtype {s.dtype}.")
    if pd.api.types.is_numeric_dtype(s):
        out = s.astype("float64")
    else:
        converted = pd.to_numeric(s, errors="coerce")
        bad = converted.isna() & s.notna()
        if bad.any():
            idx = bad.idxmax()
            raise ValueError(
                f"{name}: expected numbers; row {idx!r} holds {s.loc[idx]!r} "
                f"({int(bad.sum())} non-numeric cell(s) in all). Clean or convert these cells first."
            )
        out = converted.astype("float64")
    # infinite values and missing-value codes (-999, 9999 ...) make every statistic meaningless
    check_finite(out, name=name)
    check_sentinels(out, name=name)
    return out


def handle_nan(
    s: pd.Series | pd.DataFrame, *, nan_policy: str = "raise", name: str = "data"
) -> tuple[pd.Series | pd.DataFrame, tuple]:
    """Apply ``nan_policy``: raise on missing values or drop them and report which.

    Returns the cleaned object and a tuple of the omitted index labels.
    """
    check_nan_policy(nan_policy)
    mask = s.isna() if isinstance(s, pd.Series) else s.isna().any(axis=1)
    if not mask.any():
        return s, ()
    missing = tuple(s.index[mask])
    if nan_policy == "raise":
        shown = ", ".join(map(repr, missing[:8])) + (" ..." if len(missing) > 8 else "")
        raise ValueError(
            f"{name}: {len(missing)} missing value(s) (NaN) at {shown}. "
            "Fill them, drop those units, or pass nan_policy='omit' to leave them out "
            "(the result then lists them in .omitted)."
        )
    return s[~mask], missing


def align(series: dict[str, pd.Series]) -> None:
    """Raise unless all Series share the same index labels (order may differ)."""
    items = list(series.items())
    first_name, first = items[0]
    if first.index.has_duplicates:
        dup = first.index[first.index.duplicated()].unique()[:5].tolist()
        raise ValueError(f"{first_name}: duplicate index labels {dup}; each unit must appear once.")
    for other_name, other in items[1:]:
        if other.index.has_duplicates:
            dup = other.index[other.index.duplicated()].unique()[:5].tolist()
            raise ValueError(
                f"{other_name}: duplicate index labels {dup}; each unit must appear once."
            )
        if not first.index.equals(other.index) and set(first.index) != set(other.index):
            only_a = [x for x in first.index if x not in set(other.index)][:5]
            only_b = [x for x in other.index if x not in set(first.index)][:5]
            raise ValueError(
                f"{first_name} and {other_name} do not cover the same units: "
                f"only in {first_name}: {only_a}; only in {other_name}: {only_b}. "
                "Align them on the same index (unit codes) before calling."
            )


def resolve_values(
    data: Any, spec: Any, *, name: str, index: pd.Index | None = None
) -> pd.Series | None:
    """The one resolver of a per-unit input: a column, an index level, an aligned Series
    or an array.

    ``spec`` may be

    * ``None`` -- left out (returns None);
    * a column name of ``data`` or the name of one of its index levels;
    * a Series with the same index labels as the data (aligned by label, never by
      position; a different order is fine, other labels raise);
    * an array-like of the same length as the data (taken by position: the order is
      the caller's responsibility).

    ``index`` is the index the result must follow (default: ``data.index``). Returns a
    Series indexed like that, values unconverted (see :func:`to_numeric`).
    """
    if spec is None:
        return None
    if index is None:
        if not hasattr(data, "index"):
            raise TypeError(f"{name}: needs a DataFrame or Series as data to resolve {spec!r}.")
        index = data.index
    frame = data if isinstance(data, pd.DataFrame) else None
    if isinstance(spec, pd.Series):
        if spec.index.equals(index):
            return spec
        if spec.index.has_duplicates or index.has_duplicates or set(spec.index) != set(index):
            only_data = [x for x in index if x not in set(spec.index)][:5]
            only_spec = [x for x in spec.index if x not in set(index)][:5]
            raise ValueError(
                f"{name}: the Series' index does not match the data's index (only in the data: "
                f"{only_data}; only in the Series: {only_spec}; or duplicate labels). Pass a "
                "Series indexed like the data (unit codes), or a column / index-level name."
            )
        return spec.reindex(index)
    if isinstance(spec, str) or (np.ndim(spec) == 0 and isinstance(spec, Hashable)):
        if frame is not None and spec in frame.columns:
            return frame[spec]
        names = [n for n in (getattr(data, "index", pd.Index([])).names or []) if n is not None]
        if spec in names:
            return pd.Series(data.index.get_level_values(spec), index=index, name=spec)
        where = (
            f"columns: {list(map(str, frame.columns))[:15]}" if frame is not None else "no columns"
        )
        raise KeyError(
            f"{name}: {spec!r} is neither a column nor an index level of the data ({where}; "
            f"index levels: {names}). Pass a column name, an index-level name, a Series "
            "aligned on the index, or an array of one value per row."
        )
    arr = np.asarray(spec)
    if arr.shape != (len(index),):
        raise ValueError(
            f"{name}: expected {len(index)} values (one per row of the data); got shape "
            f"{arr.shape}. Pass a column name or a Series aligned on the data's index instead."
        )
    return pd.Series(arr, index=index)


def validate_units(data: Any, index: pd.Index, *, func: str, cross_section: bool = True) -> list:
    """The unit-level checks every statistic runs on its input (values are checked by
    :func:`to_numeric`: infinite values raise, missing-value codes warn).

    ``cross_section=True``: a long panel (units repeated over a year column or level)
    raises, naming geohra.per_year and geohra.cross_section. Returns the labels of
    ``index`` outside the analysis set (Hong Kong, Macao, Taiwan), after warning about
    them; the caller leaves them out and lists them in ``.omitted``.
    """
    if cross_section:
        check_cross_section(data, func=func)
    outside = outside_analysis(data, index)
    if outside:
        warn_outside_analysis(outside, func=func, data=data)
    return outside


def renamed_arguments(**renames: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: keyword arguments renamed in 0.2 keep working for one release.

    ``@renamed_arguments(weights="graph")`` maps ``weights=`` to ``graph=`` with a
    DeprecationWarning that names the new keyword; passing both raises TypeError.
    """
    import functools
    import warnings

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{func.__name__}: pass {new}= only ({old}= is its old name)."
                        )
                    warnings.warn(
                        f"{func.__name__}: {old}= is deprecated and will be removed in geohra "
                        f"0.3; use {new}= instead.",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return inner

    return wrap


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside geohra
    (the user's line), however many geohra frames (wrappers, per_year, helpers) lie between."""
    import os
    import sys

    package = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)  # the function that will call warnings.warn
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back
        level += 1
    return level
