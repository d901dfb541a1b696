"""Entropy-weight method: indicator weights and composite scores.

Variant implemented (named on every result as ``variant``):

* normalisation ``z`` (``normalize=``, one entry of :data:`NORMALIZATIONS`):

  - ``"minmax"`` (default): ``z = (x - min)/(max - min)``, negative indicators
    ``z = (max - x)/(max - min)``;
  - ``"shifted_minmax"``: ``z = low + (high - low)·minmax`` (``low=0.01`` gives the
    common ``0.01 + 0.99·z``; ``low=0.002, high=0.998`` or ``low=0.0001, high=0.9999``
    the interval forms ``[low, high]`` of teaching code), so no ``z`` is 0;
  - ``"proportion"``: no normalisation, ``p = x/Σx`` on the raw values (Xu 2004;
    Zavadskas & Podvezko 2016); directions do not change these weights, so negative
    indicators are refused (reverse them yourself, e.g. ``1/x``);
  - ``"zscore"``: ``z = (x - mean)/sd`` (negative: ``(mean - x)/sd``; ``ddof=1`` by
    default), which needs ``shift=`` large enough to make every ``z + shift >= 0``;
  - ``"vector"``: ``z = x/sqrt(Σx²)`` (positive indicators only);
  - ``"max"``: ratio to the maximum ``z = x/max`` (negative: ``z = min/x``);

* proportions ``p_ij = (z_ij + shift) / sum_i (z_ij + shift)``;
* entropy ``e_j = -(1 / ln n) sum_i p_ij ln p_ij`` (natural log, normalised by
  ``ln n`` so ``0 <= e_j <= 1``), using the limit ``0 ln 0 = 0`` -- no epsilon;
* divergence ``d_j = 1 - e_j`` and weights ``w_j = d_j / sum_k d_k``;
* score (``score=``, one entry of :data:`SCORES`): ``"normalized"`` (default)
  ``scale·Σ_j w_j z_ij``; ``"shifted"`` ``scale·Σ_j w_j (z_ij + shift)`` (the scale of
  studies that report scores of ``z + 0.0001``); ``"proportion"`` ``scale·Σ_j w_j p_ij``;
  ``"raw"`` ``scale·Σ_j w_j x_ij`` (positive indicators only).

With ``time`` the normalisation and weights are computed separately per year
(``n`` = units in that year), unless ``pooled=True``: the panel ("global")
entropy method normalises once over all unit-years and derives one set of
weights, so scores are comparable across years.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import handle_nan, resolve_values, to_numeric, validate_units
from geohra._entropy_core import _one, _yearly
from geohra._entropy_options import NORMALIZATIONS, SCORES, check_options
from geohra._result import Result, fmt

__all__ = ["entropy_weights", "EntropyResult", "NORMALIZATIONS", "SCORES"]


def _labels(data: pd.DataFrame, key: Any, *, name: str) -> pd.Series:
    """A column, an index level or an aligned Series (see :func:`geohra._common.resolve_values`)."""
    return resolve_values(data, key, name=name)


@dataclass(frozen=True, repr=False)
class EntropyResult(Result):
    """Result of :func:`entropy_weights`.

    Attributes
    ----------
    weights : Series (indicator -> weight) or, per year, DataFrame (year x indicator).
    entropy, divergence : same shape as ``weights`` (``e_j`` and ``1 - e_j``).
    normalized : DataFrame indexed like the input, one column per indicator (``z``;
        in [0, 1] for min-max).
    scores : Series indexed like the input (formula per ``score``).
    normalize, score : the options used (see :data:`NORMALIZATIONS`, :data:`SCORES`).
    years : Series of each row's year (``None`` without ``time``).
    constant : indicators (or ``(year, indicator)`` pairs) that were constant and got weight 0.
    """

    weights: pd.Series | pd.DataFrame
    entropy: pd.Series | pd.DataFrame
    divergence: pd.Series | pd.DataFrame
    normalized: pd.DataFrame
    scores: pd.Series
    negative: tuple
    years: pd.Series | None
    pooled: bool
    shift: float
    scale: float
    constant: tuple = ()
    omitted: tuple = ()
    variant: str = field(
        default="min-max z = (x-min)/(max-min), negative (max-x)/(max-min); p_ij = z_ij/sum_i z_ij; "
        "e_j = -(1/ln n) sum p ln p with 0 ln 0 = 0; w_j = (1-e_j)/sum(1-e_k); score = scale*sum w z"
    )
    normalize: str = "minmax"
    score: str = "normalized"

    def _repr_parts(self) -> list[str]:
        w = self.weights if isinstance(self.weights, pd.Series) else self.weights.mean()
        top = str(w.idxmax())
        top = top if len(top) <= 24 else top[:23] + "…"
        parts = [f"{w.size} indicators", f"top {top} {fmt(w.max(), 3)}", f"n={len(self.scores)}"]
        if self.pooled:
            parts.append("pooled")
        elif not isinstance(self.weights, pd.Series):
            parts.append(f"per year ({len(self.weights)} years, mean weights shown)")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Scores and normalised indicators (suffix ``_norm``), indexed like the input."""
        out = self.normalized.add_suffix("_norm")
        out.insert(0, "score", self.scores)
        return out

    def summary(self) -> pd.DataFrame:
        """Weights table: direction, entropy, divergence, weight and rank per indicator
        (and per year when weights were computed per year)."""
        if isinstance(self.weights, pd.Series):
            out = pd.DataFrame(
                {"entropy": self.entropy, "divergence": self.divergence, "weight": self.weights}
            ).rename_axis("indicator")  # rename_axis copies: never rename the result's own index
        else:
            out = pd.DataFrame(
                {
                    "entropy": self.entropy.stack(),
                    "divergence": self.divergence.stack(),
                    "weight": self.weights.stack(),
                }
            ).rename_axis([self.weights.index.name, "indicator"])
        ind = out.index.get_level_values("indicator")
        out.insert(0, "direction", np.where(ind.isin(self.negative), "negative", "positive"))
        if isinstance(self.weights, pd.Series):
            out["rank"] = out["weight"].rank(ascending=False, method="min").astype(int)
        else:
            out["rank"] = (
                out.groupby(level=0)["weight"].rank(ascending=False, method="min").astype(int)
            )
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant + (" (pooled panel)" if self.pooled else "")
        return out


def _validate_options(
    data: pd.DataFrame,
    columns: Sequence[str],
    negative: Sequence[str],
    time: str | pd.Series | None,
    pooled: bool,
    shift: float,
    scale: float,
) -> tuple[list[str], list[str]]:
    """Check the data type, the columns and the numeric options; return the column
    and negative-indicator lists."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"entropy_weights: data must be a DataFrame; got {type(data).__name__}.")
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if not columns:
        raise ValueError("entropy_weights: give at least one indicator column.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(
            f"entropy_weights: columns {missing} are not in the data; "
            f"available: {list(map(str, data.columns))}."
        )
    if len(set(columns)) != len(columns):
        raise ValueError(f"entropy_weights: duplicate indicator columns in {columns}.")
    if isinstance(negative, str):
        negative = [negative]
    negative = list(negative)
    unknown = [c for c in negative if c not in columns]
    if unknown:
        raise ValueError(
            f"entropy_weights: negative indicators {unknown} are not among columns {columns}; "
            "list only indicator columns in negative=."
        )
    if not (np.isfinite(shift) and shift >= 0):
        raise ValueError(f"entropy_weights: shift must be a finite number >= 0; got {shift!r}.")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"entropy_weights: scale must be a positive number; got {scale!r}.")
    if pooled and time is None:
        raise ValueError("entropy_weights: pooled=True needs time= (the year column).")
    if data.index.has_duplicates and time is None:
        dup = data.index[data.index.duplicated()].unique()[:5].tolist()
        raise ValueError(f"entropy_weights: duplicate index labels {dup}; each row must be unique.")
    return columns, negative


def _rows(
    data: pd.DataFrame,
    x: pd.DataFrame,
    columns: list[str],
    time: str | pd.Series | None,
    nan_policy: str,
) -> tuple[pd.DataFrame, pd.Series | None, pd.Series | None, tuple]:
    """Refuse infinite values, resolve the years and apply ``nan_policy``.

    With ``time`` the rows of ``x`` are numbered by position (the index may repeat
    across years); returns ``x``, the years (caller's index), the years by position
    and the omitted labels."""
    bad = ~np.isfinite(x.to_numpy()) & x.notna().to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ValueError(
            f"entropy_weights: infinite value in {columns[c]!r} at row {x.index[r]!r}."
        )
    years = None if time is None else _labels(data, time, name="entropy_weights: time")
    if years is None:
        x, omitted = handle_nan(x, nan_policy=nan_policy, name="entropy_weights")
        return x, None, None, omitted
    if years.isna().any():
        raise ValueError("entropy_weights: the time column has missing years.")
    x = x.reset_index(drop=True)  # positions are unique even if the index repeats
    years_pos = years.reset_index(drop=True)
    x, omitted_pos = handle_nan(x, nan_policy=nan_policy, name="entropy_weights")
    omitted = tuple(data.index[list(omitted_pos)])
    return x, years, years_pos.loc[x.index], omitted


def _scores(
    parts: dict[str, pd.DataFrame],
    score: str,
    w: pd.Series | pd.DataFrame,
    scale: float,
    index: pd.Index,
    years: pd.Series | None,
    years_pos: pd.Series | None,
    pooled: bool,
) -> tuple[pd.Series, pd.DataFrame, pd.Series | None]:
    """Scores, normalised values and years, back on the caller's index labels."""
    z = parts["normalized"]
    vals = parts[score].to_numpy()
    if years is not None and not pooled:
        wrow = w.loc[years_pos.loc[z.index].to_numpy()].to_numpy()
        values = scale * (vals * wrow).sum(axis=1)
    else:
        values = scale * (vals @ w.to_numpy())
    if years is not None:
        # back from positions to the caller's index labels
        keep = z.index.to_numpy()
        out_index = index[keep]
        z = z.set_axis(out_index)
        year_series = pd.Series(years.to_numpy()[keep], index=out_index, name=years.name)
    else:
        out_index = z.index
        year_series = None
    return pd.Series(values, index=out_index, name="score"), z, year_series


def entropy_weights(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    negative: Sequence[str] = (),
    time: str | pd.Series | None = None,
    pooled: bool = False,
    shift: float = 0.0,
    scale: float = 1.0,
    normalize: str = "minmax",
    score: str = "normalized",
    low: float | None = None,
    high: float | None = None,
    ddof: int | None = None,
    nan_policy: str = "raise",
) -> EntropyResult:
    """Entropy-weight method: objective indicator weights and composite scores.

    Parameters
    ----------
    data : DataFrame
        One row per unit (or per unit-year for a long panel).
    columns : list of str
        Indicator columns.
    negative : list of str, optional
        Indicators where smaller is better; their normalisation is reversed
        ``(max - x) / (max - min)``. Must be among ``columns``.
    time : str or Series, optional
        Year column, index level or Series aligned on the index. Without
        ``pooled`` each year is normalised and weighted on its own
        (``weights`` is then a year x indicator DataFrame).
    pooled : bool
        With ``time``: panel ("global") entropy -- one normalisation and one set
        of weights over all unit-years, so scores are comparable across years.
    shift : float
        Added to the normalised values before the proportions ``p_ij`` are
        formed (some studies use e.g. 0.0001 or 0.01 to avoid ``ln 0``; this
        changes the weights). Not needed: ``0 ln 0 = 0`` is used otherwise.
        Normalised values and scores are reported unshifted.
    scale : float
        Multiplier of the scores (e.g. 100 for a 0-100 index).
    normalize : str
        ``"minmax"`` (default), ``"shifted_minmax"``, ``"proportion"``, ``"zscore"``,
        ``"vector"`` or ``"max"`` (module docstring).
    score : str
        ``"normalized"`` (default), ``"shifted"``, ``"proportion"`` or ``"raw"``
        (module docstring).
    low, high : float
        ``normalize="shifted_minmax"`` only: the lowest and highest normalised values
        (default 0.01 and 1; ``0 <= low < high <= 1``). The weights depend on
        ``low/(high - low)`` only; ``high`` changes the normalised values and scores.
    ddof : {0, 1}
        ``normalize="zscore"`` only: degrees of freedom of the sd (default 1).
    nan_policy : {"raise", "omit"}
        ``"omit"`` drops rows with a missing indicator and lists them in ``.omitted``.

    Returns
    -------
    EntropyResult
        ``weights``, ``entropy``, ``divergence``, ``normalized``, ``scores``.

    Notes
    -----
    A constant indicator (``max == min``) carries no information: it gets
    ``z = 0``, entropy 1 and weight 0, with a warning naming it. All indicators
    constant raises.
    """
    columns, negative = _validate_options(data, columns, negative, time, pooled, shift, scale)
    # here, not in a helper, so the data-quality warnings point at the caller:
    # Hong Kong, Macao, Taiwan (analysis=False) are left out with a warning, listed in .omitted
    outside = validate_units(data, data.index, func="entropy_weights", cross_section=False)
    if outside:
        data = data.drop(index=outside)
    x = pd.DataFrame({c: to_numeric(data[c], name=f"entropy_weights: {c!r}") for c in columns})
    norm, opts = check_options(
        normalize, score, negative, x.dropna(), {"low": low, "high": high, "ddof": ddof}
    )
    x, years, years_pos, omitted = _rows(data, x, columns, time, nan_policy)

    if years is None or pooled:
        z, e, constant_all, p = _one(x, negative, shift, "", norm, opts)
        d = 1.0 - e
        w = d / d.sum()
        w.name = e.name = d.name = None
    else:
        name = years.name if isinstance(time, pd.Series) else time
        w, e, d, z, p, constant_all = _yearly(x, years_pos, negative, shift, norm, opts, name)

    if constant_all:
        warnings.warn(
            f"entropy_weights: constant indicator(s) {constant_all} carry no information and "
            "get weight 0.",
            UserWarning,
            stacklevel=2,
        )

    parts = {"normalized": z, "shifted": z + shift, "proportion": p, "raw": x.loc[z.index]}
    scores, z, year_series = _scores(parts, score, w, scale, data.index, years, years_pos, pooled)
    variant = (
        norm.text.format(**opts)
        + "; p_ij = (z_ij + shift)/sum_i (z_ij + shift)"
        + f" with shift = {shift:g}; e_j = -(1/ln n) sum p ln p with 0 ln 0 = 0;"
        + f" w_j = (1-e_j)/sum(1-e_k); {SCORES[score]}"
    )
    return EntropyResult(
        weights=w,
        entropy=e,
        divergence=d,
        normalized=z,
        scores=scores,
        negative=tuple(negative),
        years=year_series,
        pooled=bool(pooled),
        shift=float(shift),
        scale=float(scale),
        constant=tuple(constant_all),
        omitted=tuple(outside) + tuple(omitted),
        variant=variant,
        normalize=normalize,
        score=score,
    )
