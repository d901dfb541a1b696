"""Run a geohra computation in a separate Python process (standard library only).

Why a separate process: inside the QGIS executable, the GEOS/GDAL/PROJ copies
bundled in the shapely, pyogrio and pyproj wheels bind to the QGIS process's own
(older) system copies of those libraries. Measured with Debian's QGIS 3.22 that
gives NaN centroids, GEOS exceptions and finally ``double free or corruption``.
A fresh interpreter has only the wheels' copies loaded, so geohra computes there
exactly as it does in a plain script. Data goes over as one JSON file holding
the attribute values and the geometries as WKB (lossless, and no GDAL driver is
involved on either side); results come back as JSON.

The interpreter is found, in this order:

1. the Processing setting ``GEOHRA_PYTHON`` (Settings > Options > Processing >
   Providers > geohra),
2. the environment variable ``GEOHRA_PYTHON``,
3. the file ``geohra_python.txt`` next to this module (written by
   ``python -m geohra.qgis install``, recording the interpreter that ran it),
4. the Python running QGIS itself and ``python3`` / ``python`` on ``PATH``.

Each candidate is accepted only if ``<python> -c "import geohra.qgis.worker"``
succeeds (a success is remembered for the QGIS session, a failure is not: install
geohra there and run again). The plugin and the worker exchange ``PROTOCOL``; when
they differ (a plugin copied into QGIS by an older or newer geohra), the user is told
to re-run ``geohra qgis install``.

The worker gets a pipe on its stdin that stays open while the plugin waits
(``GEOHRA_WATCH_STDIN=1``): if QGIS exits or is killed, the pipe closes and the
worker exits with it. This module imports nothing from qgis so it can be tested anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ENV_VAR = "GEOHRA_PYTHON"
SETTING = "GEOHRA_PYTHON"
PYTHON_FILE = Path(__file__).with_name("geohra_python.txt")
# Worker start-up (pandas, geopandas, libpysal imports) dominates; a province-level
# computation itself takes well under a second.
CHECK_TIMEOUT = 60.0

#: version of the request/response format; must equal geohra.qgis.worker.PROTOCOL
PROTOCOL = 2
REINSTALL = (
    "re-run `geohra qgis install` (or `python -m geohra.qgis install`) with the Python where "
    "geohra is installed, then restart QGIS"
)

_checked: dict[str, str] = {}  # interpreters that passed the check -> geohra version


class WorkerError(Exception):
    """A problem reported by (or while running) the geohra worker.

    ``str(err)`` is the message for the user; ``details`` holds diagnostics
    (a traceback or the worker's stderr) for the log only.
    """

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def worker_env() -> dict[str, str]:
    """The environment for the worker: QGIS's own Python settings removed.

    QGIS (notably OSGeo4W on Windows) sets PYTHONHOME/PYTHONPATH for its
    embedded interpreter; another Python given those would load QGIS's standard
    library or packages and fail in confusing ways.
    """
    env = dict(os.environ)
    for key in ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONEXECUTABLE"):
        env.pop(key, None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _popen_flags() -> dict:
    if sys.platform == "win32":  # no console window flashing up for each run
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {}


_CHECK = (
    "import geohra, geohra.qgis.worker as w; print(geohra.__version__, getattr(w, 'PROTOCOL', 1))"
)


def check_python(python: str) -> tuple[bool, str]:
    """Whether ``python`` runs and can import geohra's worker; the reason if not.

    Only successes are cached: after a failure the user fixes the environment and
    runs again in the same QGIS session, which must then check afresh."""
    if python in _checked:
        return True, _checked[python]
    try:
        proc = subprocess.run(
            [python, "-c", _CHECK],
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
            env=worker_env(),
            cwd=tempfile.gettempdir(),  # `python -c` puts the cwd first on sys.path
            **_popen_flags(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        result = (False, f"cannot run it ({exc})")
    else:
        if proc.returncode == 0:
            version, _, protocol = proc.stdout.strip().rpartition(" ")
            if protocol != str(PROTOCOL):
                result = (
                    False,
                    f"its geohra {version or proc.stdout.strip()} speaks worker protocol {protocol}, "
                    f"this plugin {PROTOCOL}: {REINSTALL}",
                )
            else:
                result = (True, version)
        else:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            result = (False, f"it cannot import geohra ({last})")
    if result[0]:
        _checked[python] = result[1]
    return result


def _candidates(setting_value: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if setting_value:
        found.append((setting_value, "the Processing setting GEOHRA_PYTHON"))
    if os.environ.get(ENV_VAR):
        found.append((os.environ[ENV_VAR], "the environment variable GEOHRA_PYTHON"))
    if PYTHON_FILE.is_file():
        recorded = PYTHON_FILE.read_text(encoding="utf-8").strip()
        if recorded:
            found.append(
                (recorded, f"{PYTHON_FILE.name} (written by `python -m geohra.qgis install`)")
            )
    # sys.executable is the QGIS binary when embedded; the interpreter lives beside it.
    for base in {sys.exec_prefix, sys.base_exec_prefix}:
        for rel in ("bin/python3", "python.exe", "python3.exe", "apps/Python3/python.exe"):
            path = os.path.join(base, rel)
            if os.path.isfile(path):
                found.append((path, "QGIS's Python"))
    if os.path.basename(sys.executable).lower().startswith("python"):
        found.append((sys.executable, "the current Python"))
    for name in ("python3", "python"):
        path = shutil.which(name)
        if path:
            found.append((path, f"{name} on PATH"))
    return found


def find_python(setting_value: str | None = None) -> str:
    """Return an interpreter that can import geohra, or raise WorkerError saying how to set one."""
    tried: list[str] = []
    seen: set[str] = set()
    for python, origin in _candidates(setting_value):
        if python in seen:
            continue
        seen.add(python)
        ok, why = check_python(python)
        if ok:
            return python
        tried.append(f"  {python} (from {origin}): {why}")
        if origin.startswith(("the Processing setting", "the environment variable")):
            # An explicit choice that does not work is an error, not a reason to guess.
            break
    raise WorkerError(
        "geohra: no Python interpreter that can import geohra was found.\n"
        + ("Tried:\n" + "\n".join(tried) + "\n" if tried else "")
        + "Install geohra into a Python environment (pip install geohra) and point the plugin "
        "at that interpreter: Settings > Options > Processing > Providers > geohra > "
        "'Python interpreter with geohra', or set the environment variable GEOHRA_PYTHON "
        "(e.g. C:\\Users\\me\\geohra-env\\Scripts\\python.exe or /home/me/geohra-env/bin/python), "
        "or run `python -m geohra.qgis install` from that environment."
    )


def _read_progress(path: Path) -> tuple[int, int] | None:
    try:
        done, total = path.read_text(encoding="utf-8").split()
        return int(done), int(total)
    except (OSError, ValueError):  # not written yet, or caught mid-write
        return None


def run_worker(
    request: dict,
    *,
    python: str,
    is_canceled: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] | None = None,
    timeout: float | None = None,
) -> dict:
    """Send ``request`` to ``python -m geohra.qgis.worker`` and return its response.

    ``progress(done, total)`` is called as the worker reports steps (years of a panel).
    Raises WorkerError with geohra's own message when the computation fails, with
    the interpreter's stderr when the worker itself crashed, and with "re-run
    `geohra qgis install`" when plugin and worker speak different protocols.
    """
    with tempfile.TemporaryDirectory(prefix="geohra_qgis_") as tmp:
        req_path = Path(tmp, "request.json")
        resp_path = Path(tmp, "response.json")
        progress_path = Path(tmp, "progress.txt")
        request = {"protocol": PROTOCOL, **request, "progress": str(progress_path)}
        req_path.write_text(json.dumps(request, allow_nan=False), encoding="utf-8")
        env = worker_env()
        env["GEOHRA_WATCH_STDIN"] = "1"
        with open(Path(tmp, "stderr.txt"), "w+", encoding="utf-8", errors="replace") as err:
            proc = subprocess.Popen(
                [python, "-m", "geohra.qgis.worker", str(req_path), str(resp_path)],
                stdin=subprocess.PIPE,  # never written; closes when this process dies
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
                # `python -m` puts the cwd first on sys.path: run where no stray
                # `geohra` folder can shadow the installed package
                cwd=tmp,
                **_popen_flags(),
            )
            try:
                _wait(proc, is_canceled, progress, progress_path, timeout)
            finally:
                proc.stdin.close()
            err.seek(0)
            stderr = err.read()
        if not resp_path.is_file():
            tail = "\n".join(stderr.strip().splitlines()[-15:])
            raise WorkerError(
                f"geohra: the worker process ({python}) stopped with exit code {proc.returncode} "
                f"without an answer. Its last output:\n{tail}",
                stderr,
            )
        response = json.loads(resp_path.read_text(encoding="utf-8"))
    if response.get("protocol") != PROTOCOL:
        raise WorkerError(
            f"geohra: the geohra in {python} (worker protocol {response.get('protocol', 1)}) does "
            f"not match this QGIS plugin (protocol {PROTOCOL}): {REINSTALL}.",
            response.get("message", ""),
        )
    if not response.get("ok"):
        raise WorkerError(
            response.get("message", "geohra: unknown error"), response.get("traceback", "")
        )
    return response


def _wait(proc, is_canceled, progress, progress_path: Path, timeout: float | None) -> None:
    start = time.monotonic()
    last = None
    while proc.poll() is None:
        if is_canceled():
            proc.kill()
            proc.wait()
            raise WorkerError("geohra: the computation was cancelled.")
        if timeout is not None and time.monotonic() - start > timeout:
            proc.kill()
            proc.wait()
            raise WorkerError(f"geohra: the worker did not finish within {timeout:.0f} s.")
        if progress is not None:
            now = _read_progress(progress_path)
            if now is not None and now != last:
                last = now
                progress(*now)
        time.sleep(0.05)
