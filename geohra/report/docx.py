"""The Word file of a report (python-docx): headings, findings, three-line tables (三线表:
thick top and bottom rules, a thin rule under the header, no vertical lines), numbered
captions (表1 above tables, 图1 below figures) and the figures themselves.

Appendix tables and tables longer than :data:`~geohra.report.document.MAX_DOCX_ROWS` rows
are named with their CSV/workbook location instead of being printed."""

from __future__ import annotations

from pathlib import Path

from geohra.report.document import MAX_DOCX_COLS, MAX_DOCX_ROWS, Figure, Table
from geohra.report.i18n import colon, tr

THICK = 12  # eighths of a point: 1.5 pt
THIN = 6  # 0.75 pt


def _border_xml(edges: dict[str, int | None]) -> str:
    parts = []
    for edge, size in edges.items():
        if size is None:
            parts.append(f'<w:{edge} w:val="nil"/>')
        else:
            parts.append(f'<w:{edge} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>')
    return "".join(parts)


def three_line(table) -> None:
    """Turn a python-docx table into a 三线表."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblBorders"
    ):
        tbl_pr.remove(old)
    tbl_pr.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + _border_xml(
                {
                    "top": THICK,
                    "left": None,
                    "bottom": THICK,
                    "right": None,
                    "insideH": None,
                    "insideV": None,
                }
            )
            + "</w:tblBorders>"
        )
    )
    for cell in table.rows[0].cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_pr.append(
            parse_xml(
                f"<w:tcBorders {nsdecls('w')}>" + _border_xml({"bottom": THIN}) + "</w:tcBorders>"
            )
        )


def _fonts(doc, lang: str) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Heading 1", "Heading 2", "Caption"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        style.font.name = "Times New Roman"
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), "宋体" if lang == "zh" else "Times New Roman")
    doc.styles["Normal"].font.size = Pt(10.5)


def _caption(doc, text: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(text).bold = True
    return p


def _widths(text) -> list:
    """Column widths (16 cm in all) in proportion to the longest text, CJK counted double."""
    from docx.shared import Cm

    def length(v) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v))

    need = [
        max([length(c)] + [length(v) for v in text.iloc[:, j]]) + 2
        for j, c in enumerate(text.columns)
    ]
    need = [min(n, 40) for n in need]
    # short columns (years, numbers) keep the width of their text, so "2013" never wraps;
    # the long ones share what is left of the 16 cm in proportion to their length
    short = [n <= 10 for n in need]
    fixed = sum(0.2 * n for n, s in zip(need, short, strict=True) if s)
    rest = sum(n for n, s in zip(need, short, strict=True) if not s)
    if fixed + 0.2 * rest <= 16 or fixed > 12:  # all fits, or mostly short columns
        total = sum(need)
        return [Cm(16 * n / total) for n in need]
    scale = (16 - fixed) / rest
    return [Cm(0.2 * n if s else scale * n) for n, s in zip(need, short, strict=True)]


def _table(doc, report, t: Table, label: str, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    _caption(doc, f"{label} {t.title}").paragraph_format.keep_with_next = True
    frame, _ = report.shown(t)
    if t.appendix:  # not too large: appendices are in the workbook and the CSV, not in print
        doc.add_paragraph(tr("appendix_elsewhere", lang, path=f"tables/{t.key}.csv"))
        return
    if len(frame) > MAX_DOCX_ROWS:
        doc.add_paragraph(tr("csv_only", lang, rows=len(frame), path=f"tables/{t.key}.csv"))
        return
    if len(frame.columns) > MAX_DOCX_COLS:
        where = f"tables/{t.key}.csv"
        doc.add_paragraph(tr("csv_only_wide", lang, cols=len(frame.columns), path=where))
        return
    text = report.shown(t, text=True)
    table = doc.add_table(rows=len(text) + 1, cols=len(text.columns))
    table.autofit = False
    for j, col in enumerate(text.columns):
        cell = table.rows[0].cells[j]
        cell.text = str(col)
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    widths = _widths(text)
    for j, column in enumerate(table.columns):
        column.width = widths[j]  # the grid, which LibreOffice and WPS read
    values = [None, *text.itertuples(index=False)]
    for i, row in enumerate(table.rows):  # row.cells walks the row's XML: once per row
        for j, cell in enumerate(row.cells):
            if i:
                cell.text = values[i][j]
                cell.paragraphs[0].alignment = (
                    WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER
                )
            cell.width = widths[j]
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    three_line(table)
    if t.note:
        doc.add_paragraph(f"{tr('note', lang)}{colon(lang)}{t.note}").runs[0].font.size = Pt(9)


def write_docx(report, path: Path, out: Path) -> None:
    from docx import Document
    from docx.shared import Cm

    lang = report.lang
    labels = report.numbers()
    doc = Document()
    _fonts(doc, lang)
    doc.add_heading(report.title, level=0)
    if report.intro:
        doc.add_paragraph(report.intro)
    for i, s in enumerate(report.sections, 1):
        doc.add_heading(f"{i} {s.title}", level=1)
        for sentence in s.findings:
            doc.add_paragraph(sentence)
        if s.text:
            doc.add_paragraph(s.text)
        for it in s.items:
            if isinstance(it, Table):
                _table(doc, report, it, labels[id(it)], lang)
            elif isinstance(it, Figure) and it.kind == "png":
                doc.add_picture(str(out / it.path), width=Cm(15))
                doc.paragraphs[-1].alignment = 1  # centred
                doc.paragraphs[-1].paragraph_format.keep_with_next = True  # with its caption
                _caption(doc, f"{labels[id(it)]} {it.caption}")
            elif isinstance(it, Figure):
                doc.add_paragraph(f"{tr('web_map', lang)}{colon(lang)}{it.path} — {it.caption}")
            else:
                doc.add_paragraph(str(it))
    doc.save(str(path))
