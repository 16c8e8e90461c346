"""Reading an uploaded table (CSV, or the first sheet of an XLSX workbook) safely.

Whatever the bytes are, the answer is rows of strings or a :class:`TableFileError`
whose message says what is wrong in words HR can act on; never another exception.

Nothing here trusts what a file says about itself. The format is decided by
the bytes, and a name that disagrees is refused with a message saying so.
CSV text is read in :mod:`accounts.spreadsheets.csv_text`; an XLSX workbook,
a zip of XML read against byte, row and column budgets, in
:mod:`accounts.spreadsheets.xlsx`.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from accounts.spreadsheets.base import TableFileError, TableLimits
from accounts.spreadsheets.csv_text import read_csv
from accounts.spreadsheets.xlsx import read_xlsx

__all__ = ["CSV_SUFFIXES", "XLSX_SUFFIXES", "TableFileError", "TableLimits", "read_table"]

CSV_SUFFIXES = frozenset({".csv", ".txt", ""})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx


def read_table(data: bytes, filename: str, limits: TableLimits) -> list[list[str]]:
    """Rows of stripped cells, header first, from CSV or XLSX bytes.

    Raises :class:`TableFileError` (and nothing else) if the file cannot be read as a table.
    """
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
        return read_xlsx(data, limits)
    if suffix in CSV_SUFFIXES:
        if is_zip or is_ole:
            raise TableFileError(
                _(
                    "The file is named %(suffix)s but is an Excel workbook, not CSV text. "
                    "Name it .xlsx, or save the sheet as CSV (UTF-8)."
                )
                % {"suffix": suffix or _("(no extension)")}
            )
        return read_csv(data, limits)
    raise TableFileError(
        _("Unsupported file type %(suffix)s: use .csv or .xlsx.") % {"suffix": suffix}
    )
