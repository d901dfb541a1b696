"""Reading raw tables: file sniffing, text decoding, year labels and numeric cells.

Private helpers for :mod:`geohra.io.panel` (``read_panel`` and ``read_nbs``). Everything
here is strict: a cell is a number, an explicit missing value (an empty cell or a
common NA token) or an error that names where it is. Nothing is guessed.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# Years accepted in a year column or a year header. Wide enough for historical
# yearbooks and projections, narrow enough that 3000 or 13 is caught as a typo.
YEAR_MIN, YEAR_MAX = 1800, 2100

# Explicit missing-value tokens written by spreadsheet programs, R and pandas. Yearbook
# marks such as '…' or '-' are NOT here: in China's yearbooks '…' means "too small to
# show", not "missing", so geohra refuses to guess and asks the user instead.
NA_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "<na>"})

_MAGIC = (
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
    (b"PAR1", "parquet"),
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_YEAR_LABEL = re.compile(r"(\d{4})(?:\s*年(?:度|末|底)?)?")


@dataclass(frozen=True)
class RawTable:
    """A table as read: object cells, str column labels, and where each row came from."""

    frame: pd.DataFrame  # object dtype, columns are str labels, RangeIndex
    where: list[str]  # per row: "line 5" (CSV), "row 5" (Excel), "index 'x'" (DataFrame)
    source: str  # for messages: the file name or "the DataFrame"
    sheets: tuple[str, ...] = ()  # a workbook's sheet names, for hints about sheet=


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------


def read_source_bytes(path: str | Path, *, who: str) -> tuple[str, bytes]:
    """Return (kind, bytes) for a file; kind is 'xlsx', 'xls', 'parquet' or 'text'.

    The kind comes from the file's content (its magic bytes), not its extension,
    because exported files are often misnamed (an XLSX saved as .xls).
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{who}: no such file: {str(p)!r}. Check the path.")
    if p.is_dir():
        raise IsADirectoryError(f"{who}: {str(p)!r} is a folder; expected a data file.")
    try:
        data = p.read_bytes()
    except OSError as exc:  # permission denied, a broken mount ...
        raise type(exc)(
            exc.errno,
            f"{who}: cannot read {str(p)!r} ({exc.strerror or exc}). Check that the "
            "file is readable by you and not open elsewhere with a lock",
        ) from None
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ValueError(
            f"{who}: the file {p.name!r} is empty ({len(data)} bytes); expected a table "
            "(CSV, XLSX, XLS or Parquet) with a header row. Check that the export or "
            "download finished."
        )
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind, data
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise ValueError(
            f"{who}: {p.name!r} is an HTML/XML page, not a table file (some websites save "
            "web pages with an .xls name). Open it in a spreadsheet program and save it "
            "as XLSX or CSV, then read that file."
        )
    return "text", data


def decode_text(data: bytes, *, encoding: str | None, name: str, who: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.

    GB18030 is a superset of GBK and GB2312, the encodings of Chinese Excel exports.
    """
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValueError(
                f"{who}: could not read {name!r} with encoding={encoding!r} ({exc}). "
                "Leave encoding=None to detect UTF-8 / GBK automatically, or pass the right one."
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise ValueError(
            f"{who}: {name!r} is a binary file, not text or a spreadsheet geohra knows "
            "(expected CSV, XLSX, XLS or Parquet). Export the table as CSV or XLSX."
        )
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError(
        f"{who}: {name!r} is neither UTF-8 nor GBK/GB18030 text. Pass encoding='...' "
        "with the file's encoding, or save it as UTF-8 CSV or XLSX."
    )


def split_delimited(text: str, *, name: str, who: str) -> list[tuple[int, list[str]]]:
    """Split CSV/TSV text into (line number, cells) rows; blank lines are skipped."""
    sample = text[:20000]
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        start = 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValueError(
            f"{who}: {name!r} is not valid CSV near line {reader.line_num} ({exc}). "
            "Check for an unclosed quote."
        ) from None
    # Control characters other than tab/newline mean this was never a text table.
    if any(ch in sample for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x1a\x1b"):
        raise ValueError(
            f"{who}: {name!r} holds binary data, not a text table (expected CSV, XLSX, XLS "
            "or Parquet)."
        )
    return rows


def _not_a_workbook(who: str, name: str, kind: str, exc: Exception) -> ValueError:
    return ValueError(
        f"{who}: {name!r} looks like a {kind.upper()} file but could not be read as a "
        f"workbook ({type(exc).__name__}: {exc}). Open it in a spreadsheet program and "
        "save it again as XLSX or CSV."
    )


def read_excel_rows(
    data: bytes, kind: str, *, sheet: str | int | None, name: str, who: str
) -> tuple[list[tuple[int, list[Any]]], tuple[str, ...]]:
    """All non-empty rows of one sheet as (Excel row number, cells), and the sheet names.

    Without ``sheet``, a first sheet that holds no table (a cover note: no row with two
    cells) is refused with the list of sheets, so the fix (``sheet=``) is named.
    """
    engine = "openpyxl" if kind == "xlsx" else "xlrd"
    try:
        with warnings.catch_warnings():
            # pandas 3 deprecates its xlrd engine; xlrd itself still reads XLS correctly
            warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
            book = pd.ExcelFile(io.BytesIO(data), engine=engine)
            names = [str(n) for n in book.sheet_names]
            if sheet is not None and not (
                sheet in book.sheet_names
                or (
                    isinstance(sheet, int)
                    and not isinstance(sheet, bool)
                    and 0 <= sheet < len(names)
                )
            ):
                raise ValueError(
                    f"{who}: {name!r} has no sheet {sheet!r}; its sheets are {names}. Pass "
                    "sheet= as one of these names or a 0-based position."
                )
            frame = pd.read_excel(
                book, sheet_name=0 if sheet is None else sheet, header=None, dtype=object
            )
    except ImportError as exc:
        raise ImportError(
            f"{who}: reading {kind.upper()} files needs the {engine!r} package ({exc}); "
            f"install it with: pip install {engine}"
        ) from None
    except ValueError as exc:
        if str(exc).startswith(f"{who}:"):
            raise
        raise _not_a_workbook(who, name, kind, exc) from None
    except Exception as exc:  # zip/OLE files that are not workbooks fail deep inside
        raise _not_a_workbook(who, name, kind, exc) from None
    rows = _sheet_rows(frame)
    if sheet is None and len(names) > 1 and not any(len(cells) >= 2 for _, cells in rows):
        shown = [str(cells[0])[:40] for _, cells in rows[:3]]
        raise ValueError(
            f"{who}: the first sheet of {name!r} ({names[0]!r}) holds no table (only "
            f"{len(rows)} line(s) of text such as {shown}); the workbook has the sheets "
            f"{names}. Pass sheet= with the sheet that holds the data, e.g. sheet={names[1]!r}."
        )
    return rows, tuple(names)


def _sheet_rows(frame: pd.DataFrame) -> list[tuple[int, list[Any]]]:
    rows = []
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = [None if is_missing(v) else v for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            rows.append((i + 1, cells))
    return rows


# ---------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_label(value: Any) -> str:
    """A header cell as a str label: 2022.0 (Excel) -> '2022', full-width -> ASCII."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if float(value).is_integer():
            return str(int(value))
        return str(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def year_from_label(label: Any) -> int | None:
    """Parse a header like 2022, '2022', '2022年' (in range) into an int, else None."""
    if isinstance(label, bool):
        return None
    if isinstance(label, numbers.Real):
        if not float(label).is_integer():
            return None
        y = int(label)
        return y if YEAR_MIN <= y <= YEAR_MAX else None
    m = _YEAR_LABEL.fullmatch(unicodedata.normalize("NFKC", str(label)).strip())
    if m is None:
        return None
    y = int(m.group(1))
    return y if YEAR_MIN <= y <= YEAR_MAX else None


def parse_year_cell(value: Any) -> int | None:
    """A year cell: ints, integral floats, '2013', '2013.0', '2013年'; None if invalid."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if re.fullmatch(r"\d{4}\.0*", text):
            text = text.split(".")[0]
        return year_from_label(text)
    if isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_)):
        if not math.isfinite(float(value)):
            return None
        return year_from_label(float(value))
    return None


def parse_number(value: Any) -> float | None:
    """A numeric cell as float, NaN for an explicit missing value, None if not a number."""
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (numbers.Real, np.number)):
        x = float(value)
        if math.isnan(x):
            return math.nan
        return x if math.isfinite(x) else None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.casefold() in NA_TOKENS:
            return math.nan
        if _NUMBER.fullmatch(text):
            return float(text)
    return None


def numeric_column(cells: pd.Series) -> tuple[np.ndarray, list[int]]:
    """Convert one column; return float values and the positions of bad cells."""
    if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
        values = cells.to_numpy(dtype="float64", na_value=np.nan)
        bad = np.flatnonzero(np.isinf(values)).tolist()
        return values, bad
    # Vectorised fast path for plain ASCII numbers and empty cells; every other cell goes
    # through parse_number one by one (full-width digits, NA tokens, errors).
    obj = pd.Series(cells.to_numpy(dtype=object, na_value=None), dtype=object)
    missing = obj.isna().to_numpy()
    text = obj.where(~missing, "").astype(str).str.strip()
    plain = text.str.fullmatch(_NUMBER.pattern).to_numpy(dtype=bool)
    out = np.full(len(cells), np.nan)
    if plain.any():
        out[plain] = text[plain].astype("float64").to_numpy()
    bad = []
    for pos in np.flatnonzero(~plain & ~missing & (text != "").to_numpy(dtype=bool)):
        v = obj.iloc[pos]
        x = parse_number(v)
        if x is None:
            bad.append(pos)
            out[pos] = np.nan
        else:
            out[pos] = x
    return out, bad
