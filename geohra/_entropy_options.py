"""Registries of the entropy-weight method's variants: normalisations and score forms
(see :mod:`geohra.index` for the formulas)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


def _minmax_core(x: pd.DataFrame, negative: Sequence[str], **_: Any) -> pd.DataFrame:
    lo, hi = x.min(), x.max()
    safe = (hi - lo).where(hi > lo, 1.0)  # constant columns are set to 0 later
    z = (x - lo) / safe
    for c in negative:
        z[c] = (hi[c] - x[c]) / safe[c]
    return z


def _shifted_minmax(
    x: pd.DataFrame, negative: Sequence[str], *, low: float, high: float
) -> pd.DataFrame:
    return low + (high - low) * _minmax_core(x, negative)


def _proportion(x: pd.DataFrame, negative: Sequence[str], **_: Any) -> pd.DataFrame:
    return x.copy()


def _zscore(x: pd.DataFrame, negative: Sequence[str], *, ddof: int) -> pd.DataFrame:
    sd = x.std(ddof=ddof)
    z = (x - x.mean()) / sd.where(sd > 0, 1.0)
    for c in negative:
        z[c] = -z[c]
    return z


def _vector(x: pd.DataFrame, negative: Sequence[str], **_: Any) -> pd.DataFrame:
    norm = np.sqrt((x**2).sum())
    return x / norm.where(norm > 0, 1.0)


def _ratio_max(x: pd.DataFrame, negative: Sequence[str], **_: Any) -> pd.DataFrame:
    hi = x.max()
    z = x / hi.where(hi > 0, 1.0)
    for c in negative:
        z[c] = x[c].min() / x[c]
    return z


@dataclass(frozen=True)
class Normalization:
    func: Any
    text: str
    options: dict  # option -> default
    nonnegative: bool  # raw values must be >= 0
    directions: bool  # negative indicators supported


#: normalisation registry: name -> function, formula text, options with defaults
NORMALIZATIONS: dict[str, Normalization] = {
    "minmax": Normalization(
        _minmax_core, "min-max z = (x-min)/(max-min), negative (max-x)/(max-min)", {}, False, True
    ),
    "shifted_minmax": Normalization(
        _shifted_minmax,
        "shifted min-max z = low + (high-low)(x-min)/(max-min) (negative reversed), "
        "low = {low:g}, high = {high:g}",
        {"low": 0.01, "high": 1.0},
        False,
        True,
    ),
    "proportion": Normalization(_proportion, "raw proportions p = x/sum x", {}, True, False),
    "zscore": Normalization(
        _zscore,
        "z-score z = (x-mean)/sd (negative reversed), sd with ddof = {ddof}",
        {"ddof": 1},
        False,
        True,
    ),
    "vector": Normalization(_vector, "vector z = x/sqrt(sum x^2)", {}, True, False),
    "max": Normalization(_ratio_max, "ratio to max z = x/max, negative z = min/x", {}, True, True),
}

#: score registry: name -> formula text
SCORES: dict[str, str] = {
    "normalized": "score = scale*sum w z",
    "shifted": "score = scale*sum w (z + shift)",
    "proportion": "score = scale*sum w p",
    "raw": "score = scale*sum w x (raw values)",
}


def check_options(
    normalize: str, score: str, negative: list[str], x: pd.DataFrame, options: dict
) -> tuple[Normalization, dict]:
    """Resolve the normalisation and its options; raise on misuse."""
    if normalize not in NORMALIZATIONS:
        raise ValueError(
            f"entropy_weights: normalize must be one of {list(NORMALIZATIONS)}; got {normalize!r}."
        )
    if score not in SCORES:
        raise ValueError(f"entropy_weights: score must be one of {list(SCORES)}; got {score!r}.")
    norm = NORMALIZATIONS[normalize]
    given = {k: v for k, v in options.items() if v is not None}
    wrong = [k for k in given if k not in norm.options]
    if wrong:
        raise TypeError(
            f"entropy_weights: {wrong} do(es) not apply to normalize={normalize!r} "
            f"(its options: {list(norm.options) or 'none'})."
        )
    opts = {**norm.options, **given}
    if "low" in opts and not 0 <= opts["low"] < opts["high"] <= 1:
        raise ValueError(
            "entropy_weights: shifted min-max needs 0 <= low < high <= 1; got "
            f"low={opts['low']!r}, high={opts['high']!r}."
        )
    if "ddof" in opts and opts["ddof"] not in (0, 1):
        raise ValueError(f"entropy_weights: ddof must be 0 or 1; got {opts['ddof']!r}.")
    if negative and not norm.directions:
        raise ValueError(
            f"entropy_weights: normalize={normalize!r} has no reversed form for negative "
            f"indicators {negative} (the entropy of x/sum x does not depend on direction). "
            "Reverse them yourself (e.g. 1/x or max - x) and list none as negative, or use "
            "normalize='minmax'."
        )
    if negative and score == "raw":
        raise ValueError(
            f"entropy_weights: score='raw' adds raw values, so negative indicators {negative} "
            "would raise the score; use score='normalized'."
        )
    vals = x.to_numpy()
    if norm.nonnegative and (vals < 0).any():
        col = x.columns[(vals < 0).any(axis=0)][0]
        raise ValueError(
            f"entropy_weights: normalize={normalize!r} needs non-negative values; {col!r} has "
            f"{vals.min():.4g}. Use normalize='minmax'."
        )
    if normalize == "max":
        bad = [c for c in negative if not (x[c] > 0).all()]
        if bad:
            raise ValueError(
                f"entropy_weights: normalize='max' takes min/x for negative indicators; "
                f"{bad} have zeros or negative values."
            )
    return norm, opts
