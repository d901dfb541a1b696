"""Array core of :func:`geohra.index.entropy_weights`: normalisation, proportions,
entropy and weights of one cross-section, and the same year by year."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from geohra._entropy_options import Normalization


def _normalize(
    x: pd.DataFrame, negative: Sequence[str], norm: Normalization, opts: dict
) -> tuple[pd.DataFrame, list[str]]:
    rng = x.max() - x.min()
    constant = [c for c in x.columns if not rng[c] > 0]
    z = norm.func(x, negative, **opts)
    for c in constant:
        z[c] = 0.0
    return z, constant


def _entropy(z: pd.DataFrame, constant: list[str], shift: float) -> tuple[pd.Series, pd.DataFrame]:
    n = len(z)
    zs = z.to_numpy() + shift
    if (zs < 0).any():
        col = z.columns[(zs < 0).any(axis=0)][0]
        raise ValueError(
            f"entropy_weights: normalised values of {col!r} plus shift are negative "
            f"(min {zs.min():.4g}), so they are not proportions. Pass a larger shift= "
            "(z-scores need e.g. shift=3 or more) or use another normalize=."
        )
    tot = zs.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tot > 0, zs / np.where(tot > 0, tot, 1.0), 1.0 / n)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)  # 0 ln 0 = 0
    e = -plogp.sum(axis=0) / np.log(n)
    e = pd.Series(e, index=z.columns)
    e[constant] = 1.0  # a constant indicator has maximal entropy: no information
    return e, pd.DataFrame(p, index=z.index, columns=z.columns)


def _one(
    x: pd.DataFrame,
    negative: Sequence[str],
    shift: float,
    where: str,
    norm: Normalization,
    opts: dict,
) -> tuple[pd.DataFrame, pd.Series, list[str], pd.DataFrame]:
    if len(x) < 2:
        raise ValueError(
            f"entropy_weights: {where}has {len(x)} unit(s); the entropy needs at least 2 "
            "(ln n is 0 for n = 1)."
        )
    z, constant = _normalize(x, negative, norm, opts)
    if len(constant) == x.shape[1]:
        raise ValueError(
            f"entropy_weights: {where}every indicator is constant ({constant}), so no weight "
            "can be derived. Check the data (wrong year or column selected?)."
        )
    e, p = _entropy(z, constant, shift)
    return z, e, constant, p


def _yearly(
    x: pd.DataFrame,
    years_pos: pd.Series,
    negative: Sequence[str],
    shift: float,
    norm: Normalization,
    opts: dict,
    name: Any,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, list]:
    """Normalisation and weights year by year: w, e, d (year x indicator), z, p and
    the constant ``(year, indicator)`` pairs."""
    zs, es, ps, constant_all = [], {}, [], []
    for year, idx in years_pos.groupby(years_pos, sort=True).groups.items():
        zy, ey, cy, py = _one(x.loc[idx], negative, shift, f"year {year!r} ", norm, opts)
        zs.append(zy)
        ps.append(py)
        es[year] = ey
        constant_all += [(year, c) for c in cy]
    z = pd.concat(zs).loc[x.index]
    p = pd.concat(ps).loc[x.index]
    e = pd.DataFrame(es).T
    e.index.name = name
    e.columns.name = None
    d = 1.0 - e
    w = d.div(d.sum(axis=1), axis=0)
    w = w.sort_index()
    return w, e, d, z, p, constant_all
