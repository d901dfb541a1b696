"""The on-disk cache of the web map's simplified layer (geohra/maps/_disk_cache.py):
a hit returns exactly what the simplification computes, any change of the geometry or
the parameters misses, and a damaged file, a read-only folder or GEOHRA_CACHE_DIR=off
never changes the map."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geohra.maps import _disk_cache, _prepared
from geohra.maps._coverage import simplify_coverage
from geohra.maps._web_layers import _simplified_4326


def _lattice(n: int = 6, wiggle: float = 0.0) -> np.ndarray:
    """n * n Voronoi cells clipped to a square, their borders cut into 0.01-long pieces
    (many vertices to simplify; neighbours share them); ``wiggle`` moves one vertex."""
    rng = np.random.default_rng(1)
    square = box(0, 0, n, n)
    cells = shapely.voronoi_polygons(
        shapely.multipoints(rng.uniform(0, n, size=(n * n, 2))), extend_to=square
    )
    parts = shapely.intersection(np.asarray(shapely.get_parts(cells), dtype=object), square)
    parts = shapely.segmentize(parts, 0.01)
    if wiggle:
        coords = shapely.get_coordinates(parts[0])
        coords[1] += wiggle
        parts[0] = shapely.Polygon(coords)
    return parts


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOHRA_CACHE_DIR", str(tmp_path / "cache"))
    _prepared.clear()
    return tmp_path / "cache"


def _files(folder):
    return sorted(folder.glob("web-*.npz")) if folder.exists() else []


def test_hit_is_exactly_the_computed_layer(cache):
    geoms = _lattice()
    calls = []

    def compute():
        calls.append(1)
        return simplify_coverage(geoms, 0.05, 5)

    first = _disk_cache.on_disk("web", geoms, ("coverage", 0.05, 5), compute)
    assert len(calls) == 1 and len(_files(cache)) == 1
    again = _disk_cache.on_disk("web", geoms, ("coverage", 0.05, 5), compute)
    assert len(calls) == 1  # read from disk, not computed
    assert [g.geom_type for g in again] == [g.geom_type for g in first]
    assert all(shapely.equals_exact(a, b, tolerance=0) for a, b in zip(first, again, strict=True))
    assert shapely.get_num_coordinates(first).sum() < shapely.get_num_coordinates(geoms).sum()


def test_any_change_misses(cache):
    geoms = _lattice()
    params = ("coverage", 0.05, 5)
    key = _disk_cache.digest(geoms, params)
    assert _disk_cache.digest(geoms, ("coverage", 0.04, 5)) != key
    assert _disk_cache.digest(geoms, ("coverage", 0.05, 4)) != key
    assert _disk_cache.digest(_lattice(wiggle=1e-9), params) != key  # one vertex moved
    assert _disk_cache.digest(geoms[::-1], params) != key  # another order
    assert _disk_cache.digest(_lattice(), params) == key  # same geometry, new objects


def test_damaged_file_is_recomputed_and_replaced(cache):
    geoms = _lattice()
    params = ("coverage", 0.05, 5)
    good = _disk_cache.on_disk("web", geoms, params, lambda: simplify_coverage(geoms, 0.05, 5))
    (path,) = _files(cache)
    path.write_bytes(b"not a cache file")
    again = _disk_cache.on_disk("web", geoms, params, lambda: simplify_coverage(geoms, 0.05, 5))
    assert all(shapely.equals_exact(a, b, tolerance=0) for a, b in zip(good, again, strict=True))
    assert _disk_cache._load(path, len(geoms)) is not None  # rewritten


def test_unwritable_location_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GEOHRA_CACHE_DIR", str(blocker / "cache"))  # below a file: mkdir fails
    geoms = _lattice()
    out = _disk_cache.on_disk("web", geoms, (1,), lambda: simplify_coverage(geoms, 0.05, 5))
    assert out is not None and len(out) == len(geoms)


@pytest.mark.parametrize("value", ["off", "0", "none", ""])
def test_turned_off_writes_nothing(tmp_path, monkeypatch, value):
    monkeypatch.setenv("GEOHRA_CACHE_DIR", value)
    assert _disk_cache.cache_dir() is None
    monkeypatch.chdir(tmp_path)
    geoms = _lattice()
    _disk_cache.on_disk("web", geoms, (1,), lambda: simplify_coverage(geoms, 0.05, 5))
    assert not list(tmp_path.rglob("*.npz"))


def test_old_files_are_pruned(cache, monkeypatch):
    monkeypatch.setattr(_disk_cache, "MAX_FILES", 3)
    geoms = _lattice()
    for tol in (0.01, 0.02, 0.03, 0.04, 0.05):
        _disk_cache.on_disk("web", geoms, (tol,), lambda t=tol: simplify_coverage(geoms, t, 5))
    assert len(_files(cache)) == 3


def test_web_map_layer_from_disk_equals_computed(cache):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(geometry=list(_lattice(8)), crs="EPSG:4326")
    computed = _simplified_4326(gdf.geometry, 0.05, 5)
    assert len(_files(cache)) == 1
    _prepared.clear()
    calls = []
    import geohra.maps._coverage as cov

    real = cov.simplify_coverage

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    try:
        cov.simplify_coverage = counting
        from_disk = _simplified_4326(gdf.geometry, 0.05, 5)
    finally:
        cov.simplify_coverage = real
    assert not calls
    assert all(
        shapely.equals_exact(a, b, tolerance=0) for a, b in zip(computed, from_disk, strict=True)
    )
    assert shapely.coverage_is_valid(from_disk)
