"""A server without Pango (WeasyPrint's system library) explains it on the export pages
instead of failing: simulated by making the import of WeasyPrint fail."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from reviews.models import ReviewRow
from reviews.services import review_table_for
from tests.exports.test_exports import export
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def no_pango(monkeypatch: pytest.MonkeyPatch) -> None:
    """``import weasyprint`` fails as it does where Pango is not installed (OSError)."""
    real_import = builtins.__import__

    def importing(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0': No such file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", importing)


@pytest.fixture
def table(db, report, manager):
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report, title="Orders won", weight=100, target=120)
    made = review_table_for(cycle=cycle, month=MARCH, employee=report)
    ReviewRow.objects.filter(table=made).update(actual=24)
    return made


def test_the_export_page_says_pdf_needs_pango_and_refuses_the_pdf_beside_the_format(
    django_app, hr, table, no_pango
):
    response = export(django_app, hr, fmt="pdf")
    assert response.status_code == 200
    assert response.content_type == "text/html"
    notice = response.html.select_one('[data-testid="pdf-missing"]').get_text(" ", strip=True)
    assert "Pango" in notice and "apt-get install libpango-1.0-0" in notice
    assert "Pango" in " ".join(
        el.get_text(" ", strip=True) for el in response.html.select(".invalid-feedback")
    )


def test_the_export_page_does_not_warn_when_pdfs_can_be_made(django_app, hr, table):
    page = django_app.get(reverse("reviews:export"), user=hr)
    assert page.html.select_one('[data-testid="pdf-missing"]') is None


def test_a_table_s_pdf_button_explains_the_missing_library_with_a_way_back(
    django_app, manager, table, no_pango
):
    page = django_app.get(table.get_absolute_url(), user=manager)
    link = page.html.find("a", string="PDF")["href"]
    response = django_app.get(link, user=manager, status=503)
    assert "Pango" in response.html.select_one('[data-testid="pdf-unavailable"]').text
    assert response.html.select_one("nav")  # the site's own layout, not a bare error
    back = response.click(description="Back")
    assert back.request.path == table.get_absolute_url()
