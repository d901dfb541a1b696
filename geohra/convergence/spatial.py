"""Spatial β-convergence with fixed-effects spatial panel models, by maximum likelihood.

With ``g_it = ln(y_{i,t+s}/y_{i,t})`` and ``W`` the spatial weights (``graph=``):

* ``model="lag"`` (SAR):    ``g = ρ W g + β ln y + γ'X + μ_i + η_t + ε``
* ``model="error"`` (SEM):  ``g = β ln y + γ'X + μ_i + η_t + u``, ``u = λ W u + ε``
* ``model="durbin"`` (SDM): ``g = ρ W g + β ln y + γ'X + θ W ln y + δ'WX + μ_i + η_t + ε``

Estimation follows Elhorst (2003, 2014): demean by unit (and by year for two-way
effects), then maximise the concentrated log-likelihood; variances from the
information matrix. These are the estimators of spreg's ``Panel_FE_Lag`` and
``Panel_FE_Error`` (unit effects only there); the Durbin model is the lag model with
``W ln y`` and ``WX`` added as regressors (``WX`` formed before demeaning). No Lee-Yu
bias correction of σ². Speed and half-life use β, the coefficient of ``ln y``.
For lag and Durbin models, direct/indirect/total effects (LeSage & Pace 2009) are given
as point estimates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from geohra._common import resolve_rng
from geohra._result import Result, fmt, one_row
from geohra.convergence._ml import fit_error, fit_lag, impacts
from geohra.convergence._panel import growth_panel, pick
from geohra.convergence.beta import coefficient_table, speed_half_life
from geohra.spatial._prep import _drop_units

__all__ = ["spatial_beta_convergence", "SpatialBetaResult"]

MODELS: dict[str, str] = {
    "lag": "spatial lag (SAR) g = ρWg + Xβ",
    "error": "spatial error (SEM) g = Xβ + u, u = λWu + ε",
    "durbin": "spatial Durbin (SDM) g = ρWg + Xβ + WXθ (lag model with WX as regressors)",
}
SPATIAL_EFFECTS: dict[str, str] = {
    "twoway": "unit and year fixed effects (two-way within transformation)",
    "unit": "unit fixed effects (within transformation by unit)",
}


@dataclass(frozen=True, repr=False)
class SpatialBetaResult(Result):
    """Result of :func:`spatial_beta_convergence`.

    ``coefficients``: one row per term, the spatial parameter last (``rho`` or
    ``lambda``), z statistics. ``impacts``: direct, indirect, total per regressor (lag
    and Durbin models; None for the error model) at the ML estimates; ``impacts_se``
    their standard errors from ``impact_draws`` simulated parameter draws
    (:meth:`impact_table` puts both in one long table). ``omitted``: the (unit, year)
    pairs with a missing value (``nan_policy="omit"``); ``dropped_units``: the units left
    out for them (all their years, and their links in the weights).
    """

    coefficients: pd.DataFrame
    beta: float
    std_error: float
    pvalue: float
    spatial: float
    spatial_name: str
    speed: float
    half_life: float
    model: str
    kind: str
    effects: str
    log_likelihood: float
    sigma2: float
    n_units: int
    n_years: int
    step: float
    variant: str
    observations: pd.DataFrame
    covariance: pd.DataFrame | None = None
    impacts: pd.DataFrame | None = None
    impacts_se: pd.DataFrame | None = None
    impact_draws: int = 0
    omitted: tuple = ()
    dropped_units: tuple = ()

    def _repr_parts(self) -> list[str]:
        parts = [
            self.model,
            self.kind,
            f"beta={fmt(self.beta)}",
            f"{self.spatial_name}={fmt(self.spatial)}",
            f"half-life {fmt(self.half_life, 2)} years",
            f"{self.n_units} units x {self.n_years} steps",
        ]
        return parts

    def impact_table(self) -> pd.DataFrame | None:
        """Long table of direct, indirect and total effects per term: estimate (at the ML
        estimates), simulated std_error, statistic = estimate/std_error and normal pvalue;
        None for the error model."""
        if self.impacts is None:
            return None
        est = self.impacts.stack().rename("estimate")
        out = est.rename_axis(["term", "effect"]).reset_index()
        if self.impacts_se is None:
            return out
        out["std_error"] = self.impacts_se.stack().to_numpy()
        out["statistic"] = out["estimate"] / out["std_error"]
        out["pvalue"] = 2 * stats.norm.sf(np.abs(out["statistic"]))
        return out

    def summary(self) -> pd.DataFrame:
        """One row (index ``measure``): model, β, spatial parameter, speed, half-life, the
        direct/indirect/total effects of ``ln y`` with standard errors (lag and Durbin),
        fit and variant."""
        sp = self.coefficients.loc[self.spatial_name]
        row = {
            "model": self.model,
            "kind": self.kind,
            "effects": self.effects,
            "beta": self.beta,
            "std_error": self.std_error,
            "pvalue": self.pvalue,
            "spatial_parameter": self.spatial_name,
            "spatial_coef": self.spatial,
            "spatial_pvalue": float(sp["pvalue"]),
            "speed": self.speed,
            "half_life_years": self.half_life,
        }
        for effect in ("direct", "indirect", "total"):
            est = se = np.nan
            if self.impacts is not None:
                est = float(self.impacts.loc["log_initial", effect])
                if self.impacts_se is not None:
                    se = float(self.impacts_se.loc["log_initial", effect])
            row[f"{effect}_effect"] = est
            row[f"{effect}_effect_se"] = se
        row.update(
            log_likelihood=self.log_likelihood,
            sigma2=self.sigma2,
            n_units=self.n_units,
            n_years=self.n_years,
            n_omitted=len(self.omitted),
            variant=self.variant,
        )
        return one_row(row, "spatial_beta_convergence")

    def table(self) -> pd.DataFrame:
        """Coefficient table for a report (term, coef, std_error, statistic, pvalue, CI)."""
        return self.coefficients.reset_index()

    def to_frame(self) -> pd.DataFrame:
        """Per (unit, year): initial log level, growth, controls, residual."""
        return self.observations.copy()


def _balanced(obs: pd.DataFrame, ids: pd.Index, *, func: str) -> tuple[np.ndarray, list]:
    """Row positions of ``obs`` arranged year-major in the graph's unit order."""
    years = sorted(obs["year"].unique())
    extra = sorted(set(obs["unit"]) - set(ids), key=str)
    if extra:
        raise ValueError(
            f"{func}: units {extra[:6]} are in the data but not in graph=; build the weights "
            "from the same units (or drop these rows)."
        )
    pos = pd.Series(np.arange(len(obs)), index=pd.MultiIndex.from_frame(obs[["year", "unit"]]))
    full = pd.MultiIndex.from_product([years, list(ids)])
    missing = full.difference(pos.index)
    if len(missing):
        raise ValueError(
            f"{func}: spatial panel models need a balanced panel: every unit of graph= in every "
            f"year with its next year; missing (year, unit): {list(missing[:6])}. "
            "Fill the gaps or drop those units from the data and the weights."
        )
    return pos.reindex(full).to_numpy(), years


def _demean(v: np.ndarray, t: int, n: int, effects: str) -> np.ndarray:
    a = v.reshape(t, n, -1)
    out = a - a.mean(axis=0, keepdims=True)
    if effects == "twoway":
        out = out - a.mean(axis=1, keepdims=True) + a.mean(axis=(0, 1), keepdims=True)
    return out.reshape(v.shape)


def _check_options(model: str, effects: str, graph: Any, impact_draws: Any) -> tuple[str, str]:
    func = "spatial_beta_convergence"
    if (
        isinstance(impact_draws, bool)
        or not isinstance(impact_draws, (int, np.integer))
        or (impact_draws < 0 or 0 < impact_draws < 2)
    ):
        raise ValueError(
            f"{func}: impact_draws must be 0 or an integer >= 2; got {impact_draws!r}."
        )
    model_text = pick(MODELS, model, func=func, option="model")
    eff_text = pick(SPATIAL_EFFECTS, effects, func=func, option="effects")
    if not (hasattr(graph, "sparse") and hasattr(graph, "unique_ids")):
        raise TypeError(
            f"{func}: graph= must be a libpysal Graph (e.g. geohra.spatial_weights(gdf)); "
            f"got {type(graph).__name__}."
        )
    return model_text, eff_text


def _design(
    obs: pd.DataFrame,
    controls: list[str],
    w: np.ndarray,
    t: int,
    n: int,
    model: str,
    effects: str,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Regressor names and the demeaned growth and regressors (WX added for Durbin)."""
    names = ["log_initial", *controls]
    x = obs[names].to_numpy(np.float64)
    if model == "durbin":
        wx = np.einsum("ij,tjk->tik", w, x.reshape(t, n, -1)).reshape(x.shape)
        x = np.column_stack([x, wx])
        names = [*names, *[f"W_{c}" for c in names]]
    y = _demean(obs["growth"].to_numpy(np.float64)[:, None], t, n, effects)[:, 0]
    xd = _demean(x, t, n, effects)
    if np.linalg.matrix_rank(xd) < xd.shape[1]:
        raise ValueError(
            f"spatial_beta_convergence: the regressors are collinear after the fixed effects "
            f"({names}); drop a control that does not vary within units or years."
        )
    return names, y, xd


def spatial_beta_convergence(
    data: pd.DataFrame,
    column: str,
    *,
    graph: Any,
    unit: str = "adcode",
    time: str = "year",
    controls: Sequence[str] = (),
    model: str = "lag",
    effects: str = "twoway",
    impact_draws: int = 1000,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
) -> SpatialBetaResult:
    """Spatial β-convergence (absolute, or conditional with ``controls``) on a balanced panel.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and year; units identified like ``graph``'s ids.
    column : str
        The level whose convergence is tested (positive).
    graph : libpysal Graph
        Spatial weights between the units (e.g. ``geohra.spatial_weights``), used with
        the transformation it carries (row-standardised by default there).
    unit, time : str
        Columns or index levels with the unit id and the year.
    controls : list of str
        Conditioning variables at the start of each step (conditional convergence).
    model : {"lag", "error", "durbin"}
        See the module docstring.
    effects : {"twoway", "unit"}
        Unit and year fixed effects (default) or unit effects only.
    impact_draws : int
        Lag and Durbin models: parameter draws from the estimates' normal distribution
        for the standard errors of the direct/indirect/total effects (LeSage & Pace
        2009); 0 gives point estimates only.
    rng : None, int or numpy Generator
        Randomness of those draws (pass a seed for reproducible standard errors).
    nan_policy : {"raise", "omit"}
        ``"omit"`` leaves out every unit with a missing value (all its years, since the
        spatial panel must be balanced) and its links in ``graph``, whose transformation
        is re-applied; ``.omitted`` lists the missing (unit, year) pairs and
        ``.dropped_units`` the units.

    Returns
    -------
    SpatialBetaResult
    """
    func = "spatial_beta_convergence"
    model_text, eff_text = _check_options(model, effects, graph, impact_draws)
    controls = [controls] if isinstance(controls, str) else list(controls)
    gp = growth_panel(
        data, column, unit=unit, time=time, controls=controls, nan_policy=nan_policy, func=func
    )
    dropped: tuple = ()
    if gp.omitted:
        dropped = tuple(dict.fromkeys(u for u, _ in gp.omitted))
        keep = gp.frame["unit"].isin(dropped)
        gp = replace(gp, frame=gp.frame[~keep].reset_index(drop=True))
        graph = _drop_units(graph, pd.Index(graph.unique_ids).difference(dropped, sort=False), func)
    ids = pd.Index(graph.unique_ids)
    w = np.asarray(graph.sparse.toarray(), dtype=np.float64)
    order, years = _balanced(gp.frame, ids, func=func)
    obs = gp.frame.iloc[order].reset_index(drop=True)
    n, t = len(ids), len(years)
    names, y, xd = _design(obs, controls, w, t, n, model, effects)
    fit = fit_error(y, xd, w) if model == "error" else fit_lag(y, xd, w)
    spatial_name = "lambda" if model == "error" else "rho"
    table = coefficient_table([*names, spatial_name], fit["params"], fit["cov"], None)
    row = table.loc["log_initial"]
    speed, half = speed_half_life(float(row["coef"]), gp.step)
    imp = imp_se = None
    if model != "error":
        k = len(controls) + 1
        point, se = impacts(
            w, fit["params"], fit["cov"], k, model == "durbin", impact_draws, resolve_rng(rng)
        )
        imp, imp_se = (
            None
            if v is None
            else pd.DataFrame(
                v, index=pd.Index(names[:k], name="term"), columns=["direct", "indirect", "total"]
            )
            for v in (point, se)
        )
    observations = obs.set_index(["unit", "year"]).rename_axis([unit, time])
    observations["residual"] = fit["resid"]
    kind = "conditional" if controls else "absolute"
    variant = (
        f"{kind} spatial β-convergence, {model_text}; {eff_text}; ML (Elhorst), "
        f"information-matrix variances; W as given ({getattr(graph, 'transformation', '?')}); "
        f"speed = -ln(1+β)/s, half-life = ln2/speed (s = {gp.step:g})"
    )
    return SpatialBetaResult(
        coefficients=table,
        beta=float(row["coef"]),
        std_error=float(row["std_error"]),
        pvalue=float(row["pvalue"]),
        spatial=float(fit["spatial"]),
        spatial_name=spatial_name,
        speed=speed,
        half_life=half,
        model=model,
        kind=kind,
        effects=effects,
        log_likelihood=float(fit["loglik"]),
        sigma2=float(fit["sigma2"]),
        n_units=n,
        n_years=t,
        step=gp.step,
        variant=variant,
        observations=observations,
        covariance=pd.DataFrame(fit["cov"], index=table.index, columns=table.index),
        impacts=imp,
        impacts_se=imp_se,
        impact_draws=int(impact_draws) if imp is not None else 0,
        omitted=gp.omitted,
        dropped_units=dropped,
    )
