"""The README's three ways to use geohra in QGIS, run verbatim: the code blocks are read
from README.md (marked ``<!-- qgis-readme-test: NAME -->``), so README and test cannot
drift apart. Each runs in a fresh HOME (a fresh QGIS profile) and an empty folder.

- ``gui``: the shell block, then what ticking *geohra* in the Plugin Manager does: QGIS's
  own loader (``qgis.utils.loadPlugin`` / ``startPlugin``) loads the installed plugin from
  the profile, and the algorithm runs as from the dialog with its output loaded into the
  project. (The QGIS desktop itself cannot start here: it needs a display, and with
  Qt's offscreen platform it dies on start-up.)
- ``qgis_process``: the shell block as given. Debian's ``/usr/bin/qgis_process`` wrapper is
  broken in QGIS 3.22 (as the README says), so ``qgis_process`` on PATH is
  ``/usr/bin/qgis_process.bin``.
- ``pyqgis``: the Python block as a script. It is fenced as ``py``, not ``python``: the
  main suite's tests/test_readme.py runs every ``python`` block in a Python without QGIS.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from qgis.core import QgsCategorizedSymbolRenderer, QgsProject, QgsVectorLayer
from qgis_helpers import layer_rows, owned

import geohra
from geohra.maps._style import LISA_COLORS

README = Path(__file__).resolve().parents[2] / "README.md"
QGIS_PROCESS_BIN = os.environ.get("QGIS_PROCESS", "/usr/bin/qgis_process.bin")


def blocks() -> dict[str, tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"<!-- qgis-readme-test: (\S+) -->\n```(\w+)\n(.*?)```", text, flags=re.S)
    return {name: (lang, code) for name, lang, code in found}


def test_readme_has_the_three_ways():
    assert {name: lang for name, (lang, _) in blocks().items()} == {
        "gui": "sh",
        "qgis_process": "sh",
        "pyqgis": "py",
    }


@pytest.fixture
def fresh(tmp_path):
    """(env, work folder): a new HOME, an empty working folder, this venv's ``geohra`` first
    on PATH, and ``qgis_process`` meaning qgis_process.bin."""
    home, work, shims = tmp_path / "home", tmp_path / "work", tmp_path / "shims"
    for folder in (home, work, shims):
        folder.mkdir()
    (home / "runtime").mkdir(mode=0o700)
    shim = shims / "qgis_process"
    shim.write_text(f'#!/bin/sh\nexec "{QGIS_PROCESS_BIN}" "$@"\n')
    shim.chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEOHRA_PYTHON", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    }
    env.update(
        HOME=str(home),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), str(shims), env.get("PATH", "")]),
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=str(home / "runtime"),
    )
    return env, work


def run_shell(code: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        ["bash", "-e", "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, (code, proc.stdout[-3000:], proc.stderr[-3000:])
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def plugin_dir(env) -> Path:
    return Path(env["HOME"]) / ".local/share/QGIS/QGIS3/profiles/default/python/plugins/geohra_qgis"


def test_gui_way(fresh, tmp_path):
    env, work = fresh
    run_shell(blocks()["gui"][1], env, work)
    assert (plugin_dir(env) / "metadata.txt").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["gp_panel.gpkg", "provinces.gpkg"]
    script = tmp_path / "tick_and_run.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json, sys
            from qgis.core import QgsApplication, QgsProject
            app = QgsApplication([], False)
            app.initQgis()
            sys.path.append("/usr/share/qgis/python/plugins")
            from processing.core.Processing import Processing
            Processing.initialize()
            import processing, qgis.utils
            # ticking geohra in Plugins > Manage and Install Plugins does this:
            sys.path.insert(0, {str(plugin_dir(env).parent)!r})
            qgis.utils.plugin_paths.insert(0, {str(plugin_dir(env).parent)!r})
            assert qgis.utils.loadPlugin("geohra_qgis")
            assert qgis.utils.startPlugin("geohra_qgis")
            provider = QgsApplication.processingRegistry().providerById("geohra")
            origin = sys.modules["geohra_qgis"].__file__
            processing.runAndLoadResults("geohra:localmoran", {{
                "INPUT": "provinces.gpkg", "FIELD": "beds", "ID_FIELD": "adcode",
                "OUTPUT": "TEMPORARY_OUTPUT", "SUMMARY": "TEMPORARY_OUTPUT"}})
            out = [l for l in QgsProject.instance().mapLayers().values() if l.isSpatial()]
            r = out[0].renderer()
            print(json.dumps({{
                "provider": provider is not None and len(provider.algorithms()), "origin": origin,
                "renderer": type(r).__name__, "field": r.classAttribute(),
                "colours": {{c.value(): c.symbol().color().name() for c in r.categories()}},
                "features": out[0].featureCount()}}))
            QgsProject.instance().removeAllMapLayers()
            qgis.utils.unloadPlugin("geohra_qgis")
            app.exitQgis()
            """
        )
    )
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["provider"] == 10 and got["origin"].startswith(
        str(plugin_dir(env))
    )  # the installed copy
    assert got["renderer"] == "QgsCategorizedSymbolRenderer" and got["field"] == "lisa_clust"
    assert got["colours"] == {k: v.lower() for k, v in LISA_COLORS.items()}
    assert got["features"] == 31
    assert sorted(p.name for p in work.iterdir()) == [
        "gp_panel.gpkg",
        "provinces.gpkg",
    ]  # nothing stray


def test_qgis_process_way(fresh, qgis_app):
    env, work = fresh
    run_shell(blocks()["qgis_process"][1], env, work)
    assert sorted(p.name for p in work.iterdir()) == [
        "gp_panel.gpkg",
        "lisa.gpkg",
        "provinces.gpkg",
    ]
    lisa = owned(QgsVectorLayer(str(work / "lisa.gpkg"), "lisa", "ogr"))
    try:
        assert isinstance(lisa.renderer(), QgsCategorizedSymbolRenderer)
        rows = {(r["adcode"], r["year"]): r for r in layer_rows(lisa)}
    finally:
        QgsProject.instance().removeMapLayer(lisa.id())
    assert len(rows) == 186
    import geopandas as gpd

    panel = gpd.read_file(work / "gp_panel.gpkg")
    ref = geohra.per_year(
        geohra.local_moran, panel, "gp_rate", time="year", unit="adcode", permutations=999, rng=1
    )
    for year, res in ref:
        for code, row in res.to_frame().iterrows():
            assert rows[(code, year)]["lisa_i"] == pytest.approx(row["statistic"], rel=1e-12)
            assert rows[(code, year)]["lisa_p"] == pytest.approx(row["pvalue"], rel=1e-12)
            assert rows[(code, year)]["lisa_clust"] == row["cluster"]


def test_pyqgis_way(fresh, tmp_path):
    env, work = fresh
    run_shell("geohra qgis sample .", env, work)  # as the README says, first
    script = tmp_path / "readme_snippet.py"
    script.write_text(blocks()["pyqgis"][1])
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in work.iterdir()) == [
        "gp_panel.gpkg",
        "moran_by_year.csv",
        "provinces.gpkg",
    ]
    import csv
    import io

    import geopandas as gpd

    table = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [int(r["year"]) for r in table] == list(range(2012, 2018))
    panel = gpd.read_file(work / "gp_panel.gpkg")
    ref = geohra.per_year(
        geohra.moran, panel, "gp_rate", time="year", unit="adcode", permutations=999, rng=1
    )
    for row, (year, res) in zip(table, ref, strict=True):
        assert float(row["statistic"]) == pytest.approx(res.statistic, rel=1e-9), year
        assert float(row["pvalue_sim"]) == pytest.approx(res.pvalue_sim, rel=1e-9), year
