"""What every table reader shares: its error, its limits, and the messages for a table too big."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


class TableFileError(Exception):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class TableLimits:
    """How much of a file is read at most."""

    max_rows: int  # rows after the header
    max_columns: int
    max_unpacked_bytes: int  # XML inflated from an XLSX file, all parts read together


def too_many_rows(limits: TableLimits) -> TableFileError:
    """The error for a table with more than ``limits.max_rows`` rows after the header."""
    return TableFileError(
        _("The file has more than %(max)d rows of people; split it into smaller files.")
        % {"max": limits.max_rows}
    )


def too_many_columns(limits: TableLimits, *, line: int = 0, cell: str = "") -> TableFileError:
    """The error for a value beyond ``limits.max_columns``, placed by CSV line or XLSX cell."""
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
