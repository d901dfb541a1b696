"""Boundaries + panel -> one GeoDataFrame (:func:`join`), and one year of it (:func:`cross_section`)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from geohra._checks import DataQualityWarning

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["cross_section", "join"]


def _as_long(panel: pd.DataFrame, who: str) -> pd.DataFrame:
    """Accept the tidy panel (columns adcode, year) or the same with a MultiIndex."""
    if not isinstance(panel, pd.DataFrame):
        raise TypeError(
            f"{who}: expected the panel as a DataFrame (from read_panel); got {type(panel).__name__}."
        )
    if {"adcode", "year"} <= set(panel.index.names):
        panel = panel.reset_index()
    missing = [c for c in ("adcode", "year") if c not in panel.columns]
    if missing:
        raise KeyError(
            f"{who}: the panel needs columns 'adcode' and 'year' (the shape read_panel returns); "
            f"{missing} missing, columns are {list(panel.columns)}. Read it with geohra.read_panel, "
            "or rename your unit and year columns."
        )
    return panel


def _labels(ids: Iterable[Any]) -> str:
    """'110000 (北京)' for province codes, the id itself otherwise."""
    from geohra.io._provinces import PROVINCES

    short = {row[0]: row[2] for row in PROVINCES}
    ids = list(ids)
    text = ", ".join(f"{i} ({short[i]})" if i in short else repr(i) for i in ids[:12])
    return text + (f" ... ({len(ids)} in all)" if len(ids) > 12 else "")


def join(
    boundaries: gpd.GeoDataFrame,
    panel: pd.DataFrame,
    *,
    how: Literal["left", "inner"] = "left",
) -> gpd.GeoDataFrame:
    """Join a tidy panel to boundaries: one row per unit and year, geometry repeated.

    Parameters
    ----------
    boundaries
        A GeoDataFrame indexed by unit id, e.g. ``geohra.load_boundaries()`` (indexed by
        adcode). Its attribute columns (names, region schemes ...) are kept.
    panel
        The tidy panel from :func:`read_panel` / :func:`read_nbs` (columns ``adcode``,
        ``year``, indicators; a MultiIndex (adcode, year) is accepted too).
    how
        ``"left"`` (default): every boundary unit for every year of the panel; units or
        unit-years without data get NaN indicators (drawn as "no data", never as zero).
        ``"inner"``: only the (unit, year) rows present in the panel.

    Returns
    -------
    geopandas.GeoDataFrame
        RangeIndex; columns ``adcode``, ``year``, the boundary attributes, the panel's
        indicators, and the geometry; same CRS as ``boundaries``; sorted by (adcode, year).
        ``cross_section(joined, year)`` gives one year indexed by adcode.

    Raises
    ------
    ValueError
        Units in the panel that are not in the boundaries (all listed); a column present
        in both inputs; duplicate ids in the boundaries.

    Warns
    -----
    DataQualityWarning
        Units of the boundaries (those with ``analysis`` True, if that column exists) that
        have no data in some or all years of the panel.
    """
    import geopandas as gpd

    who = "join"
    if not isinstance(boundaries, gpd.GeoDataFrame):
        raise TypeError(
            f"{who}: expected boundaries as a GeoDataFrame (e.g. geohra.load_boundaries()); got "
            f"{type(boundaries).__name__}. The order is join(boundaries, panel)."
        )
    if how not in ("left", "inner"):
        raise ValueError(f"{who}: how must be 'left' or 'inner'; got {how!r}.")
    panel = _as_long(panel, who)
    if boundaries.index.has_duplicates:
        dup = boundaries.index[boundaries.index.duplicated()].unique().tolist()
        raise ValueError(
            f"{who}: the boundaries' index repeats unit ids {dup[:10]}; each unit must appear once."
        )
    bids = pd.Index(boundaries.index)
    pids = pd.Index(pd.unique(panel["adcode"]))
    unknown = pids.difference(bids, sort=False)
    if len(unknown):
        hint = ""
        if pids.inferred_type != bids.inferred_type:
            hint = (
                f" The panel's ids are {pids.inferred_type} but the boundaries' index is "
                f"{bids.inferred_type}: convert one to the other's type."
            )
        raise ValueError(
            f"{who}: {len(unknown)} unit(s) in the panel are not in the boundaries: {_labels(unknown)}. "
            "Load boundaries that contain them (e.g. load_boundaries(include_other=True) for Hong "
            f"Kong, Macao, Taiwan) or drop those units from the panel.{hint}"
        )
    overlap = [c for c in panel.columns if c not in ("adcode", "year") and c in boundaries.columns]
    if "year" in boundaries.columns or "adcode" in boundaries.columns:
        overlap += [c for c in ("adcode", "year") if c in boundaries.columns]
    if overlap:
        raise ValueError(
            f"{who}: columns {overlap} are in both the boundaries and the panel; rename them in "
            "one of the two (e.g. panel.rename(columns={...})) so nothing is overwritten."
        )
    if panel.duplicated(["adcode", "year"]).any():
        raise ValueError(
            f"{who}: the panel has duplicate (adcode, year) rows; read it with read_panel, which checks this."
        )

    years = sorted(pd.unique(panel["year"]))
    expected = bids
    if "analysis" in boundaries.columns:
        expected = bids[boundaries["analysis"].fillna(False).astype(bool).to_numpy()]
    present = set(zip(panel["adcode"], panel["year"], strict=True))
    absent_units = [u for u in expected if not any((u, y) in present for y in years)]
    partial = [
        (u, y) for u in expected if u not in absent_units for y in years if (u, y) not in present
    ]
    if absent_units or partial:
        parts = []
        if absent_units:
            parts.append(
                f"{len(absent_units)} unit(s) of the boundaries have no data in the panel: {_labels(absent_units)}"
            )
        if partial:
            shown = ", ".join(f"{u} {y}" for u, y in partial[:12])
            parts.append(
                f"{len(partial)} unit-year(s) have no row: {shown}{' ...' if len(partial) > 12 else ''}"
            )
        warnings.warn(
            f"{who}: "
            + "; ".join(parts)
            + (
                ". They are kept with missing (NaN) indicators, shown as"
                " 'no data' on maps, never as zero."
                if how == "left"
                else ". They are left out (how='inner')."
            ),
            DataQualityWarning,
            stacklevel=2,
        )
    geom = boundaries.geometry.name
    attrs = boundaries.drop(columns=[geom])
    attrs = pd.DataFrame(attrs).rename_axis("adcode").reset_index()
    if how == "left":
        grid = pd.MultiIndex.from_product([bids, years], names=["adcode", "year"]).to_frame(
            index=False
        )
        long = grid.merge(panel, on=["adcode", "year"], how="left")
    else:
        long = panel.copy()
    long = long.merge(attrs, on="adcode", how="left")
    ordered = (
        ["adcode", "year"]
        + [c for c in attrs.columns if c != "adcode"]
        + [c for c in panel.columns if c not in ("adcode", "year")]
    )
    long = long[ordered].sort_values(["adcode", "year"], kind="stable").reset_index(drop=True)
    geometry = boundaries.geometry.reindex(long["adcode"]).to_numpy()
    out = gpd.GeoDataFrame(
        long, geometry=gpd.GeoSeries(geometry, crs=boundaries.crs).values, crs=boundaries.crs
    )
    out = out.rename_geometry(geom) if geom != "geometry" else out
    out.attrs = {**boundaries.attrs, **panel.attrs}
    return out


def cross_section(data: pd.DataFrame, year: int) -> pd.DataFrame:
    """One year of a tidy panel or joined GeoDataFrame, indexed by adcode.

    Returns the same type as ``data`` (a GeoDataFrame stays one) without the ``year``
    column, ready for the cross-section statistics (``geohra.theil(cross_section(...),
    "beds")``) and maps. Raises ValueError listing the available years if ``year`` has no rows.
    """
    data = _as_long(data, "cross_section")
    mask = data["year"] == year
    if not mask.any():
        avail = sorted(pd.unique(data["year"]).tolist())
        raise ValueError(f"cross_section: no rows for year {year!r}; the data has years {avail}.")
    out = data.loc[mask].drop(columns=["year"]).set_index("adcode")
    out.attrs = dict(data.attrs)
    return out
