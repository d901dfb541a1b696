"""Shared panel preparation and the fixed-effects least-squares core of convergence.

Growth over one step of the panel is ``g_it = ln y_{i,t+s} - ln y_{i,t}`` (``s`` the
spacing of the panel's years), regressed on ``ln y_it`` and the controls at ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import check_nan_policy, to_numeric, validate_units

#: effects registry: name -> what is absorbed
EFFECTS: dict[str, str] = {
    "none": "pooled OLS with a constant",
    "unit": "unit fixed effects (within transformation by unit)",
    "time": "year fixed effects (year dummies and a constant)",
    "twoway": "unit and year fixed effects (year dummies, within transformation by unit)",
}

#: covariance registry: name -> description (stated on results)
COV_TYPES: dict[str, str] = {
    "cluster": "cluster-robust by unit, small-sample factor G/(G-1)·(N-1)/(N-K)",
    "robust": "heteroskedasticity-robust (HC1): N/(N-K)·sandwich",
    "unadjusted": "classical: s² (X'X)⁻¹ with s² = e'e/(N-K)",
}


def pick(registry: dict[str, Any], key: str, *, func: str, option: str) -> Any:
    """One entry of a string registry, or a ValueError listing the allowed names."""
    if key not in registry:
        raise ValueError(f"{func}: {option} must be one of {list(registry)}; got {key!r}.")
    return registry[key]


@dataclass(frozen=True)
class GrowthPanel:
    """Growth observations: one row per unit and start year of a step."""

    frame: pd.DataFrame  # columns: unit, year, log_initial, growth, controls...
    controls: tuple
    step: float
    omitted: tuple
    levels: pd.DataFrame  # unit, year, value (after nan handling), for sigma/plots


def _key(data: pd.DataFrame, key: str, *, func: str, what: str) -> pd.Series:
    if key in data.columns:
        return data[key]
    if key in (data.index.names or []):
        return pd.Series(data.index.get_level_values(key), index=data.index, name=key)
    raise KeyError(
        f"{func}: {what} {key!r} is neither a column ({list(map(str, data.columns))[:12]}) "
        f"nor an index level ({list(data.index.names)}) of the data."
    )


def long_panel(
    data: Any,
    columns: list[str],
    *,
    unit: str,
    time: str,
    nan_policy: str,
    func: str,
) -> tuple[pd.DataFrame, tuple]:
    """Columns ``unit``, ``year`` and the numeric ``columns`` of a long panel, validated.

    Duplicated (unit, year) pairs raise; missing values raise or are omitted (the
    omitted ``(unit, year)`` pairs are returned).
    """
    check_nan_policy(nan_policy)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{func}: data must be a long DataFrame (one row per unit and year); "
            f"got {type(data).__name__}."
        )
    u = _key(data, unit, func=func, what="unit")
    t = _key(data, time, func=func, what="time")
    # Hong Kong, Macao, Taiwan (analysis=False) are left out with a warning
    outside = validate_units(data, data.index, func=func, cross_section=False)
    keep = ~data.index.isin(outside)
    if not outside:
        outside = validate_units(
            pd.DataFrame(index=pd.Index(u)), pd.Index(u), func=func, cross_section=False
        )
        keep = ~u.isin(outside).to_numpy()
    if not keep.all():
        data, u, t = data.loc[keep], u.loc[keep], t.loc[keep]
    frame = pd.DataFrame({"unit": u.to_numpy(), "year": t.to_numpy()})
    for c in columns:
        if c not in data.columns:
            raise KeyError(
                f"{func}: column {c!r} is not in the data; available: {list(map(str, data.columns))}."
            )
        frame[c] = to_numeric(data[c], name=f"{func}: {c!r}").to_numpy()
    if frame["unit"].isna().any() or frame["year"].isna().any():
        raise ValueError(f"{func}: the unit or time column has missing values.")
    if not pd.api.types.is_numeric_dtype(frame["year"]):
        raise TypeError(f"{func}: years must be numbers; got dtype {frame['year'].dtype}.")
    dup = frame.duplicated(["unit", "year"])
    if dup.any():
        pairs = list(frame.loc[dup, ["unit", "year"]].itertuples(index=False, name=None))[:5]
        raise ValueError(
            f"{func}: (unit, year) pairs appear more than once: {pairs}; one row per unit and year."
        )
    vals = frame[columns].to_numpy()
    if np.isinf(vals).any():
        raise ValueError(f"{func}: infinite values in {columns}.")
    missing = np.isnan(vals).any(axis=1)
    omitted: tuple = ()
    if missing.any():
        pairs = tuple(frame.loc[missing, ["unit", "year"]].itertuples(index=False, name=None))
        if nan_policy == "raise":
            shown = ", ".join(map(repr, pairs[:8])) + (" ..." if len(pairs) > 8 else "")
            raise ValueError(
                f"{func}: {len(pairs)} missing value(s) (NaN) at (unit, year) {shown}. "
                "Fill them, or pass nan_policy='omit' to leave those rows out "
                "(listed in .omitted)."
            )
        omitted = pairs
        frame = frame.loc[~missing]
    if frame.empty:
        raise ValueError(
            f"{func}: no (unit, year) rows with values to compute on (the panel is empty"
            + (" after leaving out missing values)." if omitted else ").")
        )
    return frame.sort_values(["unit", "year"]).reset_index(drop=True), omitted


def growth_panel(
    data: Any,
    column: str,
    *,
    unit: str,
    time: str,
    controls: list[str],
    nan_policy: str,
    func: str,
) -> GrowthPanel:
    """Log levels and one-step log growth per unit, with controls at the start year."""
    frame, omitted = long_panel(
        data, [column, *controls], unit=unit, time=time, nan_policy=nan_policy, func=func
    )
    bad = frame[column] <= 0
    if bad.any():
        pairs = list(frame.loc[bad, ["unit", "year"]].itertuples(index=False, name=None))[:5]
        raise ValueError(
            f"{func}: {column!r} must be positive (its logarithm is taken); "
            f"{int(bad.sum())} value(s) <= 0 at (unit, year) {pairs}."
        )
    years = np.unique(frame["year"].to_numpy(np.float64))
    if years.size < 2:
        raise ValueError(f"{func}: need at least two years; got {years.tolist()}.")
    gaps = np.unique(np.round(np.diff(years), 9))
    if gaps.size != 1:
        raise ValueError(
            f"{func}: the years {years.tolist()} are not equally spaced, so one-step growth "
            "rates would cover different spans. Keep equally spaced years."
        )
    step = float(gaps[0])
    logs = np.log(frame[column].to_numpy())
    nxt = frame.groupby("unit", sort=False)["year"].shift(-1)
    nxt_log = pd.Series(logs).groupby(frame["unit"].to_numpy(), sort=False).shift(-1)
    # a step whose end year is missing (an omitted row) gives no growth observation
    ok = (nxt - frame["year"]).round(9).eq(step).to_numpy()
    out = pd.DataFrame(
        {
            "unit": frame["unit"].to_numpy()[ok],
            "year": frame["year"].to_numpy()[ok],
            "log_initial": logs[ok],
            "growth": nxt_log.to_numpy()[ok] - logs[ok],
        }
    )
    for c in controls:
        out[c] = frame[c].to_numpy()[ok]
    if out.empty:
        raise ValueError(f"{func}: no unit has two consecutive years; nothing to regress.")
    levels = frame[["unit", "year", column]].rename(columns={column: "value"})
    return GrowthPanel(out, tuple(controls), step, omitted, levels)


def _demean(a: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    counts = np.bincount(codes, minlength=k).astype(np.float64)
    sums = np.stack([np.bincount(codes, weights=col, minlength=k) for col in a.T], axis=1)
    return a - (sums / counts[:, None])[codes]


def design(
    y: np.ndarray,
    x: np.ndarray,
    names: list[str],
    unit_codes: np.ndarray,
    year_codes: np.ndarray,
    effects: str,
) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    """Transformed (y, X) for ``effects`` and the number of absorbed parameters.

    Year effects are year dummies (first year dropped); two-way effects add them and
    demean everything by unit: by Frisch-Waugh-Lovell this gives the
    least-squares-dummy-variable slopes exactly, balanced or not.
    """
    n_units = int(unit_codes.max()) + 1
    n_years = int(year_codes.max()) + 1
    if effects == "none":
        return y, np.column_stack([np.ones(len(y)), x]), ["const", *names], 0
    dummies = (year_codes[:, None] == np.arange(1, n_years)[None, :]).astype(np.float64)
    dummy_names = [f"_year{j}" for j in range(1, n_years)]
    if effects == "time":
        x = np.column_stack([np.ones(len(y)), x, dummies])
        return y, x, ["const", *names, *dummy_names], 0
    if effects == "twoway":
        x = np.column_stack([x, dummies])
        names = [*names, *dummy_names]
    yy = _demean(y[:, None], unit_codes, n_units)[:, 0]
    return yy, _demean(x, unit_codes, n_units), list(names), n_units


def ols_cov(
    y: np.ndarray,
    x: np.ndarray,
    *,
    absorbed: int,
    cov_type: str,
    clusters: np.ndarray,
    func: str,
) -> dict[str, Any]:
    """Least squares with the chosen covariance.

    ``K`` in the small-sample factors counts the estimated slopes plus one (Stata's
    ``xtreg, fe`` convention, whose constant is the mean of the unit effects; with
    ``effects="none"`` the constant is already a column). Classical and robust variances
    use the residual degrees of freedom ``N - K - absorbed``; the cluster-robust one does
    not count absorbed unit effects, which are nested within the clusters.
    """
    n, p = x.shape
    xtx = x.T @ x
    if np.linalg.matrix_rank(xtx) < p:
        raise ValueError(
            f"{func}: the regressors are collinear after the fixed effects (a control "
            "constant within units, or the same as another); drop it or change effects=."
        )
    xtxi = np.linalg.inv(xtx)
    beta = xtxi @ (x.T @ y)
    resid = y - x @ beta
    k = p if absorbed == 0 else p + 1
    k_effects = absorbed - 1 if absorbed else 0
    df_resid = n - k - k_effects
    if df_resid <= 0:
        raise ValueError(f"{func}: {n} observations are too few for {k + k_effects} parameters.")
    if cov_type == "unadjusted":
        cov = xtxi * (resid @ resid / df_resid)
    elif cov_type == "robust":
        meat = (x * resid[:, None]).T @ (x * resid[:, None])
        cov = n / df_resid * xtxi @ meat @ xtxi
    else:
        g = int(clusters.max()) + 1
        if g < 2:
            raise ValueError(f"{func}: cluster-robust errors need at least 2 units; got {g}.")
        scores = np.stack(
            [np.bincount(clusters, weights=col, minlength=g) for col in (x * resid[:, None]).T],
            axis=1,
        )
        factor = g / (g - 1) * (n - 1) / (n - k)
        cov = factor * xtxi @ (scores.T @ scores) @ xtxi
    tss = float(((y - y.mean()) ** 2).sum()) if absorbed == 0 else float(y @ y)
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else np.nan
    return {"params": beta, "cov": cov, "resid": resid, "nobs": n, "df_resid": df_resid, "r2": r2}
