"""Shared helpers for every statistic: input resolution, validation, randomness.

These keep the house rules in one place (see STYLE.md): align on the index,
never by position; NaN raises unless ``nan_policy="omit"``; randomness comes
from an explicit ``rng``; inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

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
        raise ValueError(
            f"nan_policy must be one of {NAN_POLICIES}; got {nan_policy!r}."
        )


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
        if column not in data.columns:
            raise KeyError(
                f"{name}: column {column!r} is not in the data; available columns: "
                f"{list(map(str, data.columns))}."
            )
        s = data[column]
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
        return s.astype("float64")
    converted = pd.to_numeric(s, errors="coerce")
    bad = converted.isna() & s.notna()
    if bad.any():
        idx = bad.idxmax()
        raise ValueError(
            f"{name}: expected numbers; row {idx!r} holds {s.loc[idx]!r} "
            f"({int(bad.sum())} non-numeric cell(s) in all). Clean or convert these cells first."
        )
    return converted.astype("float64")


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


def resolve_column_or_series(
    data: Any, value: str | pd.Series | Sequence | None, *, name: str, index: pd.Index
) -> pd.Series | None:
    """A second input (population, weights, group labels) given as a column name or a
    Series aligned on the index; arrays must have the same length and are taken by position
    (their order is the caller's responsibility)."""
    if value is None:
        return None
    if isinstance(value, str):
        if not isinstance(data, pd.DataFrame) or value not in data.columns:
            raise KeyError(
                f"{name}: column {value!r} is not in the data"
                + (f"; available columns: {list(map(str, data.columns))}" if isinstance(data, pd.DataFrame) else "")
                + "."
            )
        return data[value]
    if isinstance(value, pd.Series):
        align({"data": pd.Series(index=index, dtype=float), name: value})
        return value.reindex(index)
    arr = np.asarray(value)
    if arr.shape != (len(index),):
        raise ValueError(f"{name}: expected {len(index)} values (one per unit); got shape {arr.shape}.")
    return pd.Series(arr, index=index)


def per_year(
    func: Callable[..., Any],
    data: pd.DataFrame,
    *args: Any,
    time: str = "year",
    **kwargs: Any,
) -> pd.DataFrame:
    """Run a cross-section statistic once per year of a long panel.

    ``per_year(geohra.theil, panel, "beds", population="pop", by="region3")`` returns
    the year in the first column, then ``func``'s ``.summary()`` (one or several rows per
    year; a named summary index, such as indicator names, is kept as columns), or a scalar
    result in a column named after the function.
    """
    if time not in data.columns:
        raise KeyError(f"per_year: time column {time!r} is not in the data; columns: {list(data.columns)}.")
    frames = []
    for year, part in data.groupby(time, sort=True):
        res = func(part.drop(columns=[time]), *args, **kwargs)
        if hasattr(res, "summary"):
            frame = res.summary()
        else:
            frame = pd.DataFrame({getattr(func, "__name__", "value"): [res]})
        # a meaningful summary index (indicator names, grade levels) becomes columns;
        # a plain 0..n-1 index is dropped
        if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
            frame = frame.reset_index(drop=True)
        else:
            frame = frame.reset_index()
        frame.insert(0, time, year)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out
