"""Long panels (one feature per unit and year) in QGIS: per-year and pooled results equal
the library's ``time=`` / per-year calls on the same rows."""

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
    ref = geohra.per_year(geohra.theil, gp_panel[1].reset_index("year"), "gp_rate", by="region3")
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
        {"INPUT": panel_layer, **PANEL, "FIELDS": fields, "TOP": 1},
        outputs=("OUTPUT",),
    )
    ew = geohra.entropy_weights(gp_panel[1], fields, time="year")
    ref = geohra.obstacle_degree(ew, top=1).to_frame()
    got = {(r["adcode"], r["year"]): r for r in rows["OUTPUT"]}
    for key, ref_row in ref.iterrows():
        for f in fields:
            v = ref_row[f]
            assert (got[key][f] is None) if pd.isna(v) else close(got[key][f], v), (key, f)


def test_panel_without_year_field_names_the_duplicates(panel_layer, run_alg):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        run_alg("geohra:theil", {"INPUT": panel_layer, "ID_FIELD": "adcode", "FIELD": "gp_rate", "GROUP": "region3"})
    msg = str(info.value)
    assert "duplicate" in msg and "'110000'" in msg and "year field" in msg
