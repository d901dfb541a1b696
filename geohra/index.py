"""Entropy-weight method: indicator weights and composite scores.

Variant implemented (named on every result as ``variant``):

* min-max normalisation, positive indicators ``z = (x - min) / (max - min)``,
  negative ones ``z = (max - x) / (max - min)``;
* proportions ``p_ij = z_ij / sum_i z_ij`` (with ``z + shift`` when ``shift > 0``);
* entropy ``e_j = -(1 / ln n) sum_i p_ij ln p_ij`` (natural log, normalised by
  ``ln n`` so ``0 <= e_j <= 1``), using the limit ``0 ln 0 = 0`` -- no epsilon;
* divergence ``d_j = 1 - e_j`` and weights ``w_j = d_j / sum_k d_k``;
* score ``scale * sum_j w_j z_ij`` (unshifted ``z``).

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

from geohra._common import handle_nan, resolve_values, to_numeric
from geohra._result import Result, fmt

__all__ = ["entropy_weights", "EntropyResult"]


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
    normalized : DataFrame indexed like the input, one column per indicator, in [0, 1].
    scores : Series indexed like the input, ``scale * sum_j w_j z_ij``.
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
        default="min-max normalisation; p_ij = z_ij/sum_i z_ij; "
        "e_j = -(1/ln n) sum p ln p with 0 ln 0 = 0; w_j = (1-e_j)/sum(1-e_k); score = scale*sum w z"
    )

    def _repr_parts(self) -> list[str]:
        w = self.weights if isinstance(self.weights, pd.Series) else self.weights.mean()
        top = str(w.idxmax())
        top = top if len(top) <= 24 else top[:23] + "…"
        parts = [f"{w.size} indicators", f"top {top} {fmt(w.max(), 3)}", f"n={len(self.scores)}"]
        if self.pooled:
            parts.append("pooled")
        elif not isinstance(self.weights, pd.Series):
            parts.append(f"per year ({len(self.weights)} years, mean weights shown)")
        if self.omitted:
            parts.append(f"{len(self.omitted)} omitted")
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


def _minmax(x: pd.DataFrame, negative: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    lo, hi = x.min(), x.max()
    rng = hi - lo
    constant = [c for c in x.columns if not rng[c] > 0]
    safe = rng.where(rng > 0, 1.0)  # constant columns are set to 0 below, never divided
    z = (x - lo) / safe
    for c in negative:
        z[c] = (hi[c] - x[c]) / safe[c]
    for c in constant:
        z[c] = 0.0
    return z, constant


def _entropy(z: pd.DataFrame, constant: list[str], shift: float) -> pd.Series:
    n = len(z)
    zs = z.to_numpy() + shift
    tot = zs.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = zs / tot
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)  # 0 ln 0 = 0
    e = -plogp.sum(axis=0) / np.log(n)
    e = pd.Series(e, index=z.columns)
    e[constant] = 1.0  # a constant indicator has maximal entropy: no information
    return e


def _one(
    x: pd.DataFrame, negative: Sequence[str], shift: float, where: str
) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    if len(x) < 2:
        raise ValueError(
            f"entropy_weights: {where}has {len(x)} unit(s); the entropy needs at least 2 "
            "(ln n is 0 for n = 1)."
        )
    z, constant = _minmax(x, negative)
    if len(constant) == x.shape[1]:
        raise ValueError(
            f"entropy_weights: {where}every indicator is constant ({constant}), so no weight "
            "can be derived. Check the data (wrong year or column selected?)."
        )
    return z, _entropy(z, constant, shift), constant


def entropy_weights(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    negative: Sequence[str] = (),
    time: str | pd.Series | None = None,
    pooled: bool = False,
    shift: float = 0.0,
    scale: float = 1.0,
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

    x = pd.DataFrame({c: to_numeric(data[c], name=f"entropy_weights: {c!r}") for c in columns})
    bad = ~np.isfinite(x.to_numpy()) & x.notna().to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ValueError(
            f"entropy_weights: infinite value in {columns[c]!r} at row {x.index[r]!r}."
        )
    years = None if time is None else _labels(data, time, name="entropy_weights: time")
    if years is not None:
        if years.isna().any():
            raise ValueError("entropy_weights: the time column has missing years.")
        x = x.reset_index(drop=True)  # positions are unique even if the index repeats
        years_pos = years.reset_index(drop=True)
        x, omitted_pos = handle_nan(x, nan_policy=nan_policy, name="entropy_weights")
        omitted = tuple(data.index[list(omitted_pos)])
        years_pos = years_pos.loc[x.index]
    else:
        x, omitted = handle_nan(x, nan_policy=nan_policy, name="entropy_weights")

    constant_all: list = []
    if years is None or pooled:
        z, e, constant = _one(x, negative, shift, "")
        constant_all = constant
        d = 1.0 - e
        w = d / d.sum()
        w.name = e.name = d.name = None
    else:
        zs, es = [], {}
        for year, idx in years_pos.groupby(years_pos, sort=True).groups.items():
            zy, ey, cy = _one(x.loc[idx], negative, shift, f"year {year!r} ")
            zs.append(zy)
            es[year] = ey
            constant_all += [(year, c) for c in cy]
        z = pd.concat(zs).loc[x.index]
        e = pd.DataFrame(es).T
        e.index.name = years.name if isinstance(time, pd.Series) else time
        e.columns.name = None
        d = 1.0 - e
        w = d.div(d.sum(axis=1), axis=0)
        w = w.sort_index()

    if constant_all:
        warnings.warn(
            f"entropy_weights: constant indicator(s) {constant_all} carry no information and "
            "get weight 0.",
            UserWarning,
            stacklevel=2,
        )

    if years is not None and not pooled:
        wrow = w.loc[years_pos.loc[z.index].to_numpy()].to_numpy()
        score = scale * (z.to_numpy() * wrow).sum(axis=1)
    else:
        score = scale * (z.to_numpy() @ w.to_numpy())
    if years is not None:
        # back from positions to the caller's index labels
        keep = z.index.to_numpy()
        out_index = data.index[keep]
        z = z.set_axis(out_index)
        year_series = pd.Series(years.to_numpy()[keep], index=out_index, name=years.name)
    else:
        out_index = z.index
        year_series = None
    scores = pd.Series(score, index=out_index, name="score")
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
        omitted=tuple(omitted),
    )
