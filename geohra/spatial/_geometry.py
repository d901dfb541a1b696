"""Geometry for spatial weights: vertex contiguity, projections, nearest polygons.

Plain NumPy + shapely (no libpysal), used by :mod:`geohra.spatial.weights`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    # np.unique on millions of int64 keys is very slow in numpy 2.4; sort + mask is not
    s = np.sort(keys)
    keep = np.ones(s.size, dtype=bool)
    keep[1:] = s[1:] != s[:-1]
    return s[keep]


def contiguity_pairs(geoms: Any, *, rook: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(a, b)``, ``a < b``, of polygon positions that share a vertex (queen) or
    an edge of two consecutive vertices (rook), compared exactly.

    This is libpysal's vertex-set definition (``Graph.build_contiguity(strict=False)``,
    its default), vectorised: it needs boundaries that share their vertices, as a
    topologically clean coverage (the built-in layers) does.
    """
    import shapely

    geoms = np.asarray(geoms)
    n = geoms.size
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    if coords.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # vertex ids: equal coordinates -> equal id. (x, y) as one complex number sorts by x,
    # then y: with a stable sort the same order as np.lexsort((y, x)), in half the time
    xy = np.ascontiguousarray(coords, dtype=np.float64).view(np.complex128).ravel()
    order = np.argsort(xy, kind="stable")
    sc = coords[order]
    new = np.ones(len(sc), dtype=bool)
    new[1:] = (sc[1:, 0] != sc[:-1, 0]) | (sc[1:, 1] != sc[:-1, 1])
    vid = np.empty(len(sc), dtype=np.int64)
    vid[order] = np.cumsum(new) - 1
    n_vertices = int(vid.max()) + 1
    if rook:
        # edges join consecutive vertices of the same single-part polygon
        parts = shapely.get_parts(geoms)
        _, part = shapely.get_coordinates(parts, return_index=True)
        same = part[1:] == part[:-1]
        a, b = vid[:-1][same], vid[1:][same]
        key = np.minimum(a, b) * n_vertices + np.maximum(a, b)
        own = owner[:-1][same]
    else:
        key, own = vid, owner
    pair = _sorted_unique(key * n + own)  # (feature, polygon) once each, grouped by feature
    feature, poly = pair // n, pair % n
    firsts, seconds = [], []
    d = 1
    while d < feature.size:  # polygons d apart within one feature's group
        same_feature = feature[d:] == feature[:-d]
        if not same_feature.any():
            break
        firsts.append(poly[:-d][same_feature])
        seconds.append(poly[d:][same_feature])
        d += 1
    if not firsts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    a = np.concatenate(firsts)
    b = np.concatenate(seconds)
    edges = _sorted_unique(np.minimum(a, b) * n + np.maximum(a, b))
    return edges // n, edges % n


def albers_for(bounds: tuple[float, float, float, float]) -> str:
    """An Albers equal-area projection fitted to lon/lat bounds (standard parallels at
    1/6 and 5/6 of the latitude range; for China close to lat_1=25, lat_2=47, lon_0=105)."""
    minx, miny, maxx, maxy = bounds
    lat_1 = miny + (maxy - miny) / 6
    lat_2 = maxy - (maxy - miny) / 6
    return (
        f"+proj=aea +lat_1={lat_1:.4f} +lat_2={lat_2:.4f} +lat_0={(miny + maxy) / 2:.4f} "
        f"+lon_0={(minx + maxx) / 2:.4f} +datum=WGS84 +units=m +no_defs"
    )


def projected(geometry: Any) -> Any:
    """The GeoSeries in a projected CRS: its own, or the fitted Albers equal-area."""
    crs = geometry.crs
    if crs is None:
        raise ValueError(
            "spatial_weights: the GeoDataFrame has no CRS, so distances and centroids are "
            "undefined. Set it, e.g. gdf = gdf.set_crs('EPSG:4326') for longitude/latitude."
        )
    if crs.is_projected:
        return geometry
    return geometry.to_crs(albers_for(tuple(geometry.total_bounds)))


def nearest_units(geometry: Any, positions: list[int]) -> list[tuple[int, float, str]]:
    """For each position: (nearest other unit's position, distance, unit of distance).

    Distances between polygons (0 if they touch) in the projected CRS (the data's, or
    the fitted Albers for lon/lat data). For lon/lat data an STRtree in degrees first
    picks candidates: every polygon within ``1.5 d0 / cos(max |lat|)`` degrees, d0
    being the nearest distance in degrees, which contains the nearest one in metres;
    only those are projected. Ties go to the first unit in the data's order.
    """
    import shapely

    geoms = np.asarray(geometry.values)
    tree = shapely.STRtree(geoms)
    crs = geometry.crs
    if crs.is_projected:
        unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    else:
        unit = "metre"
        albers = albers_for(tuple(geometry.total_bounds))
        max_lat = min(85.0, float(np.max(np.abs(geometry.total_bounds[[1, 3]]))))
        stretch = 1.5 / math.cos(math.radians(max_lat))
    out = []
    for i in positions:
        found, dist = tree.query_nearest(
            geoms[i], exclusive=True, return_distance=True, all_matches=True
        )
        if crs.is_projected:
            cand, cand_dist = found, dist
        else:
            cand = tree.query(geoms[i], predicate="dwithin", distance=float(dist.min()) * stretch)
            cand = cand[cand != i]
            sub = geometry.iloc[np.concatenate([[i], cand])].to_crs(albers).values
            cand_dist = shapely.distance(sub[0], sub[1:])
        best = cand_dist.min()
        j = int(np.min(cand[cand_dist == best]))
        out.append((j, float(best), unit))
    return out
