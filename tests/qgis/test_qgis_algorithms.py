"""Every geohra Processing algorithm, run in-process through ``processing.run`` on the
built-in provinces, gives the library's numbers (the library is called here too)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from qgis.core import QgsApplication
from qgis_helpers import layer_rows, owned

import geohra

EXPECTED = {
    "couplingcoordination",
    "dagumgini",
    "entropyindex",
    "getisord",
    "localmoran",
    "moran",
    "naturalbreaks",
    "obstacledegree",
    "spatialgini",
    "theil",
}


def same(a, b, *, rel=1e-12):
    """Values from QGIS equal the library's (floats to rounding of a JSON round trip: exact)."""
    if isinstance(b, (float, np.floating)) and not isinstance(b, bool):
        if b is None or (isinstance(b, float) and math.isnan(b)):
            return a is None
        return a is not None and math.isclose(a, float(b), rel_tol=rel, abs_tol=1e-15)
    if b is None or b is pd.NA:
        return a is None
    if isinstance(b, (np.integer, int)) and not isinstance(b, bool):
        return a == int(b)
    return a == b


def check_table(rows: list[dict], frame: pd.DataFrame) -> None:
    assert len(rows) == len(frame)
    for row, (_, ref) in zip(rows, frame.iterrows(), strict=True):
        for col, val in ref.items():
            assert same(row[str(col)], val), (col, row[str(col)], val)


def by_unit(rows, key="adcode"):
    return {r[key]: r for r in rows}


def test_provider_lists_all_algorithms(qgis_app):
    provider = QgsApplication.processingRegistry().providerById("geohra")
    assert provider is not None
    algs = {a.name(): a for a in provider.algorithms()}
    assert set(algs) == EXPECTED
    for alg in algs.values():
        assert alg.group() and alg.displayName()
        assert len(alg.shortHelpString()) > 200  # real help text, not a stub
        assert alg.parameterDefinition("INPUT") is not None


def test_entropy_index(layer, provinces, run_alg):
    fields, negative = ["beds", "staff", "inst", "invest"], ["invest"]
    rows, _ = run_alg(
        "geohra:entropyindex",
        {
            "INPUT": layer,
            "ID_FIELD": "adcode",
            "FIELDS": fields,
            "NEGATIVE": negative,
            "SCALE": 100,
            "ADD_NORMALIZED": True,
        },
        outputs=("OUTPUT", "WEIGHTS"),
    )
    ref = geohra.entropy_weights(provinces[1], fields, negative=negative, scale=100)
    out = by_unit(rows["OUTPUT"])
    assert len(out) == 31
    for code, score in ref.scores.items():
        assert same(out[code]["score"], score)
        for f in fields:
            assert same(out[code][f"z_{f}"], ref.normalized.loc[code, f])
        assert out[code]["name_en"] == provinces[1].loc[code, "name_en"]  # input fields kept
    check_table(rows["WEIGHTS"], ref.summary().reset_index())


def test_natural_breaks(layer, provinces, run_alg):
    rows, _ = run_alg(
        "geohra:naturalbreaks",
        {"INPUT": layer, "ID_FIELD": "adcode", "FIELD": "beds", "K": 4},
        outputs=("OUTPUT", "BREAKS"),
    )
    ref = geohra.classify(provinces[1]["beds"], scheme="fisher_jenks", k=4)
    frame = ref.to_frame()
    out = by_unit(rows["OUTPUT"])
    for code in frame.index:
        assert out[code]["class"] == int(frame.loc[code, "class"])
        assert out[code]["class_lbl"] == frame.loc[code, "label"]
    check_table(rows["BREAKS"], ref.summary().reset_index())
    assert all(same(r["gvf"], ref.gvf) for r in rows["BREAKS"])


def test_theil_population_weighted(layer, provinces, run_alg):
    rows, _ = run_alg(
        "geohra:theil",
        {
            "INPUT": layer,
            "ID_FIELD": "adcode",
            "FIELD": "beds_total",
            "POPULATION": "pop",
            "GROUP": "region3",
        },
        outputs=("OUTPUT", "GROUPS"),
    )
    ref = geohra.theil(provinces[1], "beds_total", population="pop", by="region3")
    check_table(rows["OUTPUT"], ref.summary())
    assert rows["OUTPUT"][0]["weighted"] is True
    check_table(rows["GROUPS"], ref.groups.reset_index())


def test_dagum_gini(layer, provinces, run_alg):
    rows, _ = run_alg(
        "geohra:dagumgini",
        {"INPUT": layer, "FIELD": "beds", "GROUP": "region3"},
        outputs=("OUTPUT", "PAIRS", "GROUPS"),
    )
    ref = geohra.dagum_gini(provinces[1], "beds", by="region3")
    check_table(rows["OUTPUT"], ref.summary())
    check_table(rows["PAIRS"], ref.between_groups)
    check_table(rows["GROUPS"], ref.group_table.reset_index())
    assert len(rows["PAIRS"]) == 3  # East/Central/West


def test_integer_group_codes_stay_labels(layer, provinces, run_alg):
    """A group field holding codes 1/2/3 groups like the names do, and stays 1/2/3."""
    rows, _ = run_alg(
        "geohra:dagumgini",
        {"INPUT": layer, "FIELD": "beds", "GROUP": "region_code"},
        outputs=("OUTPUT", "GROUPS"),
    )
    ref = geohra.dagum_gini(provinces[1], "beds", by="region_code")
    check_table(rows["OUTPUT"], ref.summary())
    assert sorted(r["region_code"] for r in rows["GROUPS"]) == [1, 2, 3]
    by_name = geohra.dagum_gini(provinces[1], "beds", by="region3")
    assert math.isclose(rows["OUTPUT"][0]["between_net"], by_name.between_net, rel_tol=1e-12)


SPATIAL = {"ID_FIELD": "adcode", "FIELD": "beds", "PERMUTATIONS": 99, "SEED": 20131}
# the library's local result columns -> the layer's (Shapefile-safe) field names
LISA_FIELDS = {
    "statistic": "lisa_i",
    "pvalue": "lisa_p",
    "quadrant": "lisa_quad",
    "cluster": "lisa_clust",
    "z": "lisa_z",
    "lag": "lisa_lag",
    "pvalue_fdr": "lisa_p_fdr",
}
GI_FIELDS = {
    "statistic": "gi_stat",
    "expected": "gi_exp",
    "variance": "gi_var",
    "z": "gi_z",
    "pvalue": "gi_p",
    "pvalue_sim": "gi_p_sim",
    "pvalue_fdr": "gi_p_fdr",
    "spot": "gi_spot",
}


def _weights(gdf):
    return geohra.spatial_weights(gdf, kind="queen")


def test_moran(layer, provinces, run_alg):
    rows, feedback = run_alg("geohra:moran", {"INPUT": layer, **SPATIAL})
    gdf = provinces[1]
    ref = geohra.moran(gdf, "beds", graph=_weights(gdf), permutations=99, rng=20131)
    check_table(rows["OUTPUT"], ref.summary())
    # Hainan has no contiguous neighbour: the library's warning reaches the Processing log
    assert any("460000" in w or "Hainan" in w for w in feedback.warnings), feedback.warnings


def test_spatial_gini(layer, provinces, run_alg):
    rows, _ = run_alg("geohra:spatialgini", {"INPUT": layer, **SPATIAL})
    gdf = provinces[1]
    ref = geohra.spatial_gini(gdf, "beds", graph=_weights(gdf), permutations=99, rng=20131)
    check_table(rows["OUTPUT"], ref.summary())


@pytest.mark.parametrize("islands,fdr", [(0, False), (1, True)])
def test_local_moran(layer, provinces, run_alg, islands, fdr):
    rows, _ = run_alg(
        "geohra:localmoran",
        {"INPUT": layer, **SPATIAL, "SIGNIFICANCE": 0.1, "ISLANDS": islands, "FDR": fdr},
        outputs=("OUTPUT", "SUMMARY"),
    )
    gdf = provinces[1]
    weights = geohra.spatial_weights(gdf, kind="queen", islands=["nearest", "keep"][islands])
    res = geohra.local_moran(
        gdf, "beds", graph=weights, permutations=99, significance=0.1, fdr=fdr, rng=20131
    )
    ref = res.to_frame()
    out = by_unit(rows["OUTPUT"])
    added = set(rows["OUTPUT"][0]) - set(layer.fields().names())
    assert added == {LISA_FIELDS[c] for c in ref.columns}
    assert ("lisa_p_fdr" in added) is fdr
    for code, ref_row in ref.iterrows():
        for col, val in ref_row.items():
            assert same(out[code][LISA_FIELDS[col]], val), (code, col)
    if islands == 1:  # Hainan kept isolated: no p-value, not significant
        assert out["460000"]["lisa_p"] is None
        assert out["460000"]["lisa_clust"] == "Not significant"
    check_table(rows["SUMMARY"], res.summary())


@pytest.mark.parametrize("inference", [0, 1])
def test_getis_ord(layer, provinces, run_alg, inference):
    rows, _ = run_alg(
        "geohra:getisord",
        {"INPUT": layer, **SPATIAL, "INFERENCE": inference},
        outputs=("OUTPUT", "SUMMARY"),
    )
    gdf = provinces[1]
    res = geohra.getis_ord(
        gdf,
        "beds",
        graph=_weights(gdf),
        star=True,
        permutations=99,
        inference=["analytic", "permutation"][inference],
        rng=20131,
    )
    out = by_unit(rows["OUTPUT"])
    ref = res.to_frame()
    assert set(rows["OUTPUT"][0]) - set(layer.fields().names()) == {
        GI_FIELDS[c] for c in ref.columns
    }
    for code, ref_row in ref.iterrows():
        for col, val in ref_row.items():
            assert same(out[code][GI_FIELDS[col]], val), (code, col)
    check_table(rows["SUMMARY"], res.summary())


def test_seed_makes_permutation_pvalues_reproducible(layer, run_alg):
    a, _ = run_alg("geohra:moran", {"INPUT": layer, **SPATIAL})
    b, _ = run_alg("geohra:moran", {"INPUT": layer, **SPATIAL})
    assert a == b


def test_coupling_coordination(layer, provinces, run_alg):
    for method in (0, 1):
        rows, _ = run_alg(
            "geohra:couplingcoordination",
            {
                "INPUT": layer,
                "ID_FIELD": "adcode",
                "FIELDS": ["u_beds", "u_staff"],
                "METHOD": method,
            },
        )
        ref = geohra.coupling_coordination(
            provinces[1], ["u_beds", "u_staff"], method=["revised", "traditional"][method]
        ).to_frame()
        out = by_unit(rows["OUTPUT"])
        for code, ref_row in ref.iterrows():
            for col, val in ref_row.items():
                assert same(out[code][col], val), (method, code, col)


def test_obstacle_degree(layer, provinces, run_alg):
    fields = ["beds", "staff", "inst", "invest"]
    rows, _ = run_alg(
        "geohra:obstacledegree",
        {"INPUT": layer, "ID_FIELD": "adcode", "FIELDS": fields, "TOP_N": 2},
        outputs=("OUTPUT", "TOP"),
    )
    ew = geohra.entropy_weights(provinces[1], fields)
    ref = geohra.obstacle_degree(ew.normalized, ew.weights, top=2)
    check_table(rows["OUTPUT"], ref.to_frame().reset_index())
    check_table(rows["TOP"], ref.top.reset_index())
    for row in rows["OUTPUT"]:
        assert math.isclose(sum(row[f] for f in fields), 100.0, rel_tol=1e-9)


def test_selected_features_only(layer, provinces, run_alg):
    """'Selected features only' sends just those units (here: no East provinces)."""
    from qgis.core import QgsProcessingFeatureSourceDefinition

    layer.selectByExpression("\"region3\" <> 'East'")
    source = QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True)
    rows, _ = run_alg("geohra:theil", {"INPUT": source, "FIELD": "beds", "GROUP": "region3"})
    sub = provinces[1][provinces[1]["region3"] != "East"]
    ref = geohra.theil(sub, "beds", by="region3")
    check_table(rows["OUTPUT"], ref.summary())
    assert rows["OUTPUT"][0]["n"] == 20


def test_chained_in_a_processing_model(layer, provinces, qgis_app):
    """Graphical-modeler use: entropy index -> natural breaks of its score, as one model."""
    import processing
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFeatureSource,
    )
    from qgis.core import (
        QgsProcessingModelChildParameterSource as Src,
    )

    model = QgsProcessingModelAlgorithm("equity", "tests")
    model.addModelParameter(
        QgsProcessingParameterFeatureSource("provinces", "Provinces"),
        QgsProcessingModelParameter("provinces"),
    )
    entropy = QgsProcessingModelChildAlgorithm("geohra:entropyindex")
    entropy.setChildId("entropy")
    entropy.addParameterSources("INPUT", [Src.fromModelParameter("provinces")])
    entropy.addParameterSources("ID_FIELD", [Src.fromStaticValue("adcode")])
    entropy.addParameterSources("FIELDS", [Src.fromStaticValue(["beds", "staff", "inst"])])
    breaks = QgsProcessingModelChildAlgorithm("geohra:naturalbreaks")
    breaks.setChildId("breaks")
    breaks.addParameterSources("INPUT", [Src.fromChildOutput("entropy", "OUTPUT")])
    breaks.addParameterSources("ID_FIELD", [Src.fromStaticValue("adcode")])
    breaks.addParameterSources("FIELD", [Src.fromStaticValue("score")])
    breaks.addParameterSources("K", [Src.fromStaticValue(3)])
    out = QgsProcessingModelOutput("classes")
    out.setChildOutputName("OUTPUT")
    breaks.setModelOutputs({"classes": out})
    model.addChildAlgorithm(entropy)
    model.addChildAlgorithm(breaks)

    result = processing.run(model, {"provinces": layer, "breaks:classes": "TEMPORARY_OUTPUT"})
    lyr = result["breaks:classes"]
    from qgis.core import QgsVectorLayer

    assert isinstance(lyr, QgsVectorLayer), lyr  # a memory layer, not a file somewhere
    owned(lyr)
    rows = by_unit(layer_rows(lyr))
    del result
    scores = geohra.entropy_weights(provinces[1], ["beds", "staff", "inst"]).scores
    ref = geohra.classify(scores, scheme="fisher_jenks", k=3).to_frame()
    for code in ref.index:
        assert same(rows[code]["score"], scores[code])
        assert rows[code]["class"] == int(ref.loc[code, "class"])
