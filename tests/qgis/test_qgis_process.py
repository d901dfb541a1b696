"""End to end in the real QGIS executable: ``qgis_process.bin run geohra:...`` with the plugin
installed and enabled in a temporary profile.

This is the test that catches the native-library clash: inside the QGIS executable,
shapely/pyogrio/pyproj wheels' GEOS/GDAL/PROJ bind to QGIS's own older copies (NaN
centroids, GEOS errors, ``double free or corruption``). The plugin computes in a separate
Python process, so the numbers here must equal the library's in this plain pytest process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import QgsVectorLayer
from qgis_helpers import layer_rows, owned

import geohra

QGIS_PROCESS = os.environ.get("QGIS_PROCESS", "/usr/bin/qgis_process.bin")


@pytest.fixture(scope="module")
def profile_env(tmp_path_factory):
    """HOME with a default QGIS profile holding the plugin (installed the way users do:
    ``python -m geohra.qgis install``, which records this Python for the computations)."""
    home = tmp_path_factory.mktemp("home")
    profile = home / ".local" / "share" / "QGIS" / "QGIS3" / "profiles" / "default"
    subprocess.run(
        [sys.executable, "-m", "geohra.qgis", "install", "--profile", str(profile)],
        check=True,
        capture_output=True,
        text=True,
        cwd=home,  # the installed geohra, not ./geohra
    )
    plugin = profile / "python" / "plugins" / "geohra_qgis"
    assert (plugin / "metadata.txt").is_file()
    assert (plugin / "geohra_python.txt").read_text().strip() == sys.executable
    ini = profile / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text("[PythonPlugins]\ngeohra_qgis=true\n", encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEOHRA_PYTHON", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    }
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(home))
    return env


def qgis_process(env, *args, timeout=240):
    return subprocess.run(
        [QGIS_PROCESS, "--json", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_qgis_process_lists_geohra(profile_env):
    proc = qgis_process(profile_env, "list")
    assert proc.returncode == 0, proc.stderr[-2000:]
    ids = {
        a for p in json.loads(proc.stdout)["providers"].values() for a in p.get("algorithms", {})
    }
    assert {"geohra:localmoran", "geohra:entropyindex", "geohra:dagumgini"} <= ids


def test_qgis_process_local_moran_equals_library(profile_env, provinces, qgis_app, tmp_path):
    path, gdf = provinces
    out = tmp_path / "lisa.gpkg"
    proc = qgis_process(
        profile_env,
        "run",
        "geohra:localmoran",
        "--",
        f"INPUT={path}",
        "ID_FIELD=adcode",
        "FIELD=staff",
        "PERMUTATIONS=199",
        "SEED=7",
        f"OUTPUT={out}",
    )
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    assert "double free" not in proc.stderr and "GEOSException" not in proc.stderr
    lyr = owned(QgsVectorLayer(str(out), "lisa", "ogr"))
    assert lyr.isValid()
    rows = {r["adcode"]: r for r in layer_rows(lyr)}
    ref = geohra.local_moran(
        gdf, "staff", weights=geohra.spatial_weights(gdf, kind="queen"), permutations=199, rng=7
    ).to_frame()
    assert len(rows) == 31
    for code, ref_row in ref.iterrows():
        for col, val in ref_row.items():
            got = rows[code][f"lisa_{col}"]
            if isinstance(val, float):
                assert got == pytest.approx(val, rel=1e-12, abs=1e-15), (code, col)
            else:
                assert got == (
                    int(val) if hasattr(val, "__int__") and not isinstance(val, str) else val
                )


def test_qgis_process_reports_geohra_error(profile_env, provinces):
    path, _ = provinces
    proc = qgis_process(
        profile_env,
        "run",
        "geohra:theil",
        "--",
        f"INPUT={path}",
        "FIELD=beds",
        "GROUP=country",
        f"OUTPUT={Path(path).parent / 'x.csv'}",
    )
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "fewer than two groups" in text
    assert "Traceback" not in text
