"""Report words added for one-year panels and the Word file's pointer to appendix tables, in
English and Chinese; :mod:`geohra.report.i18n` merges them into its tables."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "m_data_one": (
        "{units} units, {year}. {rates}{omitted}",
        "研究单元{units}个，{year}年。{rates}{omitted}",
    ),
    "tab_describe_one": (
        "Descriptive statistics of the indicators, {year}",
        "{year}年各指标描述性统计",
    ),
    "appendix_elsewhere": (
        "In the workbook and in {path}.",
        "见工作簿与 {path}。",
    ),
}
