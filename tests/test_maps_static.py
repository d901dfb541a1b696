"""Structural tests of the static maps: what is drawn, in which colour, with which legend.

Expected colours come straight from matplotlib's colormap (class i of k is cmap(i/(k-1)))
and expected classes from geohra.classify on the same values, not from the drawing code.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_hex
from pyproj import Geod, Transformer
from shapely.geometry import LineString, box

matplotlib.use("Agg")

import geohra.io.boundaries  # noqa: E402
from geohra.classification import classify  # noqa: E402
from geohra.maps import _style  # noqa: E402
from geohra.maps.static import (  # noqa: E402
    CHINA_ALBERS,
    choropleth,
    grade_map,
    lisa_map,
    small_multiples,
)


def _grid(n: int = 12, *, index=None, origin=(100.0, 30.0)) -> gpd.GeoDataFrame:
    x0, y0 = origin
    geoms = [
        box(x0 + (i % 4) * 2, y0 + (i // 4) * 2, x0 + (i % 4) * 2 + 2, y0 + (i // 4) * 2 + 2)
        for i in range(n)
    ]
    idx = index if index is not None else [f"u{i:02d}" for i in range(n)]
    values = np.array(
        [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5, 3.5, 8.0, 9.5, 7.0, 9.3, 2.3, 8.4]
    )[:n]
    return gpd.GeoDataFrame({"v": values}, geometry=geoms, index=idx, crs=4326)


def _collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    return found[0] if found else None


def _hexes(coll) -> list[str]:
    return [to_hex(c) for c in coll.get_facecolor()]


@pytest.fixture
def grid() -> gpd.GeoDataFrame:
    return _grid()


# ---------------------------------------------------------------------------
# choropleth
# ---------------------------------------------------------------------------


def test_patch_count_and_class_colours(grid):
    fig = choropleth(grid, "v", k=4, cmap="YlOrRd")
    ax = fig.axes[0]
    units = _collection(ax, "units")
    assert len(units.get_paths()) == len(grid)
    assert _collection(ax, "missing") is None and _collection(ax, "context") is None
    classes = classify(grid["v"], scheme="fisher_jenks", k=4).classes
    cmap = matplotlib.colormaps["YlOrRd"]
    expected = [to_hex(cmap(int(c) / 3)) for c in classes.reindex(grid.index)]
    assert _hexes(units) == expected
    # same class -> same colour, different class -> different colour
    by_class = pd.Series(_hexes(units), index=grid.index).groupby(classes.to_numpy()).nunique()
    assert (by_class == 1).all() and len(set(_hexes(units))) == classes.nunique()


def test_legend_labels_are_the_classification_labels(grid):
    cls = classify(grid["v"], k=5)
    ax = choropleth(grid, "v", k=5).axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == list(cls.labels)
    ax = choropleth(grid, "v", k=5, legend_counts=True).axes[0]
    counts = cls.classes.value_counts().reindex(range(5), fill_value=0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        f"{lab} ({counts[i]})" for i, lab in enumerate(cls.labels)
    ]


def test_given_classification_is_applied(grid):
    # breaks from other data: the map must use them, not re-classify
    cls = classify(
        pd.Series([0.0, 2.0, 4.0, 6.0, 8.0, 10.0]), scheme="user_defined", bins=[2.5, 5, 7.5, 10]
    )
    ax = choropleth(grid, "v", classification=cls, cmap="Blues").axes[0]
    expected_classes = np.searchsorted([2.5, 5, 7.5, 10], grid["v"].to_numpy(), side="left")
    cmap = matplotlib.colormaps["Blues"]
    assert _hexes(_collection(ax, "units")) == [to_hex(cmap(c / 3)) for c in expected_classes]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(cls.labels)


def test_missing_values_are_hatched_and_labelled(grid):
    g = grid.copy()
    g.loc[["u03", "u07"], "v"] = np.nan
    ax = choropleth(g, "v", k=3, lang="en").axes[0]
    assert len(_collection(ax, "units").get_paths()) == 10
    missing = _collection(ax, "missing")
    assert len(missing.get_paths()) == 2 and missing.get_hatch()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[-1] == "No data" and len(texts) == 4
    assert ax.get_legend().legend_handles[-1].get_hatch()
    with pytest.raises(ValueError, match="u03"):
        choropleth(g, "v", k=3, missing="raise")
    ax = choropleth(g, "v", k=3, missing="omit").axes[0]
    assert _collection(ax, "missing") is None and "No data" not in [
        t.get_text() for t in ax.get_legend().get_texts()
    ]


def test_input_not_mutated_and_bad_input(grid):
    before = grid.copy()
    choropleth(grid, "v")
    pd.testing.assert_frame_equal(grid, before)
    assert grid.crs.to_epsg() == 4326
    with pytest.raises(KeyError, match="available columns"):
        choropleth(grid, "nope")
    with pytest.raises(ValueError, match="duplicate"):
        choropleth(pd.concat([grid, grid]), "v")
    with pytest.raises(ValueError, match="no CRS"):
        choropleth(grid.set_crs(None, allow_override=True), "v")
    with pytest.raises(ValueError, match="Chinese units"):
        choropleth(grid, "v", inset=True)


def test_north_arrow_and_scale_bar_in_km(grid):
    ax = choropleth(grid, "v").axes[0]
    assert any(t.get_gid() == "north-arrow" for t in ax.texts)
    bars = [p for p in ax.patches if p.get_gid() == "scale-bar"]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "scale-bar"]
    assert len(bars) == 2 and labels[-1].endswith(" km")
    km = float(labels[-1].split()[0])
    # measure the drawn bar on the ellipsoid: back to lon/lat, geodesic length
    x0 = bars[0].get_x()
    x1 = bars[1].get_x() + bars[1].get_width()
    y = bars[0].get_y()
    to_ll = Transformer.from_crs(_fitted_crs(grid), 4326, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_ll.transform([x0, x1], [y, y])
    dist = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / 1000
    assert dist == pytest.approx(km, rel=0.02)
    ax = choropleth(grid, "v", north_arrow=False, scale_bar=False).axes[0]
    assert not [a for a in [*ax.texts, *ax.patches] if a.get_gid() in ("north-arrow", "scale-bar")]


def _fitted_crs(gdf):
    # the documented rule for non-Chinese data: standard parallels at 1/6 and 5/6 of the
    # latitude range, central meridian and latitude of origin in the middle
    x0, y0, x1, y1 = gdf.total_bounds
    s = y1 - y0
    return (
        f"+proj=aea +lat_1={y0 + s / 6:.4f} +lat_2={y1 - s / 6:.4f} +lat_0={(y0 + y1) / 2:.4f} "
        f"+lon_0={(x0 + x1) / 2:.4f} +datum=WGS84 +units=m +no_defs"
    )


def test_projection_none_keeps_coordinates(grid):
    ax = choropleth(grid, "v", projection=None).axes[0]
    verts = np.vstack([p.vertices for p in _collection(ax, "units").get_paths()])
    assert verts[:, 0].min() == pytest.approx(100.0) and verts[:, 1].max() == pytest.approx(36.0)
    # degrees: the bar is measured along its latitude
    bars = [p for p in ax.patches if p.get_gid() == "scale-bar"]
    km = float([t.get_text() for t in ax.texts if t.get_gid() == "scale-bar"][-1].split()[0])
    lon0, lon1, lat = bars[0].get_x(), bars[1].get_x() + bars[1].get_width(), bars[0].get_y()
    assert Geod(ellps="WGS84").inv(lon0, lat, lon1, lat)[2] / 1000 == pytest.approx(km, rel=1e-4)


def test_renders_to_png(tmp_path, grid):
    path = tmp_path / "map.png"
    choropleth(grid, "v", title="Beds per 1000").savefig(path, dpi=60)
    assert path.stat().st_size > 5000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------
# Chinese units: grey context and the South China Sea inset (built-in layers)
# ---------------------------------------------------------------------------

_CODES = ["110000", "120000", "130000", "140000", "210000", "310000", "320000", "440000", "460000"]


@pytest.fixture
def fake_layers(monkeypatch):
    """Small stand-ins for the built-in layers so the test does not depend on their detail."""
    calls = []

    def load(name, include_other=False, **kw):
        calls.append(name)
        if name == "china-provinces":
            codes = _CODES + (["710000", "810000", "820000"] if include_other else [])
            g = _grid(len(codes), index=codes, origin=(108.0, 20.0))
            return g.assign(analysis=[c not in ("710000", "810000", "820000") for c in codes])
        if name == "china-south-sea":
            return gpd.GeoDataFrame(
                {"kind": ["island", "boundary"]},
                geometry=[
                    box(112, 16, 112.5, 16.5),
                    LineString([(109, 18), (111, 8), (117, 5), (121, 20)]),
                ],
                crs=4326,
            )
        raise AssertionError(name)

    monkeypatch.setattr(geohra.io.boundaries, "load_boundaries", load, raising=False)
    return calls


def test_context_and_inset_for_chinese_units(fake_layers):
    g = _grid(len(_CODES), index=_CODES, origin=(108.0, 20.0))
    # a few provinces only: no inset or context unless asked for
    fig = choropleth(g, "v", k=3, lang="en")
    assert _collection(fig.axes[0], "context") is None and not fig.axes[0].child_axes
    fig = choropleth(g, "v", k=3, lang="en", context=True, inset=True)
    ax = fig.axes[0]
    assert len(_collection(ax, "units").get_paths()) == len(_CODES)
    context = _collection(ax, "context")
    assert len(context.get_paths()) == 3
    assert set(_hexes(context)) == {_style.CONTEXT_COLOR}
    assert "Not analysed (HK, Macao, Taiwan)" in [t.get_text() for t in ax.get_legend().get_texts()]
    insets = [a for a in ax.child_axes if a.get_gid() == "inset"]
    assert len(insets) == 1
    line = _collection(insets[0], "south-sea-line")
    assert line is not None and len(line.get_segments()) == 1
    # the line is drawn in the China Albers projection
    tr = Transformer.from_crs(4326, CHINA_ALBERS, always_xy=True)
    np.testing.assert_allclose(line.get_segments()[0][0], tr.transform(109, 18), rtol=1e-9)
    # the inset shows the units in the same colours as the main map
    assert _hexes(_collection(insets[0], "units")) == _hexes(_collection(ax, "units"))
    # opting out
    fig = choropleth(g, "v", k=3, context=False, inset=False)
    assert _collection(fig.axes[0], "context") is None and not fig.axes[0].child_axes


def test_hk_macao_taiwan_rows_without_value_are_grey(fake_layers):
    codes = _CODES + ["810000"]
    g = _grid(len(codes), index=codes, origin=(108.0, 20.0))
    g.loc["810000", "v"] = np.nan
    ax = choropleth(g, "v", k=3, context=True, inset=False).axes[0]
    assert _collection(ax, "missing") is None
    assert len(_collection(ax, "context").get_paths()) == 3  # its own row + Taiwan + Macao
    assert len(_collection(ax, "units").get_paths()) == len(_CODES)


# ---------------------------------------------------------------------------
# small multiples, LISA, grades
# ---------------------------------------------------------------------------


def test_small_multiples_share_breaks(grid):
    long = pd.concat([grid.assign(year=2010), grid.assign(year=2020, v=grid["v"] * 3)])
    fig = small_multiples(long, "v", k=4, cmap="viridis")
    pooled = classify(pd.concat([grid["v"], grid["v"] * 3], ignore_index=True), k=4)
    maps = [a for a in fig.axes if _collection(a, "units") is not None]
    assert [a.get_title() for a in maps] == ["2010", "2020"]
    cmap = matplotlib.colormaps["viridis"]
    for ax, values in zip(maps, (grid["v"], grid["v"] * 3), strict=True):
        classes = pooled.apply(values).classes
        assert _hexes(_collection(ax, "units")) == [to_hex(cmap(int(c) / 3)) for c in classes]
        assert ax.get_legend() is None
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(pooled.labels)
    # the two years really fall in different classes on shared breaks
    assert _hexes(_collection(maps[0], "units")) != _hexes(_collection(maps[1], "units"))
    with pytest.raises(ValueError, match="1999"):
        small_multiples(long, "v", years=[1999])


def test_lisa_colours(grid):
    labels = ["High-High", "Low-Low", "Low-High", "High-Low", "Not significant"] * 3
    g = grid.assign(cluster=labels[: len(grid)])
    g.loc["u05", "cluster"] = None
    ax = lisa_map(g, legend_counts=True, lang="en").axes[0]
    expected = {
        "High-High": "#ff0000",
        "Low-Low": "#0000ff",
        "Low-High": "#a7adf9",
        "High-Low": "#f4ada8",
        "Not significant": "#eeeeee",
    }
    drawn = g["cluster"].dropna()
    assert _hexes(_collection(ax, "units")) == [expected[c] for c in drawn]
    assert len(_collection(ax, "missing").get_paths()) == 1
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    counts = drawn.value_counts()
    assert texts[:5] == [f"{lab} ({counts.get(lab, 0)})" for lab in expected]
    assert texts[5] == "No data"
    with pytest.raises(ValueError, match="unknown cluster labels"):
        lisa_map(g.assign(cluster="HH"))


def test_grade_map_order_and_colours(grid):
    order = ["serious imbalance", "barely coordinated", "good coordination"]
    grades = pd.Categorical(
        [order[i % 2 * 2] for i in range(len(grid))], categories=order, ordered=True
    )
    g = grid.assign(grade=grades)
    ax = grade_map(g, "grade", cmap="RdYlGn").axes[0]
    cmap = matplotlib.colormaps["RdYlGn"]
    colour = {lab: to_hex(cmap(i / 2)) for i, lab in enumerate(order)}
    assert _hexes(_collection(ax, "units")) == [colour[x] for x in g["grade"]]
    # only the grades present, in order; colours from the full order
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [order[0], order[2]]
    with pytest.raises(ValueError, match="order"):
        grade_map(g.assign(grade=g["grade"].astype(str)), "grade")
    ax = grade_map(g.assign(grade=g["grade"].astype(str)), "grade", order=order).axes[0]
    assert _hexes(_collection(ax, "units")) == [colour[x] for x in g["grade"]]


# ---------------------------------------------------------------------------
# legend titles
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "index_title", "grade_title", "lisa_title"),
    [
        ("en", "Composite index", "Coordination grade", "LISA cluster"),
        ("zh", "综合指数", "协调等级", "LISA 聚类"),
    ],
)
def test_legend_titles_are_human_labels(grid, lang, index_title, grade_title, lisa_title):
    if lang == "zh" and _style.find_cjk_font() is None:
        pytest.skip("no CJK font installed: Chinese labels fall back to English")
    g = grid.rename(columns={"v": "composite_index"})
    title = choropleth(g, "composite_index", lang=lang).axes[0].get_legend().get_title()
    assert title.get_text() == index_title
    long = pd.concat([g.assign(year=2010), g.assign(year=2020)])
    fig = small_multiples(long, "composite_index", lang=lang)
    assert fig.legends[0].get_title().get_text() == index_title
    grades = g.assign(grade=pd.Categorical(["low", "high"] * 6, ["low", "high"], ordered=True))
    leg = grade_map(grades, "grade", lang=lang).axes[0].get_legend()
    assert leg.get_title().get_text() == grade_title
    leg = lisa_map(g.assign(cluster="Not significant"), lang=lang).axes[0].get_legend()
    assert leg.get_title().get_text() == lisa_title
    # an explicit title wins; a column geohra does not know keeps its name
    leg = choropleth(g, "composite_index", lang=lang, legend_title="卫生资源").axes[0].get_legend()
    assert leg.get_title().get_text() == "卫生资源"
    assert choropleth(grid, "v", lang=lang).axes[0].get_legend().get_title().get_text() == "v"


# ---------------------------------------------------------------------------
# language and fonts
# ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the fake font has no glyphs
def test_chinese_labels_with_a_cjk_font(grid, monkeypatch):
    monkeypatch.setattr(_style, "find_cjk_font", lambda: "Fake CJK")
    g = grid.copy()
    g.loc["u01", "v"] = np.nan
    ax = choropleth(g, "v", lang="zh").axes[0]
    legend = ax.get_legend()
    assert legend.get_texts()[-1].get_text() == "无数据"
    assert legend.get_texts()[0].get_fontfamily()[0] == "Fake CJK"


def test_no_cjk_font_warns_once_and_falls_back_to_english(grid, monkeypatch):
    monkeypatch.setattr(_style, "find_cjk_font", lambda: None)
    monkeypatch.setattr(_style, "_warned_no_cjk", False)
    g = grid.copy()
    g.loc["u01", "v"] = np.nan
    with pytest.warns(UserWarning, match="fonts-noto-cjk") as record:
        ax1 = choropleth(g, "v", lang="zh").axes[0]
        ax2 = lisa_map(g.assign(cluster="Not significant"), lang="zh").axes[0]
    assert len([w for w in record if "Chinese glyphs" in str(w.message)]) == 1
    assert ax1.get_legend().get_texts()[-1].get_text() == "No data"
    assert ax2.get_legend().get_texts()[4].get_text() == "Not significant"
    texts = [t.get_text() for a in (ax1, ax2) for t in [*a.texts, *a.get_legend().get_texts()]]
    assert not any(any("\u4e00" <= ch <= "\u9fff" for ch in s) for s in texts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        choropleth(g, "v", lang="zh")  # warned already: silent now


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the fake font has no glyphs
def test_auto_language_follows_the_units(grid, monkeypatch):
    monkeypatch.setattr(_style, "find_cjk_font", lambda: "Fake CJK")
    g = grid.copy()
    g.loc["u01", "v"] = np.nan
    assert choropleth(g, "v").axes[0].get_legend().get_texts()[-1].get_text() == "No data"
    gz = g.assign(name_zh="某地")
    assert choropleth(gz, "v").axes[0].get_legend().get_texts()[-1].get_text() == "无数据"


def test_real_cjk_font_detection_checks_glyphs():
    name = _style.find_cjk_font()
    if name is None:
        return  # no CJK font on this machine: the fallback tests above cover this path
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(
        font_manager.FontProperties(family=name), fallback_to_default=False
    )
    assert ord("中") in FT2Font(path).get_charmap()


# ---------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------

from geohra.maps.charts import decomposition_bars, kde_curves, kde_surface, moran_scatter  # noqa: E402


def _long_panel(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for year in (2010, 2015, 2020):
        for i in range(30):
            rows.append(
                {
                    "unit": f"p{i}",
                    "year": year,
                    "region": ["East", "Central", "West"][i % 3],
                    "beds": rng.gamma(4 + (year - 2010) / 5, 1.0),
                    "pop": rng.uniform(1, 10),
                }
            )
    return pd.DataFrame(rows).set_index("unit")


def test_kde_curves_one_line_per_year():
    from geohra.dynamics import kde

    res = kde(_long_panel(), "beds", time="year")
    ax = kde_curves(res.densities).axes[0]
    assert len(ax.lines) == 3
    for line, year in zip(ax.lines, (2010, 2015, 2020), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), res.densities[year].to_numpy())
        assert line.get_label() == str(year)
    cmap = matplotlib.colormaps["viridis"]
    assert to_hex(ax.lines[0].get_color()) == to_hex(cmap(0.0))
    assert to_hex(ax.lines[-1].get_color()) == to_hex(cmap(1.0))


def test_kde_curves_per_region():
    from geohra.dynamics import kde

    res = kde(_long_panel(), "beds", time="year", by="region")
    fig = kde_curves(res.densities, lang="en")
    panels = [a for a in fig.axes if a.lines]
    assert _groups(res) == ["Central", "East", "West"]  # kde() sorts the groups
    assert [a.get_title() for a in panels] == ["East", "Central", "West"]  # canonical order
    assert all(len(a.lines) == 3 for a in panels)
    assert len(fig.legends) == 1


def test_english_charts_draw_chinese_names_in_a_cjk_font(monkeypatch):
    """An English report grouped by Chinese names (e.g. province_zh) drew the panel titles
    and unit names in a Latin font: empty boxes. Chinese texts get the CJK font."""
    from geohra.dynamics import kde

    monkeypatch.setattr(_style, "find_cjk_font", lambda: "Fake CJK")
    panel = _long_panel()
    panel["region"] = panel["region"].map({"East": "浙江省", "Central": "湖北省", "West": "四川省"})
    fig = kde_curves(kde(panel, "beds", time="year", by="region").densities, lang="en")
    titles = [a.title for a in fig.axes if a.lines]
    assert {t.get_text() for t in titles} == {"浙江省", "湖北省", "四川省"}
    assert all(t.get_fontfamily()[0] == "Fake CJK" for t in titles)
    assert all(a.xaxis.label.get_fontfamily()[0] != "Fake CJK" for a in fig.axes if a.lines)

    rng = np.random.default_rng(0)
    z = pd.Series(rng.normal(size=4), index=list("abcd"))
    names = pd.Series(["北京", "天津", "Hebei", "山西"], index=z.index)
    ax = moran_scatter(z, z * 0.5, labels=names, lang="en", title="每千人口床位数").axes[0]
    annotations = [t for t in ax.texts if t.get_text() in set(names)]
    assert len(annotations) == 4 and all(t.get_fontfamily()[0] == "Fake CJK" for t in annotations)
    assert ax.title.get_fontfamily()[0] == "Fake CJK"


def test_kde_regions_every_bottom_panel_shows_x_values_and_tails_are_trimmed():
    """Three regions in two columns: the right panel has nothing below it, so it must show
    its own x tick labels; the x range ends where the curves have died out."""
    from geohra.dynamics import kde

    res = kde(_long_panel(), "beds", time="year", by="region")
    fig = kde_curves(res.densities, lang="en")
    panels = [a for a in fig.axes if a.lines]
    assert len(panels) == 3
    for a in panels[1:]:  # Central (top right, nothing below) and West (bottom left)
        assert any(t.get_visible() and t.get_text() for t in a.get_xticklabels())
    # a curve on a wide shared grid: the shown range is where it is above 0.1 % of its peak
    grid = np.linspace(0, 100, 401)
    curve = np.exp(-0.5 * ((grid - 50) / 3) ** 2)
    ax = kde_curves(pd.DataFrame({2020: curve}, index=grid), lang="en").axes[0]
    lo, hi = ax.get_xlim()
    alive = grid[curve > 1e-3]
    assert lo <= alive[0] and alive[-1] <= hi  # nothing visible is cut off
    assert 35 < lo < 40 and 60 < hi < 65  # 50 +- 3.7 sd plus 3 % padding, not 0-100


def _regional_panel() -> pd.DataFrame:
    """Regions whose densities differ a lot in height: the first region (alphabetically,
    and as kde() returns them) is spread out, the later ones are narrow, so their peaks
    are several times higher than the first panel's."""
    rng = np.random.default_rng(11)
    rows = []
    spread = {"Central": 4.0, "East": 0.3, "Northeast": 0.5, "West": 0.15}
    for year in (2010, 2020):
        for region, sd in spread.items():
            for i in range(25):
                rows.append(
                    {
                        "unit": f"{region}{i}",
                        "year": year,
                        "region": region,
                        "v": 10 + rng.normal(0, sd),
                    }
                )
    return pd.DataFrame(rows).set_index("unit")


def _groups(res):
    return list(dict.fromkeys(res.densities.columns.get_level_values(0)))


def test_kde_curves_every_panel_shows_its_peak():
    from geohra.dynamics import kde

    res = kde(_regional_panel(), "v", time="year", by="region")
    fig = kde_curves(res.densities, lang="en")
    fig.draw_without_rendering()
    panels = [a for a in fig.axes if a.lines]
    assert len(panels) == 4
    first_max = float(res.densities["Central"].to_numpy().max())
    tallest = max(float(res.densities[g].to_numpy().max()) for g in _groups(res))
    assert tallest > 3 * first_max  # the data make the old bug visible
    for a in panels:
        top = a.get_ylim()[1]
        assert a.get_ylim()[0] == 0
        assert top >= max(float(np.max(ln.get_ydata())) for ln in a.lines)


@pytest.mark.parametrize(
    ("lang", "titles"),
    [("en", ["East", "Central", "West", "Northeast"]), ("zh", ["东部", "中部", "西部", "东北"])],
)
def test_kde_curves_regions_in_canonical_order_and_language(lang, titles):
    from geohra.dynamics import kde

    if lang == "zh" and _style.find_cjk_font() is None:
        pytest.skip("no CJK font installed: Chinese labels fall back to English")
    res = kde(_regional_panel(), "v", time="year", by="region")
    assert _groups(res) == ["Central", "East", "Northeast", "West"]  # as computed
    fig = kde_curves(res.densities, lang=lang)
    panels = [a for a in fig.axes if a.lines]
    assert [a.get_title() for a in panels] == titles
    # each panel really holds its region's curves
    east = panels[0].lines[0].get_ydata()
    np.testing.assert_array_equal(east, res.densities[("East", 2010)].to_numpy())
    # Chinese region names in the data come out in the same order, translated for English
    zh_cols = res.densities.rename(
        columns={"East": "东部", "Central": "中部", "West": "西部", "Northeast": "东北"}, level=0
    )
    fig = kde_curves(zh_cols, lang=lang)
    assert [a.get_title() for a in fig.axes if a.lines] == titles


def test_kde_surface():
    from geohra.dynamics import kde

    res = kde(_long_panel(), "beds", time="year", grid_size=40)
    fig = kde_surface(res.densities, lang="en")
    ax = fig.axes[0]
    assert ax.name == "3d" and len(ax.collections) == 1
    assert ax.get_ylabel() == "Year" and ax.get_zlabel() == "Density"
    # 40 grid points x 3 years -> 39 x 2 quadrilaterals
    assert len(ax.collections[0].get_facecolor()) == 39 * 2
    with pytest.raises(ValueError, match="group"):
        kde_surface(kde(_long_panel(), "beds", time="year", by="region").densities)


def test_decomposition_bars_theil_and_dagum():
    from geohra import per_year
    from geohra.inequality.dagum import dagum_gini
    from geohra.inequality.theil import theil

    panel = _long_panel()
    summ = per_year(theil, panel, "beds", population="pop", by="region").summary()
    ax = decomposition_bars(summ, lang="en").axes[0]

    def part(axes, name):
        return np.array([r.get_height() for r in axes.patches if r.get_gid() == f"part-{name}"])

    w, b = part(ax, "within"), part(ax, "between")
    assert len(w) == len(b) == 3
    np.testing.assert_allclose(w, summ["within"] / summ["total"] * 100)
    np.testing.assert_allclose(w + b, 100, rtol=1e-9)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2010", "2015", "2020"]

    dsum = per_year(dagum_gini, panel, "beds", by="region").summary()
    ax = decomposition_bars(dsum, kind="value", lang="en").axes[0]
    parts = [part(ax, p) for p in ("within", "between_net", "transvariation")]
    np.testing.assert_allclose(parts[0], dsum["within"])
    np.testing.assert_allclose(sum(parts), dsum["total"], rtol=1e-9)  # Dagum: parts add up to G
    total_line = [ln for ln in ax.lines if ln.get_gid() == "total"][0]
    np.testing.assert_allclose(total_line.get_ydata(), dsum["total"])
    with pytest.raises(KeyError, match="parts"):
        decomposition_bars(summ, parts=["within", "nope"])


def test_decomposition_bars_of_one_year_keep_bar_width_and_print_shares():
    """A one-year report drew one bar across the whole axis; it is now one bar of the usual
    width, and with few bars each part's share is printed on it (the Theil shares)."""
    from geohra.inequality.theil import theil

    panel = _long_panel()
    one = panel[panel["year"] == 2020]
    res = theil(one, "beds", population="pop", by="region")
    summ = pd.DataFrame([{"year": 2020, **res.summary().iloc[0].to_dict()}])
    ax = decomposition_bars(summ, lang="zh").axes[0]
    lo, hi = ax.get_xlim()
    assert hi - lo >= 5  # at least five bar slots: the bar is 0.7 wide, not the whole axis
    labels = {t.get_gid(): float(t.get_text()) for t in ax.texts}
    assert labels["share-within"] == pytest.approx(res.within / res.total * 100, abs=0.05)
    assert labels["share-between"] == pytest.approx(res.between / res.total * 100, abs=0.05)
    many = pd.DataFrame({"year": range(2001, 2011), "within": 1.0, "between": 1.0})
    assert not decomposition_bars(many, lang="en").axes[0].texts  # ten bars: no labels


def test_moran_scatter_slope_is_esdas_moran_i():
    import libpysal
    from esda.moran import Moran

    w = libpysal.weights.lat2W(5, 5, rook=True)
    w.transform = "r"
    y = np.random.default_rng(7).normal(size=25).cumsum()
    mi = Moran(y, w, permutations=0)
    ids = [f"c{i}" for i in range(25)]
    z = (y - y.mean()) / y.std()
    dense, _ = w.full()
    lag = dense @ z  # row-standardised lag, computed independently of geohra
    z_s, lag_s = pd.Series(z, index=ids), pd.Series(lag, index=ids)
    # pass the lag in another order: alignment is on the index
    fig = moran_scatter(z_s, lag_s.iloc[::-1], lang="en")
    ax = fig.axes[0]
    line = [ln for ln in ax.lines if ln.get_gid() == "moran-line"][0]
    x, yv = line.get_xdata(), line.get_ydata()
    assert (yv[1] - yv[0]) / (x[1] - x[0]) == pytest.approx(mi.I, rel=1e-10)
    assert f"{mi.I:.3f}" in ax.get_title()
    pts = [c for c in ax.collections if c.get_gid() == "moran-points"][0]
    np.testing.assert_allclose(pts.get_offsets(), np.column_stack([z, lag]))
    quads = sorted(t.get_text() for t in ax.texts if t.get_gid() == "quadrant")
    assert quads == ["High-High", "High-Low", "Low-High", "Low-Low"]
    with pytest.raises(ValueError, match="same units"):
        moran_scatter(z_s, lag_s.iloc[:-1])


def test_moran_scatter_cluster_colours():
    z = pd.Series([1.0, -1.0, 0.5, -0.5], index=list("abcd"))
    lag = pd.Series([0.8, -0.7, -0.2, 0.1], index=list("abcd"))
    cl = pd.Series(["High-High", "Low-Low", "High-Low", "Not significant"], index=list("abcd"))
    ax = moran_scatter(
        z, lag, clusters=cl, labels=pd.Series(list("ABCD"), index=list("abcd"))
    ).axes[0]
    pts = [c for c in ax.collections if c.get_gid() == "moran-points"][0]
    assert [to_hex(c) for c in pts.get_facecolor()] == ["#ff0000", "#0000ff", "#f4ada8", "#eeeeee"]
    assert {t.get_text() for t in ax.texts} >= {"A", "B", "C", "D"}


# ---------------------------------------------------------------------------
# the real built-in layers
# ---------------------------------------------------------------------------


def test_real_china_province_map():
    from geohra.io.boundaries import load_boundaries

    prov = load_boundaries("china-provinces")
    assert len(prov) == 31
    g = prov.assign(v=np.linspace(1.0, 31.0, 31))
    g.loc["650000", "v"] = np.nan
    fig = choropleth(g, "v", k=5, lang="en")
    ax = fig.axes[0]
    assert len(_collection(ax, "units").get_paths()) == 30
    assert len(_collection(ax, "missing").get_paths()) == 1
    assert len(_collection(ax, "context").get_paths()) == 3  # Hong Kong, Macao, Taiwan
    inset = [a for a in ax.child_axes if a.get_gid() == "inset"][0]
    assert _collection(inset, "south-sea-line") is not None
    assert _collection(inset, "south-sea-islands") is not None
    # the main map stops north of the Spratlys: its lowest edge lies above 17.5 N
    x0, x1 = ax.get_xlim()
    y0, _ = ax.get_ylim()
    lon, lat = Transformer.from_crs(CHINA_ALBERS, 4326, always_xy=True).transform((x0 + x1) / 2, y0)
    assert 15.0 < lat < 18.2
    # no land (Taiwan!) hidden under the inset box
    tw = gpd.GeoSeries(
        load_boundaries("china-provinces", include_other=True).geometry.loc[["710000"]]
    ).to_crs(CHINA_ALBERS)
    inset_left = x0 + 0.80 * (x1 - x0)
    assert tw.total_bounds[2] < inset_left


def test_unit_names_inside_their_units(grid, monkeypatch):
    g = grid.assign(name_en=[f"N{i}" for i in range(len(grid))])
    ax = choropleth(g, "v", annotate=True, lang="en", projection=None).axes[0]
    names = [t for t in ax.texts if t.get_gid() == "unit-name"]
    assert [t.get_text() for t in names] == list(g["name_en"])
    for t, geom in zip(names, g.geometry, strict=True):
        assert geom.contains(shapely.geometry.Point(t.get_position()))
    ax = lisa_map(g.assign(cluster="Not significant"), annotate="name_en", lang="en").axes[0]
    assert len([t for t in ax.texts if t.get_gid() == "unit-name"]) == len(g)
    with pytest.raises(ValueError, match="name column"):
        choropleth(grid, "v", annotate=True)
    monkeypatch.setattr(_style, "find_cjk_font", lambda: None)
    with pytest.raises(ValueError, match="empty boxes"):
        choropleth(g.assign(nm="北京"), "v", annotate="nm", lang="en")


# ---------------------------------------------------------------------------
# property: every unit's colour is its class's colour, for any data
# ---------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=15, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=12, max_size=12
    ).filter(lambda v: len(set(v)) >= 4),
    k=st.integers(min_value=2, max_value=4),
    permutation_seed=st.integers(min_value=0, max_value=1000),
)
def test_colours_follow_classes_for_any_values(values, k, permutation_seed):
    g = _grid().assign(v=values)
    # row order must not matter: shuffle the rows
    order = np.random.default_rng(permutation_seed).permutation(len(g))
    shuffled = g.iloc[order]
    ax = choropleth(shuffled, "v", k=k, north_arrow=False, scale_bar=False).axes[0]
    classes = classify(g["v"], k=k).classes
    cmap = matplotlib.colormaps["YlOrRd"]
    expected = [to_hex(cmap(int(classes[uid]) / (k - 1))) for uid in shuffled.index]
    assert _hexes(_collection(ax, "units")) == expected


def test_small_multiples_accepts_join_output_and_draws_china_context():
    """geohra.join returns a plain row index with an adcode column: the map must still
    recognise Chinese provinces (grey Hong Kong/Macao/Taiwan, South China Sea inset)."""
    import matplotlib

    matplotlib.use("Agg")
    import geohra
    from geohra.maps import static

    joined = geohra.join(
        geohra.load_boundaries("china-provinces"), geohra.load_demo("physicians-2018")
    )
    assert "adcode" in joined.columns
    joined = joined[joined["year"] == 2018]  # a selection keeps a row index with gaps
    fig = static.small_multiples(
        joined, "physicians_per_1000_pop", time="year", years=[2018], lang="en"
    )
    gids = {a.get_gid() for ax in fig.axes for a in ax.get_children() if a.get_gid()}
    assert {"context", "inset", "units"} <= gids
    import matplotlib.pyplot as plt

    plt.close(fig)
