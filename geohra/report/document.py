"""The report document: ordered sections of tables, figures and notes, and its writers.

Analyses add items; writing files happens only in :meth:`Report.write` (HTML page,
Excel workbook with one formatted sheet per table, one CSV per table). Figures are
written by the figure step itself (PNG/HTML) into the output folder and referenced
here by relative path.
"""

from __future__ import annotations

import html
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Table:
    key: str
    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass
class Figure:
    path: str  # relative to the output folder
    caption: str
    kind: str = "png"  # "png" | "html"


@dataclass
class Section:
    title: str
    text: str = ""
    items: list = field(default_factory=list)


class Progress:
    """Print one line per step to stderr with its duration (long steps are visible)."""

    def __init__(self, *, stream=None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self._t0 = time.perf_counter()

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
                    print(" failed" if exc_type else f" {dt:.1f} s", file=progress.stream, flush=True)
                return False

        return _Step()


def _sheet_name(key: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]\*\?/\\:]", "_", key)[:31] or "table"
    base, n = name, 2
    while name.lower() in used:
        suffix = f"_{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


class Report:
    """An ordered collection of sections; :meth:`write` renders it into a folder."""

    def __init__(self, title: str, *, intro: str = "") -> None:
        self.title = title
        self.intro = intro
        self.sections: list[Section] = []
        self.written: list[Path] = []

    def section(self, title: str, text: str = "") -> Section:
        sec = Section(title, text)
        self.sections.append(sec)
        return sec

    def tables(self) -> list[Table]:
        return [it for s in self.sections for it in s.items if isinstance(it, Table)]

    def figures(self) -> list[Figure]:
        return [it for s in self.sections for it in s.items if isinstance(it, Figure)]

    # ------------------------------------------------------------------ writers
    def write(self, out: Path, *, stem: str = "report") -> list[Path]:
        out = Path(out)
        tables_dir = out / "tables"
        tables_dir.mkdir(parents=True, exist_ok=True)
        for t in self.tables():
            p = tables_dir / f"{t.key}.csv"
            t.frame.to_csv(p, encoding="utf-8-sig")  # BOM: Excel opens Chinese text correctly
            self.written.append(p)
        xlsx = out / f"{stem}.xlsx"
        self._write_xlsx(xlsx)
        page = out / f"{stem}.html"
        page.write_text(self._html(), encoding="utf-8")
        self.written += [xlsx, page]
        return self.written

    def _write_xlsx(self, path: Path) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        used: set[str] = set()
        contents = []
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            index_rows = [(t.title, t.note) for t in self.tables()]
            pd.DataFrame(index_rows, columns=["table", "note"]).to_excel(
                writer, sheet_name=_sheet_name("contents", used), index=False
            )
            for t in self.tables():
                name = _sheet_name(t.key, used)
                contents.append(name)
                frame = t.frame
                frame.to_excel(writer, sheet_name=name, startrow=2, merge_cells=False)
                ws = writer.sheets[name]
                ws["A1"] = t.title
                ws["A1"].font = Font(bold=True, size=12)
                if t.note:
                    ws["A2"] = t.note
                    ws["A2"].font = Font(italic=True, color="555555")
                header_row = 3
                fill = PatternFill("solid", fgColor="DDE6F0")
                for cell in ws[header_row]:
                    if cell.value is not None:
                        cell.font = Font(bold=True)
                        cell.fill = fill
                        cell.alignment = Alignment(horizontal="center", wrap_text=True)
                for col_idx in range(1, ws.max_column + 1):
                    letter = get_column_letter(col_idx)
                    width = max(
                        (len(str(c.value)) for c in ws[letter][2:60] if c.value is not None),
                        default=8,
                    )
                    ws.column_dimensions[letter].width = min(max(10, width + 2), 48)
                    for c in ws[letter][header_row:]:
                        if isinstance(c.value, float):
                            c.number_format = "0.0000" if abs(c.value) < 10 else "#,##0.00"
                ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
            ws = writer.sheets["contents"]
            ws.column_dimensions["A"].width = 60
            ws.column_dimensions["B"].width = 100

    def _html(self) -> str:
        esc = html.escape
        parts = [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{esc(self.title)}</title>",
            "<style>body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
            "max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
            "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}"
            "th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}"
            "th{background:#eef2f7}td:first-child,th:first-child{text-align:left}"
            "figure{margin:1em 0}img{max-width:100%}figcaption{color:#555;font-size:13px}"
            ".note{color:#555;font-size:13px}nav li{margin:2px 0}.scroll{overflow-x:auto;max-height:40em}"
            "thead th{position:sticky;top:0}</style></head><body>",
            f"<h1>{esc(self.title)}</h1>",
        ]
        if self.intro:
            parts.append(f"<p>{esc(self.intro)}</p>")
        parts.append("<nav><ol>")
        for i, s in enumerate(self.sections, 1):
            parts.append(f"<li><a href='#s{i}'>{esc(s.title)}</a></li>")
        parts.append("</ol></nav>")
        for i, s in enumerate(self.sections, 1):
            parts.append(f"<h2 id='s{i}'>{i}. {esc(s.title)}</h2>")
            if s.text:
                parts.append(f"<p>{esc(s.text)}</p>")
            for it in s.items:
                if isinstance(it, Table):
                    parts.append(f"<h3>{esc(it.title)}</h3>")
                    if it.note:
                        parts.append(f"<p class='note'>{esc(it.note)}</p>")
                    parts.append("<div class='scroll'>")
                    parts.append(
                        it.frame.to_html(
                            float_format=lambda v: f"{v:,.4f}" if abs(v) < 1000 else f"{v:,.1f}",
                            na_rep="–",
                            border=0,
                        )
                    )
                    parts.append("</div>")
                    parts.append(
                        f"<p class='note'>CSV: <a href='tables/{esc(it.key)}.csv'>tables/{esc(it.key)}.csv</a></p>"
                    )
                elif isinstance(it, Figure):
                    if it.kind == "html":
                        parts.append(
                            f"<p>Interactive map: <a href='{esc(it.path)}'>{esc(it.path)}</a> — {esc(it.caption)}</p>"
                        )
                    else:
                        parts.append(
                            f"<figure><img src='{esc(it.path)}' alt='{esc(it.caption)}'>"
                            f"<figcaption>{esc(it.caption)}</figcaption></figure>"
                        )
                else:
                    parts.append(f"<p>{esc(str(it))}</p>")
        parts.append("</body></html>")
        return "\n".join(parts)
