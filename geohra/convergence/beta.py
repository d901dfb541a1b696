"""β-convergence on a panel: absolute (no controls) or conditional (with controls),
with unit and/or year fixed effects and cluster-robust standard errors.

Model, for unit ``i`` and the step from year ``t`` to ``t + s`` (``s`` the spacing of
the panel's years, 1 for annual data)::

    ln(y_{i,t+s} / y_{i,t}) = β ln y_{i,t} + γ' X_{i,t} + μ_i + η_t + ε_{i,t}

``β < 0`` (significantly) means convergence. Speed ``λ = -ln(1 + β) / s`` and
half-life ``ln 2 / λ`` (in years). Estimated by least squares on the within
transformation (unit effects) with year dummies (year effects).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from geohra._result import Result, fmt, one_row
from geohra.convergence._panel import COV_TYPES, EFFECTS, design, growth_panel, ols_cov, pick

__all__ = ["beta_convergence", "BetaResult", "speed_half_life"]


def speed_half_life(beta: float, step: float = 1.0) -> tuple[float, float]:
    """Convergence speed ``λ = -ln(1 + β)/s`` and half-life ``ln 2/λ``.

    NaN when ``β <= -1`` (the log is undefined) or when ``β >= 0`` for the half-life
    (no convergence, so no gap is ever halved).
    """
    if not beta > -1:
        return float("nan"), float("nan")
    lam = -np.log1p(beta) / step
    return float(lam), float(np.log(2.0) / lam) if lam > 0 else float("nan")


def coefficient_table(
    names: list[str], params: np.ndarray, cov: np.ndarray, df: float | None
) -> pd.DataFrame:
    """coef, std_error, statistic (t, or z when ``df`` is None), pvalue and 95 % interval."""
    se = np.sqrt(np.diag(cov))
    stat = params / se
    if df is None:
        p = 2 * stats.norm.sf(np.abs(stat))
        q = stats.norm.ppf(0.975)
    else:
        p = 2 * stats.t.sf(np.abs(stat), df)
        q = stats.t.ppf(0.975, df)
    return pd.DataFrame(
        {
            "coef": params,
            "std_error": se,
            "statistic": stat,
            "pvalue": p,
            "ci_lower": params - q * se,
            "ci_upper": params + q * se,
        },
        index=pd.Index(names, name="term"),
    )


@dataclass(frozen=True, repr=False)
class BetaResult(Result):
    """Result of :func:`beta_convergence`.

    ``coefficients`` has one row per term (``log_initial`` is β; year dummies are not
    shown); ``beta``, ``std_error``, ``pvalue`` repeat β's row; ``speed`` and
    ``half_life`` follow from β (NaN where undefined); ``r2`` is the R² of the
    transformed regression (the within R², year dummies included, under unit effects);
    ``observations`` holds the regression data with residuals.
    """

    coefficients: pd.DataFrame
    beta: float
    std_error: float
    pvalue: float
    speed: float
    half_life: float
    kind: str
    effects: str
    cov_type: str
    nobs: int
    n_units: int
    n_years: int
    step: float
    r2: float
    variant: str
    observations: pd.DataFrame
    omitted: tuple = ()

    def _repr_parts(self) -> list[str]:
        parts = [
            self.kind,
            f"beta={fmt(self.beta)}",
            f"p={fmt(self.pvalue)}",
            f"half-life {fmt(self.half_life, 2)} years",
            f"effects={self.effects}",
            f"n={self.nobs}",
        ]
        return parts

    @property
    def converging(self) -> bool:
        """β < 0 and significant at 5 %."""
        return bool(self.beta < 0 and self.pvalue < 0.05)

    def summary(self) -> pd.DataFrame:
        """One row (index ``measure``): β, its standard error and p-value, speed,
        half-life, fit and variant."""
        return one_row(
            {
                "kind": self.kind,
                "effects": self.effects,
                "beta": self.beta,
                "std_error": self.std_error,
                "pvalue": self.pvalue,
                "converging": self.converging,
                "speed": self.speed,
                "half_life_years": self.half_life,
                "r2": self.r2,
                "n_obs": self.nobs,
                "n_units": self.n_units,
                "n_years": self.n_years,
                "cov_type": self.cov_type,
                "n_omitted": len(self.omitted),
                "variant": self.variant,
            },
            "beta_convergence",
        )

    def table(self) -> pd.DataFrame:
        """Coefficient table for a report (term, coef, std_error, statistic, pvalue, CI)."""
        return self.coefficients.reset_index()

    def to_frame(self) -> pd.DataFrame:
        """Per (unit, year): initial log level, growth, controls, residual."""
        return self.observations.copy()


def beta_convergence(
    data: pd.DataFrame,
    column: str,
    *,
    unit: str = "adcode",
    time: str = "year",
    controls: Sequence[str] = (),
    effects: str = "twoway",
    cov_type: str = "cluster",
    nan_policy: str = "raise",
) -> BetaResult:
    """Absolute (no ``controls``) or conditional β-convergence on a long panel.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and year (e.g. ``geohra.load_demo(...)``).
    column : str
        The level whose convergence is tested (positive; its log is taken).
    unit, time : str
        Columns or index levels with the unit id and the year (equally spaced years).
    controls : list of str
        Conditioning variables at the start of each step, used as given (log them
        yourself if the study does). Empty: absolute β-convergence.
    effects : {"twoway", "unit", "time", "none"}
        Fixed effects: unit and year (default), unit only, year only, or pooled OLS.
    cov_type : {"cluster", "robust", "unadjusted"}
        Cluster-robust by unit (default; small-sample factor ``G/(G-1)·(N-1)/(N-K)``
        with ``K`` the slopes plus one, as Stata's ``xtreg, fe vce(cluster)``; p-values
        from t with ``G-1`` degrees of freedom), HC1, or classical.
    nan_policy : {"raise", "omit"}
        ``"omit"`` leaves out unit-years with a missing value (a step is used only when
        both its years are present).

    Returns
    -------
    BetaResult
    """
    cov_text = pick(COV_TYPES, cov_type, func="beta_convergence", option="cov_type")
    eff_text = pick(EFFECTS, effects, func="beta_convergence", option="effects")
    controls = [controls] if isinstance(controls, str) else list(controls)
    if column in controls or len(set(controls)) != len(controls):
        raise ValueError(
            f"beta_convergence: controls {controls} repeat a name or include {column!r}."
        )
    gp = growth_panel(
        data,
        column,
        unit=unit,
        time=time,
        controls=controls,
        nan_policy=nan_policy,
        func="beta_convergence",
    )
    obs = gp.frame
    ucodes, units = pd.factorize(obs["unit"], sort=True)
    tcodes, years = pd.factorize(obs["year"], sort=True)
    names = ["log_initial", *controls]
    x = obs[names].to_numpy(np.float64)
    y, xx, all_names, absorbed = design(
        obs["growth"].to_numpy(np.float64), x, names, ucodes, tcodes, effects
    )
    fit = ols_cov(
        y, xx, absorbed=absorbed, cov_type=cov_type, clusters=ucodes, func="beta_convergence"
    )
    df = len(units) - 1 if cov_type == "cluster" else fit["df_resid"]
    table = coefficient_table(all_names, fit["params"], fit["cov"], df)
    table = table.loc[[n for n in all_names if not n.startswith("_year")]]
    row = table.loc["log_initial"]
    speed, half = speed_half_life(float(row["coef"]), gp.step)
    observations = obs.set_index(["unit", "year"]).rename_axis([unit, time])
    observations["residual"] = fit["resid"]
    kind = "conditional" if controls else "absolute"
    variant = (
        f"{kind} β-convergence: ln(y_t+s/y_t) = β ln y_t"
        + (" + γ'X_t" if controls else "")
        + f"; {eff_text}; {cov_text}; speed = -ln(1+β)/s, half-life = ln2/speed (s = {gp.step:g})"
    )
    return BetaResult(
        coefficients=table,
        beta=float(row["coef"]),
        std_error=float(row["std_error"]),
        pvalue=float(row["pvalue"]),
        speed=speed,
        half_life=half,
        kind=kind,
        effects=effects,
        cov_type=cov_type,
        nobs=int(fit["nobs"]),
        n_units=len(units),
        n_years=len(years),
        step=gp.step,
        r2=float(fit["r2"]),
        variant=variant,
        observations=observations,
        omitted=gp.omitted,
    )
