"""The worker protocol and the interpreter discovery (no QgsApplication needed)."""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from pathlib import Path

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
    out = worker.handle(
        {"protocol": worker.PROTOCOL, "op": "nope", "index": [1], "columns": {}, "geometry": None}
    )
    assert out["ok"] is False and out["message"].startswith("geohra: unknown operation 'nope'")
    out = worker.handle(
        {
            "protocol": worker.PROTOCOL,
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
            "protocol": worker.PROTOCOL,
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


def test_reinstall_never_deletes_user_files(tmp_path, capsys):
    """Only files geohra installed (its manifest) are replaced or removed."""
    from geohra.qgis.__main__ import MANIFEST, main

    target = tmp_path / "geohra_qgis"
    # a folder made by hand (no manifest): a user's notes, and an old copy of a plugin file
    (target / "mine").mkdir(parents=True)
    (target / "mine" / "notes.txt").write_text("my notes")
    (target / "my_model.model3").write_text("<model/>")
    (target / "base.py").write_text("# an old copy of geohra's base.py")
    assert main(["install", "--plugins-dir", str(tmp_path)]) == 0
    assert (target / "mine" / "notes.txt").read_text() == "my notes"
    assert (target / "my_model.model3").read_text() == "<model/>"
    assert (target / "base.py").read_text() == (plugin_path() / "base.py").read_text()
    assert "Kept 2 file(s)" in capsys.readouterr().out
    manifest = (target / MANIFEST).read_text().split()
    assert "base.py" in manifest and "my_model.model3" not in manifest
    # a file the previous geohra installed and this one no longer ships is removed ...
    (target / "old_module.py").write_text("# shipped by an older geohra")
    (target / MANIFEST).write_text("\n".join([*manifest, "old_module.py"]) + "\n")
    # ... while a user file with a plugin-like name stays
    (target / "helpers.py").write_text("# the user's own")
    assert main(["install", "--plugins-dir", str(tmp_path)]) == 0
    assert not (target / "old_module.py").exists()
    assert (target / "helpers.py").read_text() == "# the user's own"
    assert (target / "mine" / "notes.txt").read_text() == "my notes"


@pytest.mark.parametrize(
    "given,expected",
    [
        ("{base}/profiles/work", "{base}/profiles/work/python/plugins"),  # a profile folder
        ("{base}/profiles", "{base}/profiles/default/python/plugins"),  # all profiles
        (
            "{base}",
            "{base}/profiles/default/python/plugins",
        ),  # QGIS's user folder (--profiles-path)
        ("{base}/profiles/work/python", "{base}/profiles/work/python/plugins"),
        ("{base}/profiles/work/python/plugins", "{base}/profiles/work/python/plugins"),
        ("work", "{base}/profiles/work/python/plugins"),  # a profile name, as qgis --profile
        ("default", "{base}/profiles/default/python/plugins"),
    ],
)
def test_profile_layouts(tmp_path, monkeypatch, given, expected):
    from geohra.qgis.__main__ import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.chdir(tmp_path)
    base = tmp_path / "share" / "QGIS" / "QGIS3"
    (base / "profiles" / "default").mkdir(parents=True)
    (base / "profiles" / "work").mkdir(parents=True)
    assert main(["install", "--profile", given.format(base=base)]) == 0
    plugin = Path(expected.format(base=base)) / "geohra_qgis"
    assert (plugin / "metadata.txt").is_file() and (plugin / "geohra_python.txt").is_file()
    assert sorted(os.listdir(tmp_path)) == ["share"]  # nothing made elsewhere


def test_failed_check_is_not_cached(tmp_path):
    """A failed interpreter check is tried again on the next run (the user installs geohra
    there meanwhile); a successful one is remembered."""
    script = tmp_path / "python-to-be"
    script.write_text("#!/bin/sh\necho 'No module named geohra' >&2; exit 1\n")
    script.chmod(0o755)
    ok, why = runner.check_python(str(script))
    assert not ok and "cannot import geohra" in why
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')  # geohra now importable
    assert runner.check_python(str(script)) == (True, geohra.__version__)
    assert runner.find_python(str(script)) == str(script)
    script.write_text("#!/bin/sh\nexit 1\n")
    assert runner.check_python(str(script)) == (True, geohra.__version__)  # success cached


def _theil_request(years: int) -> dict:
    return {
        "op": "theil",
        "index": [[u, y] for y in range(years) for u in "abcd"],
        "index_name": "unit",
        "time": "year",
        "columns": {"y": [1.0, 2.0, 3.0, 10.0] * years, "g": ["x", "x", "z", "z"] * years},
        "numeric": ["y"],
        "geometry": None,
        "params": {"field": "y", "group": "g"},
    }


def test_progress_is_reported_per_year():
    seen = []
    resp = runner.run_worker(
        _theil_request(400), python=sys.executable, progress=lambda d, t: seen.append((d, t))
    )
    assert len(resp["tables"]["OUTPUT"]["rows"]) == 400
    assert seen and all(t == 400 for _, t in seen) and seen == sorted(seen)


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except OSError:
        return False


def test_worker_dies_with_its_parent(tmp_path):
    """Killing QGIS (here: a process running the plugin's runner) ends the worker at once,
    although its computation (30,000 years of Theil) would run on for minutes; the worker
    also removes the exchange folder its dead parent can no longer clean up."""
    import signal
    import subprocess
    import time

    req = tmp_path / "req.json"
    req.write_text(json.dumps(_theil_request(30000)))
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import json, sys; from geohra.qgis.plugin.geohra_qgis import runner; "
            "runner.run_worker(json.load(open(sys.argv[1])), python=sys.executable)",
            str(req),
        ],
        cwd=tmp_path,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not workers and time.monotonic() < deadline:
            workers = _children(parent.pid)
            time.sleep(0.1)
        assert len(workers) == 1, "the worker did not start"
        with open(f"/proc/{workers[0]}/cmdline", "rb") as fh:
            folder = Path(fh.read().split(b"\0")[3].decode()).parent  # python -m mod REQ
        assert folder.name.startswith("geohra_qgis_") and folder.is_dir()
        time.sleep(3)  # well inside its computation
        assert _alive(workers[0])
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(workers[0]), "the worker outlived its parent"
        assert not folder.exists()
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_old_plugin_talking_to_new_worker_says_reinstall():
    """A plugin copied by an older geohra sends no protocol version."""
    req = {k: v for k, v in _theil_request(2).items()}
    out = worker.handle(req)  # as the old plugin sent it: no "protocol"
    assert out["ok"] is False and "re-run `geohra qgis install`" in out["message"]
    assert "Traceback" not in out["message"]


def test_new_plugin_talking_to_old_worker_says_reinstall(tmp_path):
    """An older geohra's worker (protocol 1) answered without a protocol field, and its
    check prints only the version."""
    old = tmp_path / "old-python"
    old.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-c" ]; then echo "0.0.9 1"; exit 0; fi\n'
        # `-m geohra.qgis.worker REQ RESP`: answer as protocol 1 did
        'echo \'{"ok": true, "layer": null, "tables": {}, "warnings": [], "geohra_version": "0.0.9"}\' > "$4"\n'
    )
    old.chmod(0o755)
    ok, why = runner.check_python(str(old))
    assert not ok and "re-run `geohra qgis install`" in why and "protocol 1" in why
    with pytest.raises(runner.WorkerError) as info:
        runner.run_worker(_theil_request(2), python=str(old))
    assert "re-run `geohra qgis install`" in str(info.value)


def test_protocol_versions_agree():
    assert runner.PROTOCOL == worker.PROTOCOL
