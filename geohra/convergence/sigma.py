"""σ-convergence: dispersion of a level across units, year by year, and its trend.

Measures (units weigh equally; ``ddof`` applies to the two standard deviations):

* ``cv``: coefficient of variation ``sd(y) / mean(y)``;
* ``sd_log``: standard deviation of ``ln y`` (Barro & Sala-i-Martin's σ);
* ``gini``: Gini coefficient (``geohra.gini``);
* ``theil``: Theil T with equal unit weights (``geohra.theil``).

The trend of each measure is the least-squares slope on the year; σ-convergence
means a falling dispersion (negative slope).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from geohra._result import Result, fmt
from geohra.convergence._panel import long_panel

__all__ = ["sigma_convergence", "SigmaResult"]


def _cv(y: np.ndarray, ddof: int) -> float:
    return float(np.std(y, ddof=ddof) / np.mean(y))


def _sd_log(y: np.ndarray, ddof: int) -> float:
    if (y <= 0).any():
        raise ValueError("sigma_convergence: 'sd_log' needs positive values (ln y is taken).")
    return float(np.std(np.log(y), ddof=ddof))


def _gini(y: np.ndarray, ddof: int) -> float:
    from geohra.inequality.gini import gini

    return float(gini(pd.Series(y)))


def _theil(y: np.ndarray, ddof: int) -> float:
    from geohra.inequality.theil import theil

    return float(theil(pd.Series(y)).total)


#: measure registry: name -> (function, formula text)
MEASURES: dict[str, tuple[Callable[[np.ndarray, int], float], str]] = {
    "cv": (_cv, "CV = sd(y)/mean(y)"),
    "sd_log": (_sd_log, "sd(ln y)"),
    "gini": (_gini, "Gini = Σ|y_i - y_j|/(2 n² mean)"),
    "theil": (_theil, "Theil T = (1/n) Σ (y_i/mean) ln(y_i/mean)"),
}


@dataclass(frozen=True, repr=False)
class SigmaResult(Result):
    """Result of :func:`sigma_convergence`.

    ``dispersion``: one row per year, one column per measure (plus ``n_units``).
    ``trend``: per measure the slope on the year, its p-value, the first and last
    values, the change in % and whether the dispersion fell (``converging``).
    """

    dispersion: pd.DataFrame
    trend: pd.DataFrame
    measures: tuple
    ddof: int
    variant: str
    omitted: tuple = ()

    def _repr_parts(self) -> list[str]:
        years = self.dispersion.index
        parts = [f"{years[0]}–{years[-1]}"]
        parts += [f"{m} {fmt(self.trend.loc[m, 'change_pct'], 1)} %" for m in self.measures]
        return parts

    def summary(self) -> pd.DataFrame:
        """The trend table with the variant (one row per measure)."""
        out = self.trend.copy()
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant
        return out

    def to_frame(self) -> pd.DataFrame:
        """The year-by-measure table (indexed by year)."""
        return self.dispersion.copy()

    def table(self) -> pd.DataFrame:
        """The year-by-measure table with the year as a column, for a report."""
        return self.dispersion.reset_index()

    def plot(self, ax: Any = None, *, normalize: bool = True) -> Any:
        """Line chart of each measure over the years (divided by its first value when
        ``normalize``, so measures on different scales share one axis). Returns the Axes."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:  # pragma: no cover - matplotlib is a dependency
            raise ImportError("SigmaResult.plot needs matplotlib: pip install matplotlib") from exc
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        for m in self.measures:
            s = self.dispersion[m]
            ax.plot(s.index, s / s.iloc[0] if normalize else s, marker="o", label=m)
        ax.set_xlabel(self.dispersion.index.name or "year")
        ax.set_ylabel("relative to first year" if normalize else "dispersion")
        ax.set_title("σ-convergence")
        ax.legend(frameon=False)
        return ax


def sigma_convergence(
    data: pd.DataFrame,
    column: str,
    *,
    unit: str = "adcode",
    time: str = "year",
    measures: Sequence[str] = ("cv", "sd_log", "gini", "theil"),
    ddof: int = 0,
    nan_policy: str = "raise",
) -> SigmaResult:
    """Dispersion of ``column`` across units for each year and its linear trend.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and year.
    column : str
        The level (e.g. beds per 1,000 people, or a composite index).
    unit, time : str
        Columns or index levels with the unit id and the year.
    measures : list of str
        Any of ``"cv"``, ``"sd_log"``, ``"gini"``, ``"theil"`` (module docstring).
    ddof : {0, 1}
        Delta degrees of freedom of the standard deviations: 0 divides by n
        (population form, default), 1 by n - 1 (sample form).
    nan_policy : {"raise", "omit"}

    Returns
    -------
    SigmaResult
    """
    if isinstance(measures, str):
        measures = [measures]
    measures = list(measures)
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        raise ValueError(
            f"sigma_convergence: measures must be among {list(MEASURES)}; got {measures}."
        )
    if ddof not in (0, 1):
        raise ValueError(f"sigma_convergence: ddof must be 0 or 1; got {ddof!r}.")
    frame, omitted = long_panel(
        data, [column], unit=unit, time=time, nan_policy=nan_policy, func="sigma_convergence"
    )
    rows = {}
    for year, part in frame.groupby("year", sort=True):
        y = part[column].to_numpy(np.float64)
        if y.size < 2:
            raise ValueError(f"sigma_convergence: year {year!r} has {y.size} unit; need 2 or more.")
        row = {m: MEASURES[m][0](y, ddof) for m in measures}
        row["n_units"] = y.size
        rows[year] = row
    dispersion = pd.DataFrame.from_dict(rows, orient="index").rename_axis(time)
    years = dispersion.index.to_numpy(np.float64)
    trend_rows = []
    for m in measures:
        v = dispersion[m].to_numpy()
        if years.size >= 3:
            fit = stats.linregress(years, v)
            slope, p = float(fit.slope), float(fit.pvalue)
        else:
            slope, p = float((v[-1] - v[0]) / (years[-1] - years[0])), float("nan")
        trend_rows.append(
            {
                "measure": m,
                "first": v[0],
                "last": v[-1],
                "change_pct": (v[-1] / v[0] - 1) * 100 if v[0] != 0 else float("nan"),
                "slope_per_year": slope,
                "pvalue": p,
                "converging": bool(slope < 0),
            }
        )
    trend = pd.DataFrame(trend_rows).set_index("measure")
    variant = (
        "σ-convergence, units weigh equally: "
        + "; ".join(MEASURES[m][1] for m in measures)
        + f"; sd with ddof={ddof}; trend = least-squares slope on the year"
    )
    return SigmaResult(
        dispersion=dispersion,
        trend=trend,
        measures=tuple(measures),
        ddof=int(ddof),
        variant=variant,
        omitted=omitted,
    )
