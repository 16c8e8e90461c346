"""Reading an uploaded table (CSV, or the first sheet of an XLSX workbook) safely.

Whatever the bytes are, the answer is rows of strings or a :class:`TableFileError`
whose message says what is wrong in words HR can act on; never another exception.

Nothing here trusts what a file says about itself. The format is decided by
the bytes, and a name that disagrees is refused with a message saying so. A
workbook is read by openpyxl in read-only mode; around it we keep only what
it cannot do for us:

- Before openpyxl sees the bytes, the zip's members are counted and their
  declared sizes summed against the budget. zipfile never inflates a deflated
  member past its declared size, so this bounds all the XML openpyxl reads.
  Other compression methods (bzip2, LZMA) inflate a whole chunk at once
  whatever the header says, and no spreadsheet program writes them: refused.
- openpyxl parses through defusedxml whenever it is installed, which refuses
  entity declarations (billion laughs); this module will not load without it.
- The sheet's declared ``<dimension>`` is dropped, and rows are read one at a
  time, stopping at the first value beyond the row or column cap.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

if not openpyxl.DEFUSEDXML:
    raise ImproperlyConfigured(
        "openpyxl is not using defusedxml (not installed, or OPENPYXL_DEFUSEDXML is off): "
        "uploaded workbooks could expand XML entities without bound."
    )

CSV_SUFFIXES = frozenset({".csv", ".txt", ""})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A workbook has a handful of parts; thousands mean something else is inside.
_MAX_ZIP_MEMBERS = 1000
_EXCEL_MAX_ROW = 1_048_576
_MANIFEST = "[Content_Types].xml"


class TableFileError(Exception):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class TableLimits:
    """How much of a file is read at most."""

    max_rows: int  # rows after the header
    max_columns: int
    max_unpacked_bytes: int  # all the parts of an XLSX file, by their declared sizes


def read_table(data: bytes, filename: str, limits: TableLimits) -> list[list[str]]:
    """Rows of stripped cells, header first, from CSV or XLSX bytes."""
    suffix = Path(filename).suffix.lower()
    if not data:
        raise TableFileError(_("The file is empty."))
    is_zip = data.startswith(_ZIP_MAGIC)
    is_ole = data.startswith(_OLE_MAGIC)
    if suffix in XLSX_SUFFIXES:
        if is_ole:
            raise TableFileError(
                _(
                    "This is an old-style Excel workbook (.xls) or a password-protected one. "
                    "Save it as .xlsx without a password, or as CSV (UTF-8)."
                )
            )
        if not is_zip:
            raise TableFileError(
                _(
                    "The file is named %(suffix)s but is not an XLSX workbook. If it is "
                    "a CSV file, name it .csv and upload it again."
                )
                % {"suffix": suffix}
            )
        return _read_xlsx(data, limits)
    if suffix in CSV_SUFFIXES:
        if is_zip or is_ole:
            raise TableFileError(
                _(
                    "The file is named %(suffix)s but is an Excel workbook, not CSV text. "
                    "Name it .xlsx, or save the sheet as CSV (UTF-8)."
                )
                % {"suffix": suffix or _("(no extension)")}
            )
        return _read_csv(data, limits)
    raise TableFileError(
        _("Unsupported file type %(suffix)s: use .csv or .xlsx.") % {"suffix": suffix}
    )


def _too_many_rows(limits: TableLimits) -> TableFileError:
    return TableFileError(
        _("The file has more than %(max)d rows of people; split it into smaller files.")
        % {"max": limits.max_rows}
    )


def _too_many_columns(limits: TableLimits, *, line: int = 0, cell: str = "") -> TableFileError:
    if cell:
        message = _(
            "Cell %(cell)s has a value beyond column %(max)d; the file may have at most "
            "%(max)d columns."
        )
    else:
        message = _(
            "Line %(line)d has a value beyond column %(max)d; the file may have at most "
            "%(max)d columns."
        )
    return TableFileError(message % {"cell": cell, "line": line, "max": limits.max_columns})


# --- CSV ---------------------------------------------------------------------


def _read_csv(data: bytes, limits: TableLimits) -> list[list[str]]:
    if data.startswith(_UTF16_BOMS):
        raise TableFileError(
            _("The CSV file is UTF-16 text. Save it as “CSV UTF-8” and upload it again.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableFileError(
            _(
                "The CSV file is not UTF-8 text (line %(line)d has a character that is not "
                "UTF-8). Save it as “CSV UTF-8” and upload it again."
            )
            % {"line": line}
        ) from None
    nul = text.find("\x00")
    if nul != -1:
        raise TableFileError(
            _("Line %(line)d contains a NUL character: this is not a plain-text CSV file.")
            % {"line": text.count("\n", 0, nul) + 1}
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    try:
        for cells in reader:
            if len(rows) > limits.max_rows and any(cell.strip() for cell in cells):
                raise _too_many_rows(limits)
            if len(cells) > limits.max_columns:
                if any(cell.strip() for cell in cells[limits.max_columns :]):
                    raise _too_many_columns(limits, line=reader.line_num)
                del cells[limits.max_columns :]
            rows.append([cell.strip() for cell in cells])
    except csv.Error as exc:
        # The csv module names its limit in English; say it in ours.
        if "field larger than field limit" in str(exc):
            raise TableFileError(
                _(
                    "Line %(line)d has a cell longer than %(max)d characters: "
                    "this is not an organisation file."
                )
                % {"line": reader.line_num, "max": csv.field_size_limit()}
            ) from None
        raise TableFileError(
            _("Line %(line)d cannot be read as CSV: %(error)s.")
            % {"line": reader.line_num, "error": exc}
        ) from None
    return rows


def _delimiter(text: str) -> str:
    """The separator used in the header line: comma, semicolon (some Excel locales) or tab."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


# --- XLSX --------------------------------------------------------------------


def _damaged() -> TableFileError:
    return TableFileError(
        _(
            "The XLSX file is damaged or incomplete, so it cannot be read. Open it in Excel "
            "and save it again, or save the sheet as CSV (UTF-8)."
        )
    )


def _not_a_workbook() -> TableFileError:
    return TableFileError(_("This zip file is not an XLSX workbook: there is no workbook inside."))


def _read_xlsx(data: bytes, limits: TableLimits) -> list[list[str]]:
    _check_archive(data, limits)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever a hostile file makes the library raise
        raise _unreadable(exc) from None
    try:
        sheets = workbook.worksheets
        if not sheets or not isinstance(sheets[0], ReadOnlyWorksheet):
            raise TableFileError(_("The workbook has no sheet."))
        return _sheet_rows(sheets[0], limits)
    finally:
        workbook.close()


def _check_archive(data: bytes, limits: TableLimits) -> None:
    """Refuse, by what the zip declares, a workbook that would unpack too far."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise _damaged() from None
    if len(members) > _MAX_ZIP_MEMBERS:
        raise TableFileError(_("The file holds too many parts to be a workbook of people."))
    if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
        raise TableFileError(
            _(
                "The workbook unpacks to more than %(max)d MB, far more than an organisation "
                "file needs. Keep only the sheet with the people, or save it as CSV (UTF-8)."
            )
            % {"max": max(1, limits.max_unpacked_bytes // (1024 * 1024))}
        )
    if any(m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for m in members):
        raise _damaged()
    if _MANIFEST not in {member.filename for member in members}:
        raise _not_a_workbook()


def _unreadable(exc: BaseException, part: str = "") -> TableFileError:
    """What to tell the user about an exception openpyxl raised on this file."""
    causes = [exc]
    while causes[-1].__cause__ is not None and len(causes) < 10:
        causes.append(causes[-1].__cause__)
    if any(isinstance(cause, DefusedXmlException) for cause in causes):
        # Office files never declare entities; one can only be there to expand.
        return TableFileError(_("The workbook declares a DTD, which XLSX files never do."))
    if isinstance(exc, OSError):  # openpyxl: "File contains no valid workbook part"
        return _not_a_workbook()
    if part and isinstance(exc, ParseError):
        return TableFileError(
            _(
                "The %(part)s of the workbook is damaged: its XML cannot be read "
                "(%(error)s). Open it in Excel and save it again, or save it as CSV (UTF-8)."
            )
            % {"part": part, "error": expat.ErrorString(exc.code) or str(exc)}
        )
    return _damaged()


def _sheet_rows(sheet: ReadOnlyWorksheet, limits: TableLimits) -> list[list[str]]:
    """Rows up to the last one with a value; blank rows between them kept, as empty lists."""
    # A false <dimension> would make openpyxl pad every row to the size it claims.
    sheet.reset_dimensions()
    last_row = limits.max_rows + 1  # the header is row 1
    rows = sheet.values  # iter_rows(values_only=True) from A1
    table: list[list[str]] = []
    number = 0
    while True:
        try:
            values = next(rows, None)
        except Exception as exc:  # whatever a hostile sheet makes the library raise
            raise _unreadable(exc, part=_("sheet")) from None
        if values is None:
            return table
        # openpyxl yields an empty row for each missing one, and believes any row number.
        number += 1
        if number > _EXCEL_MAX_ROW:
            raise _damaged()
        if not values:  # a missing row: up to a million of them before a far cell
            continue
        cells = [_text(value) for value in values[: limits.max_columns]]
        while cells and not cells[-1]:
            cells.pop()
        beyond = _first_filled(values, limits.max_columns)
        if not cells and beyond is None:
            continue
        first = next((index for index, cell in enumerate(cells) if cell), beyond)
        cell = f"{get_column_letter((first or 0) + 1)}{number}"
        if number > last_row:
            raise TableFileError(
                _(
                    "Cell %(cell)s has a value, but the file may have at most %(max)d rows of "
                    "people (rows 2 to %(last)d). Split it into smaller files."
                )
                % {"cell": cell, "max": limits.max_rows, "last": last_row}
            )
        if beyond is not None:
            cell = f"{get_column_letter(beyond + 1)}{number}"
            raise _too_many_columns(limits, cell=cell)
        table.extend([] for _blank in range(number - 1 - len(table)))
        table.append(cells)


def _first_filled(values: tuple[object, ...], start: int) -> int | None:
    """The index of the first value at or after ``start`` that is not blank."""
    tail = values[start:]
    if tail.count(None) == len(tail):  # the common case, at C speed
        return None
    return next((i for i in range(start, len(values)) if _text(values[i])), None)


def _text(value: object) -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))  # 42.0 was typed as 42
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()
