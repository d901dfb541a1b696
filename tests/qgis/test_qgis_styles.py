"""Styled outputs in real QGIS: the renderer on a loaded output layer and the default style
stored in a GeoPackage output carry geohra's exact classes, labels and colours (the
colours of geohra's own maps, ``geohra.maps._style``)."""

from __future__ import annotations

import gc

import pytest
from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsGraduatedSymbolRenderer,
    QgsProcessingContext,
    QgsProject,
    QgsRenderContext,
    QgsVectorLayer,
)
from qgis_helpers import RecordingFeedback, owned

import geohra
from geohra.coupling import GRADES
from geohra.maps._style import LISA_COLORS, class_colors

SPATIAL = {"ID_FIELD": "adcode", "FIELD": "beds", "PERMUTATIONS": 99, "SEED": 3}


def hex_of(symbol) -> str:
    return symbol.color().name().lower()


def run_loaded(alg_id: str, params: dict):
    """Run as the dialog does with "Open output file after running": the output is loaded
    into the project, and geohra's post-processor styles it. Returns the loaded layer."""
    import processing

    before = set(QgsProject.instance().mapLayers())
    processing.runAndLoadResults(
        alg_id, {**params, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=RecordingFeedback()
    )
    new = [lyr for lid, lyr in QgsProject.instance().mapLayers().items() if lid not in before]
    layers = [
        lyr for lyr in new if lyr.isSpatial() and lyr.fields().lookupField(_key_field(alg_id)) >= 0
    ]
    assert len(layers) == 1, [lyr.name() for lyr in new]
    return layers[0], new


def _key_field(alg_id: str) -> str:
    return {
        "geohra:naturalbreaks": "class",
        "geohra:localmoran": "lisa_clust",
        "geohra:getisord": "gi_spot",
        "geohra:couplingcoordination": "level",
    }[alg_id]


def _drop(layers):
    for lyr in layers:
        QgsProject.instance().removeMapLayer(lyr.id())
    gc.collect()


def check_graduated(renderer, field, classification):
    assert isinstance(renderer, QgsGraduatedSymbolRenderer)
    assert renderer.classAttribute() == field
    ranges = renderer.ranges()
    summary = classification.summary()
    assert len(ranges) == classification.k == len(summary)
    colours = class_colors("YlOrRd", classification.k)
    for r, (_, row), colour in zip(ranges, summary.iterrows(), colours, strict=True):
        assert r.lowerValue() == row["lower"] and r.upperValue() == row["upper"]
        assert r.label() == row["label"]
        assert hex_of(r.symbol()) == colour


def symbol_colours(layer) -> dict:
    """adcode -> the fill colour QGIS draws each feature with."""
    renderer = layer.renderer().clone()
    ctx = QgsRenderContext()
    renderer.startRender(ctx, layer.fields())
    try:
        return {f["adcode"]: hex_of(renderer.symbolForFeature(f, ctx)) for f in layer.getFeatures()}
    finally:
        renderer.stopRender(ctx)


def test_natural_breaks_graduated_with_geohras_classes(layer, provinces, qgis_app):
    out, new = run_loaded(
        "geohra:naturalbreaks",
        {
            "INPUT": layer,
            "FIELD": "beds",
            "K": 4,
            "ID_FIELD": "adcode",
            "BREAKS": "TEMPORARY_OUTPUT",
        },
    )
    try:
        ref = geohra.classify(provinces[1]["beds"], scheme="fisher_jenks", k=4)
        check_graduated(out.renderer(), "beds", ref)
        # every province is drawn in the colour of the class geohra gave it
        colours = class_colors("YlOrRd", 4)
        drawn = symbol_colours(out)
        classes = ref.to_frame()["class"]
        assert drawn == {code: colours[int(c)] for code, c in classes.items()}
        assert len(set(drawn.values())) == 4
    finally:
        _drop(new)


def test_lisa_and_hot_spot_colours(layer, qgis_app):
    out, new = run_loaded(
        "geohra:localmoran", {"INPUT": layer, **SPATIAL, "SUMMARY": "TEMPORARY_OUTPUT"}
    )
    try:
        renderer = out.renderer()
        assert isinstance(renderer, QgsCategorizedSymbolRenderer)
        assert renderer.classAttribute() == "lisa_clust"
        cats = {c.value(): hex_of(c.symbol()) for c in renderer.categories()}
        assert cats == {k: v.lower() for k, v in LISA_COLORS.items()}
        assert cats["High-High"] == "#ff0000" and cats["Low-Low"] == "#0000ff"
        drawn = symbol_colours(out)
        for f in out.getFeatures():
            assert drawn[f["adcode"]] == LISA_COLORS[f["lisa_clust"]].lower()
    finally:
        _drop(new)
    out, new = run_loaded(
        "geohra:getisord", {"INPUT": layer, **SPATIAL, "SUMMARY": "TEMPORARY_OUTPUT"}
    )
    try:
        renderer = out.renderer()
        assert (
            isinstance(renderer, QgsCategorizedSymbolRenderer)
            and renderer.classAttribute() == "gi_spot"
        )
        cats = {c.value(): hex_of(c.symbol()) for c in renderer.categories()}
        assert cats == {
            "Hot spot": LISA_COLORS["High-High"].lower(),
            "Cold spot": LISA_COLORS["Low-Low"].lower(),
            "Not significant": LISA_COLORS["Not significant"].lower(),
        }
    finally:
        _drop(new)


def test_coupling_ten_grades(layer, qgis_app):
    out, new = run_loaded(
        "geohra:couplingcoordination",
        {"INPUT": layer, "ID_FIELD": "adcode", "FIELDS": ["u_beds", "u_staff"]},
    )
    try:
        renderer = out.renderer()
        assert (
            isinstance(renderer, QgsCategorizedSymbolRenderer)
            and renderer.classAttribute() == "level"
        )
        cats = renderer.categories()
        assert [c.value() for c in cats] == list(range(1, 11))
        assert [hex_of(c.symbol()) for c in cats] == list(class_colors("RdYlGn", 10))
        assert [c.label() for c in cats] == [
            f"{k} {en} ({zh})" for k, (en, zh) in sorted(GRADES.items())
        ]
        drawn = symbol_colours(out)
        colours = class_colors("RdYlGn", 10)
        for f in out.getFeatures():
            assert drawn[f["adcode"]] == colours[f["level"] - 1]
    finally:
        _drop(new)


@pytest.mark.parametrize(
    "alg,extra,outputs,kind,field,count",
    [
        (
            "geohra:naturalbreaks",
            {"FIELD": "beds", "K": 5},
            ("BREAKS",),
            QgsGraduatedSymbolRenderer,
            "beds",
            5,
        ),
        ("geohra:localmoran", SPATIAL, ("SUMMARY",), QgsCategorizedSymbolRenderer, "lisa_clust", 5),
        ("geohra:getisord", SPATIAL, ("SUMMARY",), QgsCategorizedSymbolRenderer, "gi_spot", 3),
        (
            "geohra:couplingcoordination",
            {"FIELDS": ["u_beds", "u_staff"]},
            (),
            QgsCategorizedSymbolRenderer,
            "level",
            10,
        ),
    ],
)
def test_style_saved_in_geopackage(
    layer, provinces, qgis_app, tmp_path, alg, extra, outputs, kind, field, count
):
    """A GeoPackage output opens styled later (its layer_styles table holds the default)."""
    import processing

    gpkg = tmp_path / "out.gpkg"
    params = {"INPUT": layer, **extra, "OUTPUT": str(gpkg)} | {
        o: "TEMPORARY_OUTPUT" for o in outputs
    }
    result = processing.run(
        alg, params, context=QgsProcessingContext(), feedback=RecordingFeedback()
    )
    del result
    gc.collect()
    reopened = owned(QgsVectorLayer(str(gpkg), "reopened", "ogr"))
    try:
        assert reopened.isValid()
        renderer = reopened.renderer()
        assert isinstance(renderer, kind), type(renderer)
        assert renderer.classAttribute() == field
        assert (
            len(renderer.ranges() if kind is QgsGraduatedSymbolRenderer else renderer.categories())
            == count
        )
        if alg == "geohra:naturalbreaks":
            check_graduated(
                renderer, "beds", geohra.classify(provinces[1]["beds"], scheme="fisher_jenks", k=5)
            )
    finally:
        _drop([reopened])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gpkg"]


def test_panel_breaks_per_year_are_styled_by_class(panel_layer, qgis_app):
    out, new = run_loaded(
        "geohra:naturalbreaks",
        {
            "INPUT": panel_layer,
            "ID_FIELD": "adcode",
            "YEAR_FIELD": "year",
            "FIELD": "gp_rate",
            "K": 3,
            "BREAKS": "TEMPORARY_OUTPUT",
        },
    )
    try:
        renderer = out.renderer()
        assert (
            isinstance(renderer, QgsGraduatedSymbolRenderer)
            and renderer.classAttribute() == "class"
        )
        assert [(r.lowerValue(), r.upperValue()) for r in renderer.ranges()] == [
            (0, 0),
            (1, 1),
            (2, 2),
        ]
        assert [hex_of(r.symbol()) for r in renderer.ranges()] == list(class_colors("YlOrRd", 3))
    finally:
        _drop(new)
