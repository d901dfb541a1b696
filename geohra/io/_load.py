"""Loading any source (CSV in UTF-8 or GBK, XLSX, XLS, Parquet, a DataFrame) into a RawTable.

Private: used by :mod:`geohra.io._panel_core` (read_panel) and :mod:`geohra.io.nbs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from geohra.io import _tabular as tab

# ---------------------------------------------------------------------------
# loading any source into a RawTable
# ---------------------------------------------------------------------------


def _raw_from_rows(
    rows: list[tuple[int, list[Any]]], *, prefix: str, source: str, who: str
) -> tab.RawTable:
    line0, header = rows[0]
    labels = [tab.clean_label(h) if not tab.is_missing(h) else "" for h in header]
    width = len(labels)
    while width and labels[width - 1] == "":
        width -= 1
    labels = labels[:width]
    if "" in labels:
        pos = labels.index("")
        raise ValueError(
            f"{who}: the header ({prefix} {line0} of {source}) has an empty column name in "
            f"column {pos + 1}; got {labels}. Give every column a name."
        )
    seen: set[str] = set()
    dup = [lab for lab in labels if lab in seen or seen.add(lab)]
    if dup:
        raise ValueError(
            f"{who}: the header ({prefix} {line0} of {source}) repeats column name(s) "
            f"{sorted(set(dup))}; each column needs its own name. Rename them."
        )
    body, where = [], []
    for line, cells in rows[1:]:
        if len(cells) > width and any(not tab.is_missing(c) for c in cells[width:]):
            if width == 1:
                raise ValueError(
                    f"{who}: the first row of {source} ({prefix} {line0}: {labels[0]!r}) looks like "
                    "a title, not a header row. Delete title lines above the header, or read the "
                    "file with pandas (skiprows=...) and pass the DataFrame."
                )
            raise ValueError(
                f"{who}: {prefix} {line} of {source} has {len(cells)} cells but the header has "
                f"{width} columns ({labels}). Check for a stray separator or a missing column name."
            )
        if len(cells) != width:
            cells = list(cells[:width]) + [None] * (width - len(cells))
        body.append(cells)
        where.append(f"{prefix} {line}")
    frame = pd.DataFrame(body, columns=labels, dtype=object)
    return tab.RawTable(frame, where, source)


def load(source: Any, *, encoding: str | None, sheet: str | int | None, who: str) -> tab.RawTable:
    if isinstance(source, pd.DataFrame):
        frame = source
        if frame.index.name is not None or isinstance(frame.index, pd.MultiIndex):
            names = [n for n in frame.index.names if n is not None]
            if names and not set(names) & set(frame.columns):
                frame = frame.reset_index()  # ids kept in the index, e.g. set_index("province")
        labels = [tab.clean_label(c) for c in frame.columns]
        if len(set(labels)) != len(labels):
            dup = sorted({lab for lab in labels if labels.count(lab) > 1})
            raise ValueError(f"{who}: the DataFrame repeats column name(s) {dup}; rename them.")
        out = frame.copy()  # never mutate the caller's frame
        out.columns = labels
        where = [f"index {label!r}" for label in frame.index]
        return tab.RawTable(out.reset_index(drop=True), where, "the DataFrame")
    if not isinstance(source, (str, Path)):
        raise TypeError(
            f"{who}: expected a file path (CSV, XLSX, XLS, Parquet) or a pandas DataFrame; "
            f"got {type(source).__name__}."
        )
    path = Path(source)
    kind, data = tab.read_source_bytes(path, who=who)
    name = path.name
    if kind == "parquet":
        try:
            frame = pd.read_parquet(path)
        except ImportError as exc:
            raise ImportError(
                f"{who}: reading Parquet needs pyarrow ({exc}); install it with "
                "pip install 'geohra[parquet]'."
            ) from None
        except Exception as exc:  # a damaged file fails deep inside pyarrow
            raise ValueError(
                f"{who}: {name!r} starts like a Parquet file but could not be read as one "
                f"({type(exc).__name__}: {exc}). Write it again, or export the table as CSV or XLSX."
            ) from None
        raw = load(frame, encoding=None, sheet=None, who=who)
        where = [f"row {i + 1}" for i in range(len(frame))]
        return tab.RawTable(raw.frame, where, name)
    if kind in ("xlsx", "xls"):
        rows, sheets = tab.read_excel_rows(data, kind, sheet=sheet, name=name, who=who)
        prefix = "row"
    else:
        if sheet is not None:
            raise ValueError(
                f"{who}: sheet={sheet!r} was given but {name!r} is a text file, not a workbook."
            )
        text = tab.decode_text(data, encoding=encoding, name=name, who=who)
        rows = tab.split_delimited(text, name=name, who=who)
        prefix = "line"
        sheets = ()
    first = str(rows[0][1][0]).strip() if rows and rows[0][1] else ""
    if who == "read_panel" and first.startswith(("数据库：", "数据库:", "指标：", "指标:")):
        raise ValueError(
            f"{who}: {name!r} starts with {first!r}, the title of a National Bureau of "
            "Statistics export; read it with geohra.read_nbs(path) instead."
        )
    if not rows:
        raise ValueError(
            f"{who}: {name!r} holds no table (no non-empty rows); expected a header row and data."
        )
    raw = _raw_from_rows(rows, prefix=prefix, source=repr(name), who=who)
    return tab.RawTable(raw.frame, raw.where, raw.source, sheets)


def _sheet_hint(raw: tab.RawTable) -> str:
    if len(raw.sheets) < 2:
        return ""
    return (
        f" The workbook has the sheets {list(raw.sheets)}: if the data are on another "
        "sheet, pass sheet= with its name."
    )
