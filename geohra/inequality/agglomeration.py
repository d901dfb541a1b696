"""Health resource agglomeration degree (HRAD) and population agglomeration degree (PAD).

For unit i with resource R_i, population P_i and land area A_i (totals R, P, A over
the units passed in):

    HRAD_i = (R_i / R) / (A_i / A)      share of the resource over share of land
    PAD_i  = (P_i / P) / (A_i / A)      share of people over share of land
    HRAD_i / PAD_i = (R_i / R) / (P_i / P) = (R_i / P_i) / (R / P)

so the ratio is the unit's resource per head relative to the all-unit level: above 1
the unit holds more than its population share, below 1 less. Studies read HRAD
against PAD to judge whether resources follow people (ratio ≈ 1) or land.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import renamed_arguments
from geohra._result import Result, fmt, one_row
from geohra.inequality._prep import check_nonnegative, resolve

__all__ = ["agglomeration", "AgglomerationResult"]

VARIANT = "HRAD = (R_i/R)/(A_i/A); PAD = (P_i/P)/(A_i/A); ratio = HRAD/PAD = (R_i/P_i)/(R/P); totals over the units given"


@dataclass(frozen=True, repr=False)
class AgglomerationResult(Result):
    """HRAD, PAD and their ratio per unit (Series indexed like the input).

    ``per_capita`` is R_i / P_i, ``density`` is R_i / A_i; ``totals`` holds R, P, A.
    ``summary()`` counts units by whether HRAD, PAD and the ratio exceed 1.
    """

    hrad: pd.Series
    pad: pd.Series
    ratio: pd.Series
    per_capita: pd.Series
    density: pd.Series
    totals: pd.Series
    variant: str
    n: int
    omitted: tuple = ()
    units: pd.DataFrame = field(default=None, repr=False)

    def _repr_parts(self) -> list[str]:
        parts = [
            f"n={self.n}",
            f"HRAD > 1: {int((self.hrad > 1).sum())}",
            f"PAD > 1: {int((self.pad > 1).sum())}",
            f"ratio {fmt(self.ratio.min(), 3)}–{fmt(self.ratio.max(), 3)}",
        ]
        return parts

    def to_frame(self) -> pd.DataFrame:
        """Per unit, indexed like the input: inputs, shares, hrad, pad, ratio, per_capita, density."""
        return self.units.copy()

    def summary(self) -> pd.DataFrame:
        """One row: n, totals, all-unit resource per head, and how many units lie above 1."""
        row = {
            "n": self.n,
            "resource_total": self.totals["resource"],
            "population_total": self.totals["population"],
            "area_total": self.totals["area"],
            "per_capita_overall": self.totals["resource"] / self.totals["population"],
            "n_hrad_above_1": int((self.hrad > 1).sum()),
            "n_pad_above_1": int((self.pad > 1).sum()),
            "n_ratio_above_1": int((self.ratio > 1).sum()),
            "ratio_min": float(self.ratio.min()),
            "ratio_max": float(self.ratio.max()),
            "n_omitted": len(self.omitted),
            "variant": self.variant,
        }
        return one_row(row, "Agglomeration (HRAD/PAD)")


@renamed_arguments(resource="column")
def agglomeration(
    data: Any,
    column: str | pd.Series | None = None,
    *,
    population: str | pd.Series | np.ndarray,
    area: str | pd.Series | np.ndarray,
    nan_policy: str = "raise",
) -> AgglomerationResult:
    """Resource and population agglomeration degrees of one cross-section.

    Parameters
    ----------
    data
        A (Geo)DataFrame with the resource in ``column``, or the resource totals as a
        Series (then ``population``/``area`` are Series or arrays).
    column
        Resource total per unit (beds, doctors, ...): a column name of ``data``. (A Series
        of resources is still accepted here, as before 0.2, when ``data`` is the frame the
        population and area columns come from; the old keyword ``resource=`` warns.)
    population, area
        Population and land area per unit (column names, Series aligned on the index,
        or arrays by position). Any area unit works (the shares are unit-free).
    nan_policy
        ``"raise"`` or ``"omit"`` (omitted labels in ``.omitted``).

    Returns
    -------
    AgglomerationResult
        ``hrad``, ``pad``, ``ratio`` (= HRAD/PAD = per-head resource relative to the
        all-unit level), ``per_capita``, ``density``; totals are over the units passed.

    Raises
    ------
    ValueError
        Negative resource, population or area that is not positive (a unit without
        land or people has no share to divide by), NaN, mismatched labels.
    """
    resource = column
    if isinstance(data, pd.Series) and resource is None:
        resource, data = data, None
    if isinstance(resource, pd.Series):
        inp = resolve(
            resource,
            None,
            func="agglomeration",
            numeric={"population": _as_input(data, population), "area": _as_input(data, area)},
            nan_policy=nan_policy,
            expects=("population", "totals"),
        )
    else:
        inp = resolve(
            data,
            resource,
            func="agglomeration",
            numeric={"population": population, "area": area},
            nan_policy=nan_policy,
            expects=("population", "totals"),
        )
    f = inp.frame
    check_nonnegative(
        f["value"], func="agglomeration", what="resource values", why="they are counts"
    )
    for key in ("population", "area"):
        bad = f[key] <= 0
        if bad.any():
            raise ValueError(
                f"agglomeration: {key} must be positive for every unit (its share is a divisor); "
                f"{int(bad.sum())} unit(s) have {key} <= 0: {list(f.index[bad][:5])}. "
                "Fix the values or leave those units out."
            )
    R, P, A = (float(f[c].sum()) for c in ("value", "population", "area"))
    if not R > 0:
        raise ValueError("agglomeration: the resource total is zero; shares are 0/0.")
    r_share, p_share, a_share = f["value"] / R, f["population"] / P, f["area"] / A
    hrad = (r_share / a_share).rename("hrad")
    pad = (p_share / a_share).rename("pad")
    ratio = (r_share / p_share).rename("ratio")
    per_capita = (f["value"] / f["population"]).rename("per_capita")
    density = (f["value"] / f["area"]).rename("density")
    units = pd.DataFrame(
        {
            "resource": f["value"],
            "population": f["population"],
            "area": f["area"],
            "resource_share": r_share,
            "population_share": p_share,
            "area_share": a_share,
            "hrad": hrad,
            "pad": pad,
            "ratio": ratio,
            "per_capita": per_capita,
            "density": density,
        }
    )
    return AgglomerationResult(
        hrad=hrad,
        pad=pad,
        ratio=ratio,
        per_capita=per_capita,
        density=density,
        totals=pd.Series({"resource": R, "population": P, "area": A}),
        variant=VARIANT,
        n=len(f),
        omitted=inp.omitted,
        units=units,
    )


def _as_input(data: Any, spec: Any) -> Any:
    # with a resource Series, column names still refer to ``data``
    if isinstance(spec, str):
        if not isinstance(data, pd.DataFrame) or spec not in data.columns:
            raise KeyError(f"agglomeration: column {spec!r} is not in the data.")
        return data[spec]
    return spec
