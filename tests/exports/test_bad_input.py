"""Review lists, dashboard, export and table creation under bad input:
a message beside the filter or field, never a 500, nothing created by a refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import ReviewTable
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Pick a date between the years 2000 and 2100."


def filters_of(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"', 1)[1].split("</form>", 1)[0]


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "Choose a month like 2026-03."),
        ("0000-01", "Choose a month like 2026-03."),
        ("2026-03\x00", "Choose a month like 2026-03."),
        ("9999-12", OUT_OF_RANGE),
        ("1999-12", OUT_OF_RANGE),
    ],
)
def test_a_dashboard_month_nobody_can_count_gets_a_message_beside_it(client, hr, month, message):
    client.force_login(hr)
    response = client.get(reverse("reviews:dashboard"), {"month": month})
    assert response.status_code == 200
    assert message in filters_of(response.content.decode(), "dashboard-filters")


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9" * 10_000, "NaN", "\x00"])
def test_any_coverage_page_of_the_dashboard_shows_a_page(client, hr, page):
    client.force_login(hr)
    assert client.get(reverse("reviews:dashboard"), {"page": page}).status_code == 200


# Every month field says the same (accounts.inputs.MonthField).
NOT_A_MONTH = "Choose a month like 2026-03."


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"month_from": "2026-02-30"}, "month_from", NOT_A_MONTH),
        ({"month_from": "2026-13"}, "month_from", NOT_A_MONTH),
        ({"month_from": "0000-01"}, "month_from", NOT_A_MONTH),
        ({"month_from": "9999-12"}, "month_from", OUT_OF_RANGE),
        ({"month_to": "9999-12"}, "month_to", OUT_OF_RANGE),
        ({"cycle": "abc"}, "cycle", "Select a valid choice."),
        ({"department": "²"}, "department", "Select a valid choice."),
        ({"status": "lost"}, "status", "Select a valid choice."),
        ({"format": "docx"}, "format", "Select a valid choice."),
    ],
)
def test_an_export_filter_nobody_can_use_gets_a_message_beside_it(
    client, hr, params, field, message
):
    client.force_login(hr)
    query = {"month_from": "2026-03", "format": "csv", **params}
    response = client.get(reverse("reviews:export"), query)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])


@pytest.mark.parametrize("month", ["9999-12", "1999-12", "0000-01", "2026-13"])
def test_tables_for_a_month_nobody_can_count_are_refused_with_a_message(client, hr, report, month):
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report)
    client.force_login(hr)
    response = client.post(
        reverse("reviews:create"), {"month": month, "scope": "person", "employee": report.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert not ReviewTable.objects.exists()


@pytest.mark.parametrize("page", ["abc", "-1", "9" * 10_000, "\x00"])
@pytest.mark.parametrize("url", ["reviews:mine", "reviews:to_review", "reviews:questions"])
def test_any_page_of_a_review_list_shows_a_page(client, manager, report, url, page):
    client.force_login(manager)
    assert client.get(reverse(url), {"page": page, "all": page}).status_code == 200
