"""Tables into files: one Excel workbook (a sheet per record type), CSV (one per record type),
Markdown (a table per record type). Cells are text, numbers, dates or datetimes (bot/export)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime

from bot.export.records import Cell, Table

DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 6, 60
# A CSV cell Excel would read as a formula (=, +, -, @ …): kept as text with a leading apostrophe
# (OWASP's advice against CSV injection). Numbers are written as numbers and are not touched.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Markdown: what typed text could turn into markup, a link, HTML, or a broken table.
MD_ESCAPE = re.compile(r"([\\`*_\[\]|~])")
Progress = Callable[[int], object]  # told how many rows were just written


def as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _width(text: str) -> int:
    """Columns a line of text takes in Excel: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_xlsx(tables: Sequence[Table], *, progress: Progress | None = None) -> bytes:
    # Imported here: openpyxl costs a fifth of a second, which every start of the console would pay.
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]  # a fresh workbook's empty sheet
    for table in tables:
        sheet = book.create_sheet(title=table.title[:31])
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [_width(h) for h in table.headers]
        for values in table.rows:
            sheet.append([None if v == "" else v for v in values])
            for col, (cell, value) in enumerate(zip(sheet[sheet.max_row], values, strict=True)):
                if isinstance(value, str):
                    cell.data_type = TYPE_STRING  # "=1+1" typed by a user is text, never a formula
                    if "\n" in value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                    widths[col] = max(widths[col], *(_width(line) for line in value.split("\n")))
                elif isinstance(value, datetime):
                    cell.number_format = DATETIME_FORMAT
                    widths[col] = max(widths[col], 16)
                elif isinstance(value, date):
                    cell.number_format = DATE_FORMAT
                    widths[col] = max(widths[col], 10)
                else:
                    widths[col] = max(widths[col], len(as_text(value)))
        sheet.freeze_panes = "A2"  # the header row stays in view
        sheet.auto_filter.ref = sheet.dimensions
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if progress:
            progress(len(table.rows))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_cell(value: Cell) -> str | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = as_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Table, *, progress: Progress | None = None) -> bytes:
    """UTF-8 with a BOM, so Excel (in China too) opens it with the right encoding."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    if progress:
        progress(len(table.rows))
    return out.getvalue().encode("utf-8-sig")


def md_cell(value: Cell) -> str:
    """One table cell: typed markup escaped, HTML made inert, line breaks kept as <br>."""
    text = as_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = MD_ESCAPE.sub(r"\\\1", text)
    return "<br>".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def to_md(tables: Sequence[Table], *, title: str, progress: Progress | None = None) -> bytes:
    lines = [f"# {md_cell(title)}", ""]
    for table in tables:
        lines += [f"## {md_cell(table.title)}", "",
                  "| " + " | ".join(md_cell(h) for h in table.headers) + " |",
                  "|" + "|".join(" --- " for _ in table.headers) + "|"]
        lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in table.rows]
        lines.append("")
        if progress:
            progress(len(table.rows))
    return "\n".join(lines).encode("utf-8")
