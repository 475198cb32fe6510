"""Reading an order file as an office produces it: CSV in UTF-8 or in the Chinese Windows
code page (GBK / GB18030, as Excel in a Chinese locale saves "CSV"), with or without a byte
order mark, or an Excel workbook (.xlsx). Whatever the bytes, the answer is rows or one
UnreadableFile with a sentence a person can act on; never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date, datetime
from pathlib import Path

GB18030_BOM = b"\x84\x31\x95\x33"
XLSX_MAGIC = b"PK\x03\x04"
SAVE_AS = 'save it as "CSV UTF-8" or as an Excel workbook (.xlsx)'

Row = tuple[int, dict[str, str]]


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """The header's column names and each following row with its line (or sheet row)
    number, every value as text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read the file ({exc.strerror or exc})") from None
    if data.startswith(XLSX_MAGIC):
        return _workbook_rows(data)
    return _csv_rows(_decode(data))


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8")
    if data.startswith(GB18030_BOM):
        return _strict(data[len(GB18030_BOM) :], "gb18030")
    if b"\x00" in data:
        # UTF-16 text and binary files (images, .xls, PDFs) have NUL bytes; CSV has none.
        raise UnreadableFile(f"not a CSV text file or an .xlsx workbook; {SAVE_AS}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # GB18030 is a superset of GBK and GB2312: one decoder reads all three.
    return _strict(data, "gb18030")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(f"the text is neither UTF-8 nor GBK/GB18030; {SAVE_AS}") from None


def _csv_rows(text: str) -> tuple[list[str], list[Row]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        rows = [
            (reader.line_num, {k: (val or "").strip() for k, val in row.items() if k})
            for row in reader
        ]
    except csv.Error as exc:
        raise UnreadableFile(f"not a valid CSV file ({exc})") from None
    return header, rows


def _cell(value: object) -> str:
    """A workbook cell as the text a CSV would carry: dates as YYYY-MM-DD, whole numbers
    without a decimal point, other numbers in their shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _workbook_rows(data: bytes) -> tuple[list[str], list[Row]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # A zip that is no workbook, a protected or damaged one: openpyxl raises many kinds, and
    # at this edge each means the same thing to the person importing.
    except Exception as exc:
        raise UnreadableFile(f"not a readable .xlsx workbook ({exc}); {SAVE_AS}") from None
    try:
        if not book.worksheets:
            raise UnreadableFile(f"the workbook has no sheet; {SAVE_AS}")
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(values, ())]
        rows = []
        for number, cells in enumerate(values, start=2):
            texts = [_cell(v) for v in cells]
            if not any(texts):
                continue  # Excel keeps formatted but empty rows
            rows.append((number, {k: t for k, t in zip(header, texts, strict=False) if k}))
    finally:
        book.close()
    return header, rows
