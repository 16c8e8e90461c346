"""The first sheet of an XLSX workbook, read safely as rows of strings.

An XLSX file is a zip of XML: every member read is unpacked against a byte budget
(its declared size is checked before a byte is inflated, only stored or
deflated members are inflated at all, and the bytes are counted as they come).
Only the parts needed are read, each once (never the styles, nor other
sheets). The XML is streamed through expat with no tree built and no DTD
accepted, and each cell is placed by its own reference, never by the sheet's
declared ``<dimension>``; a value beyond the row or column cap stops the
reading at once. Memory and time therefore follow the caps, not the size a
sheet claims.

Why not openpyxl, our usual choice for workbooks: measured with the same zip
guards in front of it (commit f5c6e33, reverted), it keeps 90-600 bytes per XML
element and parses the styles part whole, so a 60 KB upload within the
unpacked budget cost it minutes and gigabytes (a styles part of 8M empty
formats: 181 s, 4.8 GB); which part is dangerous depends on roles a guard
would have to re-implement. This reader reads four parts and keeps only rows.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from xml.parsers import expat

from django.utils.translation import gettext as _

from accounts.spreadsheets.base import TableFileError, TableLimits, too_many_columns

_CHUNK = 64 * 1024
# A workbook has a handful of parts; thousands mean something else is inside.
_MAX_ZIP_MEMBERS = 1000
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_EXCEL_MAX_ROW = 1_048_576
_EXCEL_MAX_COLUMN = 16_384
_REL_OFFICE_DOCUMENT = "/officeDocument"
_REL_SHARED_STRINGS = "/sharedStrings"


class _Budget:
    """Bytes that may still be inflated from the archive."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def refuse(self) -> TableFileError:
        return TableFileError(
            _(
                "The workbook unpacks to more than %(max)d MB, far more than an organisation "
                "file needs. Keep only the sheet with the people, or save it as CSV (UTF-8)."
            )
            % {"max": max(1, self.limit // (1024 * 1024))}
        )

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise self.refuse()


def _damaged() -> TableFileError:
    return TableFileError(
        _(
            "The XLSX file is damaged or incomplete, so it cannot be read. Open it in Excel "
            "and save it again, or save the sheet as CSV (UTF-8)."
        )
    )


def read_xlsx(data: bytes, limits: TableLimits) -> list[list[str]]:
    """Rows of stripped cells of the workbook's first sheet, header first.

    Raises :class:`TableFileError` if the workbook is damaged, unsafe, or beyond ``limits``.
    """
    budget = _Budget(limits.max_unpacked_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if len(archive.infolist()) > _MAX_ZIP_MEMBERS:
                raise TableFileError(_("The file holds too many parts to be a workbook of people."))
            workbook_path = _office_document_path(archive, budget)
            sheet_path, strings_path = _first_sheet_paths(archive, workbook_path, budget)
            shared: list[str] = []
            if strings_path is not None:
                shared = _SharedStrings.read(archive, strings_path, budget)
            return _SheetReader(shared, limits).read(archive, sheet_path, budget)
    except TableFileError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,  # a compression method zipfile cannot inflate
        RuntimeError,  # an encrypted member
    ):
        raise _damaged() from None


def _parse_member(
    archive: zipfile.ZipFile,
    path: str,
    budget: _Budget,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream one XML member through expat; ``part`` names it in messages."""
    try:
        info = archive.getinfo(path)
    except KeyError:
        raise TableFileError(
            _("The workbook has no %(part)s (%(path)s is missing): it is damaged or not XLSX.")
            % {"part": part, "path": path}
        ) from None
    # A zip member declares its size; refuse before inflating anything. zipfile
    # never inflates a deflated member past the declared size, and the bytes are
    # counted anyway. bzip2 and LZMA it inflates a whole read at once, whatever the
    # header says (hundreds of MB from a few hundred bytes); spreadsheets never use them.
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged()
    if info.file_size > budget.left:
        raise budget.refuse()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse_dtd(*_args: object) -> None:
        # Office files never carry a DTD; one can only be there to expand entities.
        raise TableFileError(
            _("The %(part)s of the workbook declares a DTD, which XLSX files never do.")
            % {"part": part}
        )

    def local(name: str) -> str:
        return name.rsplit(" ", 1)[-1]

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = lambda name, attrs: start(local(name), attrs)
    if end is not None:
        parser.EndElementHandler = lambda name: end(local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                budget.take(len(chunk))
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise TableFileError(
            _(
                "The %(part)s of the workbook is damaged: its XML cannot be read "
                "(%(error)s). Open it in Excel and save it again, or save it as CSV (UTF-8)."
            )
            % {"part": part, "error": expat.ErrorString(exc.code) or str(exc)}
        ) from None


def _relationships(
    archive: zipfile.ZipFile, path: str, budget: _Budget
) -> list[tuple[str, str, str]]:
    """(id, type, target path) of each internal relationship in a ``.rels`` part."""
    base = posixpath.dirname(posixpath.dirname(path))
    found: list[tuple[str, str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name != "Relationship" or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(base, target))
        found.append((attrs.get("Id", ""), attrs.get("Type", ""), resolved))

    _parse_member(archive, path, budget, _("list of parts"), start)
    return found


def _office_document_path(archive: zipfile.ZipFile, budget: _Budget) -> str:
    names = set(archive.namelist())
    if "_rels/.rels" not in names:
        if "xl/workbook.xml" in names:
            return "xl/workbook.xml"
        raise TableFileError(
            _("This zip file is not an XLSX workbook: there is no workbook inside.")
        )
    for _id, kind, target in _relationships(archive, "_rels/.rels", budget):
        if kind.endswith(_REL_OFFICE_DOCUMENT):
            return target
    raise TableFileError(_("This zip file is not an XLSX workbook: there is no workbook inside."))


def _first_sheet_paths(
    archive: zipfile.ZipFile, workbook_path: str, budget: _Budget
) -> tuple[str, str | None]:
    """The first sheet's part and the shared strings' part (if any)."""
    sheet_ids: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "sheet":
            # The relationship id is the namespaced attribute "r:id".
            sheet_ids.append(
                next((value for key, value in attrs.items() if key.endswith(" id")), "")
            )

    _parse_member(archive, workbook_path, budget, _("workbook part"), start)
    if not sheet_ids:
        raise TableFileError(_("The workbook has no sheet."))
    folder, name = posixpath.split(workbook_path)
    rels = _relationships(archive, posixpath.join(folder, "_rels", name + ".rels"), budget)
    by_id = {rel_id: target for rel_id, _kind, target in rels}
    strings = next(
        (target for _i, kind, target in rels if kind.endswith(_REL_SHARED_STRINGS)), None
    )
    if sheet_ids[0] not in by_id:
        raise TableFileError(
            _("The workbook's first sheet cannot be found: the workbook is damaged.")
        )
    return by_id[sheet_ids[0]], strings


class _SharedStrings:
    """The workbook's table of strings that cells refer to by number."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.in_text = False
        self.in_phonetic = False

    @classmethod
    def read(cls, archive: zipfile.ZipFile, path: str, budget: _Budget) -> list[str]:
        reader = cls()
        _parse_member(
            archive, path, budget, _("table of texts"), reader.start, reader.end, reader.text
        )
        return reader.strings

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        if name == "si":
            self.parts = []
        elif name == "rPh":  # a phonetic reading shown above the text, not part of it
            self.in_phonetic = True
        elif name == "t" and not self.in_phonetic:
            self.in_text = True

    def end(self, name: str) -> None:
        if name == "si":
            self.strings.append("".join(self.parts))
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "t":
            self.in_text = False

    def text(self, data: str) -> None:
        if self.in_text:
            self.parts.append(data)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _SheetReader:
    """Cells by their own references; the sheet's declared size is never used."""

    def __init__(self, shared: list[str], limits: TableLimits) -> None:
        self.shared = shared
        self.limits = limits
        self.last_row_allowed = limits.max_rows + 1  # the header is row 1
        self.rows: dict[int, dict[int, str]] = {}
        self.row = 0
        self.next_column = 1
        self.column = 0
        self.kind = ""
        self.parts: list[str] = []
        self.in_value = False
        self.in_inline = False
        self.in_phonetic = False

    def read(self, archive: zipfile.ZipFile, path: str, budget: _Budget) -> list[list[str]]:
        _parse_member(archive, path, budget, _("sheet"), self.start, self.end, self.text)
        if not self.rows:
            return []
        table: list[list[str]] = []
        for number in range(1, max(self.rows) + 1):
            cells = self.rows.get(number, {})
            width = max(cells, default=0)
            table.append([cells.get(column, "") for column in range(1, width + 1)])
        return table

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            reference = attrs.get("r")
            self.row = self._row_number(reference) if reference else self.row + 1
            # Rows and cells numbered by position alone must stay on Excel's grid too:
            # millions of empty ones would otherwise be read to the end.
            if self.row > _EXCEL_MAX_ROW:
                raise _damaged()
            self.next_column = 1
        elif name == "c":
            reference = attrs.get("r")
            if reference:
                match = _CELL_REFERENCE.fullmatch(reference)
                if match is None:
                    raise _damaged()
                self.column = _column_number(match.group(1))
            else:
                self.column = self.next_column
            if self.column > _EXCEL_MAX_COLUMN:
                raise _damaged()
            self.next_column = self.column + 1
            self.kind = attrs.get("t", "n")
            self.parts = []
        elif name == "v":
            self.in_value = True
        elif name == "is":
            self.in_inline = True
        elif name == "rPh":
            self.in_phonetic = True
        elif name == "t" and self.in_inline and not self.in_phonetic:
            self.in_value = True

    def end(self, name: str) -> None:
        if name in {"v", "t"}:
            self.in_value = False
        elif name == "is":
            self.in_inline = False
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "c":
            value = self._value().strip()
            if value:
                self._place(value)

    def text(self, data: str) -> None:
        if self.in_value:
            self.parts.append(data)

    def _row_number(self, reference: str) -> int:
        if not reference.isdigit() or not 1 <= int(reference) <= _EXCEL_MAX_ROW:
            raise _damaged()
        return int(reference)

    def _place(self, value: str) -> None:
        cell = f"{_column_letters(self.column)}{self.row}"
        if self.row > self.last_row_allowed:
            raise TableFileError(
                _(
                    "Cell %(cell)s has a value, but the file may have at most %(max)d rows of "
                    "people (rows 2 to %(last)d). Split it into smaller files."
                )
                % {"cell": cell, "max": self.limits.max_rows, "last": self.last_row_allowed}
            )
        if self.column > self.limits.max_columns:
            raise too_many_columns(self.limits, cell=cell)
        self.rows.setdefault(self.row, {})[self.column] = value

    def _value(self) -> str:
        raw = "".join(self.parts)
        if self.kind == "s":
            try:
                return self.shared[int(raw)]
            except (ValueError, IndexError):
                raise _damaged() from None
        if self.kind == "b":
            return "TRUE" if raw.strip() == "1" else "FALSE"
        if self.kind == "n":
            return _number_text(raw)
        return raw  # inlineStr, str (a formula's text), e (an error such as #N/A), d


def _number_text(raw: str) -> str:
    """Whole numbers without ".0", as a person typed them; others as stored."""
    try:
        number = float(raw)
    except ValueError:
        return raw
    if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return raw
