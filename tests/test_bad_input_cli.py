"""Bad input at the command line: OS errors give one line and status 2; --force replaces only
geohra's own outputs (never an input, never a file geohra did not write)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geohra.cli import MANIFEST, OutputClash, main, write_outputs

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geohra.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def _one_clear_line(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("geohra")]
    assert len(lines) == 1, r.stderr
    return lines[0]


def _producer(files: dict[str, str]):
    def produce(folder: Path) -> None:
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
            print(f"wrote {folder / rel}")

    return produce


def test_outputs_land_and_are_listed(tmp_path, capsys):
    out = tmp_path / "out"
    written = write_outputs(out, _producer({"report.html": "a", "tables/t.csv": "b"}), force=False)
    assert sorted(p.relative_to(out).as_posix() for p in written) == ["report.html", "tables/t.csv"]
    assert (out / "tables" / "t.csv").read_text(encoding="utf-8") == "b"
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == ["report.html", "tables/t.csv"]
    assert listed["report.html"] == hashlib.sha256(b"a").hexdigest()
    # no staging folder is left behind and printed paths name the final folder
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "report.html", "tables"])
    printed = capsys.readouterr().out
    assert f"wrote {out / 'report.html'}" in printed and ".geohra-run-" not in printed


def test_force_replaces_geohra_outputs_only(tmp_path):
    out = tmp_path / "out"
    write_outputs(out, _producer({"report.html": "old", "figures/a.png": "old"}), force=False)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    write_outputs(out, _producer({"report.html": "new"}), force=True)
    assert (out / "report.html").read_text(encoding="utf-8") == "new"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"  # not touched
    files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(files) == ["figures/a.png", "report.html"]


def test_force_never_overwrites_a_geohra_output_the_user_changed(tmp_path):
    out = tmp_path / "out"
    write_outputs(out, _producer({"report.html": "geohra's"}), force=False)
    (out / "report.html").write_text("edited by the user", encoding="utf-8")
    with pytest.raises(OutputClash, match=r"report.html \(changed since geohra wrote it\)"):
        write_outputs(out, _producer({"report.html": "new"}), force=True)
    assert (out / "report.html").read_text(encoding="utf-8") == "edited by the user"


def test_force_never_overwrites_a_user_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.xlsx").write_text("the user's workbook", encoding="utf-8")
    with pytest.raises(
        OutputClash, match=r"report.xlsx \(not written by geohra\).*Nothing was written"
    ):
        write_outputs(out, _producer({"report.xlsx": "x", "report.html": "y"}), force=True)
    assert (out / "report.xlsx").read_text(encoding="utf-8") == "the user's workbook"
    assert sorted(p.name for p in out.iterdir()) == ["report.xlsx"]  # nothing else written


def test_force_never_overwrites_an_input_even_if_geohra_wrote_it(tmp_path):
    out = tmp_path / "out"
    write_outputs(out, _producer({"report.xlsx": "first run"}), force=False)
    with pytest.raises(OutputClash, match=r"report.xlsx \(an input of this run\)"):
        write_outputs(
            out, _producer({"report.xlsx": "second"}), force=True, inputs=[out / "report.xlsx"]
        )
    assert (out / "report.xlsx").read_text(encoding="utf-8") == "first run"


def test_a_failing_run_leaves_the_folder_unchanged(tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    def produce(folder: Path) -> None:
        (folder / "report.html").write_text("half", encoding="utf-8")
        raise ValueError("analysis failed")

    with pytest.raises(ValueError, match="analysis failed"):
        write_outputs(out, produce, force=True)
    assert list(out.iterdir()) == []


def test_corrupt_manifest_protects_everything(tmp_path):
    out = tmp_path / "out"
    write_outputs(out, _producer({"report.html": "old"}), force=False)
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(OutputClash, match="not written by geohra"):
        write_outputs(out, _producer({"report.html": "new"}), force=True)
    assert (out / "report.html").read_text(encoding="utf-8") == "old"


def test_report_never_overwrites_its_input_workbook(tmp_path, capsys):
    # the data workbook sits in the output folder under the name the report writes
    import pandas as pd

    import geohra

    panel = geohra.load_demo("health-2013")
    out = tmp_path / "work"
    out.mkdir()
    data = out / "report.xlsx"
    panel.to_excel(data, index=False)
    before = data.read_bytes()
    cfg = out / "c.toml"
    cfg.write_text(
        '[data]\npath = "report.xlsx"\nunit = "adcode"\n[indicators]\n'
        'health_care_institutions_per_10k_pop = "positive"\n'
        'beds_health_care_institutions_per_10k_pop = "positive"\n',
        encoding="utf-8",
    )
    code = main(["report", str(cfg), "--out", str(out), "--force"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert (
        "report.xlsx (an input of this run)" in err or "report.xlsx (not written by geohra)" in err
    )
    assert data.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["c.toml", "report.xlsx"]
    assert pd.read_excel(data).shape == panel.shape


def test_out_below_a_file_is_one_line(tmp_path):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    line = _one_clear_line(_cli("demo", "--out", "f/sub", cwd=tmp_path))
    assert "f/sub" in line and "file where a folder is expected" in line


def test_out_that_cannot_be_written_is_one_line(tmp_path):
    if os.geteuid() == 0:  # root ignores file modes; /sys refuses new folders to everyone
        target = "/sys/geohra-bad-input-test"
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        target = str(ro / "out")
    line = _one_clear_line(_cli("demo", "--out", target, cwd=tmp_path))
    assert target in line


def test_data_path_that_is_a_folder_is_one_line(tmp_path):
    (tmp_path / "panel").mkdir()
    (tmp_path / "c.toml").write_text(
        '[data]\npath = "panel"\n[indicators]\nx = "positive"\n', encoding="utf-8"
    )
    line = _one_clear_line(_cli("report", "c.toml", "--out", "o", cwd=tmp_path))
    assert "'panel' is a folder; expected a data file" in line


def test_non_empty_out_without_force_is_status_2(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert "not empty; refusing to overwrite" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
