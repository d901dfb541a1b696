"""Bad boundary layers: a CRS that cannot be right for the coordinates, missing and invalid
geometries. Nothing is repaired silently; the fuzzing checks that any failure is a geohra error."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely
from bad_input_helpers import assert_geohra_error
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

import geohra
from geohra import DataQualityWarning


def _row(geoms, crs="EPSG:4326", ids=None):
    ids = ids or [f"u{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"code": ids}, geometry=list(geoms), crs=crs)


BOW_TIE = Polygon([(1, 0), (2, 1), (2, 0), (1, 1)])  # self-intersecting at (1.5, 0.5)


def test_metres_labelled_as_degrees_names_crs_and_bounds():
    prov = geohra.load_boundaries().to_crs("EPSG:3857").set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(
        ValueError, match=r"labelled EPSG:4326 .*coordinates span x 8\.\d+e\+06"
    ) as err:
        geohra.load_boundaries(prov.reset_index(), id_col="adcode")
    assert "set_crs('EPSG:3857', allow_override=True)" in str(err.value)


def test_degrees_labelled_as_metres_warn():
    gdf = _row([box(100, 30, 101, 31), box(101, 30, 102, 31)], crs="EPSG:3857")
    with pytest.warns(
        DataQualityWarning, match=r"labelled EPSG:3857 .*looks like longitude/latitude"
    ):
        geohra.load_boundaries(gdf, id_col="code")


def test_invalid_polygon_raises_naming_unit_and_reason():
    gdf = _row([box(0, 0, 1, 1), BOW_TIE, box(2, 0, 3, 1)])
    with pytest.raises(ValueError, match=r"'u1': Self-intersection.*make_valid=True"):
        geohra.load_boundaries(gdf, id_col="code")
    with pytest.raises(ValueError, match=r"'u1': Self-intersection"):
        geohra.spatial_weights(gdf.set_index("code"), kind="queen")


def test_make_valid_repairs_with_a_warning_and_keeps_polygons():
    gdf = _row([box(0, 0, 1, 1), BOW_TIE, box(2, 0, 3, 1)])
    with pytest.warns(DataQualityWarning, match=r"repaired 1 invalid geometry .*'u1'"):
        out = geohra.load_boundaries(gdf, id_col="code", make_valid=True)
    assert shapely.is_valid(out.geometry.values).all()
    assert set(out.geom_type) <= {"Polygon", "MultiPolygon"}
    # the repaired bow tie is two triangles of area 0.25 each (an independent computation)
    assert out.loc["u1"].geometry.area == pytest.approx(0.5)
    assert shapely.is_valid(gdf.geometry.values).tolist() == [True, False, True]  # input unchanged


def test_missing_or_empty_geometry_raises():
    gdf = _row([box(0, 0, 1, 1), None, Polygon()])
    with pytest.raises(ValueError, match=r"2 unit\(s\) .* have no geometry .*\['u1', 'u2'\]"):
        geohra.load_boundaries(gdf, id_col="code")


def test_make_valid_is_refused_for_builtin_layers():
    with pytest.raises(ValueError, match="make_valid=True is for your own files"):
        geohra.load_boundaries("china-provinces", make_valid=True)


def test_make_valid_that_leaves_a_polygon_geos_cannot_check_raises():
    """Found by fuzzing: this bow tie with a subnormal coordinate is 'repaired' by
    shapely.make_valid into a polygon on which GEOS itself raises; geohra now says so."""
    ring = [(1, 0), (1, -1), (0, 0), (-2, -1), (0, 1), (1, -1), (-1, -4.2e-191)]
    gdf = _row([box(0, 0, 1, 1), Polygon(ring)], crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"could not repair 1 unit.*'u1'.*in a GIS"):
            geohra.load_boundaries(gdf, id_col="code", make_valid=True)


coord = st.floats(-200, 200, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.tuples(coord, coord), min_size=3, max_size=7), min_size=1, max_size=4),
    st.sampled_from(["EPSG:4326", "EPSG:3857", "EPSG:32650"]),
    st.booleans(),
)
def test_fuzz_boundaries_fail_only_with_geohra_errors(rings, crs, repair):
    geoms = [Polygon(r) for r in rings]
    gdf = _row(geoms, crs=crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = geohra.load_boundaries(gdf, id_col="code", make_valid=repair)
        except Exception as exc:  # noqa: BLE001 - the point is to inspect any exception
            assert_geohra_error(exc)
            return
    assert shapely.is_valid(out.geometry.values).all()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            geohra.spatial_weights(out, kind="queen", islands="keep")
    except Exception as exc:  # noqa: BLE001
        assert_geohra_error(exc)
    assert np.isfinite(out.total_bounds).all()


def test_map_of_metres_labelled_as_degrees_names_crs_and_bounds():
    pytest.importorskip("matplotlib")
    from geohra.maps import static

    prov = geohra.load_boundaries().to_crs("EPSG:3857").set_crs("EPSG:4326", allow_override=True)
    prov["v"] = np.arange(len(prov), dtype=float)
    with pytest.raises(
        ValueError, match=r"maps: the GeoDataFrame is labelled EPSG:4326 .*x 8\.\d+e\+06"
    ):
        static.choropleth(prov, "v")


def test_web_map_of_metres_labelled_as_degrees_names_crs_and_bounds():
    pytest.importorskip("folium")
    from geohra.maps import web

    prov = geohra.load_boundaries().to_crs("EPSG:3857").set_crs("EPSG:4326", allow_override=True)
    prov["v"] = np.arange(len(prov), dtype=float)
    with pytest.raises(
        ValueError,
        match=r"web_map: the GeoDataFrame is labelled EPSG:4326 .*y 427456 to 7\.\d+e\+06",
    ):
        web.web_map(prov, "v")
