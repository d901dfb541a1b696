"""Geometry for the static maps: projection, grey context units, the South China Sea
inset layer and the map extents. No drawing here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from geohra.io._provinces import PROVINCES
from geohra.maps._prepared import cached, projected

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"

# Units drawn in grey when the map shows Chinese units (not analysed: no comparable data).
_NON_ANALYSIS = frozenset(row[0] for row in PROVINCES if not row[5])
_ANALYSIS = frozenset(row[0] for row in PROVINCES if row[5])
_PROVINCE_PREFIXES = frozenset(row[0][:2] for row in PROVINCES)
# Main map of China with an inset: the mainland and Hainan (southern tip 18.15 N).
_MAINLAND_BOX = (70.0, 17.8, 138.0, 56.0)
# Where the inset sits on the main axes (axes fraction: x0, y0, width, height).
_INSET_RECT = (0.80, 0.015, 0.19, 0.30)
# The South China Sea inset: lon/lat box of the standard 南海诸岛 inset.
_INSET_BOX = (106.5, 2.5, 123.5, 24.5)

# ---------------------------------------------------------------------------
# resolve geometry
# ---------------------------------------------------------------------------


def unit_indexed(gdf: Any) -> Any:
    """Index ``gdf`` by its ``adcode`` column when it has one and is not indexed by it yet
    (``geohra.join`` returns a row index with an ``adcode`` column)."""
    if "adcode" in getattr(gdf, "columns", ()) and gdf.index.name != "adcode":
        return gdf.set_index("adcode")
    return gdf


def _is_china(index: pd.Index) -> bool:
    """Six-digit adcodes (str) whose first two digits are a province: provinces or counties."""
    return len(index) > 0 and all(
        isinstance(i, str) and len(i) == 6 and i.isdigit() and i[:2] in _PROVINCE_PREFIXES
        for i in index
    )


@dataclass(frozen=True)
class _Geo:
    units: Any  # GeoSeries, projected, index as the input
    context: Any  # GeoSeries or None
    south_sea: Any  # GeoDataFrame or None
    crs: Any
    extent: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    inset_extent: tuple[float, float, float, float] | None


def _target_crs(gdf: gpd.GeoDataFrame, projection: Any, china: bool) -> Any:
    if projection is None:
        return gdf.crs
    if isinstance(projection, str) and projection == "albers":
        if china:
            return CHINA_ALBERS
        x0, y0, x1, y1 = gdf.geometry.to_crs(4326).total_bounds
        span = y1 - y0
        return (
            f"+proj=aea +lat_1={y0 + span / 6:.4f} +lat_2={y1 - span / 6:.4f} "
            f"+lat_0={(y0 + y1) / 2:.4f} +lon_0={(x0 + x1) / 2:.4f} +datum=WGS84 +units=m +no_defs"
        )
    return projection


def _check_geometry(gdf: Any, projection: Any) -> None:
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"expected a GeoDataFrame (units with geometry); got {type(gdf).__name__}. "
            "Join the values to boundaries first, e.g. geohra.join(panel, geohra.load_boundaries(...))."
        )
    if gdf.index.has_duplicates:
        dup = gdf.index[gdf.index.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"the GeoDataFrame has duplicate index labels {dup}; one row per unit is expected. "
            "For a panel with several years use small_multiples(..., time='year') or select one year."
        )
    if gdf.geometry.isna().any() or gdf.geometry.is_empty.any():
        bad = gdf.index[gdf.geometry.isna() | gdf.geometry.is_empty][:5].tolist()
        raise ValueError(f"units without geometry: {bad}. Drop them or supply their boundaries.")
    if gdf.crs is None and projection is not None:
        raise ValueError(
            "the GeoDataFrame has no CRS, so it cannot be projected. Set it, e.g. "
            "gdf.set_crs(4326) for longitude/latitude, or pass projection=None to draw it as is."
        )
    from geohra.io.geometry_checks import check_crs

    # metres labelled EPSG:4326 would draw nothing and fail inside pyproj: say so here
    check_crs(gdf, label="the GeoDataFrame", who="maps", warn_degrees=False)


def _is_national(index: pd.Index) -> bool:
    """Chinese units spread over (nearly) all of China: at least 25 of the 31 mainland
    provinces present. Maps of one province or a few get no inset/grey context by default
    (Taiwan would stretch the extent of, say, a Guangdong county map)."""
    mainland = {code[:2] for code in _ANALYSIS}
    return _is_china(index) and len({str(i)[:2] for i in index} & mainland) >= 25


def _resolve_flag(flag: bool | None, china: bool, what: str, national: bool | None = None) -> bool:
    if flag is None:
        return china if national is None else national
    if flag and not china:
        raise ValueError(
            f"{what}=True needs Chinese units (six-digit adcodes as index, as from "
            f"geohra.load_boundaries); these units are not. Pass {what}=False or leave it None."
        )
    return bool(flag)


def _prepare_geo(
    gdf: gpd.GeoDataFrame,
    *,
    projection: Any,
    context: bool | None,
    inset: bool | None,
    as_context: pd.Index | None = None,
) -> _Geo:
    """Project the units, find grey context units and the inset layer, compute extents."""
    import geopandas as gpd

    _check_geometry(gdf, projection)
    china = _is_china(gdf.index)
    national = _is_national(gdf.index)
    want_context = _resolve_flag(context, china, "context", national)
    want_inset = _resolve_flag(inset, china, "inset", national)
    crs = _target_crs(gdf, projection, china)
    # projected copies are prepared once per layer and CRS and reused (see _prepared)
    geoms = gdf.geometry if projection is None else projected(gdf.geometry, crs)

    ctx_parts = []
    if as_context is not None and len(as_context):
        ctx_parts.append(geoms.loc[as_context])
        geoms = geoms.drop(as_context)
    if want_context:
        from geohra.io.boundaries import load_boundaries

        provinces = load_boundaries("china-provinces", include_other=True)
        present = {str(i)[:2] for i in gdf.index}
        extra = provinces[
            provinces.index.isin(_NON_ANALYSIS) & ~provinces.index.str[:2].isin(present)
        ]
        if len(extra):
            ctx_parts.append(projected(extra.geometry, crs))
    ctx = gpd.GeoSeries(pd.concat(ctx_parts), crs=crs) if ctx_parts else None

    south_sea = None
    if want_inset:
        from geohra.io.boundaries import load_boundaries

        south_sea = load_boundaries("china-south-sea").to_crs(crs)

    every = geoms if ctx is None else pd.concat([geoms, ctx])
    every = gpd.GeoSeries(every, crs=crs)
    if want_inset:
        extent = cached("mainland_extent", every.array, str(crs), lambda: _mainland_extent(every))
        inset_extent = _box_extent(_INSET_BOX, crs)
    else:
        extent = _pad(every.total_bounds)
        inset_extent = None
    return _Geo(geoms, ctx, south_sea, crs, extent, inset_extent)


def _mainland_extent(every: Any) -> tuple[float, float, float, float]:
    """Extent of the mainland and Hainan (the South China Sea islands go to the inset)."""
    import geopandas as gpd

    crs = every.crs
    mainland = every.to_crs(4326).clip_by_rect(*_MAINLAND_BOX)
    mainland = gpd.GeoSeries(mainland[~mainland.is_empty], crs=4326).to_crs(crs)
    return _room_for_inset(mainland, _pad(mainland.total_bounds))


def _room_for_inset(
    mainland: Any, extent: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Widen the main map to the east until the inset box covers no land (e.g. Taiwan)."""
    x0, x1, y0, y1 = extent
    x_frac, y_frac, _, h_frac = _INSET_RECT
    band = mainland.clip_by_rect(x0, y0, x1, y0 + (y_frac + h_frac + 0.01) * (y1 - y0))
    band = band[~band.is_empty]
    if band.empty:
        return extent
    east = float(band.total_bounds[2])
    need = x0 + (east - x0) / (x_frac - 0.01)  # inset's left edge just east of the land
    return (x0, max(x1, need), y0, y1)


def _pad(bounds: Sequence[float], frac: float = 0.03) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * frac, (y1 - y0) * frac
    return (x0 - dx, x1 + dx, y0 - dy, y1 + dy)


def _box_extent(
    box: tuple[float, float, float, float], crs: Any
) -> tuple[float, float, float, float]:
    """Projected extent of a lon/lat box (edges densified: parallels are curves in Albers)."""
    import geopandas as gpd
    from shapely.geometry import box as shp_box

    poly = shp_box(*box).segmentize(0.5)
    x0, y0, x1, y1 = gpd.GeoSeries([poly], crs=4326).to_crs(crs).total_bounds
    return (x0, x1, y0, y1)
