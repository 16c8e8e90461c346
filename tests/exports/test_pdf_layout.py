"""Issue 20 §1: a printed or PDF review table keeps its figures and their headers on one
line in both languages (no 权/重, 完成/率, "72 / %"); the objective's title takes what the
figures leave."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reviews.models import ReviewRow
from reviews.pdf import pdf_missing_reason
from tests.exports.test_hand_on import tables  # noqa: F401 - the fixture
from tests.webtest_helpers import choose, form_by_testid, press

pytestmark = pytest.mark.django_db
FIGURES = ("Weight", "Planned", "Actual", "Completion")


def _chinese_pdf_source(django_app, hr, monkeypatch) -> str:
    """The HTML WeasyPrint gets for March's tables, exported by a Chinese reader."""
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    sources: list[str] = []

    def keep(html: str) -> bytes:
        sources.append(html)
        return b"%PDF"

    monkeypatch.setattr("reviews.pdf.html_pdf_bytes", keep)
    form = form_by_testid(django_app.get(reverse("reviews:export"), user=hr), "export-form")
    form["month_from"] = "2026-03"
    choose(form, "format", "PDF")
    with translation.override("zh-hans"):
        press(form, gettext("Export"))
    return sources[0]


def _nowrap_columns(html: str) -> set[str]:
    """The headers of the objectives tables whose header and every cell do not wrap
    (in every table of the page)."""
    kept: set[str] | None = None
    for table in BeautifulSoup(html, "html.parser").select('[data-testid="review-rows"]'):
        headers = table.select("thead th")
        rows = table.select("tbody tr")
        columns = set()
        for index, header in enumerate(headers):
            cells = [header] + [row.find_all("td")[index] for row in rows]
            if all("print-nowrap" in (cell.get("class") or []) for cell in cells):
                columns.add(header.get_text(strip=True))
        kept = columns if kept is None else kept & columns
    assert kept is not None, "no objectives table"
    return kept


def test_the_chinese_pdf_keeps_figures_and_their_headers_on_one_line(
    django_app,
    hr,
    tables,  # noqa: F811
    monkeypatch,
):
    html = _chinese_pdf_source(django_app, hr, monkeypatch)
    with translation.override("zh-hans"):
        figures = {gettext(word) for word in FIGURES}
        title = gettext("Objective")
    assert figures == {"权重", "计划", "实际", "完成率"}
    assert _nowrap_columns(html) == figures and title not in figures
    assert re.search(r"\.print-nowrap\s*\{\s*white-space:\s*nowrap", html)


def test_the_printable_view_keeps_figures_on_one_line(django_app, hr, tables):  # noqa: F811
    robs, _pauls = tables
    printed = django_app.get(robs.get_absolute_url(), user=hr).click(description="Printable view")
    assert _nowrap_columns(printed.text) == set(FIGURES)
    css = open(finders.find("css/print.css"), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert re.search(r"\.print-nowrap\s*\{\s*white-space:\s*nowrap", css)


@pytest.mark.skipif(pdf_missing_reason() is not None, reason="WeasyPrint needs Pango")
def test_weasyprint_lays_the_chinese_headers_and_figures_out_on_one_line(
    django_app,
    hr,
    tables,  # noqa: F811
    monkeypatch,
):
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - loads Pango

    robs, _pauls = tables
    ReviewRow.objects.filter(table=robs, title="Orders won").update(
        title="新客户收入（华东区域重点行业大客户拓展）",
        gap_reason="两家大客户的采购决策推迟到下个季度，预算审批流程比预期更长，"
        "团队已经安排了后续拜访并调整了报价方案。" * 2,
        gap_reason_outside="市场整体需求下降。",
    )
    html = _chinese_pdf_source(django_app, hr, monkeypatch)
    document = HTML(string=html).render()
    lines_of: dict[str, int] = {}
    boxes = [box for page in document.pages for box in page._page_box.descendants()]  # noqa: SLF001
    for box in boxes:
        element = getattr(box, "element", None)
        if type(box).__name__ != "TableCellBox" or element is None:
            continue
        if "print-nowrap" in (element.get("class") or ""):
            text = "".join(element.itertext()).strip()
            lines = [line for line in box.descendants() if type(line).__name__ == "LineBox"]
            lines_of[text] = len(lines)
    assert {"权重", "完成率", "13 %"} <= set(lines_of), lines_of
    assert set(lines_of.values()) == {1}, lines_of
