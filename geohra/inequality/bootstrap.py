"""Percentile bootstrap confidence intervals for the Gini, Theil and Dagum statistics,
resampling units with replacement within groups (stratified) when groups are given.

Stratified resampling keeps every group's size fixed, so each resample has the same
group structure as the data (a decomposition by region stays a decomposition by the
same regions). The three built-in statistics are evaluated on all resamples at once
(``_resample``: a resample is the data with multiplicities, so the data are sorted once
and chunks of resamples become matrix operations), which makes 999 resamples of a Dagum
decomposition at n = 3,000 take about a quarter of a second.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import resolve_rng
from geohra._result import Result, deprecated_alias, fmt
from geohra.inequality._bootstrap_core import (
    _canonical,
    _check_strata,
    _chosen,
    _components_of,
    _components_of_builtin,
    _resample_builtin,
    _resample_indices,
    resolve_by,
)
from geohra.inequality._prep import group_codes, resolve
from geohra.inequality.dagum import dagum_gini
from geohra.inequality.gini import gini
from geohra.inequality.theil import theil

__all__ = ["bootstrap_ci", "BootstrapResult"]


@dataclass(frozen=True, repr=False)
class BootstrapResult(Result):
    """Percentile bootstrap intervals, one per component of the statistic.

    ``estimate``, ``lower``, ``upper``, ``std_error`` are Series indexed by component
    (e.g. total / within / between). ``distribution`` holds every resample's values
    (rows = resamples). ``n_invalid`` counts resamples where a component was undefined
    (NaN; left out of its interval). ``variant`` names the bootstrap used.
    """

    statistic: str
    estimate: pd.Series
    lower: pd.Series
    upper: pd.Series
    std_error: pd.Series
    confidence: float
    n_resamples: int
    stratified: bool
    variant: str
    n_invalid: pd.Series
    omitted: tuple = ()
    distribution: pd.DataFrame = field(default=None, repr=False)

    method = deprecated_alias("variant", "method")

    def _repr_parts(self) -> list[str]:
        first = str(self.estimate.index[0])
        parts = [
            self.statistic,
            f"{self.confidence * 100:g} % CI",
            f"{first} {fmt(self.estimate.iloc[0])} "
            f"[{fmt(self.lower.iloc[0])}, {fmt(self.upper.iloc[0])}]",
        ]
        if len(self.estimate) > 1:
            parts.append(f"+{len(self.estimate) - 1} components")
        parts.append(f"{self.n_resamples} resamples")
        if self.stratified:
            parts.append("within groups")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Table indexed by component: estimate, lower, upper, std_error, n_invalid."""
        return pd.DataFrame(
            {
                "estimate": self.estimate,
                "lower": self.lower,
                "upper": self.upper,
                "std_error": self.std_error,
                "n_invalid": self.n_invalid,
            }
        ).rename_axis("component")

    def summary(self) -> pd.DataFrame:
        """One row per component, with the settings (statistic, confidence, variant, ...)."""
        out = self.to_frame().reset_index()
        out.insert(0, "statistic", self.statistic)
        out["confidence"] = self.confidence
        out["n_resamples"] = self.n_resamples
        out["stratified"] = self.stratified
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant
        return out


# --- built-in statistics: name -> (function, kwargs it accepts, uses by=) --------------

_REGISTRY: dict[str, dict[str, Any]] = {
    "gini": {
        "func": gini,
        "options": {"population": None},
        "uses_by": False,
    },
    "theil": {
        "func": theil,
        "options": {"population": None, "index": "T", "base": "e"},
        "uses_by": True,
    },
    "dagum_gini": {"func": dagum_gini, "options": {}, "uses_by": True},
}


def _lookup(statistic: str | Callable) -> tuple[str, dict[str, Any] | None]:
    if isinstance(statistic, str):
        if statistic not in _REGISTRY:
            raise ValueError(
                f"bootstrap_ci: unknown statistic {statistic!r}; choose one of {sorted(_REGISTRY)} "
                "or pass a function."
            )
        return statistic, _REGISTRY[statistic]
    if not callable(statistic):
        raise TypeError(
            f"bootstrap_ci: statistic must be a name or a function; got {type(statistic).__name__}."
        )
    for name, entry in _REGISTRY.items():
        if statistic is entry["func"]:
            return name, entry
    return getattr(statistic, "__name__", "statistic"), None


def bootstrap_ci(
    statistic: str | Callable[..., Any],
    data: Any,
    column: str | None = None,
    *,
    by: str | pd.Series | np.ndarray | None = None,
    n_resamples: int = 999,
    confidence: float = 0.95,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
    components: str | Sequence[str] | None = None,
    **kwargs: Any,
) -> BootstrapResult:
    """Percentile bootstrap confidence intervals for an inequality statistic.

    Parameters
    ----------
    statistic
        ``"gini"``, ``"theil"``, ``"dagum_gini"`` or those functions themselves (fast array
        path), or any other function called as ``statistic(resampled_frame, column, **kwargs)``
        that returns a float, a mapping of floats or a result with a one-row ``.summary()``.
    data, column
        As for the statistic: a Series/array, or a DataFrame and the value column.
    by
        Group labels. Units are resampled with replacement **within** each group, keeping
        group sizes fixed. For ``theil`` and ``dagum_gini`` the same groups define the
        decomposition; for ``gini`` they only stratify.
    n_resamples
        Number of bootstrap resamples.
    confidence
        Coverage of the two-sided percentile interval, e.g. 0.95 → 2.5 % and 97.5 % quantiles.
    rng
        ``None``, an int seed or a ``numpy.random.Generator`` (same seed → same intervals).
    nan_policy
        ``"raise"`` or ``"omit"``, applied once to the data before resampling (built-in
        statistics; a custom function receives the rows as given and handles NaN itself).
    components
        Only these components (e.g. ``"total"``), in this order; default every component.
        The built-in statistics then skip the work of the others (a Theil or Dagum total
        without its within- and between-group parts), with the same resamples and the same
        values to the last bit. An unknown name raises ``ValueError`` before resampling.
    **kwargs
        Options of the statistic: ``population`` for gini; ``population``, ``index``, ``base``
        for theil. Unknown options raise ``TypeError``.

    Notes
    -----
    A group of one unit is redrawn as itself in every resample: when every group (or the
    whole data) has one unit the interval would have zero width, so this raises
    ``ValueError``; when only some groups do, a ``DataQualityWarning`` names them.

    Rows are put in label order before drawing, so the same seed gives the same intervals
    whatever the row order. For a panel, bind the statistic first:
    ``geohra.per_year(functools.partial(bootstrap_ci, "theil"), panel, "beds",
    population="pop", by="region", rng=0)`` gives one row per year and component.

    Returns
    -------
    BootstrapResult
        ``estimate`` (on the data), ``lower``/``upper`` (percentile interval, linear
        interpolation between order statistics), ``std_error`` (standard deviation of the
        resamples, ddof=1), ``distribution``. Components: gini → ``gini``; theil →
        ``total`` (+ ``within``, ``between``, ``between_pct`` with ``by``); dagum_gini →
        ``total``, ``within``, ``between_net``, ``transvariation`` and their ``*_pct`` shares.
    """
    _check_settings(n_resamples, confidence)
    name, entry = _lookup(statistic)
    gen = resolve_rng(rng)

    if entry is not None:
        opts = _builtin_options(name, entry, kwargs)
        # resolve() is called here, not in a helper: its warnings point at the caller's line
        inp = resolve(
            data,
            column,
            func="bootstrap_ci",
            numeric={"w": opts.get("population")},
            labels={"group": by},
            nan_policy=nan_policy,
        )
        f = _canonical(inp.frame)
        call = _builtin_call(name, entry, opts, f)
        # the estimate runs the full public function, so every input check applies once
        est = _components_of_builtin(name, entry["func"](f["value"], **call))
        est = _chosen(name, est, components)
        dist_cols = _builtin_distribution(name, gen, f, opts, int(n_resamples), set(est))
        omitted = inp.omitted
    else:
        est, dist_cols = _custom_distribution(
            statistic, data, column, by, gen, int(n_resamples), kwargs, components
        )
        omitted = ()
    return _result(name, est, dist_cols, confidence, n_resamples, by is not None, omitted)


# --- validation --------------------------------------------------------------------------


def _check_settings(n_resamples: Any, confidence: Any) -> None:
    if not isinstance(n_resamples, (int, np.integer)) or n_resamples < 2:
        raise ValueError(f"bootstrap_ci: n_resamples must be an integer >= 2; got {n_resamples!r}.")
    if not 0 < confidence < 1:
        raise ValueError(
            f"bootstrap_ci: confidence must lie strictly between 0 and 1; got {confidence!r}."
        )


def _builtin_options(name: str, entry: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The built-in statistic's options: defaults updated by ``kwargs`` (checked); gini's
    old ``weights=`` becomes ``population=`` with a DeprecationWarning."""
    if name == "gini" and "weights" in kwargs and "population" not in kwargs:
        warnings.warn(
            "bootstrap_ci('gini', ..., weights=) is deprecated and will be removed in geohra "
            "0.3; use population= instead.",
            DeprecationWarning,
            stacklevel=3,
        )
        kwargs["population"] = kwargs.pop("weights")
    unknown = set(kwargs) - set(entry["options"])
    if unknown:
        raise TypeError(
            f"bootstrap_ci: {name} does not take {sorted(unknown)}; its options are "
            f"{sorted(entry['options']) or 'none'}."
        )
    return {**entry["options"], **kwargs}


def _builtin_call(
    name: str, entry: dict[str, Any], opts: dict[str, Any], f: pd.DataFrame
) -> dict[str, Any]:
    """Keyword arguments of the estimate's call to the public function on the resolved rows."""
    weight_key = "population"
    call = {k: v for k, v in opts.items() if k != weight_key}
    if "w" in f:
        call[weight_key] = f["w"]
    if entry["uses_by"] and "group" in f:
        call["by"] = f["group"]
    if name == "dagum_gini" and "group" not in f:
        raise TypeError("bootstrap_ci: dagum_gini needs by= (the groups of the decomposition).")
    return call


# --- resampling ----------------------------------------------------------------------------


def _builtin_distribution(
    name: str,
    gen: np.random.Generator,
    f: pd.DataFrame,
    opts: dict[str, Any],
    n_resamples: int,
    wanted: set[str],
) -> dict[str, np.ndarray]:
    """Strata of the resolved rows (checked), then every resample's ``wanted`` components
    (at least those)."""
    y = f["value"].to_numpy(np.float64)
    w = f["w"].to_numpy(np.float64) if "w" in f else None
    codes, k = None, 0
    strata = [np.arange(y.size)]
    if "group" in f:
        codes, uniques = group_codes(f["group"], func="bootstrap_ci", min_groups=1)
        k = len(uniques)
        strata = [np.flatnonzero(codes == g) for g in range(k)]
        _check_strata(strata, uniques)
    else:
        _check_strata(strata, None)
    return _resample_builtin(name, gen, strata, y, w, codes, k, opts, n_resamples, wanted)


def _custom_distribution(
    statistic: Callable,
    data: Any,
    column: str | None,
    by: Any,
    gen: np.random.Generator,
    n_resamples: int,
    kwargs: dict[str, Any],
    components: Any = None,
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """A custom statistic on the data (the estimate) and on every resampled frame."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame({"value": pd.Series(data)})
    if isinstance(by, (pd.Series, np.ndarray, list)):  # keep labels with their rows
        frame = frame.assign(**{"__stratum__": resolve_by(frame, by)})
        by = "__stratum__"
    frame = _canonical(frame)
    col = column if isinstance(data, pd.DataFrame) else "value"
    if by is not None:
        if by not in frame.columns:
            raise KeyError(f"bootstrap_ci: by column {by!r} is not in the data.")
        groups = frame[by]
        codes, uniques = group_codes(groups, func="bootstrap_ci", min_groups=1)
        strata = [np.flatnonzero(codes == g) for g in range(len(uniques))]
        _check_strata(strata, uniques)
    else:
        strata = [np.arange(len(frame))]
        _check_strata(strata, None)
    est = _chosen(
        getattr(statistic, "__name__", "statistic"),
        _components_of(statistic(frame, col, **kwargs)),
        components,
    )
    rows = []
    for block in _resample_indices(gen, strata, len(frame), n_resamples):
        for idx in block:
            part = frame.iloc[idx].reset_index(drop=True)
            rows.append(_safe_custom(statistic, part, col, kwargs))
    keys = list(est)
    dist_cols = {
        k2: np.array([np.nan if r is None else r.get(k2, np.nan) for r in rows], dtype=float)
        for k2 in keys
    }
    return est, dist_cols


# --- result --------------------------------------------------------------------------------


def _result(
    name: str,
    est: dict[str, float],
    dist_cols: dict[str, np.ndarray],
    confidence: float,
    n_resamples: int,
    stratified: bool,
    omitted: tuple,
) -> BootstrapResult:
    dist = pd.DataFrame({k2: dist_cols[k2] for k2 in est})
    alpha = 1.0 - confidence
    lower = dist.quantile(alpha / 2.0)
    upper = dist.quantile(1.0 - alpha / 2.0)
    return BootstrapResult(
        statistic=name,
        estimate=pd.Series(est, dtype=float),
        lower=lower,
        upper=upper,
        std_error=dist.std(ddof=1),
        confidence=float(confidence),
        n_resamples=int(n_resamples),
        stratified=stratified,
        variant="percentile bootstrap, units resampled with replacement"
        + (" within groups (group sizes fixed)" if stratified else ""),
        n_invalid=dist.isna().sum(),
        omitted=omitted,
        distribution=dist,
    )


def _safe_custom(
    statistic: Callable, part: pd.DataFrame, col: str, kwargs: dict
) -> dict[str, float] | None:
    try:
        return _components_of(statistic(part, col, **kwargs))
    except (ValueError, ZeroDivisionError, FloatingPointError):
        return None
