"""CSV text (UTF-8, comma, semicolon or tab separated) read as rows of stripped cells."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from accounts.spreadsheets.base import TableFileError, TableLimits, too_many_columns, too_many_rows

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_csv(data: bytes, limits: TableLimits) -> list[list[str]]:
    """Rows of stripped cells, header first, from UTF-8 CSV text.

    Raises :class:`TableFileError` if the bytes are not UTF-8 CSV text or go beyond ``limits``.
    """
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
                raise too_many_rows(limits)
            if len(cells) > limits.max_columns:
                if any(cell.strip() for cell in cells[limits.max_columns :]):
                    raise too_many_columns(limits, line=reader.line_num)
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
