"""Geometry prepared once per layer and reused by every map of a run.

A county layer has about 4 million vertices: reprojecting it takes seconds, simplifying
it for a web map several more, and turning it into matplotlib paths another second. A
report draws a dozen maps of the same layer, so the prepared copies (projected,
simplified, GeoJSON mappings, paths) are kept in a small in-memory cache.

The key is the identity of the layer's shapely geometries (their ``id()`` in order) plus
the preparation's parameters. Shapely geometries are immutable, and each cache entry
keeps a reference to the geometries it was built from, so an id cannot be reused by
another object while its entry lives: a hit always means the very same geometries.
Selecting rows or joining values keeps the geometry objects, so every map of a layer
(whatever its columns or row order) hits the cache; a layer read again from disk has new
objects and is prepared again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

_MAX_ENTRIES = 12  # layers × preparations kept (a projected county layer is ~70 MB; a web
# map keeps up to three per layer: simplified geometry, its GeoJSON and the JSON text)
_MAX_PATHS = 200_000  # cached matplotlib paths (one per drawn unit)

_cache: OrderedDict[Hashable, tuple[np.ndarray, Any]] = OrderedDict()
_paths: dict[int, tuple[Any, Any]] = {}


def identity(geoms: Any) -> bytes:
    """The ids of the geometry objects, in order, as bytes (a cache key part)."""
    arr = np.asarray(geoms, dtype=object)
    return np.fromiter(map(id, arr), dtype=np.int64, count=arr.size).tobytes()


def cached(kind: str, geoms: Any, params: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()`` for these geometry objects and parameters, computed once."""
    source = np.asarray(geoms, dtype=object)
    key = (kind, params, identity(source))
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit[1]
    value = compute()
    _cache[key] = (source, value)  # the reference keeps the ids from being reused
    while len(_cache) > _MAX_ENTRIES:
        _cache.popitem(last=False)
    return value


def projected(geoseries: Any, crs: Any) -> Any:
    """``geoseries.to_crs(crs)``, computed once per layer and CRS (index as given)."""
    import geopandas as gpd

    if geoseries.crs is not None and geoseries.crs == crs:
        return geoseries
    values = cached(
        "to_crs",
        geoseries.array,
        (str(geoseries.crs), str(crs)),
        lambda: np.asarray(geoseries.to_crs(crs).array, dtype=object),
    )
    return gpd.GeoSeries(values, index=geoseries.index, crs=crs)


def polygon_paths(geoms: Any, make: Callable[[Any], Any], tag: Hashable = None) -> list:
    """``make(g)`` (a matplotlib Path) for each geometry, reusing paths already made for
    the same geometry object (and ``tag``: what else ``make`` depends on)."""
    out = []
    for g in geoms:
        hit = _paths.get((id(g), tag))
        if hit is None or hit[0] is not g:
            hit = (g, make(g))
            if len(_paths) >= _MAX_PATHS:
                _paths.clear()
            _paths[(id(g), tag)] = hit
        out.append(hit[1])
    return out


def clear() -> None:
    """Forget every prepared geometry (frees the memory)."""
    _cache.clear()
    _paths.clear()
