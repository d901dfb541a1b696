"""Data-quality checks of a tidy panel: missing cells, identical years, missing-value codes.

They only warn (:class:`geohra.DataQualityWarning`); the values are never changed.
"""

from __future__ import annotations

import warnings

import pandas as pd

from geohra._checks import DataQualityWarning, sentinel_mask

__all__ = ["check_quality"]


def check_quality(panel: pd.DataFrame, *, who: str = "read_panel") -> None:
    """Warn (DataQualityWarning) about missing values and identical years; never changes data.

    Two checks per indicator: (1) cells missing in a year for which other units have a
    value (years with no value at all are simply not reported) and units without a row
    for a year others have; (2) two years whose values are identical for every unit,
    unless the indicator is constant over all years (e.g. area), which is normal.
    """
    value_cols = [c for c in panel.columns if c not in ("adcode", "year")]
    wide_all = panel.set_index(["adcode", "year"])
    years = sorted(panel["year"].unique())
    units = list(pd.unique(panel["adcode"]))
    missing_msgs = []
    present = set(zip(panel["adcode"], panel["year"], strict=True))
    full = pd.MultiIndex.from_product([units, years], names=["adcode", "year"])
    absent = full.difference(wide_all.index)
    if len(absent):
        shown = ", ".join(f"{u} {y}" for u, y in list(absent)[:10])
        missing_msgs.append(
            f"no row for {len(absent)} unit-year(s): {shown}{' ...' if len(absent) > 10 else ''}"
        )
    for col in value_cols:
        grid = wide_all[col].unstack("year").reindex(index=units, columns=years)
        for y in years:
            colvals = grid[y]
            if colvals.notna().any() and colvals.isna().any():
                miss = [u for u in colvals.index[colvals.isna()] if (u, y) in present]
                if miss:
                    missing_msgs.append(
                        f"{col!r} {y}: {', '.join(map(str, miss[:10]))}{' ...' if len(miss) > 10 else ''}"
                    )
    if missing_msgs:
        warnings.warn(
            f"{who}: missing values (kept as NaN, never zero) - "
            + "; ".join(missing_msgs[:12])
            + (" ..." if len(missing_msgs) > 12 else "")
            + ". Check the source; statistics raise on NaN unless you pass nan_policy='omit'.",
            DataQualityWarning,
            stacklevel=4,
        )
    _warn_sentinels(panel, value_cols, who)
    for col in value_cols:
        grid = wide_all[col].unstack("year").reindex(columns=years)
        reported = [y for y in years if grid[y].notna().sum() >= 2]
        if len(reported) < 2:
            continue
        if len(reported) >= 3 and all(grid[reported[0]].equals(grid[y]) for y in reported[1:]):
            continue  # the same in 3+ years: a fixed attribute (area), not a copy error
        pairs = [
            (a, b)
            for i, a in enumerate(reported)
            for b in reported[i + 1 :]
            if grid[a].equals(grid[b])
        ]
        if pairs:
            text = ", ".join(f"{a} and {b}" for a, b in pairs)
            n = int(grid[pairs[0][0]].notna().sum())
            warnings.warn(
                f"{who}: column {col!r} has identical values in years {text} for every unit "
                f"({n} units). Real values rarely repeat exactly across years; this is often a "
                "copy error in the source table. Values are kept as given - check the source "
                "and treat one of these years as unreliable (ignore this for a fixed attribute "
                "such as area).",
                DataQualityWarning,
                stacklevel=4,
            )


def _warn_sentinels(panel: pd.DataFrame, value_cols: list[str], who: str) -> None:
    """Warn about likely missing-value codes (-999, 9999 ...); the values are kept as read."""
    found = []
    for col in value_cols:
        mask = sentinel_mask(panel[col].to_numpy(dtype="float64"))
        if mask.any():
            rows = panel.loc[mask, ["adcode", "year", col]].itertuples(index=False)
            cells = [f"{u} {y}: {v:g}" for u, y, v in rows]
            found.append(f"{col!r} ({', '.join(cells[:8])}{' ...' if len(cells) > 8 else ''})")
    if found:
        warnings.warn(
            f"{who}: value(s) that look like missing-value codes, far outside the other values "
            f"or repeated beyond them: {'; '.join(found)}. They are kept as read (the "
            "statistics warn about them too); replace them by empty cells (missing) in the source or "
            "with panel.replace({-999: numpy.nan}).",
            DataQualityWarning,
            stacklevel=5,
        )
