"""Gini coefficient, plain or population-weighted, in O(n log n).

Definition (both variants): the (weighted) mean absolute difference over all
ordered pairs divided by twice the (weighted) mean,

    G = Σ_i Σ_j w_i w_j |y_i - y_j| / (2 W² μ_w),   W = Σ w_i,   μ_w = Σ w_i y_i / W.

With equal weights this is the ordinary Gini (PySAL's ``inequality.gini.Gini``);
with integer weights it equals the plain Gini of the data with unit i repeated
w_i times, and for per-capita values weighted by population it equals one minus
twice the area under the population Lorenz curve (trapezoid rule).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import renamed_arguments
from geohra._result import Result, fmt, one_row
from geohra.inequality._prep import check_nonnegative, fast_arrays, resolve

__all__ = ["gini", "GiniValue"]

_VARIANT_PLAIN = "mean absolute difference / (2 mean), all ordered pairs (no n-1 correction)"
_VARIANT_WEIGHTED = (
    "weighted mean absolute difference / (2 weighted mean), pairs weighted w_i*w_j "
    "(= Gini with unit i repeated w_i times = population Lorenz-curve Gini)"
)


def gini_core(y: np.ndarray, w: np.ndarray | None = None) -> float:
    """Gini of non-negative ``y`` (optionally weighted by ``w``); inputs already validated.

    Uses the gap form of the sorted sum: Σ_{i<j} w_i w_j (y_(j) - y_(i)) =
    Σ_k (y_(k+1) - y_(k)) · W_(≤k) · W_(>k), so one sort and a cumulative sum replace the
    n² pairs. Every term is non-negative, so there is no cancellation (constant data
    give exactly 0) and ties contribute nothing whatever their order.
    """
    if w is None:
        return gini_sorted(np.sort(y))  # ties cancel, so any (fastest) sort will do
    order = np.argsort(y)
    ys = y[order]
    gaps = np.diff(ys)
    ws = w[order]
    total_w = float(ws.sum())
    below = np.cumsum(ws)[:-1]
    above = np.cumsum(ws[::-1])[::-1][1:]  # not total_w - below: stays exactly >= 0
    # products summed by NumPy, not BLAS dot: on a busy machine BLAS threads cost ms here
    num = float((gaps * below * above).sum())
    return num / (total_w * float((ws * ys).sum()))


def gini_sorted(ys: np.ndarray, gap: np.ndarray | None = None) -> float:
    """Unweighted Gini of values already sorted ascending: Σ_k gap_k·k·(n−k) / (n Σy).

    ``gap``: ``np.diff(ys)`` when the caller has it already."""
    n = ys.size
    k = np.arange(1, n, dtype=np.float64)
    np.multiply(k, n - k, out=k)  # in place: large n is memory-bound
    gap = np.diff(ys) if gap is None else gap
    return float((gap * k).sum()) / (n * float(ys.sum()))


class GiniValue(float, Result):
    """A float (the Gini coefficient) that also carries how it was computed.

    Behaves exactly like a float in arithmetic and comparisons; in addition
    ``.n``, ``.weighted``, ``.variant``, ``.omitted`` describe the computation,
    ``.summary()`` gives a one-row DataFrame and ``.to_frame()`` the Lorenz-curve
    coordinates per unit (indexed like the input).
    """

    def __new__(cls, value: float, **info: Any) -> GiniValue:
        obj = super().__new__(cls, value)
        obj.__dict__.update(info)
        return obj

    def __setattr__(self, name: str, value: Any) -> None:  # results are read-only
        raise FrozenInstanceError(f"GiniValue is read-only; cannot set {name!r}.")

    def __reduce__(self):  # pickle / copy as a plain float plus its info
        return (_rebuild, (float(self), dict(self.__dict__)))

    __repr__ = Result.__repr__  # float's own repr would come first in the MRO
    __str__ = float.__repr__  # str() and f"{g}" stay the plain number

    def _repr_parts(self) -> list[str]:
        parts = [fmt(float(self)), f"n={self.n}"]
        parts.append("population-weighted" if self.weighted else "unweighted")
        return parts

    def summary(self) -> pd.DataFrame:
        """One row (index ``measure``): gini, n, weighted, variant, number of omitted units."""
        row = {
            "gini": float(self),
            "n": self.n,
            "weighted": self.weighted,
            "n_omitted": len(self.omitted),
            "variant": self.variant,
        }
        return one_row(row, "Gini")

    def to_frame(self) -> pd.DataFrame:
        """Per unit (input order): value, weight, and the unit's point on the Lorenz curve.

        ``lorenz_x`` is the cumulative weight (population) share and ``lorenz_y`` the
        cumulative share of Σ w·y of all units up to and including this one when units
        are sorted by value (ties broken by input order).
        """
        y = self._y
        w = np.ones_like(y) if self._w is None else self._w
        order = np.argsort(y, kind="stable")
        lx = np.empty_like(y)
        ly = np.empty_like(y)
        lx[order] = np.cumsum(w[order]) / w.sum()
        ly[order] = np.cumsum((w * y)[order]) / np.dot(w, y)
        return pd.DataFrame(
            {"value": y, "weight": w, "lorenz_x": lx, "lorenz_y": ly},
            index=pd.RangeIndex(y.size) if self._index is None else self._index,
        )


def _rebuild(value: float, info: dict) -> GiniValue:
    return GiniValue(value, **info)


@renamed_arguments(weights="population")
def gini(
    data: Any,
    column: str | None = None,
    *,
    population: str | pd.Series | np.ndarray | None = None,
    nan_policy: str = "raise",
) -> GiniValue:
    """Gini coefficient of one cross-section, optionally population-weighted.

    Parameters
    ----------
    data
        A Series, an array, or a (Geo)DataFrame together with ``column``.
    column
        The value column when ``data`` is a DataFrame. For a population-weighted
        Gini this should be a per-capita value (e.g. beds per 1,000 people).
    population
        Optional non-negative population (or other size) per unit, for a
        population-weighted Gini: a column name, an index level, a Series aligned on the
        index (order may differ; labels must match), or an array taken by position.
        (Called ``weights=`` before 0.2; the old name still works with a warning.)
    nan_policy
        ``"raise"`` (default) or ``"omit"``; omitted labels are listed in ``.omitted``.

    Returns
    -------
    GiniValue
        A ``float`` subclass. Definition (``.variant``):
        ``G = Σ_i Σ_j w_i w_j |y_i − y_j| / (2 W² μ_w)`` over all ordered pairs,
        without the small-sample n/(n−1) correction. With ``population=None`` every
        w_i = 1 (identical to PySAL ``inequality.gini.Gini``). With population
        weights and per-capita values it equals the Gini of the population Lorenz
        curve, and with integer weights the plain Gini of units repeated w_i times.
        O(n log n) time.

    Raises
    ------
    ValueError
        Negative values or weights, all values (or all weights) zero, NaN with
        ``nan_policy="raise"``, labels of ``population`` not matching the data, infinite
        values, a long panel (use :func:`geohra.per_year`).

    Warns
    -----
    DataQualityWarning
        With ``population``, values that look like totals instead of per-capita rates
        (CV(x) > 2 CV(x/P)); likely missing-value codes (-999, 9999 ...); Hong Kong,
        Macao, Taiwan left out (listed in ``.omitted``).
    """
    weights = population  # w_i in the formula
    fast = fast_arrays(
        data,
        column,
        numeric={"weights": weights},
        nan_policy=nan_policy,
        expects=("weights", "rates"),
    )
    if fast is not None:  # plain arrays: checked in place, no pandas
        y, w, index, omitted = fast["value"], fast.get("weights"), fast["index"], ()
    else:
        inp = resolve(
            data,
            column,
            func="gini",
            numeric={"weights": weights},
            nan_policy=nan_policy,
            expects=("weights", "rates"),
        )
        frame = inp.frame
        check_nonnegative(
            frame["value"], func="gini", what="values", why="the Gini compares shares of a total"
        )
        y = frame["value"].to_numpy(dtype=np.float64)
        w = None
        if "weights" in frame:
            check_nonnegative(
                frame["weights"], func="gini", what="weights", why="they are population counts"
            )
            w = frame["weights"].to_numpy(dtype=np.float64)
        index, omitted = frame.index, inp.omitted
    if w is not None:
        if not w.sum() > 0:
            raise ValueError(
                "gini: all weights are zero; at least one unit needs a positive weight."
            )
        total = float((w * y).sum())
    else:
        total = float(y.sum())
    if not total > 0:
        raise ValueError(
            "gini: the (weighted) total of the values is zero, so every share is 0/0 and the Gini "
            "is undefined. Check that the right column was passed."
        )
    # G is invariant to rescaling y and w: dividing by their maxima keeps the products in
    # gini_core away from float64 underflow/overflow (values of 1e-300 or 1e300)
    g = gini_core(y / y.max(), None if w is None else w / w.max())
    return GiniValue(
        g,
        n=int(y.size),
        weighted=w is not None,
        variant=_VARIANT_WEIGHTED if w is not None else _VARIANT_PLAIN,
        omitted=omitted,
        _y=y,
        _w=w,
        _index=index,
    )
