"""The report document: ordered sections of findings, tables, figures and notes, and its writers.

Analyses add items; writing files happens only in :meth:`Report.write`: ``report.html``,
``report.xlsx`` (contents + one sheet per table, appendix sheets last), ``report.docx``
(three-line tables, numbered captions, figures) and one full-precision CSV per table.
Tables keep their raw numbers (the CSVs); the HTML, workbook and Word file show them with
fixed decimals per column and headers in the report's language. Figures are written by
the figure step itself and referenced here by relative path.
"""

from __future__ import annotations

import html
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geohra.report.i18n import colon, header, tr

#: tables longer than this go to CSV only; the workbook and documents name the file
MAX_SHEET_ROWS = 10_000
#: ... and tables with more cells than this (per-unit tables of a county panel: the workbook
#: keeps the summaries, each unit's numbers are in the CSV)
MAX_SHEET_CELLS = 20_000
MAX_HTML_ROWS = 2_000
MAX_DOCX_ROWS = 200
#: tables wider than this (e.g. 465 region pairs of 31 provinces) are not printed in Word
MAX_DOCX_COLS = 40


@dataclass
class Table:
    key: str
    title: str
    frame: pd.DataFrame  # raw numbers; its index becomes the first column(s)
    note: str = ""
    decimals: dict = field(default_factory=dict)  # column -> decimals (default from the data)
    headers: dict = field(default_factory=dict)  # column -> display header (default: i18n)
    appendix: bool = False


@dataclass
class Figure:
    path: str  # relative to the output folder
    caption: str
    kind: str = "png"  # "png" | "html"


@dataclass
class Section:
    title: str
    text: str = ""  # method, one paragraph
    findings: list = field(default_factory=list)  # sentences computed from the numbers
    items: list = field(default_factory=list)


class Progress:
    """Print one line per step to stderr with its duration (long steps are visible)."""

    def __init__(self, *, stream=None, quiet: bool = False, lang: str = "en") -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.lang = lang

    def step(self, label: str):
        progress = self

        class _Step:
            def __enter__(self):
                self.t = time.perf_counter()
                if not progress.quiet:
                    print(f"  {label} ...", end="", file=progress.stream, flush=True)
                return self

            def __exit__(self, exc_type, exc, tb):
                if not progress.quiet:
                    dt = time.perf_counter() - self.t
                    fail = "失败" if progress.lang == "zh" else "failed"
                    unit = "秒" if progress.lang == "zh" else "s"
                    print(
                        f" {fail}" if exc_type else f" {dt:.1f} {unit}",
                        file=progress.stream,
                        flush=True,
                    )
                return False

        return _Step()


_INT_NAMES = {"year", "rank", "n", "units", "count", "level", "n_peaks", "class"}


def _is_int_column(s: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(s):
        return True
    finite = s.dropna()
    return s.name in _INT_NAMES and len(finite) > 0 and bool((finite == finite.round()).all())


def column_decimals(t: Table, frame: pd.DataFrame) -> dict:
    """Fixed decimals for every numeric column: given, 0 for integers, 2 for % and values >= 10,
    6 when every value is below 0.01 (small Theil parts), else 4."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if col in t.decimals:
            out[col] = t.decimals[col]
        elif col == "year" and pd.api.types.is_numeric_dtype(s):
            out[col] = "plain"  # 2012, not 2,012
        elif not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        elif _is_int_column(s):
            out[col] = 0
        elif str(col).endswith("pct") or str(col).endswith("(%)"):
            out[col] = 2
        else:
            top = np.nanmax(np.abs(s.to_numpy(dtype=float))) if s.notna().any() else 0.0
            out[col] = 2 if top >= 10 else 4 if top >= 0.01 or top == 0 else 6
    return out


def flat(t: Table) -> pd.DataFrame:
    """The table with its index as leading columns (a plain RangeIndex is dropped)."""
    f = t.frame
    if isinstance(f.index, pd.RangeIndex) and f.index.name is None:
        return f.reset_index(drop=True)
    return f.reset_index()


def display(t: Table, lang: str) -> tuple[pd.DataFrame, dict]:
    """(flat frame with numbers, column -> decimals); headers localised (as strings)."""
    frame = flat(t)
    dec = column_decimals(t, frame)
    names = {c: t.headers.get(c, header(c, lang)) for c in frame.columns}
    frame = frame.rename(columns=names)
    return frame, {names[c]: d for c, d in dec.items()}


def as_text(frame: pd.DataFrame, dec: dict) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for i, col in enumerate(frame.columns):
        s = frame.iloc[:, i]
        if col in dec:
            d = dec[col]
            out[i] = [
                ("–" if pd.isna(v) else str(int(v)) if d == "plain" else f"{v:,.{d}f}") for v in s
            ]
        else:
            out[i] = [
                "–" if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in s
            ]
    out.columns = list(frame.columns)
    return out


class Report:
    """An ordered collection of sections; :meth:`write` renders it into a folder."""

    def __init__(self, title: str, *, intro: str = "", lang: str = "en") -> None:
        self.title = title
        self.intro = intro
        self.lang = "zh" if lang == "zh" else "en"
        self.sections: list[Section] = []
        self.written: list[Path] = []
        self._shown: dict = {}  # while writing: id(table) -> display(...), as_text(...)

    def section(self, title: str, text: str = "") -> Section:
        sec = Section(title, text)
        self.sections.append(sec)
        return sec

    def tables(self) -> list[Table]:
        return [it for s in self.sections for it in s.items if isinstance(it, Table)]

    def figures(self) -> list[Figure]:
        return [it for s in self.sections for it in s.items if isinstance(it, Figure)]

    def numbers(self) -> dict[int, str]:
        """id(item) -> its caption label (表1 / Table 1, 图1 / Figure 1, 附表1 / Appendix 1)."""
        out, nt, nf, na = {}, 0, 0, 0
        for s in self.sections:
            for it in s.items:
                if isinstance(it, Table) and it.appendix:
                    na += 1
                    out[id(it)] = tr("appendix_sheet", self.lang, n=na)
                elif isinstance(it, Table):
                    nt += 1
                    out[id(it)] = tr("table_n", self.lang, n=nt)
                elif isinstance(it, Figure) and it.kind == "png":
                    nf += 1
                    out[id(it)] = tr("figure_n", self.lang, n=nf)
        return out

    # ------------------------------------------------------------------ writers
    def shown(self, t: Table, *, text: bool = False) -> tuple[pd.DataFrame, dict] | pd.DataFrame:
        """``display(t, lang)`` (or with ``text``, its ``as_text``), computed once per table
        for the workbook, the page and the Word file of one :meth:`write`."""
        key = (id(t), text)
        if key not in self._shown:
            self._shown[key] = as_text(*self.shown(t)) if text else display(t, self.lang)
        return self._shown[key]

    def write(self, out: Path, *, stem: str = "report", protected=()) -> list[Path]:
        """Write CSVs, workbook, HTML page and Word file; never over a ``protected`` (input) file."""
        self._shown = {}
        try:
            return self._write(Path(out), stem, protected)
        finally:
            self._shown = {}  # the tables may change after this write

    def _write(self, out: Path, stem: str, protected) -> list[Path]:
        guard = {Path(p).resolve() for p in protected}

        def target(p: Path) -> Path:
            if p.resolve() in guard:
                raise ValueError(
                    f"refusing to write {str(p)!r}: it is one of the report's input files. "
                    "Choose another --out folder."
                )
            return p

        tables_dir = out / "tables"
        tables_dir.mkdir(parents=True, exist_ok=True)
        for t in self.tables():
            p = target(tables_dir / f"{t.key}.csv")
            t.frame.to_csv(p, encoding="utf-8-sig")  # BOM: Excel opens Chinese text correctly
            self.written.append(p)
        xlsx = target(out / f"{stem}.xlsx")
        self._write_xlsx(xlsx)
        page = target(out / f"{stem}.html")
        page.write_text(self._html(), encoding="utf-8")
        docx = target(out / f"{stem}.docx")
        from geohra.report.docx import write_docx

        write_docx(self, docx, out)
        self.written += [xlsx, page, docx]
        return self.written

    def _write_xlsx(self, path: Path) -> None:
        from geohra.report.workbook import write_workbook

        write_workbook(self, path)

    def _html(self) -> str:
        esc = html.escape
        lang = self.lang
        labels = self.numbers()
        parts = [
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
            f"<title>{esc(self.title)}</title>",
            "<style>body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
            "max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
            "table{border-collapse:collapse;margin:.3em 0 .3em;font-size:13px}"
            "thead th{border-top:2px solid #000;border-bottom:1px solid #000;position:sticky;top:0;background:#fff}"
            "tbody tr:last-child td{border-bottom:2px solid #000}th,td{padding:3px 8px;text-align:right}"
            "td:first-child,th:first-child{text-align:left}caption{font-weight:bold;padding:.4em;text-align:center}"
            "figure{margin:1em 0;text-align:center}img{max-width:100%}figcaption{font-size:14px}"
            ".note{color:#444;font-size:13px}.method{color:#444}.scroll{overflow-x:auto;max-height:40em}"
            "</style></head><body>",
            f"<h1>{esc(self.title)}</h1>",
        ]
        if self.intro:
            parts.append(f"<p>{esc(self.intro)}</p>")
        parts.append(f"<nav><h2>{esc(tr('contents', lang))}</h2><ol>")
        for i, s in enumerate(self.sections, 1):
            parts.append(f"<li><a href='#s{i}'>{esc(s.title)}</a></li>")
        parts.append("</ol></nav>")
        for i, s in enumerate(self.sections, 1):
            parts.append(f"<h2 id='s{i}'>{i} {esc(s.title)}</h2>")
            for sentence in s.findings:
                parts.append(f"<p class='finding'>{esc(sentence)}</p>")
            if s.text:
                parts.append(f"<p class='method'>{esc(s.text)}</p>")
            for it in s.items:
                parts.append(self._html_item(it, labels.get(id(it), "")))
        parts.append("</body></html>")
        return "\n".join(parts)

    def _html_item(self, it, label: str) -> str:
        esc = html.escape
        lang = self.lang
        if isinstance(it, Table):
            frame, dec = self.shown(it)
            head = f"<p class='caption' style='text-align:center;font-weight:bold'>{esc(label)} {esc(it.title)}</p>"
            if len(frame) > MAX_HTML_ROWS:
                body = f"<p class='note'>{esc(tr('csv_only', lang, rows=len(frame), path=f'tables/{it.key}.csv'))}</p>"
            else:
                text = self.shown(it, text=True)
                body = (
                    "<div class='scroll'>"
                    + text.to_html(index=False, border=0, escape=True)
                    + "</div>"
                )
            note = (
                f"<p class='note'>{esc(tr('note', lang))}{colon(lang)}{esc(it.note)}</p>"
                if it.note
                else ""
            )
            link = f"<p class='note'>{esc(tr('csv_link', lang))}{colon(lang)}<a href='tables/{esc(it.key)}.csv'>tables/{esc(it.key)}.csv</a></p>"
            return head + body + note + link
        if isinstance(it, Figure):
            if it.kind == "html":
                return f"<p>{esc(tr('web_map', lang))}{colon(lang)}<a href='{esc(it.path)}'>{esc(it.path)}</a> — {esc(it.caption)}</p>"
            return (
                f"<figure><img src='{esc(it.path)}' alt='{esc(it.caption)}'>"
                f"<figcaption>{esc(label)} {esc(it.caption)}</figcaption></figure>"
            )
        return f"<p class='note'>{esc(str(it))}</p>"
