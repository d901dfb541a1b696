"""Result classes of :mod:`geohra.inequality.theil` (re-exported there): the Theil index
with its within/between decomposition, and the pairwise between-region table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from geohra._result import Result, fmt, one_row, pct


def _pct(part: float | np.ndarray, whole: float) -> Any:
    # a perfectly equal distribution has no inequality to apportion
    return part / whole * 100.0 if whole > 0 else part * np.nan


@dataclass(frozen=True, repr=False)
class TheilResult(Result):
    """Theil index of one cross-section and its within/between decomposition.

    ``within``, ``between`` and ``groups`` are None without ``by``.
    ``groups`` has one row per group: ``n_units``, ``resource_share`` (S_g),
    ``unit_share`` (n_g/n), ``population_share`` (P_g/P; equals ``unit_share`` when
    unweighted), ``theil`` (the group's own index, 0 for a one-unit group),
    ``weighted_theil`` (its part of ``within``: S_g·T_g for T, Q_g·L_g for L),
    ``between_term`` (its part of ``between``), ``contribution_pct`` (weighted_theil as
    % of the total) and ``within_pct`` (as % of ``within``).
    """

    total: float
    within: float | None
    between: float | None
    index: str
    base: str
    weighted: bool
    variant: str
    n: int
    omitted: tuple = ()
    _parts: dict = field(default=None, repr=False, compare=False)

    @cached_property
    def groups(self) -> pd.DataFrame | None:
        """Per-group table (None without ``by``); built on first access."""
        p = self._parts
        codes = p["codes"]
        if codes is None:
            return None
        res, scale, uniques = p["res"], p["scale"], p["uniques"]
        k = len(uniques)
        n_units = np.bincount(codes, minlength=k)
        gw = res["group_weighted"] / scale
        groups = pd.DataFrame(
            {
                "n_units": n_units,
                "resource_share": np.bincount(codes, weights=p["s"], minlength=k),
                "unit_share": n_units / self.n,
                "population_share": np.bincount(codes, weights=p["q"], minlength=k),
                "theil": res["group_index"] / scale,
                "weighted_theil": gw,
                "between_term": res["between_terms"] / scale,
                "contribution_pct": _pct(gw, self.total),
                "within_pct": _pct(gw, self.within),
            },
            index=uniques,
        )
        groups.index.name = p["group_name"]
        return groups

    @cached_property
    def units(self) -> pd.DataFrame:
        """Per unit, indexed like the input (see ``to_frame``); built on first access."""
        p = self._parts
        index = pd.RangeIndex(self.n) if p["index"] is None else p["index"]
        units = pd.DataFrame({"value": p["y"]}, index=index)
        if p["population"] is not None:
            units["population"] = p["population"]
        if p["labels"] is not None:
            units["group"] = p["labels"]
        units["resource_share"] = p["s"]
        units["population_share"] = p["q"]
        units["term"] = p["res"]["terms"] / p["scale"]
        return units

    def _repr_parts(self) -> list[str]:
        parts = [f"total={fmt(self.total)}"]
        if self.groups is not None:
            parts += [
                f"within {pct(self.within, self.total)}",
                f"between {pct(self.between, self.total)}",
                f"{len(self.groups)} groups",
            ]
        parts += [f"Theil {self.index}", f"n={self.n}"]
        if self.weighted:
            parts.append("population-weighted")
        return parts

    def summary(self) -> pd.DataFrame:
        """One row (index ``measure``): total, within, between, their shares (%) and the
        variant used."""
        row = {
            "index": self.index,
            "base": self.base,
            "weighted": self.weighted,
            "n": self.n,
            "n_groups": None if self.groups is None else len(self.groups),
            "total": self.total,
            "within": self.within,
            "between": self.between,
            "within_pct": None if self.within is None else _pct(self.within, self.total),
            "between_pct": None if self.between is None else _pct(self.between, self.total),
            "n_omitted": len(self.omitted),
            "variant": self.variant,
        }
        return one_row(row, f"Theil {self.index}")

    def to_frame(self) -> pd.DataFrame:
        """Per unit, indexed like the input: inputs, shares and ``term`` (the unit's additive
        part of ``total``; may be negative)."""
        return self.units.copy()


@dataclass(frozen=True, repr=False)
class PairwiseTheilResult(Result):
    """Between-region Theil index for every pair of regions.

    ``table`` has one row per pair (``region_a``, ``region_b``) with ``between`` (the
    between-region part for the units of the two regions only), ``within``, ``total`` of
    that two-region subset and ``between_pct`` (between as % of the pair's total).
    """

    table: pd.DataFrame
    index: str
    base: str
    weighted: bool
    variant: str
    omitted: tuple = ()

    def _repr_parts(self) -> list[str]:
        t = self.table
        top = t.loc[t["between"].idxmax()] if len(t) else None
        parts = [f"{len(t)} pairs", f"Theil {self.index}"]
        if top is not None:
            parts.append(f"largest {top['region_a']}–{top['region_b']} {fmt(top['between'])}")
        return parts

    def matrix(self) -> pd.DataFrame:
        """Symmetric region x region table of ``between`` (0 on the diagonal)."""
        regions = list(dict.fromkeys([*self.table["region_a"], *self.table["region_b"]]))
        out = pd.DataFrame(0.0, index=regions, columns=regions)
        for a, b, v in self.table[["region_a", "region_b", "between"]].itertuples(index=False):
            out.loc[a, b] = out.loc[b, a] = v
        return out

    def summary(self) -> pd.DataFrame:
        """The pair table with the variant."""
        out = self.table.copy()
        out["n_omitted"] = len(self.omitted)
        out["variant"] = self.variant
        return out

    def to_frame(self) -> pd.DataFrame:
        """The pair table (one row per pair of regions; there is no per-unit output)."""
        return self.table.copy()
