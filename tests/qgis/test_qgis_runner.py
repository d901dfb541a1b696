"""The worker protocol and the interpreter discovery (no QgsApplication needed)."""

from __future__ import annotations

import json
import math
import os
import stat
import sys

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.qgis import plugin_path, worker
from geohra.qgis.plugin.geohra_qgis import runner


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(runner, "_checked", {})
    monkeypatch.delenv("GEOHRA_PYTHON", raising=False)


def fake_python(tmp_path, body: str):
    script = tmp_path / "fakepython"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_setting_wins_and_is_checked():
    assert runner.find_python(sys.executable) == sys.executable
    assert runner.check_python(sys.executable) == (True, geohra.__version__)


def test_explicit_choice_that_fails_is_an_error_not_a_guess(tmp_path):
    bad = fake_python(tmp_path, "echo 'ModuleNotFoundError: No module named geohra' >&2; exit 1")
    with pytest.raises(runner.WorkerError) as info:
        runner.find_python(bad)
    msg = str(info.value)
    assert bad in msg and "cannot import geohra" in msg and "Processing setting" in msg
    assert msg.count("\n  ") == 1  # stopped at the explicit choice


def test_recorded_interpreter_file(tmp_path, monkeypatch):
    recorded = tmp_path / "geohra_python.txt"
    recorded.write_text(sys.executable + "\n")
    monkeypatch.setattr(runner, "PYTHON_FILE", recorded)
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    first, origin = runner._candidates(None)[0]  # the recorded one comes before any guess
    assert first == sys.executable and "geohra_python.txt" in origin
    assert runner.find_python(None) == sys.executable


def test_worker_env_drops_qgis_python_settings(monkeypatch):
    monkeypatch.setenv("PYTHONHOME", "/opt/qgis/python")
    monkeypatch.setenv("PYTHONPATH", "/opt/qgis/python/plugins")
    env = runner.worker_env()
    assert "PYTHONHOME" not in env and "PYTHONPATH" not in env
    assert os.environ["PYTHONHOME"] == "/opt/qgis/python"  # the caller's env is untouched


def test_crashed_worker_reports_its_stderr(tmp_path):
    crash = fake_python(tmp_path, "echo 'Fatal Python error: Segmentation fault' >&2; exit 139")
    with pytest.raises(runner.WorkerError) as info:
        runner.run_worker({"op": "theil"}, python=crash)
    assert "exit code 139" in str(info.value) and "Segmentation fault" in str(info.value)


def test_cancel_kills_the_worker(tmp_path):
    slow = fake_python(tmp_path, "sleep 30")
    with pytest.raises(runner.WorkerError, match="cancelled"):
        runner.run_worker({"op": "theil"}, python=slow, is_canceled=lambda: True)


def test_worker_round_trip_and_json_cells(tmp_path):
    req = {
        "op": "theil",
        "index": ["a", "b", "c", "d"],
        "index_name": "unit",
        "columns": {"y": [1.0, 2.0, 3.0, 10.0], "g": ["x", "x", "z", "z"]},
        "numeric": ["y"],
        "geometry": None,
        "params": {"field": "y", "group": "g"},
    }
    resp = runner.run_worker(req, python=sys.executable)
    ref = geohra.theil(pd.DataFrame({"y": [1.0, 2.0, 3.0, 10.0], "g": list("xxzz")}), "y", by="g")
    row = dict(
        zip(resp["tables"]["OUTPUT"]["columns"], resp["tables"]["OUTPUT"]["rows"][0], strict=True)
    )
    assert (
        row["total"] == ref.total and row["within"] == ref.within and row["between"] == ref.between
    )
    assert resp["layer"] is None and resp["geohra_version"] == geohra.__version__
    # cells: NaN and <NA> become null, numpy scalars plain JSON numbers
    tab = worker.table(pd.DataFrame({"a": [np.nan, 1.5], "b": pd.array([pd.NA, 2], dtype="Int64")}))
    assert tab["rows"] == [[0, None, None], [1, 1.5, 2]] and tab["types"] == [
        "int",
        "double",
        "int",
    ]
    json.dumps(tab, allow_nan=False)


def test_worker_errors_are_messages_not_tracebacks():
    out = worker.handle({"op": "nope", "index": [1], "columns": {}, "geometry": None})
    assert out["ok"] is False and out["message"].startswith("geohra: unknown operation 'nope'")
    out = worker.handle(
        {
            "op": "theil",
            "index": [1, 2],
            "columns": {"y": [1.0, 2.0]},
            "geometry": None,
            "params": {"field": "missing", "group": "y"},
        }
    )
    assert out["ok"] is False and "missing" in out["message"]
    assert "Traceback" not in out["message"] and "Traceback" in out["traceback"]
    out = worker.handle(
        {
            "op": "moran",
            "index": [1],
            "columns": {"y": [1.0]},
            "geometry": None,
            "params": {"field": "y"},
        }
    )
    assert out["ok"] is False and "geometry" in out["message"]


def test_build_frame_keeps_types_and_index():
    frame = worker.build_frame(
        {
            "index": ["110000", "120000"],
            "index_name": "adcode",
            "columns": {"v": [1, 2.5], "name": ["a", None], "n": [None, 3], "g": [1, 2]},
            "numeric": ["v", "n"],
            "geometry": None,
        }
    )
    assert list(frame.index) == ["110000", "120000"] and frame.index.name == "adcode"
    assert frame["v"].dtype == "float64" and math.isnan(frame["n"].iloc[0])
    assert frame["name"].iloc[1] is None
    assert list(frame["g"]) == [1, 2] and isinstance(frame["g"].iloc[0], int)  # labels kept


def test_install_copies_plugin_and_records_python(tmp_path):
    from geohra.qgis.__main__ import main

    assert main(["install", "--plugins-dir", str(tmp_path)]) == 0
    target = tmp_path / "geohra_qgis"
    shipped = {p.name for p in plugin_path().iterdir() if p.suffix in (".py", ".txt")}
    assert shipped <= {p.name for p in target.iterdir()}
    assert (target / "geohra_python.txt").read_text().strip() == sys.executable
    meta = (target / "metadata.txt").read_text()
    assert "hasProcessingProvider=yes" in meta and "qgisMinimumVersion=" in meta
