"""Bad input inside QGIS gives a Processing error naming the problem: no crash, no traceback."""

from __future__ import annotations

import pytest
from qgis.core import NULL, QgsProcessingException
from qgis_helpers import memory_copy


def error_of(run_alg, alg_id, params, outputs=("OUTPUT",)) -> str:
    with pytest.raises(QgsProcessingException) as info:
        run_alg(alg_id, params, outputs=outputs)
    message = str(info.value)
    assert "Traceback" not in message and 'File "' not in message
    return message


def test_non_numeric_field(layer, run_alg):
    msg = error_of(
        run_alg, "geohra:theil", {"INPUT": layer, "FIELD": "name_en", "GROUP": "region3"}
    )
    assert "name_en" in msg and "numeric" in msg


def test_group_field_with_one_group(layer, run_alg):
    """geohra's own error text comes back from the worker process, cleanly."""
    for alg in ("geohra:theil", "geohra:dagumgini"):
        msg = error_of(run_alg, alg, {"INPUT": layer, "FIELD": "beds", "GROUP": "country"})
        assert "group" in msg.lower() and ("one" in msg.lower() or "two" in msg.lower()), msg
        assert msg.startswith("geohra: ")


def test_layer_without_crs(layer, run_alg):
    nocrs = memory_copy(layer, crs=None)
    assert not nocrs.crs().isValid()
    for alg in ("geohra:moran", "geohra:localmoran", "geohra:spatialgini"):
        msg = error_of(run_alg, alg, {"INPUT": nocrs, "FIELD": "beds"})
        assert "coordinate reference system" in msg and "Assign" in msg
    del nocrs


def test_null_values(layer, run_alg):
    idx = layer.fields().lookupField("beds")

    def blank_beijing(feature):
        if feature["adcode"] == "110000":
            feature.setAttribute(idx, NULL)

    holed = memory_copy(layer, edit=blank_beijing)
    msg = error_of(
        run_alg,
        "geohra:entropyindex",
        {"INPUT": holed, "ID_FIELD": "adcode", "FIELDS": ["beds", "staff"]},
        outputs=("OUTPUT", "WEIGHTS"),
    )
    assert "NULL" in msg and "'beds'" in msg and "'110000'" in msg
    del holed


def test_library_error_text_is_passed_through(layer, run_alg):
    """An error only geohra detects (coupling scores outside [0, 1]) shows geohra's message."""
    msg = error_of(
        run_alg,
        "geohra:couplingcoordination",
        {"INPUT": layer, "ID_FIELD": "adcode", "FIELDS": ["beds", "staff"]},
    )
    assert "[0, 1]" in msg or "0 and 1" in msg, msg


def test_duplicate_unit_ids(layer, run_alg):
    msg = error_of(
        run_alg,
        "geohra:theil",
        {"INPUT": layer, "ID_FIELD": "region3", "FIELD": "beds", "GROUP": "region3"},
    )
    assert "region3" in msg and "repeated values" in msg and "'East' (11 features)" in msg


def test_existing_output_field(layer, run_alg):
    msg = error_of(
        run_alg,
        "geohra:entropyindex",
        {"INPUT": layer, "FIELDS": ["beds", "staff"], "SCORE_FIELD": "name_en"},
        outputs=("OUTPUT", "WEIGHTS"),
    )
    assert "name_en" in msg and "already" in msg


def test_no_python_with_geohra(layer, run_alg, monkeypatch, tmp_path):
    monkeypatch.setenv("GEOHRA_PYTHON", str(tmp_path / "no-such-python"))
    msg = error_of(run_alg, "geohra:theil", {"INPUT": layer, "FIELD": "beds", "GROUP": "region3"})
    assert "no-such-python" in msg and "GEOHRA_PYTHON" in msg and "pip install geohra" in msg


def test_processing_setting_is_used_and_named(layer, run_alg, tmp_path):
    """The provider registers its Processing setting; a broken value there is reported as such
    (set in memory only: nothing is written to the user's QGIS settings)."""
    from processing.core.ProcessingConfig import ProcessingConfig

    setting = ProcessingConfig.settings["GEOHRA_PYTHON"]
    assert setting.group == "geohra"
    old = setting.value
    setting.value = str(tmp_path / "not-a-python")
    try:
        msg = error_of(
            run_alg, "geohra:theil", {"INPUT": layer, "FIELD": "beds", "GROUP": "region3"}
        )
    finally:
        setting.value = old
    assert "not-a-python" in msg and "the Processing setting GEOHRA_PYTHON" in msg


def test_infinite_value(layer, run_alg):
    idx = layer.fields().lookupField("beds")

    def infinite_tianjin(feature):
        if feature["adcode"] == "120000":
            feature.setAttribute(idx, float("inf"))

    bad = memory_copy(layer, edit=infinite_tianjin)
    msg = error_of(run_alg, "geohra:moran", {"INPUT": bad, "ID_FIELD": "adcode", "FIELD": "beds"})
    assert "'beds'" in msg and "infinite" in msg and "'120000'" in msg
    del bad


def test_messages_use_the_dialogs_labels(layer, run_alg):
    """geohra's messages name options as the dialog does, never as Python arguments."""
    rows, feedback = run_alg(
        "geohra:localmoran",
        {"INPUT": layer, "ID_FIELD": "adcode", "FIELD": "beds", "ISLANDS": 1, "PERMUTATIONS": 9},
    )
    text = " ".join(feedback.warnings)
    assert "460000" in text and "islands=" not in text, text
    assert "'Units without a contiguous neighbour (islands)'" in text
    assert "'link each to its nearest unit (with a warning)'" in text
    msg = error_of(
        run_alg,
        "geohra:naturalbreaks",
        {"INPUT": layer, "FIELD": "region_code", "K": 5},
        outputs=("OUTPUT", "BREAKS"),
    )
    assert "k=" not in msg and "'Number of classes' = 5" in msg, msg
    assert "Set 'Number of classes' to 3 or fewer" in msg, msg


def with_field(layer, name):
    """A copy of ``layer`` with an extra (empty) numeric field ``name``."""
    from qgis.core import QgsField
    from qgis.PyQt.QtCore import QVariant

    copy = memory_copy(layer)
    copy.dataProvider().addAttributes([QgsField(name, QVariant.Double)])
    copy.updateFields()
    return copy


RESULT_FIELDS = {
    "geohra:getisord": [
        "gi_stat",
        "gi_exp",
        "gi_var",
        "gi_z",
        "gi_p",
        "gi_p_sim",
        "gi_p_fdr",
        "gi_spot",
    ],
    "geohra:localmoran": [
        "lisa_i",
        "lisa_p",
        "lisa_quad",
        "lisa_clust",
        "lisa_z",
        "lisa_lag",
        "lisa_p_fdr",
    ],
    "geohra:naturalbreaks": ["class", "class_lbl"],
    "geohra:couplingcoordination": [
        "C",
        "T",
        "D",
        "level",
        "grade",
        "grade_en",
        "grade_zh",
        "lagging",
    ],
    "geohra:entropyindex": ["score", "z_beds", "z_staff"],
}
PARAMS = {
    "geohra:getisord": ({"FIELD": "beds", "PERMUTATIONS": 9, "FDR": True}, ("OUTPUT", "SUMMARY")),
    "geohra:localmoran": ({"FIELD": "beds", "PERMUTATIONS": 9, "FDR": True}, ("OUTPUT", "SUMMARY")),
    "geohra:naturalbreaks": ({"FIELD": "beds"}, ("OUTPUT", "BREAKS")),
    "geohra:couplingcoordination": ({"FIELDS": ["u_beds", "u_staff"]}, ("OUTPUT",)),
    "geohra:entropyindex": (
        {"FIELDS": ["beds", "staff"], "ADD_NORMALIZED": True},
        ("OUTPUT", "WEIGHTS"),
    ),
}


@pytest.mark.parametrize("alg,field", [(a, f) for a, names in RESULT_FIELDS.items() for f in names])
def test_every_result_field_already_in_the_input_is_refused(layer, run_alg, alg, field):
    params, outputs = PARAMS[alg]
    clashing = with_field(layer, field)
    msg = error_of(
        run_alg, alg, {"INPUT": clashing, "ID_FIELD": "adcode", **params}, outputs=outputs
    )
    assert f"'{field}'" in msg and "already has" in msg, msg


def test_result_fields_listed_are_exactly_those_written(layer, run_alg):
    """The clash check above covers every field an output gets (no field escapes it)."""
    for alg, names in RESULT_FIELDS.items():
        params, outputs = PARAMS[alg]
        rows, _ = run_alg(alg, {"INPUT": layer, "ID_FIELD": "adcode", **params}, outputs=outputs)
        assert set(rows["OUTPUT"][0]) - set(layer.fields().names()) == set(names), alg


def test_shapefile_output_keeps_every_field_name(layer, qgis_app, tmp_path):
    """Result fields fit a Shapefile's 10 characters: nothing is cut or renumbered."""
    import processing
    from qgis.core import QgsVectorLayer
    from qgis_helpers import owned

    shp = tmp_path / "gi.shp"
    processing.run(
        "geohra:getisord",
        {
            "INPUT": layer,
            "ID_FIELD": "adcode",
            "FIELD": "beds",
            "PERMUTATIONS": 9,
            "FDR": True,
            "OUTPUT": str(shp),
            "SUMMARY": "TEMPORARY_OUTPUT",
        },
    )
    out = owned(QgsVectorLayer(str(shp), "gi", "ogr"))
    names = out.fields().names()
    assert set(RESULT_FIELDS["geohra:getisord"]) <= set(names), names
    assert all(len(n) <= 10 for n in RESULT_FIELDS["geohra:getisord"])
    from qgis.core import QgsProject

    QgsProject.instance().removeMapLayer(out.id())


def test_long_output_names_refused_for_a_shapefile(layer, run_alg, tmp_path):
    msg = error_of(
        run_alg,
        "geohra:entropyindex",
        {
            "INPUT": layer,
            "FIELDS": ["beds", "staff"],
            "SCORE_FIELD": "composite_score",
            "OUTPUT": str(tmp_path / "scores.shp"),
        },
        outputs=("WEIGHTS",),
    )
    assert "composite_score" in msg and "10" in msg and "Shapefile" in msg
    assert not list(tmp_path.iterdir())  # refused before anything was written


def test_table_to_dbase_gets_short_unique_column_names(layer, provinces, qgis_app, tmp_path):
    """A table saved as dBASE keeps 10 characters per name: geohra shortens them to unique
    names itself and says so, instead of letting the driver cut them into duplicates."""
    import processing
    from qgis.core import QgsProject, QgsVectorLayer
    from qgis_helpers import RecordingFeedback, owned

    import geohra

    feedback = RecordingFeedback()
    dbf = tmp_path / "gini.dbf"
    processing.run(
        "geohra:spatialgini",
        {
            "INPUT": layer,
            "ID_FIELD": "adcode",
            "FIELD": "beds",
            "PERMUTATIONS": 9,
            "SEED": 1,
            "OUTPUT": str(tmp_path / "gini.shp"),  # a table saved as Shapefile: one dBASE file
        },
        feedback=feedback,
    )
    out = owned(QgsVectorLayer(str(dbf), "gini", "ogr"))
    names = out.fields().names()
    QgsProject.instance().removeMapLayer(out.id())
    gdf = provinces[1]
    columns = (
        geohra.spatial_gini(gdf, "beds", graph=geohra.spatial_weights(gdf), permutations=9, rng=1)
        .summary()
        .columns
    )
    assert len(names) == len(columns) == len(set(names)), (
        names,
        sorted(p.name for p in tmp_path.iterdir()),
    )
    assert all(len(n) <= 10 for n in names)
    note = [t for t in feedback.infos if "shortened for dBASE" in t]
    assert note and "non_neighbour_share -> " in note[0], feedback.infos
