"""Reading the National Bureau of Statistics' provincial annual exports (分省年度数据)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from geohra._checks import DataQualityWarning
from geohra.io import _tabular as tab
from geohra.io._load import _raw_from_rows
from geohra.io._panel_core import _wide_from_raw
from geohra.io.quality import check_quality

_NOTE_PREFIXES = ("注", "数据来源", "资料来源", "说明", "备注")
_TITLE = re.compile(r"^(数据库|指标|时间|地区)[:：]\s*(.*)$")
_HEADER = re.compile(r"地区(?:\s*[\\/]\s*时间)?")  # 地区, or 地区/时间 in some exports
_UNIT_SUFFIX = re.compile(r"^(.*?)\s*[(（]([^()（）]*)[)）]\s*$")


def _nbs_one(path: str | Path, encoding: str | None) -> tuple[pd.DataFrame, dict]:
    who = "read_nbs"
    path = Path(path)
    kind, data = tab.read_source_bytes(path, who=who)
    if kind == "parquet":
        raise ValueError(
            f"{who}: {path.name!r} is a Parquet file, not an NBS export (CSV, XLS or XLSX); use read_panel."
        )
    if kind in ("xlsx", "xls"):
        rows, _ = tab.read_excel_rows(data, kind, sheet=None, name=path.name, who=who)
        prefix = "row"
    else:
        text = tab.decode_text(data, encoding=encoding, name=path.name, who=who)
        rows = tab.split_delimited(text, name=path.name, who=who)
        prefix = "line"
    meta: dict[str, Any] = {
        "file": path.name,
        "database": None,
        "indicator": None,
        "unit": None,
        "time": None,
        "region": None,
        "notes": [],
    }
    header_at = None
    keys = {"数据库": "database", "指标": "indicator", "时间": "time", "地区": "region"}
    for i, (_, cells) in enumerate(rows):
        first = tab.clean_label(cells[0]) if cells and not tab.is_missing(cells[0]) else ""
        # the title text is kept verbatim (full-width characters and all)
        m = _TITLE.match(str(cells[0]).strip()) if first else None
        if m is not None:
            meta[keys[m.group(1)]] = m.group(2).strip()
            continue
        if _HEADER.fullmatch(first):
            header_at = i
        elif first in ("指标", "时间") and meta.get("database"):
            raise ValueError(
                f"{who}: {path.name!r} is an NBS export with {first} as rows (one region: "
                f"{meta.get('region')!r}); geohra reads the layout with 地区 (provinces) as rows "
                "and years as columns. Export again choosing 地区 for the rows, one indicator per file."
            )
        break
    seen = [tab.clean_label(c[0]) for _, c in rows[:4] if c and not tab.is_missing(c[0])]
    expect = (
        "expected an NBS provincial annual export (分省年度数据): title lines such as "
        "'数据库：分省年度数据' and '指标：...(unit)', then a header '地区,2022年,2021年,...'"
    )
    if header_at is None:
        raise ValueError(
            f"{who}: {path.name!r} is not in the NBS export layout; {expect}; the file starts "
            f"with {seen}. For an ordinary table use geohra.read_panel."
        )
    if not meta["indicator"]:
        raise ValueError(
            f"{who}: {path.name!r} has no '指标：' line naming the indicator; {expect}. Add the "
            "line (e.g. '指标：每千人口医疗卫生机构床位数(张)') or use read_panel with indicator=."
        )
    m = _UNIT_SUFFIX.match(meta["indicator"])
    if m and m.group(2).strip():
        meta["indicator"], meta["unit"] = m.group(1).strip(), m.group(2).strip()
    body, notes, after_note = _split_body(rows, header_at, prefix)
    meta["notes"] = notes
    if after_note:
        warnings.warn(
            f"{who}: {path.name!r} has a note line in the middle of the table; the "
            f"{len(after_note)} row(s) after it that hold values were read as data, not notes: "
            f"{', '.join(after_note[:12])}{' ...' if len(after_note) > 12 else ''}. Check that "
            "they belong to the table.",
            DataQualityWarning,
            stacklevel=4,
        )
    raw = _raw_from_rows(body, prefix=prefix, source=repr(path.name), who=who)
    if raw.frame.empty:
        raise ValueError(f"{who}: {path.name!r} has the NBS header but no province rows.")
    year_cols = list(raw.frame.columns[1:])
    bad = [c for c in year_cols if tab.year_from_label(c) is None]
    if bad or not year_cols:
        raise ValueError(
            f"{who}: the header of {path.name!r} must be '地区' followed by years such as "
            f"2022年; got {list(raw.frame.columns)}. Export the table with 地区 as rows and 时间 as columns."
        )
    panel = _wide_from_raw(raw, raw.frame.columns[0], year_cols, meta["indicator"], True, who)
    return panel, meta


def _split_body(rows: list[tuple[int, list[Any]]], header_at: int, prefix: str):
    """The header and data rows, the note lines, and the data rows found after a note.

    A note (注：..., 数据来源：...) usually closes the table, but some exports put one in the
    middle. After the first note, a line is still data when it has cells beyond the first
    one and all of them are numbers or empty (a continued note is text in one cell), so a
    province listed after a note is never lost among the notes.
    """
    body: list[tuple[int, list[Any]]] = [rows[header_at]]
    notes: list[str] = []
    after_note: list[str] = []
    in_notes = False
    for line, cells in rows[header_at + 1 :]:
        first = tab.clean_label(cells[0]) if not tab.is_missing(cells[0]) else ""
        text = " ".join(str(c).strip() for c in cells if not tab.is_missing(c))
        if first.startswith(_NOTE_PREFIXES):
            in_notes = True
            notes.append(text)
            continue
        if in_notes:
            rest = [c for c in cells[1:] if not tab.is_missing(c)]
            if not first or not rest or any(tab.parse_number(c) is None for c in rest):
                notes.append(text)
                continue
            after_note.append(f"{first!r} ({prefix} {line})")
        body.append((line, cells))
    return body, notes, after_note


def read_nbs_files(path_or_paths: Any, *, encoding: str | None) -> pd.DataFrame:
    """Read one or several exports and combine them (outer join on adcode, year)."""
    if isinstance(path_or_paths, (str, Path)):
        paths = [path_or_paths]
    else:
        paths = list(path_or_paths)
        if not paths:
            raise ValueError("read_nbs: expected one or more file paths; got an empty list.")
    panels, metas = [], []
    for p in paths:
        panel, meta = _nbs_one(p, encoding)
        for other in metas:
            if other["indicator"] == meta["indicator"]:
                raise ValueError(
                    f"read_nbs: indicator {meta['indicator']!r} is in both {other['file']!r} and "
                    f"{meta['file']!r}; pass each indicator once."
                )
        panels.append(panel.set_index(["adcode", "year"]))
        metas.append(meta)
    out = pd.concat(panels, axis=1, join="outer").sort_index().reset_index()
    out.attrs["units"] = {m["indicator"]: m["unit"] for m in metas}
    out.attrs["nbs"] = metas
    out.attrs["source"] = ", ".join(repr(m["file"]) for m in metas)
    check_quality(out, who="read_nbs")
    return out
