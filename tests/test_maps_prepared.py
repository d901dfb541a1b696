"""Prepared geometry (geohra.maps._prepared): reused for the same layer, never stale for
another one, and equal to preparing from scratch."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geohra.maps import _prepared
from geohra.maps import static as static_maps
from geohra.maps import web as web_maps
from geohra.maps._web_shapes import drawn_geometry


@pytest.fixture
def grid():
    _prepared.clear()
    cells = [box(100 + i, 30 + j, 101 + i, 31 + j) for i in range(4) for j in range(3)]
    gdf = gpd.GeoDataFrame(
        {"v": np.arange(12.0)}, geometry=cells, index=[f"u{i:02d}" for i in range(12)]
    )
    return gdf.set_crs(4326)


def test_projection_reused_for_the_same_layer_and_equal_to_to_crs(grid):
    crs = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
    first = _prepared.projected(grid.geometry, crs)
    again = _prepared.projected(grid.assign(w=1.0).geometry, crs)  # same geometry objects
    assert all(a is b for a, b in zip(first.array, again.array, strict=True))
    direct = grid.geometry.to_crs(crs)
    assert shapely.equals_exact(first.to_numpy(), direct.to_numpy(), tolerance=1e-6).all()
    assert list(first.index) == list(grid.index)


def test_changed_geometry_is_prepared_again(grid):
    web_maps._prepare_geometry(grid, False, 5)
    moved = grid.copy()
    moved.geometry = moved.geometry.translate(xoff=2.0)  # new geometry objects
    got = web_maps._prepare_geometry(moved, False, 5)
    want = shapely.transform(moved.geometry.to_numpy(), lambda xy: np.round(xy * 1e5) / 1e5)
    assert shapely.equals_exact(got.to_numpy(), want, tolerance=0).all()
    # and the static map draws the moved cells, not the cached paths of the old ones
    static_maps.choropleth(grid, "v", projection=None, k=3)
    fig = static_maps.choropleth(moved, "v", projection=None, k=3)
    units = next(c for c in fig.axes[0].collections if c.get_gid() == "units")
    xs = np.concatenate([p.vertices[:, 0] for p in units.get_paths()])
    assert xs.min() == pytest.approx(102.0) and xs.max() == pytest.approx(106.0)


def test_web_map_features_follow_rows_not_cache_order(grid):
    m1 = web_maps.web_map(grid, "v", k=3)
    shuffled = grid.iloc[::-1]
    m2 = web_maps.web_map(shuffled, "v", k=3)
    for m, frame in ((m1, grid), (m2, shuffled)):
        layer = next(c for c in m._children.values() if getattr(c, "layer_name", None) == "v")
        for feat in layer.data["features"]:
            want = frame.geometry.loc[feat["id"]]
            got = shapely.geometry.shape(drawn_geometry(layer, feat))
            assert shapely.equals_exact(got, want, tolerance=1e-5)


def test_drawn_paths_are_simplified_below_a_pixel_and_cached_per_tolerance():
    """A detailed boundary is drawn with fewer vertices, none farther from the true boundary
    than about the tolerance (1/5,000 of the layer's span, a power of two); the same geometry in a
    layer of another extent gets its own, finer paths."""
    from matplotlib.path import Path

    from geohra.maps._draw import _add_polygons, _drawing_tolerance

    _prepared.clear()
    t = np.linspace(0, 2 * np.pi, 20_001)[:-1]
    r = 1000.0 * (1 + 0.002 * np.sin(400 * t))  # wiggles of 2 m on a 1 km circle
    wiggly = shapely.Polygon(np.c_[r * np.cos(t), r * np.sin(t)])
    far = box(99_000, 99_000, 100_000, 100_000)
    national = gpd.GeoSeries([wiggly, far])
    local = gpd.GeoSeries([wiggly])
    tol = _drawing_tolerance(national)
    assert tol == 2.0 ** np.floor(np.log2(101_000 / 5000)) == 16.0
    assert _drawing_tolerance(local) == 0.25
    fig = matplotlib.figure.Figure()
    ax = fig.add_subplot()
    coll = _add_polygons(ax, national, gid="u", facecolors=["red", "blue"])
    path = coll.get_paths()[0]
    assert len(path.vertices) < 2_000 < len(t)
    drawn = shapely.Polygon(path.vertices[path.codes != Path.CLOSEPOLY])
    # Douglas-Peucker keeps every dropped vertex within tol of the kept segments (the
    # topology-preserving fallback may also drop a ring's start vertex: up to ~1.1 x tol)
    assert shapely.hausdorff_distance(drawn, wiggly) <= 2 * tol
    fine = _add_polygons(ax, local, gid="v", facecolors=["red"]).get_paths()[0]
    assert len(fine.vertices) > len(path.vertices)
