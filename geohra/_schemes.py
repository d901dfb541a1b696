"""The registry of classification schemes used by :func:`geohra.classify`.

Each entry computes the class upper bounds of 1-D values and names the options it takes
(unknown options raise in :func:`geohra.classify`). ``fisher_jenks`` (alias
``natural_breaks``, ``jenks``), ``quantiles``, ``equal_interval`` and ``user_defined`` are
computed here; the others wrap mapclassify, imported only when one of them is used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geohra._jenks import fisher_jenks_breaks


@dataclass(frozen=True)
class _Scheme:
    """One registry entry: how to compute bins and which options it takes."""

    compute: Callable[..., np.ndarray]
    takes_k: bool
    options: tuple[str, ...]
    method: str
    data_lower: bool = True  # lower bound of class 0 is the data minimum


def _fisher_jenks(x: np.ndarray, k: int) -> np.ndarray:
    _check_distinct(x, k, "fisher_jenks")
    upper, _ = fisher_jenks_breaks(x, k)
    return upper


def _quantiles(x: np.ndarray, k: int) -> np.ndarray:
    # same positions as mapclassify.Quantiles (numpy's default linear interpolation)
    bins = np.quantile(x, np.arange(1, k + 1) / k)
    bins[-1] = x.max()
    return bins


def _equal_interval(x: np.ndarray, k: int) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        raise ValueError(
            "equal_interval: all values are equal, so there is no interval to divide; "
            "use k=1 with scheme='fisher_jenks' or scheme='user_defined'."
        )
    bins = lo + (hi - lo) * np.arange(1, k + 1) / k
    bins[-1] = hi  # exact, not lo + (hi - lo) in floating point
    return bins


def _user_defined(
    x: np.ndarray, k: int | None, *, bins: Sequence[float], lower: float = -np.inf
) -> np.ndarray:
    b = np.asarray(bins, dtype=np.float64)
    if b.ndim != 1 or b.size == 0 or np.isnan(b).any():
        raise ValueError(f"user_defined: bins must be a non-empty list of numbers; got {bins!r}.")
    if np.any(np.diff(b) <= 0):
        raise ValueError(
            f"user_defined: bins must be strictly ascending upper bounds; got {b.tolist()}."
        )
    if x.max() > b[-1]:
        raise ValueError(
            f"user_defined: the largest value {x.max()} is above the last bound {b[-1]}. "
            f"Add a last bound that covers it, e.g. bins={b.tolist() + [float(x.max())]} "
            "or end with float('inf') for an open top class."
        )
    if x.min() < lower:
        raise ValueError(
            f"user_defined: the smallest value {x.min()} is below lower={lower}; "
            "lower it or leave it at the default -inf."
        )
    return b


def _mapclassify(name: str, takes_k: bool) -> Callable[..., np.ndarray]:
    def compute(x: np.ndarray, k: int | None, **kwargs: Any) -> np.ndarray:
        import mapclassify

        if takes_k:
            kwargs["k"] = k
        return np.asarray(getattr(mapclassify, name)(x, **kwargs).bins, dtype=np.float64)

    return compute


_JENKS_METHOD = (
    "exact Fisher-Jenks natural breaks: minimal within-class sum of squares, float64, "
    "divide-and-conquer DP over distinct values (ties never split, deterministic)"
)

SCHEMES: dict[str, _Scheme] = {
    "fisher_jenks": _Scheme(_fisher_jenks, True, (), _JENKS_METHOD),
    "quantiles": _Scheme(
        _quantiles, True, (), "quantiles: bounds at the i/k quantiles (linear interpolation)"
    ),
    "equal_interval": _Scheme(
        _equal_interval, True, (), "equal interval: k classes of width (max - min) / k"
    ),
    "user_defined": _Scheme(
        _user_defined, False, ("bins", "lower"), "user-defined upper bounds", data_lower=False
    ),
    "maximum_breaks": _Scheme(
        _mapclassify("MaximumBreaks", True),
        True,
        ("mindiff",),
        "maximum breaks: cut at the k-1 largest gaps (mapclassify.MaximumBreaks)",
    ),
    "std_mean": _Scheme(
        _mapclassify("StdMean", False),
        False,
        ("multiples", "anchor"),
        "mean and sample standard deviation multiples (mapclassify.StdMean)",
    ),
    "box_plot": _Scheme(
        _mapclassify("BoxPlot", False),
        False,
        ("hinge",),
        "box plot: fences at quartiles -/+ hinge x IQR (mapclassify.BoxPlot)",
    ),
    "headtail_breaks": _Scheme(
        _mapclassify("HeadTailBreaks", False),
        False,
        (),
        "head/tail breaks for heavy-tailed data (mapclassify.HeadTailBreaks)",
    ),
    "percentiles": _Scheme(
        _mapclassify("Percentiles", False),
        False,
        ("pct",),
        "percentiles (mapclassify.Percentiles)",
    ),
    "jenks_caspall": _Scheme(
        _mapclassify("JenksCaspall", True),
        True,
        (),
        "Jenks-Caspall iterative medians from quantile start (mapclassify.JenksCaspall)",
    ),
    "jenks_caspall_forced": _Scheme(
        _mapclassify("JenksCaspallForced", True),
        True,
        (),
        "Jenks-Caspall with forced moves (mapclassify.JenksCaspallForced)",
    ),
    "pretty_breaks": _Scheme(
        _mapclassify("PrettyBreaks", True),
        True,
        (),
        "round-number breaks (mapclassify.PrettyBreaks); the number of classes may differ from k",
    ),
}
# mapclassify's NaturalBreaks is k-means with random starts (numpy's global state) that
# approximates this same optimum; we give the exact, deterministic answer instead.
# Its sampled variants (FisherJenksSampled, JenksCaspallSampled) and MaxP also draw from
# global random state and are left out: the exact solver is fast enough without sampling.
ALIASES: dict[str, str] = {"natural_breaks": "fisher_jenks", "jenks": "fisher_jenks"}


def _check_distinct(x: np.ndarray, k: int, name: str) -> None:
    uniq = np.unique(x)
    if k > uniq.size:
        shown = uniq[:8].tolist()
        raise ValueError(
            f"{name}: k={k} classes need at least {k} distinct values; the data have "
            f"{uniq.size} ({shown}{' ...' if uniq.size > 8 else ''}). Pass k={uniq.size} or fewer."
        )


def _resolve_scheme(scheme: str) -> tuple[str, _Scheme]:
    if not isinstance(scheme, str):
        raise TypeError(f"scheme must be a name (str); got {type(scheme).__name__}.")
    name = ALIASES.get(scheme, scheme)
    if name not in SCHEMES:
        raise ValueError(
            f"unknown scheme {scheme!r}; valid schemes: {sorted(SCHEMES)} "
            f"(aliases: {sorted(ALIASES)})."
        )
    return name, SCHEMES[name]


def _check_finite(kept: pd.Series, name: str) -> np.ndarray:
    x = kept.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(x)
    if bad.any():
        where = kept.index[bad][:5].tolist()
        raise ValueError(
            f"{name}: {int(bad.sum())} infinite value(s) at {where}; classes need finite "
            "numbers. Replace or drop them first."
        )
    if x.size and float(np.abs(x).max()) > 1e150:
        raise ValueError(
            f"{name}: values as large as {float(np.abs(x).max()):g} overflow the float64 sums "
            "of squares the schemes use; rescale them first (e.g. values / 1e6)."
        )
    return x


def _check_fmt(fmt: Any) -> None:
    if fmt is None or callable(fmt):
        return
    if isinstance(fmt, str):
        try:
            format(1234.5678, fmt)
        except ValueError as err:
            raise ValueError(
                f"fmt {fmt!r} is not a valid number format spec (e.g. ',.1f', '.2%'); {err}."
            ) from err
        return
    raise TypeError(
        f"fmt must be None, a format spec string or a callable; got {type(fmt).__name__}."
    )


def _gvf(x: np.ndarray, cls: np.ndarray, k: int) -> float:
    sdam = float(np.sum((x - x.mean()) ** 2))
    n_c = np.bincount(cls, minlength=k)
    means = np.bincount(cls, weights=x, minlength=k) / np.where(n_c > 0, n_c, 1)
    sdcm = float(np.sum((x - means[cls]) ** 2))
    if sdam == 0.0:
        return math.nan
    # class means minimise the within-class sum, so sdcm <= sdam exactly; the two means are
    # summed differently (bincount vs mean), which can leave sdcm a last bit above sdam
    # (k=1 gave gvf = -2.2e-16): clip to the range the definition allows
    return min(1.0, max(0.0, 1.0 - sdcm / sdam))
