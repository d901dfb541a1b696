"""Classifying values for maps: exact natural breaks and the other usual schemes.

``classify(values, scheme="fisher_jenks", k=5)`` returns a :class:`Classification`
with the class upper bounds (``bins``), each unit's class, the counts, the goodness
of variance fit and legend labels. Classes are closed on the right:
class 0 holds ``lower <= x <= bins[0]``, class ``i`` holds ``bins[i-1] < x <= bins[i]``
(the convention of mapclassify and most GIS legends).

Schemes come from a registry (:data:`SCHEMES`); each takes only its own options and
unknown ones raise ``TypeError``. ``fisher_jenks`` (alias ``natural_breaks``,
``jenks``), ``quantiles``, ``equal_interval`` and ``user_defined`` are computed here;
the others wrap mapclassify, which is imported only when one of them is used.

Breaks shared across years (pooled) are one call on all the years' values::

    both = panel[panel["year"].isin([2010, 2020])]
    cls = geohra.classify(both["index"], k=5)      # classes for every unit-year row
    cls_2015 = cls.apply(panel.loc[panel["year"] == 2015, "index"])  # same bins

(:func:`classify_panel` does the first line for you.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import get_series, handle_nan
from geohra._labels import LABEL_STYLES as LABEL_STYLES
from geohra._labels import check_label_style, make_labels
from geohra._result import Result, deprecated_alias
from geohra._result import fmt as _fmt
from geohra._schemes import (
    ALIASES,
    SCHEMES,
    _check_finite,
    _check_fmt,
    _gvf,
    _resolve_scheme,
)

DEFAULT_K = 5
OUT_OF_RANGE = ("raise", "clip")


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True, repr=False)
class Classification(Result):
    """A classification of values into ordered classes.

    Attributes
    ----------
    scheme : str
        Registry name of the scheme used (aliases resolved, e.g. ``"fisher_jenks"``).
    k : int
        Number of classes.
    bins : numpy.ndarray
        Class upper bounds, strictly ascending; the last one is ``>= max`` of the data
        (``== max`` for the data-driven schemes computed here).
    lower : float
        Lower bound of class 0: the minimum of the data, or the user's ``lower`` for
        ``user_defined`` (``-inf`` by default there); ``-inf`` also when a scheme puts
        its first bound below the minimum (``box_plot``, ``std_mean``).
    classes : pandas.Series
        Class of each unit, ``Int64`` (nullable) with values ``0 .. k-1``, indexed like
        the input; units left out with ``nan_policy="omit"`` are ``<NA>``.
    counts : numpy.ndarray
        Number of units per class (empty classes show as 0).
    gvf : float
        Goodness of variance fit ``1 - SDCM / SDAM`` (sum of squared deviations from
        the class means over that from the overall mean), computed in float64 from the
        classes. ``nan`` when all values are equal (0/0).
    labels : tuple of str
        Legend labels, one per class (``"12.3 – 45.6"``; ``"≤ 10"`` / ``"> 30"`` for
        open classes), in the ``label_style`` chosen (see :data:`LABEL_STYLES`).
    variant : str
        Plain-words description of the algorithm / variant (``method`` is a deprecated
        alias).
    omitted : tuple
        Index labels left out because their value was missing.
    options : dict
        Scheme options used (for reproducing the classification).
    """

    scheme: str
    k: int
    bins: np.ndarray
    lower: float
    classes: pd.Series
    counts: np.ndarray
    gvf: float
    labels: tuple[str, ...]
    variant: str
    omitted: tuple = ()
    options: dict = field(default_factory=dict)
    fmt: Any = None
    label_style: str = "range"

    method = deprecated_alias("variant", "method")

    def _repr_parts(self) -> list[str]:
        parts = [self.scheme, f"k={self.k}", f"gvf={_fmt(self.gvf, 3)}"]
        parts.append(f"n={int(self.classes.notna().sum())}")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Per unit: ``class`` (Int64) and ``label``, indexed like the input."""
        labels = pd.Series(np.asarray(self.labels, dtype=object), dtype="string")
        lab = pd.Series(pd.NA, index=self.classes.index, dtype="string")
        ok = self.classes.notna()
        lab[ok] = labels.iloc[self.classes[ok].to_numpy(dtype=np.int64)].to_numpy()
        return pd.DataFrame({"class": self.classes, "label": lab})

    def summary(self) -> pd.DataFrame:
        """Per class: ``lower``, ``upper``, ``count``, ``label`` and the ``scheme``.

        ``.attrs`` also holds ``variant``, ``gvf`` and ``n_omitted``.
        """
        lowers = np.concatenate([[self.lower], self.bins[:-1]])
        out = pd.DataFrame(
            {
                "lower": lowers,
                "upper": self.bins,
                "count": self.counts,
                "label": list(self.labels),
                "scheme": self.scheme,
            },
            index=pd.RangeIndex(self.k, name="class"),
        )
        out.attrs.update({"variant": self.variant, "gvf": self.gvf, "n_omitted": len(self.omitted)})
        return out

    def apply(
        self,
        values: Any,
        *,
        out_of_range: str = "raise",
        nan_policy: str = "raise",
    ) -> Classification:
        """Classify other values (e.g. another year) on these same bins and labels.

        Parameters
        ----------
        values : Series or array-like
            Values to classify; a Series keeps its index.
        out_of_range : {"raise", "clip"}
            Values below ``lower`` or above ``bins[-1]`` raise by default (the legend
            would not describe them); ``"clip"`` puts them in the first / last class.
        nan_policy : {"raise", "omit"}
        """
        if out_of_range not in OUT_OF_RANGE:
            raise ValueError(f"out_of_range must be one of {OUT_OF_RANGE}; got {out_of_range!r}.")
        s = get_series(values, name="apply")
        kept, omitted = handle_nan(s, nan_policy=nan_policy, name="apply")
        x = _check_finite(kept, "apply")
        if out_of_range == "raise":
            bad = (x < self.lower) | (x > self.bins[-1])
            if bad.any():
                where = kept.index[bad][:5].tolist()
                raise ValueError(
                    f"apply: {int(bad.sum())} value(s) lie outside the classified range "
                    f"[{self.lower}, {self.bins[-1]}], e.g. at {where} "
                    f"(values {x[bad][:5].tolist()}). Classify all years together "
                    "(pooled breaks) or pass out_of_range='clip' to put them in the "
                    "first/last class."
                )
        return _build(
            s,
            s.notna().to_numpy(),
            x,
            omitted,
            self.bins,
            self.lower,
            scheme=self.scheme,
            method=self.variant,
            options=self.options,
            fmt=self.fmt,
            label_style=self.label_style,
        )


# ----------------------------------------------------------------------------- API


def classify(
    data: Any,
    column: str | None = None,
    *,
    scheme: str = "fisher_jenks",
    k: int | None = None,
    bins: Sequence[float] | None = None,
    nan_policy: str = "raise",
    fmt: str | Callable[[float], str] | None = None,
    label_style: str = "range",
    **scheme_kwargs: Any,
) -> Classification:
    """Classify values into ordered classes for a map legend.

    Parameters
    ----------
    data : Series, array-like or (Geo)DataFrame
        The values (one per unit, or per unit-year for pooled breaks), or a DataFrame
        together with ``column``. A Series or DataFrame keeps its index in
        ``.classes``; arrays get a RangeIndex.
    column : str, optional
        The value column when ``data`` is a DataFrame. (The old positional form
        ``classify(values, "quantiles")`` still works for 0.2, with a warning.)
    scheme : str
        A name in :data:`SCHEMES` (or an alias: ``natural_breaks`` and ``jenks`` mean
        ``fisher_jenks``). Default: exact Fisher-Jenks natural breaks (1-D optimal
        k-means: minimal within-class sum of squared deviations), computed in float64
        over the distinct values by divide-and-conquer dynamic programming,
        O(k·m·log m); deterministic; equal values always share a class.
    k : int, optional
        Number of classes for schemes that take one (default 5). Schemes that set the
        number of classes themselves (``user_defined``, ``std_mean``, ``box_plot``,
        ``headtail_breaks``, ``percentiles``) raise ``TypeError`` if ``k`` is given.
        ``fisher_jenks`` raises when ``k`` exceeds the number of distinct values
        (rather than producing empty or duplicate classes).
    bins : sequence of float, optional
        Upper bounds for ``scheme="user_defined"`` (ascending; the last must cover the
        maximum - end with ``float("inf")`` for an open top class).
    nan_policy : {"raise", "omit"}
        Missing values raise by default; ``"omit"`` leaves them out of the breaks and
        gives them class ``<NA>``, listed in ``.omitted``.
    fmt : str or callable, optional
        Number format of the legend labels: a format spec such as ``",.1f"`` or a
        function ``float -> str``. By default: thousands separators and just enough
        decimals for 3 significant digits and for neighbouring bounds to differ.
    label_style : str
        ``"range"`` (default, ``"2.875 – 4.551"``), ``"interval"`` (``"[2.875, 4.551]"``,
        then ``"(4.551, 6.632]"``: the right-closed classes in interval notation),
        ``"arcgis"`` (``"2.875 - 4.551"``, ``"4.552 - 6.632"``: each class after the first
        starts one unit of the last shown decimal above the previous upper bound, as
        ArcGIS legends do) or ``"arcgis_tilde"`` (the same with ``~``, as printed in many
        studies: ``"2.875~4.551"``, ``"4.552~6.632"``). The ArcGIS styles need a fixed
        number of decimals: ``fmt=None`` or a spec such as ``".3f"``.
    **scheme_kwargs
        Options of the chosen scheme only (e.g. ``lower`` for ``user_defined``,
        ``hinge`` for ``box_plot``, ``mindiff`` for ``maximum_breaks``, ``pct`` for
        ``percentiles``, ``multiples``/``anchor`` for ``std_mean``).

    Returns
    -------
    Classification

    Raises
    ------
    ValueError
        Unknown scheme, missing or infinite values, too few distinct values, duplicate
        bounds, values outside user-defined bounds.
    TypeError
        Options that the chosen scheme does not take.
    """
    values = _classify_values(data, column)
    if isinstance(values, str):  # the old positional scheme
        scheme, values = values, data
    name, entry = _resolve_scheme(scheme)
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer))):
        raise TypeError(f"k must be a whole number of classes; got {k!r}.")
    if not entry.takes_k and k is not None:
        raise TypeError(f"scheme {name!r} sets the number of classes itself; do not pass k={k}.")
    if entry.takes_k:
        k = DEFAULT_K if k is None else int(k)
        if k < 1:
            raise ValueError(f"k must be at least 1; got {k}.")
    if bins is not None:
        if name != "user_defined":
            raise TypeError(
                f"bins= is only for scheme='user_defined'; got scheme={scheme!r}. "
                "Pass scheme='user_defined' to use your own bounds."
            )
        scheme_kwargs = {**scheme_kwargs, "bins": bins}
    elif name == "user_defined" and "bins" not in scheme_kwargs:
        raise TypeError("scheme='user_defined' needs bins=[upper bounds ...].")
    unknown = sorted(set(scheme_kwargs) - set(entry.options))
    if unknown:
        raise TypeError(
            f"scheme {name!r} got unexpected option(s) {unknown}; it takes "
            + (f"{list(entry.options)}." if entry.options else "no options.")
        )
    _check_fmt(fmt)
    check_label_style(label_style, fmt)

    s = get_series(values, name="classify")
    kept, omitted = handle_nan(s, nan_policy=nan_policy, name="classify")
    if len(kept) == 0:
        raise ValueError("classify: no values to classify (all missing or empty input).")
    x = _check_finite(kept, "classify")

    upper = entry.compute(x, k, **scheme_kwargs)
    dup = np.diff(upper) <= 0
    if dup.any():
        raise ValueError(
            f"scheme {name!r} gave repeated class bounds {np.unique(upper[1:][dup]).tolist()} "
            f"for these data (bins {upper.tolist()}): too many ties for that many classes. "
            "Use fewer classes or scheme='fisher_jenks'."
        )
    if upper[-1] < x.max():  # pragma: no cover - a scheme that fails to cover the data
        raise RuntimeError(
            f"scheme {name!r} bins {upper.tolist()} do not cover the maximum {x.max()}."
        )
    if entry.data_lower:
        # box_plot / std_mean may put the first bound below the minimum (an empty
        # lower-outlier class); that class is then open below ("≤ b0")
        lower = float(x.min()) if x.min() <= upper[0] else -np.inf
    else:
        lower = float(scheme_kwargs.get("lower", -np.inf))
    options = {kk: v for kk, v in scheme_kwargs.items()}
    if k is not None:
        options["k"] = k
    return _build(
        s,
        s.notna().to_numpy(),
        x,
        omitted,
        upper,
        lower,
        scheme=name,
        method=entry.method,
        options=options,
        fmt=fmt,
        label_style=label_style,
    )


def classify_panel(
    data: pd.DataFrame,
    column: str,
    scheme: str = "fisher_jenks",
    k: int | None = None,
    *,
    time: str = "year",
    years: Sequence[Any] | None = None,
    **kwargs: Any,
) -> Classification:
    """Pooled breaks for a long panel: one classification over the chosen years.

    ``classes`` then has one entry per row of those years (indexed like ``data``), so
    the first and last year can be mapped on the same bins. Other years can be put on
    the same bins with ``.apply()``. For separate breaks per year call
    :func:`classify` on each year's rows instead.
    """
    if time not in data.columns:
        raise KeyError(
            f"classify_panel: time column {time!r} is not in the data; columns: {list(data.columns)}."
        )
    rows = data
    if years is not None:
        wanted = list(years)
        missing = [y for y in wanted if y not in set(data[time])]
        if missing:
            raise ValueError(
                f"classify_panel: year(s) {missing} are not in column {time!r} "
                f"(years present: {sorted(set(data[time]))})."
            )
        rows = data[data[time].isin(wanted)]
    return classify(rows, column, scheme=scheme, k=k, **kwargs)


# ----------------------------------------------------------------------------- helpers


def _classify_values(data: Any, column: Any) -> Any:
    """The values to classify: ``data[column]`` for a DataFrame, else ``data``; or the
    scheme name of the old call ``classify(values, "scheme")`` (returned as a str)."""
    is_frame = isinstance(data, pd.DataFrame)
    if isinstance(column, str) and not (is_frame and column in data.columns):
        if column in SCHEMES or column in ALIASES:
            import warnings

            warnings.warn(
                f"classify(values, {column!r}) is deprecated and will be removed in geohra 0.3; "
                f"use classify(values, scheme={column!r}) (the second argument is now the column "
                "of a DataFrame).",
                DeprecationWarning,
                stacklevel=3,
            )
            return column
    if is_frame:
        if column is None:
            raise TypeError(
                "classify: data is a DataFrame, so name the column to classify, e.g. "
                f"classify(df, 'beds', k=5); columns: {list(map(str, data.columns))[:8]}."
            )
        return get_series(data, column, name="classify")
    if column is not None:
        raise TypeError(
            f"classify: column={column!r} needs a DataFrame as data; pass the values "
            "themselves (a Series or array) without a column, or scheme= by keyword."
        )
    return data


def _build(
    s: pd.Series,
    present: np.ndarray,
    x: np.ndarray,
    omitted: tuple,
    upper: np.ndarray,
    lower: float,
    *,
    scheme: str,
    method: str,
    options: dict,
    fmt: Any,
    label_style: str = "range",
) -> Classification:
    k = upper.size
    # class i holds bins[i-1] < x <= bins[i]; clip handles apply(out_of_range="clip")
    cls = np.minimum(np.searchsorted(upper, x, side="left"), k - 1)
    counts = np.bincount(cls, minlength=k)
    # by position: a pooled panel may repeat index labels (one row per unit-year)
    values = np.full(len(s), -1, dtype=np.int64)
    values[present] = cls
    classes = pd.Series(pd.arrays.IntegerArray(values, ~present), index=s.index, name="class")
    return Classification(
        scheme=scheme,
        k=k,
        bins=upper.copy(),
        lower=lower,
        classes=classes,
        counts=counts,
        gvf=_gvf(x, cls, k),
        labels=make_labels(upper, lower, fmt=fmt, style=label_style),
        variant=method,
        omitted=tuple(omitted),
        options=options,
        fmt=fmt,
        label_style=label_style,
    )
