"""The command line: help, refusing to overwrite, and `geohra demo` end to end in a temp folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geohra.cli import main, prepare_out
from geohra.io.datasets import DEMOS


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    # run outside the checkout so that `python -m` imports the installed package
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run(
            [sys.executable, "-m", "geohra.cli", *args],
            capture_output=True,
            text=True,
            cwd=cwd or tmp,
            timeout=600,
        )


def test_help_lists_commands():
    r = _run("--help")
    assert r.returncode == 0
    for cmd in ("demo", "report", "init", "gallery"):
        assert cmd in r.stdout


def test_import_is_light():
    code = (
        "import sys, geohra; heavy = [m for m in ('matplotlib', 'folium', 'esda', 'mapclassify', "
        "'giddy', 'geopandas', 'numba', 'libpysal') if m in sys.modules]; print(heavy)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_refuses_non_empty_out_without_force(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SystemExit, match="not empty; refusing to overwrite.*--force"):
        prepare_out(tmp_path, force=False)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"
    assert prepare_out(tmp_path, force=True) == tmp_path


def test_out_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(SystemExit, match="is a file, not a folder"):
        prepare_out(f, force=True)


def test_report_with_bad_config_exits_with_message(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[data]\nbuiltin = "health-2013"\n[indicators]\nx = "sideways"\n', encoding="utf-8"
    )
    code = main(["report", str(cfg), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "[indicators].x.direction = 'sideways' is not allowed" in err


@pytest.mark.slow
def test_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    r = _run("demo", "--out", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "report.html" in r.stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    assert (out / "report.docx").exists() and '<html lang="en">' in page
    for heading in (
        "Composite index",
        "Spatial distribution",
        "Regional differences",
        "Spatial autocorrelation",
        "Distribution dynamics",
        "Obstacle factors",
        "Coupling coordination",
        "Data sources and caveats",
    ):
        assert heading in page, heading
    # every referenced figure exists and is a real PNG
    figures = sorted((out / "figures").glob("*.png"))
    assert len(figures) >= 10
    for f in figures:
        assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"figures/{f.name}" in page
    # the workbook has one sheet per CSV table (+ contents)
    csvs = sorted((out / "tables").glob("*.csv"))
    with zipfile.ZipFile(out / "report.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == len(csvs) + 1
    # real numbers: the composite index covers all 31 provinces for 2013 and is in [0, 100]
    idx = pd.read_csv(out / "tables" / "health2013_composite_index.csv", encoding="utf-8-sig")
    assert len(idx) == 31
    score = idx["2013"]
    assert score.between(0, 100).all() and score.nunique() > 20
    # web maps are written and work offline (no remote scripts)
    maps = [p for p in out.glob("*.html") if p.name != "report.html"]
    assert maps
    for m in maps:
        text = m.read_text(encoding="utf-8")
        assert '<script src="http' not in text and "<script src='http" not in text
    # Markov classes relative to the yearly mean: several classes are visited
    markov = pd.read_csv(out / "tables" / "gp_markov.csv", encoding="utf-8-sig", index_col=0)
    assert markov.notna().all(axis=1).sum() >= 3
    assert (markov.sum(axis=1).dropna() - 1).abs().max() < 1e-12
    assert (out / "tables" / "gp_spatial_markov.csv").exists()
    assert "LISA 2017" in (out / "gp_index_webmap.html").read_text(encoding="utf-8")
    # obstacle degrees per province (rows sum to 100 %) in the appendix, top factors by name
    obstacle = pd.read_csv(
        out / "tables" / "gp_obstacle_units.csv", encoding="utf-8-sig", dtype={"adcode": str}
    )
    assert len(obstacle) == 31 and obstacle["adcode"].str.fullmatch(r"\d{6}").all()
    assert (obstacle.drop(columns=["adcode", "name"]).sum(axis=1) - 100).abs().max() < 0.01
    top = pd.read_csv(out / "tables" / "gp_obstacle_top.csv", encoding="utf-8-sig")
    assert set(top["name"]) == set(obstacle["name"])
    first = top.set_index("name").loc["Beijing", "factor 1"]
    row = obstacle.set_index("name").loc["Beijing"].drop("adcode").astype(float)
    label = DEMOS["gp-2012-2017"].labels[row.idxmax()]  # the top factor, by its label
    assert first == f"{label} ({row.max():.2f})"
    # second run into the same folder is refused, files kept
    r2 = _run("demo", "--out", str(out))
    assert r2.returncode != 0 and "--force" in r2.stderr
    assert (out / "report.html").read_text(encoding="utf-8") == page


def test_qgis_install_subcommand_copies_plugin_and_records_python(tmp_path, capsys):
    assert main(["qgis", "install", "--plugins-dir", str(tmp_path)]) == 0
    plugin = tmp_path / "geohra_qgis"
    assert (plugin / "metadata.txt").read_text(encoding="utf-8").count(
        "hasProcessingProvider=yes"
    ) == 1
    assert (plugin / "geohra_python.txt").read_text(encoding="utf-8").strip() == sys.executable
    assert "enable it in QGIS" in capsys.readouterr().out


@pytest.mark.slow
def test_report_from_config_on_a_user_gbk_file(tmp_path):
    """A user's own GBK CSV with Chinese short names, region4, coupling of two subsystems."""
    import warnings

    import geohra

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the GP table's known 2013/2014 duplicate
        gp = geohra.load_demo("gp-2012-2017")
    gp.insert(0, "省份", gp.pop("adcode").map(geohra.province_table()["short_zh"]))
    gp.to_csv(tmp_path / "gp.csv", index=False, encoding="gbk")
    (tmp_path / "study.toml").write_text(
        """
title = "GP allocation"
lang = "zh"
[data]
path = "gp.csv"
unit = "省份"
[indicators]
gp_registration_rate_pct = { direction = "positive", subsystem = "registration" }
gp_share_of_practising_assistant_physicians_pct = { direction = "negative", subsystem = "share" }
[analysis]
region = "region4"
coupling = ["registration", "share"]
permutations = 99
n_resamples = 49
""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = _run("report", str(tmp_path / "study.toml"), "--out", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    dagum = pd.read_csv(out / "tables" / "panel_dagum.csv", encoding="utf-8-sig")
    assert list(dagum["year"]) == [2012, 2013, 2014, 2015, 2016, 2017]
    parts = dagum["within"] + dagum["between_net"] + dagum["transvariation"]
    assert (parts - dagum["total"]).abs().max() < 1e-12
    weights = pd.read_csv(out / "tables" / "panel_entropy_weights.csv", encoding="utf-8-sig")
    assert abs(weights["weight_total"].sum() - 1) < 1e-12
    assert set(weights["direction"]) == {"正向", "负向"}  # the report's language
    data = pd.read_csv(out / "tables" / "panel_data.csv", encoding="utf-8-sig")
    assert len(data) == 31 * 6 and data["coordination_D"].between(0, 1).all()
    coupling = pd.read_csv(out / "tables" / "panel_coupling.csv", encoding="utf-8-sig")
    assert len(coupling) == 31 and coupling["D"].between(0, 1).all()
    assert (out / "panel_index_webmap.html").exists()
    assert len(list((out / "figures").glob("*.png"))) >= 8
