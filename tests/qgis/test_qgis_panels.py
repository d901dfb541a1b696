"""Long panels (one feature per unit and year) in QGIS: per-year and pooled results equal
the library's calls on each year's rows (spatial statistics build each year's neighbours
from that year's polygons), and a panel without its year field is refused."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import geohra

PANEL = {"ID_FIELD": "adcode", "YEAR_FIELD": "year"}


def close(a, b):
    return a is not None and math.isclose(a, float(b), rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("pooled", [False, True])
def test_entropy_index_per_year_and_pooled(panel_layer, gp_panel, run_alg, pooled):
    fields = ["gp_rate", "gp_share"]
    rows, _ = run_alg(
        "geohra:entropyindex",
        {"INPUT": panel_layer, **PANEL, "FIELDS": fields, "POOLED": pooled},
        outputs=("OUTPUT", "WEIGHTS"),
    )
    ref = geohra.entropy_weights(gp_panel[1], fields, time="year", pooled=pooled)
    got = {(r["adcode"], r["year"]): r["score"] for r in rows["OUTPUT"]}
    assert len(got) == 186
    for key, score in ref.scores.items():
        assert close(got[key], score), key
    weights = ref.summary().reset_index()
    assert len(rows["WEIGHTS"]) == len(weights) == (2 if pooled else 12)
    for row, (_, w) in zip(rows["WEIGHTS"], weights.iterrows(), strict=True):
        assert row["indicator"] == w["indicator"] and close(row["weight"], w["weight"])
        if not pooled:
            assert row["year"] == w["year"]


def test_theil_per_year(panel_layer, gp_panel, run_alg):
    rows, _ = run_alg(
        "geohra:theil",
        {"INPUT": panel_layer, **PANEL, "FIELD": "gp_rate", "GROUP": "region3"},
        outputs=("OUTPUT", "GROUPS"),
    )
    ref = geohra.per_year(
        geohra.theil, gp_panel[1].reset_index("year"), "gp_rate", by="region3"
    ).summary()
    assert [r["year"] for r in rows["OUTPUT"]] == list(range(2012, 2018))
    for row, (_, r) in zip(rows["OUTPUT"], ref.iterrows(), strict=True):
        assert row["year"] == r["year"]
        for col in ("total", "within", "between"):
            assert close(row[col], r[col]), (r["year"], col)
    assert len(rows["GROUPS"]) == 6 * 3


def test_dagum_per_year(panel_layer, gp_panel, run_alg):
    rows, _ = run_alg(
        "geohra:dagumgini",
        {"INPUT": panel_layer, **PANEL, "FIELD": "gp_share", "GROUP": "region3"},
        outputs=("OUTPUT",),
    )
    data = gp_panel[1]
    for row in rows["OUTPUT"]:
        part = data.xs(row["year"], level="year")
        ref = geohra.dagum_gini(part, "gp_share", by="region3")
        for col in ("total", "within", "between_net", "transvariation"):
            assert close(row[col], getattr(ref, col)), (row["year"], col)


def test_obstacle_degree_per_year(panel_layer, gp_panel, run_alg):
    fields = ["gp_rate", "gp_share"]
    rows, _ = run_alg(
        "geohra:obstacledegree",
        {"INPUT": panel_layer, **PANEL, "FIELDS": fields, "TOP_N": 1},
        outputs=("OUTPUT",),
    )
    ew = geohra.entropy_weights(gp_panel[1], fields, time="year")
    ref = geohra.obstacle_degree(ew, top=1).to_frame()
    got = {(r["adcode"], r["year"]): r for r in rows["OUTPUT"]}
    for key, ref_row in ref.iterrows():
        for f in fields:
            v = ref_row[f]
            assert (got[key][f] is None) if pd.isna(v) else close(got[key][f], v), (key, f)


YEARS = list(range(2012, 2018))
SPATIAL = {**PANEL, "FIELD": "gp_rate", "PERMUTATIONS": 49, "SEED": 5}


def cross_sections(gp_panel):
    """(year, GeoDataFrame of that year indexed by adcode) as the library sees them."""
    ref = gp_panel[1]
    for year in YEARS:
        part = ref.xs(year, level="year")
        assert len(part) == 31 and part.index.is_unique
        yield year, part


def _graph(part):
    return geohra.spatial_weights(part, kind="queen")


def library_per_year(func, gp_panel, **kwargs):
    """The library's own per-year run (geohra.per_year: each year's queen weights, one
    random Generator from the seed shared by the years in turn)."""
    return geohra.per_year(func, gp_panel[1], "gp_rate", time="year", unit="adcode", **kwargs)


@pytest.mark.parametrize(
    "alg,func",
    [("geohra:moran", geohra.moran), ("geohra:spatialgini", geohra.spatial_gini)],
)
def test_global_spatial_per_year(panel_layer, gp_panel, run_alg, alg, func):
    rows, feedback = run_alg(alg, {"INPUT": panel_layer, **SPATIAL})
    assert [r["year"] for r in rows["OUTPUT"]] == YEARS
    lib = library_per_year(func, gp_panel, permutations=49, rng=5)
    assert lib.years == YEARS
    for row, (year, res) in zip(rows["OUTPUT"], lib, strict=True):
        ref = res.summary()
        assert len(ref) == 1
        for col, val in ref.iloc[0].items():
            if isinstance(val, float):
                assert close(row[col], val) or (val != val and row[col] is None), (year, col)
            else:
                assert row[col] == val, (year, col)
    # progress went through the feedback object, year by year
    assert feedback.progress and max(feedback.progress) == 100
    assert any("6 of 6 years" in t for t in feedback.texts), feedback.texts


def test_moran_per_year_is_not_the_stacked_answer(panel_layer, gp_panel, run_alg):
    """The issue's example: stacked copies as neighbours gave a confident I = 0.12,
    p = 1e-11; each real cross-section gives its own, different answer."""
    rows, _ = run_alg("geohra:moran", {"INPUT": panel_layer, **SPATIAL})
    for row, (year, part) in zip(rows["OUTPUT"], cross_sections(gp_panel), strict=True):
        ref = geohra.moran(part, "gp_rate", graph=_graph(part), permutations=0)
        assert close(row["statistic"], ref.statistic), year


@pytest.mark.parametrize(
    "alg,func,fields",
    [
        (
            "geohra:localmoran",
            geohra.local_moran,
            {
                "statistic": "lisa_i",
                "pvalue": "lisa_p",
                "quadrant": "lisa_quad",
                "cluster": "lisa_clust",
                "z": "lisa_z",
                "lag": "lisa_lag",
            },
        ),
        (
            "geohra:getisord",
            geohra.getis_ord,
            {
                "statistic": "gi_stat",
                "expected": "gi_exp",
                "variance": "gi_var",
                "z": "gi_z",
                "pvalue": "gi_p",
                "pvalue_sim": "gi_p_sim",
                "spot": "gi_spot",
            },
        ),
    ],
)
def test_local_spatial_per_year(panel_layer, gp_panel, run_alg, alg, func, fields):
    rows, _ = run_alg(alg, {"INPUT": panel_layer, **SPATIAL}, outputs=("OUTPUT", "SUMMARY"))
    got = {(r["adcode"], r["year"]): r for r in rows["OUTPUT"]}
    assert len(got) == 186
    summaries = []
    for year, res in library_per_year(func, gp_panel, permutations=49, rng=5):
        frame = res.to_frame()
        assert set(frame.columns) == set(fields)
        for code, ref_row in frame.iterrows():
            for col, val in ref_row.items():
                v = got[(code, year)][fields[col]]
                if isinstance(val, float):
                    assert (v is None) if val != val else close(v, val), (code, year, col)
                else:
                    assert v == (val if isinstance(val, str) else int(val)), (code, year, col)
        summaries.append(res.summary().assign(year=year))
    assert [r["year"] for r in rows["SUMMARY"]] == [
        s["year"].iloc[0] for s in summaries for _ in range(len(s))
    ]


@pytest.mark.parametrize("pooled", [False, True])
def test_natural_breaks_per_year_and_pooled(panel_layer, gp_panel, run_alg, pooled):
    rows, _ = run_alg(
        "geohra:naturalbreaks",
        {"INPUT": panel_layer, **PANEL, "FIELD": "gp_rate", "K": 4, "POOLED": pooled},
        outputs=("OUTPUT", "BREAKS"),
    )
    got = {(r["adcode"], r["year"]): r for r in rows["OUTPUT"]}
    data = gp_panel[1]
    if pooled:
        refs = {None: geohra.classify(data["gp_rate"], scheme="fisher_jenks", k=4)}
        classes = refs[None].to_frame()
        assert len(rows["BREAKS"]) == 4 and "year" not in rows["BREAKS"][0]
    else:
        refs = {
            y: geohra.classify(part["gp_rate"], scheme="fisher_jenks", k=4)
            for y, part in cross_sections(gp_panel)
        }
        classes = pd.concat({y: r.to_frame() for y, r in refs.items()}, names=["year"]).swaplevel(
            0, 1
        )
        assert [r["year"] for r in rows["BREAKS"]] == [y for y in YEARS for _ in range(4)]
    for key, ref_row in classes.iterrows():
        assert (
            got[key]["class"] == int(ref_row["class"]) and got[key]["class_lbl"] == ref_row["label"]
        ), key
    for row in rows["BREAKS"]:
        ref = refs[row.get("year")].summary().loc[row["class"]]
        assert close(row["upper"], ref["upper"]) and row["label"] == ref["label"]


SPATIAL_ALGS = [
    "geohra:moran",
    "geohra:spatialgini",
    "geohra:localmoran",
    "geohra:getisord",
    "geohra:naturalbreaks",
]


OUTPUTS = {a: ("OUTPUT",) for a in SPATIAL_ALGS} | {"geohra:naturalbreaks": ("OUTPUT", "BREAKS")}


@pytest.mark.parametrize("alg", SPATIAL_ALGS)
def test_panel_without_year_field_is_refused(panel_layer, run_alg, alg):
    """Stacked copies of a province are not its neighbours: without the year field the layer
    is refused, with or without a unit ID, and the message says to choose the Year field."""
    from qgis.core import QgsProcessingException

    for params in ({"FIELD": "gp_rate"}, {"FIELD": "gp_rate", "ID_FIELD": "adcode"}):
        with pytest.raises(QgsProcessingException) as info:
            run_alg(alg, {"INPUT": panel_layer, **params}, outputs=OUTPUTS[alg])
        msg = str(info.value)
        assert "'Year field'" in msg and "Traceback" not in msg, msg
        if "ID_FIELD" in params:
            assert "repeated values" in msg and "'110000' (6 features)" in msg, msg
        else:
            assert "155 feature(s) repeat the polygon" in msg and "by 5 other feature(s)" in msg, (
                msg
            )
        assert "leave the ID field empty" not in msg


def test_panel_without_year_field_names_the_duplicates(panel_layer, run_alg):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        run_alg(
            "geohra:theil",
            {"INPUT": panel_layer, "ID_FIELD": "adcode", "FIELD": "gp_rate", "GROUP": "region3"},
        )
    msg = str(info.value)
    assert "repeated values" in msg and "'110000'" in msg and "'Year field'" in msg
