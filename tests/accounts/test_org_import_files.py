"""Any file at all gives either an import or a message naming its problem: never an
error page, never a partial import, and never a worker held by a file that lies
about its size."""

from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import Department, User
from accounts.org_import import org_import
from tests.accounts.files import (
    GOOD,
    broken_files,
    csv_bytes,
    dense_sheet_xlsx,
    excel_like_xlsx_bytes,
    false_dimension_xlsx,
    far_cell_xlsx,
    inflating_xlsx,
    sheet_listed_many_times_xlsx,
    styles_bomb_xlsx,
    understated_size_xlsx,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

BROKEN = broken_files()


def run(data: bytes, filename: str):
    return org_import(data=data, filename=filename, actor=None)


def assert_nothing_stored() -> None:
    assert User.objects.count() == 0 and Department.objects.count() == 0


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_refused_with_a_message_naming_its_problem(case):
    filename, data, words = BROKEN[case]
    result = run(data, filename)
    assert not result.ok
    messages = " | ".join(problem.message for problem in result.problems)
    assert words in messages
    assert_nothing_stored()


def test_a_workbook_written_like_excel_is_read_like_csv():
    result = run(excel_like_xlsx_bytes(*GOOD), "org.xlsx")
    assert result.ok, result.problems
    assert result.people_created == 4
    sales = Department.objects.get(name="Sales")
    assert sales.head.email == "sam@example.com" and sales.parent.name == "Head Office"


def test_a_workbook_written_by_openpyxl_is_read_like_csv():
    result = run(xlsx_bytes(*GOOD), "org.xlsx")
    assert result.ok, result.problems
    assert User.objects.get(email="ann@example.com").manager.email == "sam@example.com"


def test_semicolon_separated_csv_from_a_european_excel_is_read():
    result = run(csv_bytes(*GOOD).replace(b",", b";"), "org.csv")
    assert result.ok, result.problems
    assert result.people_created == 4


def test_too_many_rows_are_refused_before_anything_is_checked(settings):
    settings.ORG_IMPORT_MAX_ROWS = 3
    for filename, data in (("org.csv", None), ("org.xlsx", xlsx_bytes(*GOOD))):
        if data is None:
            data = ("\n".join(["email,full_name,department", *GOOD]) + "\n").encode()
        result = run(data, filename)
        assert not result.ok
        assert "at most 3 rows" in result.problems[0].message or "more than 3 rows" in (
            result.problems[0].message
        )
        assert_nothing_stored()


def test_an_upload_over_the_size_limit_is_refused(settings):
    settings.ORG_IMPORT_MAX_BYTES = 100
    result = run(("\n".join(["email,full_name,department", *GOOD]) + "\n").encode(), "org.csv")
    assert not result.ok and "larger than" in result.problems[0].message
    assert_nothing_stored()


# --- Decompression bombs: refused quickly, in little memory ------------------


def measured(data: bytes, filename: str):
    """The result, the seconds and the peak of memory (bytes) that importing took.

    Memory is traced in a first import that is rolled back; the seconds are of a
    second, untraced one (tracemalloc slows a parser's callbacks several-fold).
    """
    tracemalloc.start()
    try:
        with transaction.atomic():
            run(data, filename)
            _current, peak = tracemalloc.get_traced_memory()
            transaction.set_rollback(True)
    finally:
        tracemalloc.stop()
    started = time.monotonic()
    result = run(data, filename)
    elapsed = time.monotonic() - started
    return result, elapsed, peak


@pytest.fixture(scope="module")
def inflating_bomb() -> bytes:
    return inflating_xlsx(unpacked_mb=300)


def test_a_small_workbook_that_inflates_to_hundreds_of_megabytes_is_refused_at_once(
    inflating_bomb,
):
    assert len(inflating_bomb) < 1024 * 1024  # a few hundred KB on the wire
    result, elapsed, peak = measured(inflating_bomb, "org.xlsx")
    assert not result.ok
    assert "unpacks to more than" in result.problems[0].message
    assert elapsed < 3 and peak < 20 * 1024 * 1024
    assert_nothing_stored()


def test_a_sheet_claiming_every_cell_excel_has_is_read_by_what_it_holds():
    result, elapsed, peak = measured(false_dimension_xlsx(), "org.xlsx")
    assert result.ok, result.problems
    assert result.people_created == 4
    assert elapsed < 5 and peak < 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("reference", "words"),
    [("XFD1048576", "rows of people"), ("XFD1", "beyond column"), ("A1048576", "rows of people")],
)
def test_a_value_in_a_far_cell_is_refused_without_filling_the_sheet_up_to_it(reference, words):
    result, elapsed, peak = measured(far_cell_xlsx(reference), "org.xlsx")
    assert not result.ok
    assert words in result.problems[0].message and reference in result.problems[0].message
    assert elapsed < 3 and peak < 20 * 1024 * 1024
    assert_nothing_stored()


def test_a_part_whose_header_understates_its_size_is_inflated_no_further_than_it_says():
    # 300 MB of blank rows behind a header that says 4 KB: were zipfile to inflate past
    # the declared size, reading them would take many seconds.
    data = understated_size_xlsx(
        zipfile.ZIP_DEFLATED, b'<row><c t="inlineStr"><is><t> </t></is></c></row>', 300
    )
    result, elapsed, peak = measured(data, "org.xlsx")
    assert not result.ok and "damaged" in result.problems[0].message
    assert elapsed < 3 and peak < 20 * 1024 * 1024
    assert_nothing_stored()


@pytest.mark.parametrize(
    "compression", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"]
)
def test_a_part_packed_with_bzip2_or_lzma_is_refused_before_anything_is_inflated(compression):
    # zipfile inflates such a part a whole read at a time, whatever its header says:
    # 200 MB at once from a few hundred bytes.
    unpacked_mb = 200 if compression == zipfile.ZIP_BZIP2 else 100  # LZMA packs slowly
    result, elapsed, peak = measured(
        understated_size_xlsx(compression, b" ", unpacked_mb), "org.xlsx"
    )
    assert not result.ok and "damaged" in result.problems[0].message
    assert elapsed < 3 and peak < 20 * 1024 * 1024
    assert_nothing_stored()


# Rows and cells numbered by position alone, past the last column (XFD) or row
# (1,048,576) Excel has: read to the end, each of these held a worker 10 to 35 s.


def test_ten_million_cells_in_one_row_are_refused_where_excel_s_last_column_ends():
    result, elapsed, peak = measured(dense_sheet_xlsx(b"<c/>", in_one_row=True), "org.xlsx")
    assert not result.ok and "damaged" in result.problems[0].message
    assert elapsed < 3 and peak < 20 * 1024 * 1024
    assert_nothing_stored()


def test_six_million_empty_rows_are_refused_where_excel_s_last_row_ends():
    # Timed without tracemalloc, which slows a million parser callbacks six-fold;
    # what is kept per row is one counter.
    data = dense_sheet_xlsx(b"<row/>")
    started = time.monotonic()
    result = run(data, "org.xlsx")
    assert time.monotonic() - started < 3
    assert not result.ok and "damaged" in result.problems[0].message
    assert_nothing_stored()


def test_parts_the_import_has_no_use_for_are_never_parsed():
    # Eight million cell formats in the style part: a reader that parses it whole
    # (openpyxl does) takes minutes and gigabytes.
    result, elapsed, peak = measured(styles_bomb_xlsx(), "org.xlsx")
    assert result.ok, result.problems
    assert result.people_created == 4
    assert elapsed < 3 and peak < 20 * 1024 * 1024


def test_a_sheet_listed_two_hundred_times_is_read_once():
    result, elapsed, peak = measured(sheet_listed_many_times_xlsx(), "org.xlsx")
    assert not result.ok and "rows of people" in result.problems[0].message
    assert elapsed < 3 and peak < 20 * 1024 * 1024
    assert_nothing_stored()


# --- Any bytes at all ----------------------------------------------------------

GOOD_XLSX = excel_like_xlsx_bytes(*GOOD)
GOOD_CSV = csv_bytes(*GOOD)
ANY_FILE = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def answers_in_words(data: bytes, filename: str) -> None:
    """The import either succeeds or says what is wrong; it never raises."""
    result = org_import(data=data, filename=filename, actor=None, dry_run=True)
    assert result.ok or all(problem.message for problem in result.problems)


@ANY_FILE
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_any_bytes_at_all_give_an_import_or_a_message(data, suffix):
    answers_in_words(data, "org" + suffix)


@ANY_FILE
@given(
    changes=st.lists(
        st.tuples(st.integers(0, len(GOOD_XLSX) - 1), st.integers(0, 255)), max_size=6
    ),
    cut=st.integers(1, len(GOOD_XLSX)),
)
def test_a_workbook_damaged_anywhere_gives_an_import_or_a_message(changes, cut):
    damaged = bytearray(GOOD_XLSX[:cut])
    for offset, value in changes:
        if offset < len(damaged):
            damaged[offset] = value
    answers_in_words(bytes(damaged), "org.xlsx")


@ANY_FILE
@given(
    extra=st.lists(st.text(max_size=40), max_size=12),
    separator=st.sampled_from([",", ";", "\t", '"', "\r", "\n"]),
)
def test_any_text_in_a_csv_gives_an_import_or_a_message(extra, separator):
    answers_in_words(GOOD_CSV + separator.join(extra).encode("utf-8", "surrogatepass"), "org.csv")
