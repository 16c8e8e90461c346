"""Bulk import of people, departments, heads and reporting lines.

The file is a table (CSV or the first sheet of an XLSX workbook), one row per
person. It is all-or-nothing: every row is checked first, and any problem
imports nothing and is reported with its row number (the header is row 1).
People are matched by e-mail, so importing an updated file updates them in
place and importing the same file again changes nothing.
"""

from accounts.org_import.checks import (
    EMAIL_MAX,
    NAME_MAX,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ImportProblem,
    ImportRow,
    check_rows,
    parse_rows,
)
from accounts.org_import.importer import (
    MAX_COLUMNS,
    ImportFileError,
    ImportResult,
    import_limits,
    org_import,
    problems_as_text,
    read_table,
    size_problem,
)

__all__ = [
    "EMAIL_MAX",
    "MAX_COLUMNS",
    "NAME_MAX",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportFileError",
    "ImportProblem",
    "ImportResult",
    "ImportRow",
    "check_rows",
    "import_limits",
    "org_import",
    "parse_rows",
    "problems_as_text",
    "read_table",
    "size_problem",
]
