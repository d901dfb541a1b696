"""Coupling coordination degree between n subsystems.

For each row (unit or unit-year) with subsystem indices ``U_1 .. U_n`` in [0, 1]:

* ``method="traditional"``: ``C = n [prod_i U_i / (sum_i U_i)^n]^(1/n)``
  (the ratio of geometric to arithmetic mean; for two systems ``2 sqrt(U1 U2) / (U1 + U2)``);
* ``method="revised"`` (Wang Shu-jia, Kong Wei, Ren Liang, Zhi Dan-dan & Dai Bin-ting 2021,
  "Research on misuses and modification of coupling coordination degree model in China"
  (国内耦合协调度模型的误区及修正), Journal of Natural Resources 36(3):793-810,
  doi:10.31497/zrzyxb.20210319)::

      C = sqrt{ [1 - sum_{i>j} |U_i - U_j| / sum_{m=1}^{n-1} m] * [prod_i (U_i / max U)]^(1/(n-1)) }

* ``method="power"`` with exponent ``k`` (the older form, e.g. Liao Chongbin 1999,
  Tropical Geography 19(2):171-177, with ``k >= 2``; others use ``k = 1/2``)::

      C = { prod_i U_i / [(sum_i U_i) / n]^n }^k     (n = 2: {U1 U2 / [(U1+U2)/2]^2}^k)

  ``k = 1/n`` is the traditional form.

* ``T = sum_i w_i U_i`` (equal weights by default), ``D = sqrt(C T)``.

Grades use the common ten-level scale on ``D``. By default (``closed="left"``)
intervals are closed on the left and open on the right, the last one closed:
``[0, 0.1)`` level 1 extreme disorder ... ``[0.9, 1]`` level 10 high-quality
coordination. Studies that write ``0.9 < D <= 1`` use ``closed="right"``:
``[0, 0.1]`` level 1, ``(0.1, 0.2]`` level 2, ... ``(0.9, 1]`` level 10.
The two differ only for D exactly on a boundary.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geohra._common import handle_nan, to_numeric
from geohra._result import Result, fmt

__all__ = ["coupling_coordination", "CouplingResult", "GRADES"]

#: level -> (English label, Chinese label); level k covers D in [(k-1)/10, k/10)
GRADES: dict[int, tuple[str, str]] = {
    1: ("extreme disorder", "极度失调"),
    2: ("serious disorder", "严重失调"),
    3: ("moderate disorder", "中度失调"),
    4: ("mild disorder", "轻度失调"),
    5: ("on the verge of disorder", "濒临失调"),
    6: ("barely coordinated", "勉强协调"),
    7: ("primary coordination", "初级协调"),
    8: ("intermediate coordination", "中级协调"),
    9: ("good coordination", "良好协调"),
    10: ("high-quality coordination", "优质协调"),
}

_VARIANTS = {
    "traditional": "traditional: C = n[prod U / (sum U)^n]^(1/n); T = sum w U; D = sqrt(C T)",
    "power": "power: C = {prod U / [(sum U)/n]^n}^k with k = {k:g}; T = sum w U; D = sqrt(C T)",
    "revised": "revised (Wang et al. 2021): C = sqrt{[1 - sum_{i>j}|Ui-Uj| / sum_{m=1}^{n-1} m]"
    " [prod (Ui/max U)]^(1/(n-1))}; T = sum w U; D = sqrt(C T)",
}


@dataclass(frozen=True, repr=False)
class CouplingResult(Result):
    """Result of :func:`coupling_coordination`.

    Attributes
    ----------
    table : DataFrame indexed like the input with columns C, T, D, level, grade,
        grade_en, grade_zh, lagging.
    method, weights, columns, variant, undefined (rows where C is undefined), omitted.
    """

    table: pd.DataFrame
    method: str
    columns: tuple
    weights: pd.Series
    variant: str
    closed: str = "left"
    undefined: tuple = ()
    omitted: tuple = ()

    def _repr_parts(self) -> list[str]:
        t = self.table
        parts = [f"n={len(t)}", f"{len(self.columns)} systems", f"mean D={fmt(t['D'].mean(), 3)}"]
        if t["level"].notna().any():
            top = t["level"].value_counts().idxmax()
            parts.append(f"most common grade {int(top)} {GRADES[int(top)][0]!r}")
        parts.append(self.method)
        if self.undefined:
            parts.append(f"{len(self.undefined)} undefined")
        return parts

    def to_frame(self) -> pd.DataFrame:
        """C, T, D, level, grade (+ English and Chinese labels) and lagging system per row."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """One row per grade: its D interval (with the closure used), labels, the
        number and share of rows in it and their mean C, T and D; with the variant."""
        t = self.table
        levels = list(range(1, 11))

        def interval(k: int) -> str:
            lo, hi = (k - 1) / 10, k / 10
            if self.closed == "left":
                return f"[{lo:.1f}, {hi:.1f}" + ("]" if k == 10 else ")")
            return ("[" if k == 1 else "(") + f"{lo:.1f}, {hi:.1f}]"

        grouped = t.groupby("level")[["C", "T", "D"]].mean().reindex(levels)
        counts = t["level"].value_counts().reindex(levels, fill_value=0)
        out = pd.DataFrame(
            {
                "interval": [interval(k) for k in levels],
                "grade_en": [GRADES[k][0] for k in levels],
                "grade_zh": [GRADES[k][1] for k in levels],
                "count": counts.to_numpy(),
                "share": counts.to_numpy() / max(len(t), 1),
                "mean_C": grouped["C"].to_numpy(),
                "mean_T": grouped["T"].to_numpy(),
                "mean_D": grouped["D"].to_numpy(),
            },
            index=pd.Index(levels, name="level"),
        )
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant
        return out


def _grade_levels(d: np.ndarray, closed: str) -> np.ndarray:
    # Rounded to 12 decimals so that floating-point noise at a boundary
    # (sqrt giving 0.6999999999999999 for 0.7) does not move a unit across a grade.
    scaled = np.round(d, 12) * 10
    if closed == "left":
        level = np.minimum(np.floor(scaled) + 1, 10)
    else:
        level = np.maximum(np.ceil(scaled), 1)
    return np.where(np.isnan(d), np.nan, level)


def _validate_options(
    data: pd.DataFrame,
    columns: Sequence[str],
    weights: Sequence[float] | Mapping[str, float] | pd.Series | None,
    method: str,
    k: float | None,
    lang: str,
    closed: str,
) -> tuple[list[str], pd.Series]:
    """Check the options and the columns; return the column list and the weights Series."""
    if method not in _VARIANTS:
        raise ValueError(
            f"coupling_coordination: method must be one of {list(_VARIANTS)}; got {method!r}."
        )
    if method == "power":
        if k is None or not (np.isfinite(k) and k > 0):
            raise ValueError(
                "coupling_coordination: method='power' needs a positive exponent k= "
                f"(e.g. k=2 as in Liao 1999, or k=0.5); got {k!r}."
            )
    elif k is not None:
        raise TypeError(
            f"coupling_coordination: k= applies to method='power' only, not {method!r}."
        )
    if closed not in ("left", "right"):
        raise ValueError(
            f"coupling_coordination: closed must be 'left' or 'right'; got {closed!r}."
        )
    if lang not in ("en", "zh"):
        raise ValueError(f"coupling_coordination: lang must be 'en' or 'zh'; got {lang!r}.")
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"coupling_coordination: data must be a DataFrame; got {type(data).__name__}."
        )
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if len(columns) < 2 or len(set(columns)) != len(columns):
        raise ValueError(
            f"coupling_coordination: need at least two distinct subsystem columns; got {columns}."
        )
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(
            f"coupling_coordination: columns {missing} are not in the data; "
            f"available: {list(map(str, data.columns))}."
        )
    return columns, _validate_weights(weights, columns)


def _validate_weights(
    weights: Sequence[float] | Mapping[str, float] | pd.Series | None, columns: list[str]
) -> pd.Series:
    n = len(columns)
    if weights is None:
        return pd.Series(1.0 / n, index=columns)
    if isinstance(weights, (Mapping, pd.Series)):
        w = pd.Series(dict(weights), dtype=float)
        if set(w.index) != set(columns):
            raise ValueError(
                f"coupling_coordination: weights are given for {list(w.index)} but the "
                f"subsystems are {columns}; give one weight per subsystem."
            )
        w = w.reindex(columns)
    else:
        arr = np.asarray(weights, dtype=float)
        if arr.shape != (n,):
            raise ValueError(
                f"coupling_coordination: expected {n} weights (one per column); "
                f"got shape {arr.shape}."
            )
        w = pd.Series(arr, index=columns)
    if (w < 0).any() or not np.isclose(w.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError(
            "coupling_coordination: weights must be non-negative and sum to 1; got "
            f"{w.to_dict()} (sum {w.sum():.6g}). Divide them by their sum if they are shares."
        )
    return w


def _check_unit_interval(vals: np.ndarray, index: pd.Index) -> None:
    outside = (vals < 0) | (vals > 1)
    if outside.any():
        rows = index[outside.any(axis=1)]
        shown = ", ".join(map(repr, rows[:6])) + (" ..." if len(rows) > 6 else "")
        raise ValueError(
            f"coupling_coordination: subsystem indices must lie in [0, 1]; {len(rows)} row(s) "
            f"outside: {shown} (range {np.nanmin(vals):.4g} to {np.nanmax(vals):.4g}). "
            "Normalise first, e.g. entropy scores with scale=1 (or divide 0-100 scores by 100) "
            "or min-max normalise each subsystem."
        )


def _coupling_core(
    vals: np.ndarray, w: np.ndarray, method: str, k: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """C, T, D per row of ``vals`` (rows x systems, in [0, 1]) and the all-zero mask."""
    n = vals.shape[1]
    zero = (vals == 0).all(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "traditional":
            # geometric / arithmetic mean, in logs only where all U > 0 (else C = 0)
            gm = np.exp(np.log(np.where(vals > 0, vals, 1.0)).mean(axis=1))
            c = np.where((vals > 0).all(axis=1), n * gm / vals.sum(axis=1), 0.0)
        elif method == "power":
            # (GM/AM)^(n k), the same ratio as the traditional form raised to n·k
            gm = np.exp(np.log(np.where(vals > 0, vals, 1.0)).mean(axis=1))
            ratio = np.where((vals > 0).all(axis=1), gm / vals.mean(axis=1), 0.0)
            c = ratio ** (n * k)
        else:
            i, j = np.triu_indices(n, k=1)
            spread = np.abs(vals[:, i] - vals[:, j]).sum(axis=1) / (n * (n - 1) / 2)
            ratio = vals / vals.max(axis=1, keepdims=True)
            c = np.sqrt((1.0 - spread) * np.prod(ratio, axis=1) ** (1.0 / (n - 1)))
    c = np.where(zero, np.nan, np.minimum(c, 1.0))  # min: GM/AM can exceed 1 by rounding only
    t = vals @ w
    d = np.where(zero, 0.0, np.sqrt(c * t))
    return c, t, d, zero


def _coupling_table(
    vals: np.ndarray,
    c: np.ndarray,
    t: np.ndarray,
    d: np.ndarray,
    index: pd.Index,
    columns: list[str],
    closed: str,
    lang: str,
) -> pd.DataFrame:
    """The per-row table: C, T, D, grade level and labels, lagging system."""
    level = _grade_levels(d, closed)
    en = [GRADES[int(k)][0] if k == k else None for k in level]
    zh = [GRADES[int(k)][1] if k == k else None for k in level]

    lo = vals.argmin(axis=1)
    equal = np.isclose(vals.max(axis=1), vals.min(axis=1), rtol=0, atol=1e-12)
    lagging = np.where(equal, "synchronous", [f"{columns[k]} lagging" for k in lo])

    return pd.DataFrame(
        {
            "C": c,
            "T": t,
            "D": d,
            "level": pd.array(level, dtype="Int64"),
            "grade": en if lang == "en" else zh,
            "grade_en": en,
            "grade_zh": zh,
            "lagging": lagging,
        },
        index=index,
    )


def coupling_coordination(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    weights: Sequence[float] | Mapping[str, float] | pd.Series | None = None,
    method: str = "revised",
    k: float | None = None,
    lang: str = "en",
    closed: str = "left",
    nan_policy: str = "raise",
) -> CouplingResult:
    """Coupling degree C, comprehensive index T, coordination degree D and grade per row.

    Parameters
    ----------
    data : DataFrame
        One row per unit (or unit-year); panels work row by row.
    columns : list of str
        At least two subsystem index columns, each in [0, 1] (e.g. entropy
        scores with ``scale=1``; divide 0-100 scores by 100 first).
    weights : sequence, mapping or Series, optional
        Contribution of each subsystem to ``T``; non-negative and summing to 1.
        Default equal weights ``1/n``.
    method : {"revised", "traditional", "power"}
        Formula for C (see the module docstring).
    k : float
        ``method="power"`` only (required there): the exponent of the power form.
    closed : {"left", "right"}
        Which end of each grade interval belongs to it (see the module docstring).
    lang : {"en", "zh"}
        Language of the ``grade`` column (``grade_en`` and ``grade_zh`` are always given).
    nan_policy : {"raise", "omit"}

    Returns
    -------
    CouplingResult
        ``.to_frame()`` has columns C, T, D, level (1..10), grade, grade_en,
        grade_zh and lagging: the subsystem with the smallest U (for two systems
        ``"<col> lagging"``; ``"synchronous"`` when all are equal).

    Notes
    -----
    A row with every ``U_i = 0`` has an undefined C (0/0); it is reported as
    ``C = NaN`` with a warning naming the rows, ``T = 0`` and ``D = 0`` (since
    ``D = sqrt(C T)`` is 0 for any C in [0, 1] when T = 0), grade level 1.
    """
    columns, w = _validate_options(data, columns, weights, method, k, lang, closed)
    # converted here, not in a helper, so data-quality warnings point at the caller
    u = pd.DataFrame(
        {c: to_numeric(data[c], name=f"coupling_coordination: {c!r}") for c in columns}
    )
    u, omitted = handle_nan(u, nan_policy=nan_policy, name="coupling_coordination")
    vals = u.to_numpy()
    _check_unit_interval(vals, u.index)

    c, t, d, zero = _coupling_core(vals, w.to_numpy(), method, k)
    if zero.any():
        rows = list(u.index[zero])
        warnings.warn(
            f"coupling_coordination: C is undefined where every subsystem is 0 (rows {rows[:8]}"
            f"{' ...' if len(rows) > 8 else ''}); C is NaN there and D = 0.",
            UserWarning,
            stacklevel=2,
        )
    return CouplingResult(
        table=_coupling_table(vals, c, t, d, u.index, columns, closed, lang),
        method=method,
        columns=tuple(columns),
        weights=w,
        variant=_VARIANTS[method].replace("{k:g}", f"{k:g}")
        if method == "power"
        else _VARIANTS[method],
        closed=closed,
        undefined=tuple(u.index[zero]),
        omitted=tuple(omitted),
    )
