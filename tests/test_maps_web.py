"""Web maps without a browser: layers, legend, tooltips, colours, offline HTML, geometry."""

from __future__ import annotations

import re
import warnings

import folium
import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_hex
from shapely.geometry import box

matplotlib.use("Agg")

from geohra.classification import classify  # noqa: E402
from geohra.maps._web_shapes import drawn_geometry  # noqa: E402
from geohra.maps.static import choropleth  # noqa: E402
from geohra.maps.web import remote_assets, save_web_map, web_map  # noqa: E402


def _grid(n: int = 12) -> gpd.GeoDataFrame:
    values = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5, 3.5, 8.0, 9.5])[:n]
    return gpd.GeoDataFrame(
        {
            "v": values,
            "name_en": [f"Unit {i}" for i in range(n)],
            "name_zh": [f"单元{i}" for i in range(n)],
            "pop": np.arange(n) * 1000.0 + 0.5,
        },
        geometry=[
            box(100 + (i % 4) * 2, 30 + (i // 4) * 2, 102 + (i % 4) * 2, 32 + (i // 4) * 2)
            for i in range(n)
        ],
        index=[f"u{i:02d}" for i in range(n)],
        crs=4326,
    )


def _layers(m: folium.Map) -> list[folium.GeoJson]:
    return [c for c in m._children.values() if isinstance(c, folium.GeoJson)]


def _fills(layer: folium.GeoJson) -> list[str]:
    return [to_hex(layer.style_function(f)["fillColor"]) for f in layer.data["features"]]


@pytest.fixture
def panel() -> gpd.GeoDataFrame:
    g = _grid()
    return pd.concat([g.assign(year=y, v=g["v"] * f) for y, f in ((2010, 1), (2015, 2), (2020, 3))])


def test_one_layer_per_year_with_shared_breaks(panel):
    m = web_map(panel, "v", time="year", k=4)
    layers = _layers(m)
    assert [lay.layer_name for lay in layers] == ["2010", "2015", "2020"]
    assert [lay.show for lay in layers] == [False, False, True]  # last year first
    assert not any(lay.overlay for lay in layers)  # radio buttons: one year at a time
    pooled = classify(panel["v"].reset_index(drop=True), k=4)
    cmap = matplotlib.colormaps["YlOrRd"]
    for lay, year in zip(layers, (2010, 2015, 2020), strict=True):
        values = panel.loc[panel["year"] == year, "v"]
        assert [f["id"] for f in lay.data["features"]] == list(values.index)
        assert _fills(lay) == [to_hex(cmap(int(c) / 3)) for c in pooled.apply(values).classes]
    page = m.get_root().render()
    assert page.count("L.control.layers") == 1
    for year in ("2010", "2015", "2020"):
        assert f'"{year}"' in page


def test_default_legend_title_is_the_human_label(panel):
    p = panel.rename(columns={"v": "composite_index"})
    for lang, label in (("en", "Composite index"), ("zh", "综合指数")):
        page = web_map(p, "composite_index", time="year", k=3, lang=lang).get_root().render()
        legend = re.search(r'<div id="geohra-legend".*?</div></div>', page, re.S).group(0)
        assert label in legend and "composite_index" not in legend


def test_legend_and_tooltip_fields(panel):
    p = panel.copy()
    p.loc[(p["year"] == 2020).to_numpy() & (p.index == "u02"), "v"] = np.nan
    m = web_map(p, "v", time="year", k=3, lang="en", tooltip_fields=["pop"], legend_title="Beds")
    page = m.get_root().render()
    legend = re.search(r'<div id="geohra-legend".*?</div></div>', page, re.S).group(0)
    cls = classify(p["v"].dropna().reset_index(drop=True), k=3)
    for label in cls.labels:
        assert label in legend
    assert "No data" in legend and "Beds" in legend
    layer = _layers(m)[-1]
    tooltip = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonTooltip))
    assert tooltip.fields == ["name", "value", "class", "pop"]
    assert tooltip.aliases == ["Name", "Beds", "Class", "pop"]
    props = {f["id"]: f["properties"] for f in layer.data["features"]}
    assert props["u05"]["name"] == "Unit 5" and props["u05"]["value"] == "27"  # 9.0 * 3
    assert props["u05"]["class"] in cls.labels
    assert props["u02"]["value"] == "No data" and props["u02"]["class"] is None
    assert props["u11"]["pop"] == "11,000.5"  # extra fields formatted like the value


def test_chinese_names_and_words(panel, monkeypatch):
    from geohra.maps import _style

    # the browser draws the text: Chinese works without a local CJK font, and silently
    monkeypatch.setattr(_style, "find_cjk_font", lambda: None)
    monkeypatch.setattr(_style, "_warned_no_cjk", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = web_map(panel, "v", time="year", lang="zh")
    layer = _layers(m)[-1]
    assert layer.data["features"][0]["properties"]["name"] == "单元0"
    tooltip = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonTooltip))
    assert tooltip.aliases[0] == "名称" and tooltip.aliases[2] == "分级"


def test_same_colours_as_static_map():
    g = _grid()
    cls = classify(g["v"], k=5)
    web = _fills(_layers(web_map(g, "v", classification=cls, cmap="PuBu"))[0])
    ax = choropleth(g, "v", classification=cls, cmap="PuBu").axes[0]
    units = next(c for c in ax.collections if c.get_gid() == "units")
    assert web == [to_hex(c) for c in units.get_facecolor()]


def test_offline_html_has_no_remote_assets(tmp_path, panel):
    path = tmp_path / "map.html"
    save_web_map(web_map(panel, "v", time="year"), path)
    page = path.read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link)\b[^>]*>", page, re.I)
    assert not [t for t in tags if re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", t, re.I)]
    assert "cdn.jsdelivr" not in page and "code.jquery.com" not in page
    assert "L.map(" in page and "Leaflet" in page  # the library itself is inline
    assert "url(images/" not in page  # control icons inlined as data: URIs
    # the CDN mode really is different
    online = web_map(panel, "v", time="year", offline=False).get_root().render()
    assert any("leaflet" in u for u in remote_assets(online))
    # folium's class-level defaults are untouched by offline maps
    assert any("leaflet" in url for _, url in folium.Map.default_js)


def test_save_refuses_remote_plugins_offline(tmp_path):
    m = web_map(_grid(), "v")
    from folium.plugins import Fullscreen

    Fullscreen().add_to(m)  # a plugin that loads its script from a CDN
    with pytest.raises(ValueError, match="network"):
        save_web_map(m, tmp_path / "x.html")
    save_web_map(m, tmp_path / "y.html", offline=False)
    assert (tmp_path / "y.html").exists()


def test_lisa_layer():
    g = _grid().assign(
        cluster=["High-High", "Low-Low", "Low-High", "High-Low", "Not significant", None] * 2
    )
    m = web_map(g, "v", lisa="cluster", lang="en")
    layers = _layers(m)
    assert [lay.layer_name for lay in layers] == ["v", "LISA"]
    lisa = layers[1]
    assert lisa.overlay and not lisa.show
    expected = {
        "High-High": "#ff0000",
        "Low-Low": "#0000ff",
        "Low-High": "#a7adf9",
        "High-Low": "#f4ada8",
        "Not significant": "#eeeeee",
    }
    assert _fills(lisa) == [expected[c] if pd.notna(c) else "#ffffff" for c in g["cluster"]]
    page = m.get_root().render()
    assert "High-High" in re.search(r'<div id="geohra-legend".*?</div></div>', page, re.S).group(0)


def test_layers_onto_an_existing_map():
    base = folium.Map(location=[30, 100], zoom_start=5, tiles=None)
    out = web_map(_grid(), "v", m=base)
    assert out is base and len(_layers(base)) == 1


def test_reprojected_rounded_and_not_mutated():
    g = _grid()
    projected = g.to_crs("+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m")
    before = projected.copy()
    layer = _layers(web_map(projected, "v"))[0]
    coords = np.array(drawn_geometry(layer, layer.data["features"][0])["coordinates"][0])
    np.testing.assert_allclose(coords.min(axis=0), [100, 30], atol=1e-5)
    assert np.all(np.round(coords, 5) == coords)
    pd.testing.assert_frame_equal(projected, before)


def test_simplify_keeps_shared_borders():
    # two neighbours sharing a wiggly border with many vertices
    t = np.linspace(0, 1, 2001)
    border = np.column_stack([1 + 0.01 * np.sin(t * 60), t])
    left = shapely.Polygon(np.vstack([[[0, 0]], border, [[0, 1]]]))
    right = shapely.Polygon(np.vstack([border, [[2, 1]], [[2, 0]]]))
    g = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[left, right], index=["a", "b"], crs=4326)
    full = _layers(web_map(g, "v", k=2, simplify=False))[0]
    simple = _layers(web_map(g, "v", k=2, simplify=0.02))[0]
    count = lambda lay: sum(  # noqa: E731
        len(drawn_geometry(lay, f)["coordinates"][0]) for f in lay.data["features"]
    )
    assert count(simple) < count(full) / 10
    a, b = (shapely.geometry.shape(drawn_geometry(simple, f)) for f in simple.data["features"])
    assert a.intersection(b).area == pytest.approx(0, abs=1e-12)  # no overlap
    assert a.union(b).area == pytest.approx(2.0, rel=1e-3)  # no gap


def test_bad_input(panel):
    with pytest.raises(ValueError, match="time='year'"):
        web_map(panel, "v")
    with pytest.raises(ValueError, match="1999"):
        web_map(panel, "v", time="year", years=[1999])
    with pytest.raises(KeyError, match="tooltip field"):
        web_map(_grid(), "v", tooltip_fields=["nope"])
    with pytest.raises(ValueError, match="no CRS"):
        web_map(_grid().set_crs(None, allow_override=True), "v")


def test_chinese_provinces_get_grey_context_and_maritime_line():
    from geohra.io.boundaries import load_boundaries

    prov = load_boundaries("china-provinces")
    m = web_map(prov.assign(v=np.arange(31.0)), "v", lang="en")
    layers = {lay.layer_name: lay for lay in _layers(m)}
    context = layers["context"]
    assert sorted(f["id"] for f in context.data["features"]) == ["710000", "810000", "820000"]
    assert not context.control and context.options.get("interactive") is False
    line = layers["maritime boundary"]
    assert line.data["features"][0]["geometry"]["type"] in ("LineString", "MultiLineString")
    assert len(layers["v"].data["features"]) == 31
    # not for other units, and refused when forced on them
    assert "context" not in {lay.layer_name for lay in _layers(web_map(_grid(), "v"))}
    # one province's worth of units: no context by default
    few = prov.iloc[:5].assign(v=np.arange(5.0))
    assert "context" not in {lay.layer_name for lay in _layers(web_map(few, "v"))}
    assert "context" in {lay.layer_name for lay in _layers(web_map(few, "v", context=True))}
    with pytest.raises(ValueError, match="Chinese units"):
        web_map(_grid(), "v", context=True)


def test_lisa_layer_per_year(panel):
    p = panel.assign(cluster=np.where(panel["v"] > 10, "High-High", "Not significant"))
    m = web_map(p, "v", time="year", lisa="cluster", lang="en")
    names = [lay.layer_name for lay in _layers(m)]
    assert names == ["2010", "LISA 2010", "2015", "LISA 2015", "2020", "LISA 2020"]
    for year in (2010, 2015, 2020):
        lisa = next(lay for lay in _layers(m) if lay.layer_name == f"LISA {year}")
        part = p[p["year"] == year]
        assert _fills(lisa) == [
            "#ff0000" if c == "High-High" else "#eeeeee" for c in part["cluster"]
        ]


def test_two_indicators_on_one_map_share_legend_and_control():
    g = _grid().assign(w=np.arange(12.0))
    m = web_map(g, "v", legend_title="Beds")
    web_map(g, "w", m=m, legend_title="Doctors")
    controls = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    assert len(controls) == 1 and list(m._children.values())[-1] is controls[0]
    page = m.get_root().render()
    assert page.count('id="geohra-legend"') == 1
    legend = re.search(r'<div id="geohra-legend".*?</div></div>', page, re.S).group(0)
    assert "Beds" in legend and "Doctors" in legend


def test_web_map_accepts_join_output_and_draws_china_context():
    """A long panel straight from geohra.join (adcode column, row index) still gets the grey
    Hong Kong / Macao / Taiwan context layer and one layer per year."""
    import geohra
    from geohra.maps import web

    joined = geohra.join(
        geohra.load_boundaries("china-provinces"), geohra.load_demo("physicians-2018")
    )
    m = web.web_map(joined, "physicians_per_1000_pop", time="year", offline=True)
    names = [getattr(c, "layer_name", None) for c in m._children.values()]
    assert {"context", "maritime boundary", "2018"} <= set(names)


def test_geometry_is_written_once_for_all_layers(panel):
    """Three years and their LISA layers: six layers, one copy of the shapes in the page."""
    g = panel.copy()
    marked = shapely.Polygon([(100, 30), (101.123456, 30), (102, 30), (102, 32), (100, 32)])
    g.geometry = [
        marked if i == "u00" else geom for i, geom in zip(g.index, g.geometry, strict=True)
    ]
    g["cluster"] = "Not significant"
    m = web_map(g, "v", time="year", lisa="cluster", k=3, lang="en")
    layers = [lay for lay in _layers(m) if lay.control]
    assert len(layers) == 6
    page = m.get_root().render()
    assert page.count("101.12346") == 1  # a vertex of one unit, written once
    stores = set(re.findall(r"var (geohra_shapes_\w+) = \[", page))
    assert len(stores) == 1
    for lay in layers:
        assert lay.geohra_shapes is layers[0].geohra_shapes
        for feat in lay.data["features"]:
            want = g.geometry[feat["id"]].iloc[0]
            got = shapely.geometry.shape(drawn_geometry(lay, feat))
            assert shapely.equals_exact(got, want, tolerance=1e-5)
