"""Organisation files for the import tests: good ones, and every way one can be broken."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
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


def _mb_of(head: bytes, unit: bytes, unpacked_mb: int, tail: bytes = b"") -> Iterable[bytes]:
    block = unit * (1024 * 1024 // len(unit))
    yield head
    for _ in range(unpacked_mb):
        yield block
    yield tail


def understated_size_xlsx(compression: int, unit: bytes, unpacked_mb: int) -> bytes:
    """A workbook whose sheet's zip headers claim 4 KB (with the CRC of its first 4 KB,
    so zipfile cannot notice) while its data inflates to ``unpacked_mb`` MB of ``unit``."""
    declared = 4096
    head = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes(*GOOD))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
        sheet = zipfile.ZipInfo(SHEET)
        sheet.compress_type = compression
        with target.open(sheet, "w") as member:
            for chunk in _mb_of(head, unit, unpacked_mb):
                member.write(chunk)
    data = bytearray(out.getvalue())
    crc = zlib.crc32((head + unit * declared)[:declared])
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).header_offset
    struct.pack_into("<I", data, local + 14, crc)  # local header: CRC, then sizes
    struct.pack_into("<I", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        (name_length,) = struct.unpack_from("<H", data, central + 28)
        if data[central + 46 : central + 46 + name_length] == SHEET.encode():
            struct.pack_into("<I", data, central + 16, crc)
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def styles_bomb_xlsx() -> bytes:
    """A good organisation whose style part (which the import has no use for) holds
    eight million empty cell formats: 38 MB of XML in a few dozen KB."""
    head = f'<?xml version="1.0"?><styleSheet xmlns="{_MAIN}"><cellXfs>'.encode()
    chunks = _mb_of(head, b"<xf/>", 38, b"</cellXfs></styleSheet>")
    return with_member(xlsx_bytes(*GOOD), "xl/styles.xml", chunks)


def dense_sheet_xlsx(unit: bytes, *, in_one_row: bool = False) -> bytes:
    """A good organisation whose sheet is replaced by 38 MB of ``unit`` (``<row/>``, say),
    numbered by position only: millions of elements in a few dozen KB."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    if in_one_row:
        head, tail = head + b"<row>", b"</row>" + tail
    return with_member(xlsx_bytes(*GOOD), SHEET, _mb_of(head, unit, 38, tail))


def sheet_listed_many_times_xlsx(times: int = 200) -> bytes:
    """A workbook listing the same 20 MB sheet (people, then more rows than allowed)
    ``times`` times, as if it had that many sheets."""
    good = xlsx_bytes(*GOOD)
    workbook = zipfile.ZipFile(io.BytesIO(good)).read("xl/workbook.xml").decode()
    first, rest = workbook.split("<sheet ", 1)
    rest = rest.split("/>", 1)[1]
    listings = "".join(
        f'<sheet name="S{number}" sheetId="{number}" r:id="rId1" />'
        for number in range(1, times + 1)
    )
    head = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    rows = b'<row><c t="inlineStr"><is><t>a@example.com</t></is></c></row>'
    sheet = _mb_of(head, rows, 20, b"</sheetData></worksheet>")
    with_listings = with_member(good, "xl/workbook.xml", [(first + listings + rest).encode()])
    return with_member(with_listings, SHEET, sheet)


def billion_laughs(xml: bytes, element: bytes) -> bytes:
    """``xml`` with entities nested nine deep (a billion "lol"s) expanded in ``element``."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10)
    )
    declaration, body = xml.split(b"?>", 1) if xml.startswith(b"<?xml") else (b"", xml)
    prolog = declaration + b"?>" if declaration else b""
    return (
        prolog
        + b"<!DOCTYPE lolz ["
        + entities
        + b"]>"
        + body.replace(element, element + b"&lol9;", 1)
    )


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
    excel_like = excel_like_xlsx_bytes(*GOOD)
    strings_text = zipfile.ZipFile(io.BytesIO(excel_like)).read("xl/sharedStrings.xml")
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
        "billion laughs in the table of texts": (
            "org.xlsx",
            with_member(excel_like, "xl/sharedStrings.xml", [billion_laughs(strings_text, b"<t>")]),
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
