"""The Excel workbook of a report: a contents sheet, one sheet per table (numbered like the
captions, headers in the report's language, fixed decimals per column), appendix sheets last.
Tables longer than :data:`~geohra.report.document.MAX_SHEET_ROWS` rows are named, not copied
(their CSV holds them)."""

from __future__ import annotations

from pathlib import Path

from geohra.report.document import MAX_SHEET_CELLS, MAX_SHEET_ROWS
from geohra.report.i18n import colon, tr


def _number_format(decimals) -> str:
    if decimals == "plain":
        return "0"
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def write_workbook(report, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    lang = report.lang
    labels = report.numbers()
    tables = [t for t in report.tables() if not t.appendix] + [
        t for t in report.tables() if t.appendix
    ]
    wb = Workbook()
    contents = wb.active
    contents.title = tr("contents", lang)
    contents.append([tr("sheet_table", lang), tr("sheet_title", lang), tr("sheet_note", lang)])
    for c in contents[1]:
        c.font = Font(bold=True)
    thick, thin = Side(style="medium"), Side(style="thin")
    for t in tables:
        label = labels[id(t)]
        contents.append([label, t.title, t.note])
        ws = wb.create_sheet(label[:31])
        ws["A1"] = f"{label} {t.title}"
        ws["A1"].font = Font(bold=True, size=12)
        frame, dec = report.shown(t)
        if len(frame) > MAX_SHEET_ROWS or frame.size > MAX_SHEET_CELLS:
            ws["A3"] = tr("csv_only", lang, rows=len(frame), path=f"tables/{t.key}.csv")
            continue
        ws.append([])
        ws.append([str(c) for c in frame.columns])
        head = 3
        for row in frame.itertuples(index=False):
            ws.append(
                [None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in row]
            )
        last = ws.max_row
        ncol = len(frame.columns)
        for j, col in enumerate(frame.columns, 1):
            letter = get_column_letter(j)
            cell = ws.cell(row=head, column=j)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            cell.border = Border(top=thick, bottom=thin)
            ws.cell(row=last, column=j).border = Border(bottom=thick)
            if col in dec:
                fmt = _number_format(dec[col])
                for r in range(head + 1, last + 1):
                    ws.cell(row=r, column=j).number_format = fmt
            width = max(
                [len(str(col))]
                + [
                    len(str(ws.cell(row=r, column=j).value or ""))
                    for r in range(head + 1, min(last, head + 60) + 1)
                ]
            )
            ws.column_dimensions[letter].width = min(
                max(10, width * (2 if lang == "zh" else 1) + 2), 48
            )
        if t.note:
            ws.cell(
                row=last + 1, column=1, value=f"{tr('note', lang)}{colon(lang)}{t.note}"
            ).font = Font(italic=True)
        ws.freeze_panes = ws.cell(row=head + 1, column=2 if ncol > 1 else 1)
    contents.column_dimensions["A"].width = 12
    contents.column_dimensions["B"].width = 60
    contents.column_dimensions["C"].width = 80
    wb.save(path)


def _missing(v) -> bool:
    try:
        return v is None or v != v
    except (TypeError, ValueError):
        return False
