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
    assert "region3" in msg and "duplicate" in msg


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
