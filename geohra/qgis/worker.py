"""The out-of-process runner behind the QGIS Processing algorithms.

``python -m geohra.qgis.worker REQUEST.json RESPONSE.json``

The QGIS side (``geohra_qgis`` plugin, which imports only qgis and the standard
library) writes REQUEST.json::

    {"protocol": 2,                       # PROTOCOL: plugin and worker must agree
     "op": "moran",                       # one of _ops.OPS
     "index": [...], "index_name": "fid", # unit labels ([unit, year] pairs with "time")
     "time": "year" | null,               # the year field of a long panel
     "columns": {"beds": [...], ...},     # attribute values, null for NULL
     "numeric": ["beds", ...],            # the columns QGIS knows are numeric
     "geometry": ["<WKB hex>", ...] | null,
     "crs": "EPSG:4326" | "<WKT>" | null,
     "labels": {"islands": ["Islands", {"'keep'": "keep isolated"}], ...},
     "progress": "<file>" | null,         # the worker writes "done total" there per year
     "params": {...}}                      # the op's options

and this module answers in RESPONSE.json with ``{"ok": true, "protocol": 2,
"layer": TABLE|null, "tables": {name: TABLE}, "style": SPEC|null, "warnings": [...],
"geohra_version": ...}`` where a TABLE is ``{"columns", "types", "rows"}`` (a layer
table has one row per request feature, in request order, with the library's column
names) and SPEC is a style spec (``geohra.qgis._styles``). On failure the answer is
``{"ok": false, "protocol": 2, "message": ..., "traceback": ...}``: the message is
what QGIS shows, with the library's Python argument names replaced by the dialog's
labels (``labels``); the traceback is for bug reports only.

With ``GEOHRA_WATCH_STDIN=1`` in its environment (an environment variable, so an
older worker simply ignores it) the worker watches its stdin: the plugin keeps that
pipe open while it waits; when QGIS exits or is killed the pipe closes and the worker exits at once
instead of computing on for nobody.

Every op calls geohra's PUBLIC functions with the options it was given, so the
numbers in QGIS are the library's numbers. This module never imports qgis: it
runs in a plain Python process, away from QGIS's copies of GEOS/GDAL/PROJ.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
import threading
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

Table = dict[str, Any]

#: Version of the request/response format above. The plugin sends its own; a
#: mismatch means the plugin copied into QGIS and the installed geohra differ.
PROTOCOL = 2
REINSTALL = "re-run `geohra qgis install` (or `python -m geohra.qgis install`) with the Python where geohra is installed, then restart QGIS"


# --------------------------------------------------------------------------- data in/out
def build_frame(request: dict) -> pd.DataFrame:
    """The request's attributes (and geometry, if sent) as a (Geo)DataFrame indexed by unit."""
    name = request.get("index_name") or "fid"
    time = request.get("time")
    if time:  # a long panel: (unit, year) labels
        index = pd.MultiIndex.from_tuples([tuple(x) for x in request["index"]], names=[name, time])
    else:
        index = pd.Index(request["index"], name=name)
    if index.has_duplicates:  # the plugin checks first, in the dialog's words; kept as a guard
        dup = index[index.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"the Unit ID field {name!r} has repeated values {dup}"
            + (f" within a year of the Year field {time!r}" if time else "")
            + "; each feature needs its own "
            + (
                "(unit, year) pair."
                if time
                else "value (for a panel with one feature per unit and year, choose the Year field)."
            )
        )
    numeric = set(request.get("numeric", ()))
    data = {}
    for col, values in request.get("columns", {}).items():
        # Fields QGIS declared numeric become float64 (None -> NaN); others (group labels,
        # ids) keep their values as sent, so a group coded 1, 2, 3 is not relabelled 1.0 ...
        s = pd.Series(values, index=index, dtype=object, name=col)
        if col in numeric:
            s = s.astype("float64")
        data[col] = s
    frame = pd.DataFrame(data, index=index)
    if request.get("geometry") is None:
        return frame
    import geopandas as gpd
    import shapely

    geoms = shapely.from_wkb([None if g is None else bytes.fromhex(g) for g in request["geometry"]])
    return gpd.GeoDataFrame(frame, geometry=list(geoms), crs=request.get("crs"), index=index)


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return str(value)


def _kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_numeric_dtype(s):
        return "double"
    return "string"


def _name(col: Any) -> str:
    if isinstance(col, tuple):
        return "_".join(str(c) for c in col if c is not None and str(c) != "")
    return str(col)


def table(frame: pd.DataFrame | pd.Series, *, keep_index: bool = True) -> Table:
    """A DataFrame as a JSON table; the index becomes leading column(s) when ``keep_index``."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=frame.name if frame.name is not None else "value")
    if keep_index:
        names = [
            n if n is not None else ("index" if frame.index.nlevels == 1 else f"level_{i}")
            for i, n in enumerate(frame.index.names)
        ]
        frame = frame.rename_axis(names).reset_index()
    cols = [_name(c) for c in frame.columns]
    kinds = [_kind(frame.iloc[:, i]) for i in range(frame.shape[1])]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"columns": cols, "types": kinds, "rows": rows}


def layer_table(frame: pd.DataFrame, index: pd.Index) -> Table:
    """Per-unit results in request order; units the library left out get nulls."""
    missing = [x for x in frame.index if x not in set(index)]
    if missing:
        raise RuntimeError(f"internal: result rows {missing[:5]} are not input units")
    return table(frame.reindex(index), keep_index=False)


def in_qgis_words(message: str, labels: dict) -> str:
    """Replace the library's Python argument names by the dialog's labels.

    ``labels`` maps an argument name to ``[label, {python value: dialog value}]``:
    "Pass islands='keep' to ..." becomes "Set 'Units without a contiguous neighbour'
    to 'keep isolated' to ...", and "k=10 classes" becomes "'Number of classes' = 10 classes".
    """
    if not labels:
        return message

    def value(arg: str, raw: str) -> str:
        choices = labels[arg][1] if len(labels[arg]) > 1 else {}
        return repr(choices[raw]) if raw in choices else raw

    names = "|".join(re.escape(a) for a in sorted(labels, key=len, reverse=True))
    val = r"('[^']*'|\"[^\"]*\"|[^\s,;)]+?)(?=[\s,;)]|\.(?:\s|$)|$)"
    message = re.sub(
        rf"\b(?:Pass|pass|Use|use) ({names})={val}",
        lambda m: (
            f"{'S' if m.group(0)[0].isupper() else 's'}et '{labels[m.group(1)][0]}' to {value(m.group(1), m.group(2))}"
        ),
        message,
    )
    return re.sub(
        rf"\b({names})={val}",
        lambda m: f"'{labels[m.group(1)][0]}' = {value(m.group(1), m.group(2))}",
        message,
    )


def _progress_writer(path: str | None):
    def report(done: int, total: int) -> None:
        if path and not _STOPPING.is_set():
            Path(path).write_text(f"{done} {total}", encoding="utf-8")

    return report


def handle(request: dict) -> dict:
    """Run one request and return the response dict (never raises for geohra errors)."""
    import geohra
    from geohra.qgis._ops import OPS

    labels = request.get("labels") or {}
    try:
        if request.get("protocol") != PROTOCOL:
            got = request.get("protocol", "none")
            raise _ProtocolError(
                f"the geohra QGIS plugin (protocol {got}) does not match the installed geohra "
                f"{geohra.__version__} (protocol {PROTOCOL}): {REINSTALL}."
            )
        op = request.get("op")
        if op not in OPS:
            raise ValueError(f"unknown operation {op!r}; known: {sorted(OPS)}")
        func, spatial = OPS[op]
        if spatial and request.get("geometry") is None:
            raise ValueError(f"operation {op!r} needs the features' geometry; none was sent")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = build_frame(request)
            params = {
                **request.get("params", {}),
                "time": request.get("time"),
                "progress": _progress_writer(request.get("progress")),
            }
            layer, tables, style = func(data, params)
        out = {
            "ok": True,
            "protocol": PROTOCOL,
            "layer": None if layer is None else layer_table(layer, data.index),
            "tables": {name: table(frame, keep_index=False) for name, frame in tables.items()},
            "style": style,
            "warnings": list(dict.fromkeys(in_qgis_words(str(w.message), labels) for w in caught)),
            "geohra_version": geohra.__version__,
        }
    except Exception as exc:  # noqa: BLE001 - every failure becomes a clean message for QGIS
        message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        if not isinstance(exc, (ValueError, TypeError, KeyError, _ProtocolError)):
            # an unexpected failure: the exception type helps a bug report
            message = f"{type(exc).__name__}: {message}"
        out = {
            "ok": False,
            "protocol": PROTOCOL,
            "message": f"geohra: {in_qgis_words(message, labels)}",
            "traceback": traceback.format_exc(),
        }
    return out


class _ProtocolError(Exception):
    pass


_STOPPING = threading.Event()  # set when the parent is gone


def _exit_when_stdin_closes(request_path: Path) -> None:
    """Exit the process as soon as the parent's end of our stdin closes (parent gone),
    removing the exchange folder the dead parent can no longer clean up."""

    def watch() -> None:
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except (OSError, ValueError):
            pass
        _STOPPING.set()  # no more progress files
        folder = request_path.resolve().parent
        if folder.name.startswith("geohra_qgis_"):  # the runner's own temporary folder
            for _ in range(20):  # a progress write may have been under way: try again
                shutil.rmtree(folder, ignore_errors=True)
                if not folder.exists():
                    break
                time.sleep(0.05)
        os._exit(3)

    threading.Thread(target=watch, name="geohra-parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m geohra.qgis.worker REQUEST.json RESPONSE.json", file=sys.stderr)
        return 2
    if os.environ.get("GEOHRA_WATCH_STDIN") == "1":
        _exit_when_stdin_closes(Path(argv[0]))
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    response = handle(request)
    Path(argv[1]).write_text(json.dumps(response, allow_nan=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
