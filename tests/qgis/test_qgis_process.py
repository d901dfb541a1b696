"""End to end in the real QGIS executable: ``qgis_process.bin run geohra:...`` with the plugin
installed by ``python -m geohra.qgis install`` and enabled by ``qgis_process plugins enable``
in a temporary profile, every algorithm on the GP panel layer (one feature per province and
year) with its year field.

This is also the test that catches the native-library clash: inside the QGIS executable,
shapely/pyogrio/pyproj wheels' GEOS/GDAL/PROJ bind to QGIS's own older copies (NaN
centroids, GEOS errors, ``double free or corruption``). The plugin computes in a separate
Python process, so the numbers here must equal the library's in this plain pytest process.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pandas as pd
import pytest
from qgis.core import QgsCategorizedSymbolRenderer, QgsProject, QgsVectorLayer
from qgis_helpers import layer_rows, owned

import geohra

QGIS_PROCESS = os.environ.get("QGIS_PROCESS", "/usr/bin/qgis_process.bin")
YEARS = list(range(2012, 2018))


@pytest.fixture(scope="module")
def profile_env(tmp_path_factory):
    """HOME with a default QGIS profile holding the plugin, installed and enabled the way the
    README says: ``python -m geohra.qgis install`` (records this Python for the
    computations), then ``qgis_process plugins enable geohra_qgis``."""
    home = tmp_path_factory.mktemp("home")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEOHRA_PYTHON", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    }
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime))
    subprocess.run(
        [sys.executable, "-m", "geohra.qgis", "install"],
        check=True,
        capture_output=True,
        text=True,
        cwd=home,
        env=env,  # the installed geohra
    )
    plugin = home / ".local/share/QGIS/QGIS3/profiles/default/python/plugins/geohra_qgis"
    assert (plugin / "geohra_python.txt").read_text().strip() == sys.executable
    proc = subprocess.run(
        [QGIS_PROCESS, "plugins", "enable", "geohra_qgis"],
        env=env,
        capture_output=True,
        text=True,
        cwd=home,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return env


def qgis_process(env, *args, cwd, timeout=300):
    return subprocess.run(
        [QGIS_PROCESS, "--json", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def test_qgis_process_lists_geohra(profile_env, tmp_path):
    proc = qgis_process(profile_env, "list", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ids = {
        a for p in json.loads(proc.stdout)["providers"].values() for a in p.get("algorithms", {})
    }
    assert {f"geohra:{n}" for n in ALGS} <= ids


def read(path, qgis_app) -> list[dict]:
    lyr = owned(QgsVectorLayer(str(path), path.stem, "ogr"))
    assert lyr.isValid(), path
    try:
        return layer_rows(lyr)
    finally:
        QgsProject.instance().removeMapLayer(lyr.id())


def close(a, b):
    return a is not None and math.isclose(a, float(b), rel_tol=1e-12, abs_tol=1e-15)


def cross_sections(ref):
    for year in YEARS:
        yield year, ref.xs(year, level="year")


SEED = {"PERMUTATIONS": "49", "SEED": "11"}


def lib_spatial(func, ref, **kw):
    """The library's per-year run with the same seed (geohra.per_year)."""
    res = geohra.per_year(
        func, ref, "gp_rate", time="year", unit="adcode", permutations=49, rng=11, **kw
    )
    return dict(iter(res))


def check_entropy(out, ref):
    lib = geohra.entropy_weights(ref, ["gp_rate", "gp_share"], time="year")
    got = {(r["adcode"], r["year"]): r["score"] for r in out["OUTPUT"]}
    assert len(got) == 186 and all(close(got[k], v) for k, v in lib.scores.items())


def check_breaks(out, ref):
    got = {(r["adcode"], r["year"]): r["class"] for r in out["OUTPUT"]}
    for year, part in cross_sections(ref):
        classes = geohra.classify(part["gp_rate"], scheme="fisher_jenks", k=4).to_frame()["class"]
        assert all(got[(code, year)] == int(c) for code, c in classes.items()), year


def check_theil(out, ref):
    for row, (year, part) in zip(out["OUTPUT"], cross_sections(ref), strict=True):
        lib = geohra.theil(part, "gp_rate", by="region3")
        assert (
            row["year"] == year
            and close(row["total"], lib.total)
            and close(row["between"], lib.between)
        )


def check_dagum(out, ref):
    for row, (year, part) in zip(out["OUTPUT"], cross_sections(ref), strict=True):
        lib = geohra.dagum_gini(part, "gp_rate", by="region3")
        assert (
            row["year"] == year
            and close(row["total"], lib.total)
            and close(row["transvariation"], lib.transvariation)
        )


def check_global(func, stat, pvalue):
    def check(out, ref):
        lib = lib_spatial(func, ref)
        for row in out["OUTPUT"]:
            summary = lib[row["year"]].summary().iloc[0]
            assert close(row[stat], summary[stat]), row["year"]
            assert close(row[pvalue], summary[pvalue]), row["year"]
        assert [r["year"] for r in out["OUTPUT"]] == YEARS

    return check


def check_local(func, fields):
    def check(out, ref):
        lib = lib_spatial(func, ref)
        got = {(r["adcode"], r["year"]): r for r in out["OUTPUT"]}
        for year, res in lib.items():
            for code, row in res.to_frame().iterrows():
                for col, name in fields.items():
                    val = row[col]
                    if isinstance(val, str):
                        assert got[(code, year)][name] == val
                    else:
                        assert close(got[(code, year)][name], val), (code, year, col)

    return check


def check_coupling(out, ref):
    lib = geohra.coupling_coordination(ref, ["u_rate", "u_share"]).to_frame()
    got = {(r["adcode"], r["year"]): r for r in out["OUTPUT"]}
    for key, row in lib.iterrows():
        assert close(got[key]["D"], row["D"]) and got[key]["level"] == row["level"], key


def check_obstacle(out, ref):
    ew = geohra.entropy_weights(ref, ["gp_rate", "gp_share"], time="year")
    lib = geohra.obstacle_degree(ew, top=1).to_frame()
    got = {(r["adcode"], r["year"]): r for r in out["OUTPUT"]}
    for key, row in lib.iterrows():
        for f in ("gp_rate", "gp_share"):
            assert (got[key][f] is None) if pd.isna(row[f]) else close(got[key][f], row[f]), (
                key,
                f,
            )


PANEL = ["ID_FIELD=adcode", "YEAR_FIELD=year"]
ALGS = {
    "entropyindex": (["FIELDS=gp_rate", "FIELDS=gp_share"], ("OUTPUT", "WEIGHTS"), check_entropy),
    "naturalbreaks": (["FIELD=gp_rate", "K=4"], ("OUTPUT", "BREAKS"), check_breaks),
    "theil": (["FIELD=gp_rate", "GROUP=region3"], ("OUTPUT", "GROUPS"), check_theil),
    "dagumgini": (["FIELD=gp_rate", "GROUP=region3"], ("OUTPUT", "PAIRS", "GROUPS"), check_dagum),
    "spatialgini": (
        ["FIELD=gp_rate", *(f"{k}={v}" for k, v in SEED.items())],
        ("OUTPUT",),
        check_global(geohra.spatial_gini, "non_neighbour_share", "pvalue"),
    ),
    "moran": (
        ["FIELD=gp_rate", *(f"{k}={v}" for k, v in SEED.items())],
        ("OUTPUT",),
        check_global(geohra.moran, "statistic", "pvalue_sim"),
    ),
    "localmoran": (
        ["FIELD=gp_rate", *(f"{k}={v}" for k, v in SEED.items())],
        ("OUTPUT", "SUMMARY"),
        check_local(
            geohra.local_moran, {"statistic": "lisa_i", "pvalue": "lisa_p", "cluster": "lisa_clust"}
        ),
    ),
    "getisord": (
        ["FIELD=gp_rate", *(f"{k}={v}" for k, v in SEED.items())],
        ("OUTPUT", "SUMMARY"),
        check_local(geohra.getis_ord, {"z": "gi_z", "pvalue_sim": "gi_p_sim", "spot": "gi_spot"}),
    ),
    "couplingcoordination": (["FIELDS=u_rate", "FIELDS=u_share"], ("OUTPUT",), check_coupling),
    "obstacledegree": (
        ["FIELDS=gp_rate", "FIELDS=gp_share", "TOP_N=1"],
        ("OUTPUT", "TOP"),
        check_obstacle,
    ),
}


@pytest.mark.parametrize("name", list(ALGS))
def test_qgis_process_on_the_panel_equals_library(profile_env, gp_panel, qgis_app, tmp_path, name):
    args, outputs, check = ALGS[name]
    work = tmp_path / "cwd"
    work.mkdir()
    dests = {o: tmp_path / f"{o.lower()}.gpkg" for o in outputs}
    proc = qgis_process(
        profile_env,
        "run",
        f"geohra:{name}",
        "--",
        f"INPUT={gp_panel[0]}",
        *PANEL,
        *args,
        *(f"{o}={p}" for o, p in dests.items()),
        cwd=work,
    )
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    assert "double free" not in proc.stderr and "GEOSException" not in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert list(work.iterdir()) == []  # nothing stray in the working directory
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["cwd", *(p.name for p in dests.values())]
    )
    out = {o: read(p, qgis_app) for o, p in dests.items()}
    check(out, gp_panel[1])
    if name in ("localmoran", "getisord", "couplingcoordination"):  # the style is in the file
        lyr = owned(QgsVectorLayer(str(dests["OUTPUT"]), "styled", "ogr"))
        assert isinstance(lyr.renderer(), QgsCategorizedSymbolRenderer)
        QgsProject.instance().removeMapLayer(lyr.id())


def test_qgis_process_reports_geohra_error(profile_env, provinces, tmp_path):
    path, _ = provinces
    proc = qgis_process(
        profile_env,
        "run",
        "geohra:theil",
        "--",
        f"INPUT={path}",
        "FIELD=beds",
        "GROUP=country",
        f"OUTPUT={tmp_path / 'x.gpkg'}",
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "fewer than two groups" in text
    assert "Traceback" not in text and 'File "' not in text
    assert list(tmp_path.iterdir()) == []
