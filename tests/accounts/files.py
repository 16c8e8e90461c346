"""Organisation files for the import tests: good ones, and every way one can be broken."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

import xlsxwriter  # type: ignore[import-untyped]
from openpyxl import Workbook

HEADER = "email,full_name,job_title,department,parent_department,manager_email,is_head"
GOOD = [
    "ceo@example.com,Cora CEO,Chief Executive,Head Office,,,yes",
    "sam@example.com,Sam Sales,Sales Director,Sales,Head Office,ceo@example.com,yes",
    "ann@example.com,Ann Account,Account Executive,Sales,,sam@example.com,no",
    "bo@example.com,Bo Builder,Engineer,Engineering,Head Office,ceo@example.com,",
]
SHEET = "xl/worksheets/sheet1.xml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def xlsx_bytes(*rows: str, header: str = HEADER) -> bytes:
    """A workbook written by openpyxl (its texts are inline strings in the sheet)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in [header, *rows]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_like_xlsx_bytes(*rows: str, header: str = HEADER) -> bytes:
    """A workbook written like Excel does: texts in a shared table, yes/no as booleans."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("People")
    for number, line in enumerate([header, *rows]):
        values: list[object] = list(line.split(","))
        values = [{"yes": True, "no": False}.get(str(v), v) if number else v for v in values]
        sheet.write_row(number, 0, values)
    workbook.close()
    return buffer.getvalue()


def with_member(xlsx: bytes, name: str, chunks: Iterable[bytes]) -> bytes:
    """The same workbook with one part replaced, written chunk by chunk (bombs stay small)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        with target.open(name, "w", force_zip64=True) as member:
            for chunk in chunks:
                member.write(chunk)
    return out.getvalue()


def sheet_xml(rows: list[list[tuple[str, str]]], *, dimension: str | None = None) -> bytes:
    """A sheet whose cells (reference, text) are written as inline strings."""
    body = []
    for cells in rows:
        row_number = "".join(ch for ch in cells[0][0] if ch.isdigit())
        body.append(f'<row r="{row_number}">')
        for reference, text in cells:
            body.append(f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
        body.append("</row>")
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dim}'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    ).encode()


def good_rows_as_cells(*lines: str) -> list[list[tuple[str, str]]]:
    rows = []
    for number, line in enumerate(lines, start=1):
        rows.append(
            [
                (f"{chr(ord('A') + index)}{number}", value)
                for index, value in enumerate(line.split(","))
                if value
            ]
        )
    return rows


def false_dimension_xlsx() -> bytes:
    """A good organisation whose sheet claims to fill every cell Excel has."""
    sheet = sheet_xml(good_rows_as_cells(HEADER, *GOOD), dimension="A1:XFD1048576")
    return with_member(xlsx_bytes(*GOOD), SHEET, [sheet])


def far_cell_xlsx(reference: str) -> bytes:
    """A good organisation plus one value far away (the last cell Excel has, say)."""
    rows = good_rows_as_cells(HEADER, *GOOD)
    rows.append([(reference, "x")])
    return with_member(xlsx_bytes(*GOOD), SHEET, [sheet_xml(rows, dimension=f"A1:{reference}")])


def inflating_xlsx(unpacked_mb: int) -> bytes:
    """A ~100 KB workbook whose sheet XML inflates to ``unpacked_mb`` MB of rows."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    row = b'<row><c t="inlineStr"><is><t>a@example.com</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))

    def chunks() -> Iterable[bytes]:
        yield head
        for _ in range(unpacked_mb):
            yield block
        yield b"</sheetData></worksheet>"

    return with_member(xlsx_bytes(*GOOD), SHEET, chunks())


def broken_files() -> dict[str, tuple[str, bytes, str]]:
    """Every broken file we know of: name → (file name, bytes, words the message says)."""
    good_xlsx = xlsx_bytes(*GOOD)
    corrupt = bytearray(good_xlsx)
    # Flip bytes inside the sheet's compressed data, past its local header.
    sheet_info = zipfile.ZipFile(io.BytesIO(good_xlsx)).getinfo(SHEET)
    data_start = sheet_info.header_offset + 30 + len(SHEET.encode())
    for offset in range(data_start + 20, data_start + 50):
        corrupt[offset] ^= 0xFF
    sheet_text = zipfile.ZipFile(io.BytesIO(good_xlsx)).read(SHEET)
    zip_of_text = io.BytesIO()
    with zipfile.ZipFile(zip_of_text, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return {
        "cell over the csv field limit": (
            "org.csv",
            csv_bytes(*GOOD, "eve@example.com," + "E" * 200_000 + ",,Sales,,,"),
            "longer than",
        ),
        "a value beyond the last column": (
            "org.csv",
            csv_bytes(*GOOD, "eve@example.com,Eve,,Sales,,," + "," * 50 + "far away"),
            "beyond column 50",
        ),
        "NUL byte": ("org.csv", csv_bytes(*GOOD, "eve@example.com,Eve\x00,,Sales,,,"), "NUL"),
        "CSV named .xlsx": ("org.xlsx", csv_bytes(*GOOD), "not an XLSX workbook"),
        "XLSX named .csv": ("org.csv", good_xlsx, "is an Excel workbook"),
        "old .xls named .xlsx": (
            "org.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "old-style Excel",
        ),
        "truncated XLSX": ("org.xlsx", good_xlsx[: len(good_xlsx) // 2], "damaged"),
        "corrupt XLSX": ("org.xlsx", bytes(corrupt), "damaged"),
        "zip that is not a workbook": ("org.xlsx", zip_of_text.getvalue(), "no workbook"),
        "malformed sheet XML": (
            "org.xlsx",
            with_member(good_xlsx, SHEET, [sheet_text[: len(sheet_text) // 2]]),
            "sheet of the workbook is damaged",
        ),
        "sheet XML with a DTD": (
            "org.xlsx",
            with_member(
                good_xlsx,
                SHEET,
                [b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', sheet_text],
            ),
            "DTD",
        ),
        "non-UTF-8 CSV": (
            "org.csv",
            csv_bytes(*GOOD).replace(b"Cora", "Córa".encode("latin-1")),
            "not UTF-8",
        ),
        "UTF-16 CSV": ("org.csv", csv_bytes(*GOOD).decode().encode("utf-16"), "UTF-16"),
        "empty CSV": ("org.csv", b"", "empty"),
        "empty XLSX": ("org.xlsx", b"", "empty"),
        "header only": ("org.csv", csv_bytes(), "no people"),
        "header only, XLSX": ("org.xlsx", xlsx_bytes(), "no people"),
        "blank lines only": ("org.csv", b"\n\n \n", "empty"),
        "missing columns": (
            "org.csv",
            csv_bytes("a@example.com,A,", header="email,full_name,manager_email"),
            "Missing column “department”",
        ),
        "misspelt column": (
            "org.csv",
            csv_bytes(*GOOD, header=HEADER.replace("manager_email", "manager")),
            "Unknown column “manager”",
        ),
        "column twice": (
            "org.csv",
            csv_bytes(*[line + ",x@example.com" for line in GOOD], header=HEADER + ",email"),
            "twice",
        ),
        "e-mail longer than the database allows": (
            "org.csv",
            csv_bytes(*GOOD, "e" * 64 + "@" + ("d" * 60 + ".") * 4 + "com,Eve,,Sales,,,"),
            "Longer than 254",
        ),
    }
