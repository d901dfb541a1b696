"""Checks of a boundary layer: a CRS that fits the coordinates, and valid polygons.

Used by :func:`geohra.load_boundaries` (your own files and GeoDataFrames) and by
:func:`geohra.spatial_weights`. Nothing is repaired silently: an invalid polygon
raises, unless the caller asks for ``make_valid=True`` (then a warning lists the
repaired units, because a repair can change which units are neighbours).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from geohra._checks import DataQualityWarning


def _bounds_text(bounds: Any) -> str:
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    return f"x {minx:.6g} to {maxx:.6g}, y {miny:.6g} to {maxy:.6g}"


def check_crs(gdf: Any, *, label: str, who: str, warn_degrees: bool = True) -> None:
    """Raise when the CRS cannot be right for the coordinates; warn when it is unlikely.

    Geographic CRS (degrees, e.g. EPSG:4326) with coordinates beyond longitude -180..360
    or latitude -90..90: metres labelled as degrees, an error. Projected CRS (metres)
    whose coordinates all lie within -180..180 and -90..90: probably degrees labelled as
    metres (real administrative units do not fit in 360 m around the false origin), a
    warning when ``warn_degrees`` (synthetic grids in metres are legitimate).
    """
    crs = gdf.crs
    if crs is None or len(gdf) == 0:
        return
    bounds = gdf.total_bounds
    if not np.all(np.isfinite(bounds)):
        return
    minx, miny, maxx, maxy = bounds
    name = crs.to_string()
    if crs.is_geographic and (minx < -180 or maxx > 360 or miny < -90 or maxy > 90):
        raise ValueError(
            f"{who}: {label} is labelled {name} (longitude/latitude in degrees), but its "
            f"coordinates span {_bounds_text(bounds)}, beyond -180..360 and -90..90: they "
            "look like metres of a projected CRS. Label the layer with its real CRS, e.g. "
            "gdf = gdf.set_crs('EPSG:3857', allow_override=True) (or the CRS named in the "
            "data's documentation), then pass the GeoDataFrame."
        )
    if (
        warn_degrees
        and crs.is_projected
        and -180 <= minx
        and maxx <= 180
        and -90 <= miny
        and maxy <= 90
    ):
        unit = crs.axis_info[0].unit_name if crs.axis_info else "metre"
        warnings.warn(
            f"{who}: {label} is labelled {name} (a projected CRS in {unit}s), but all its "
            f"coordinates lie within {_bounds_text(bounds)}, which looks like longitude/"
            "latitude in degrees. If so, label it as such: gdf = gdf.set_crs('EPSG:4326', "
            "allow_override=True), then pass the GeoDataFrame.",
            DataQualityWarning,
            stacklevel=3,
        )


def check_geometries(gdf: Any, *, label: str, who: str, make_valid: bool = False) -> Any:
    """Return ``gdf`` (a copy when repaired); raise on missing, empty or invalid geometries.

    With ``make_valid=True`` invalid polygons are repaired with ``shapely.make_valid``
    (keeping their polygonal parts) and a DataQualityWarning lists them.
    """
    import shapely

    geoms = np.asarray(gdf.geometry.values, dtype=object)
    missing = np.array([g is None for g in geoms], dtype=bool)
    empty = ~missing & shapely.is_empty(np.where(missing, shapely.Point(), geoms))
    if missing.any() or empty.any():
        bad = list(gdf.index[missing | empty][:8])
        raise ValueError(
            f"{who}: {int((missing | empty).sum())} unit(s) of {label} have no geometry "
            f"(missing or empty): {bad}. Drop those units or fix their polygons first."
        )
    valid = shapely.is_valid(geoms)
    if valid.all():
        return gdf
    bad = np.flatnonzero(~valid)
    reasons = shapely.is_valid_reason(geoms[bad])
    shown = "; ".join(f"{gdf.index[i]!r}: {r}" for i, r in zip(bad[:8], reasons[:8], strict=True))
    more = f" ... ({len(bad)} in all)" if len(bad) > 8 else ""
    if not make_valid:
        raise ValueError(
            f"{who}: {len(bad)} unit(s) of {label} have invalid geometries ({shown}{more}). "
            "Invalid polygons (self-intersections, bow ties) give wrong areas and wrong "
            "neighbours. Repair them in a GIS, or pass make_valid=True to load_boundaries to "
            "repair them with shapely.make_valid (a warning lists them; check the neighbours)."
        )
    fixed = shapely.make_valid(geoms[bad])
    polys = []
    for g in fixed:
        if g.geom_type == "GeometryCollection":
            parts = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
            g = shapely.union_all(parts) if parts else g
        polys.append(g)
    _check_repaired(polys, [gdf.index[i] for i in bad], label=label, who=who)
    out = gdf.copy()
    column = out.geometry.name
    values = np.asarray(out.geometry.values, dtype=object).copy()
    values[bad] = polys
    out[column] = type(out.geometry)(values, index=out.index, crs=out.crs)
    warnings.warn(
        f"{who}: repaired {len(bad)} invalid geometr{'y' if len(bad) == 1 else 'ies'} of {label} "
        f"with shapely.make_valid (make_valid=True): {shown}{more}. Check the neighbours of "
        "these units.",
        DataQualityWarning,
        stacklevel=3,
    )
    return out


def _check_repaired(polys: list, units: list, *, label: str, who: str) -> None:
    """Raise when shapely.make_valid left a unit without a valid polygon: an empty or
    non-polygonal result, or one GEOS cannot even validate (e.g. near-zero subnormal
    coordinates make GEOS raise 'Segment vertex does not intersect ring')."""
    import shapely
    from shapely.errors import GEOSException

    failed = []
    for unit, g in zip(units, polys, strict=True):
        if g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
            failed.append(
                f"{unit!r}: repaired into {g.geom_type}{' (empty)' if g.is_empty else ''}"
            )
            continue
        try:
            ok = bool(shapely.is_valid(g))
        except GEOSException as exc:
            failed.append(f"{unit!r}: GEOS cannot check the repaired polygon ({exc})")
            continue
        if not ok:
            failed.append(f"{unit!r}: still invalid after repair ({shapely.is_valid_reason(g)})")
    if failed:
        raise ValueError(
            f"{who}: shapely.make_valid could not repair {len(failed)} unit(s) of {label} into "
            f"valid polygons: {'; '.join(failed[:8])}. Fix these polygons in a GIS (or drop the "
            "units) and load the layer again."
        )
