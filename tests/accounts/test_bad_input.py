"""The organisation pages under bad input: a message by the search, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["\x00", "Rob\x00", "R\x00b Report"])
def test_a_nul_character_in_the_people_search_gets_a_message_by_the_search(client, report, query):
    client.force_login(report)
    response = client.get(reverse("accounts:org_chart"), {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Null characters are not allowed." in body
    assert "Rob Report" in body and "Maria Manager" in body  # everybody, unfiltered


def test_a_nul_character_in_the_live_search_gets_the_message_in_the_results(client, report):
    client.force_login(report)
    response = client.get(reverse("accounts:org_chart"), {"q": "\x00"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<nav" not in body
    assert 'id="people-search-error"' in body and "Null characters are not allowed." in body


def test_a_long_search_looks_at_its_first_hundred_characters(client, report):
    client.force_login(report)
    response = client.get(reverse("accounts:org_chart"), {"q": "Rob" + " " * 97 + "x" * 10_000})
    assert response.status_code == 200 and "Rob Report" in response.content.decode()


@pytest.mark.parametrize("department", ["abc", "²", "9" * 10_000, "1\x00", "-1", "99999999"])
def test_a_department_filter_that_is_no_department_shows_everybody_with_a_message(
    client, report, peer, department
):
    client.force_login(report)
    response = client.get(reverse("accounts:org_chart"), {"department": department})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rob Report" in body and "Paul Peer" in body
    assert "people-search-error" in body
    assert "There is no such department" in body or "Null characters" in body


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9" * 10_000, "1e9", "\x00"])
@pytest.mark.parametrize("url", ["accounts:org_chart", "accounts:notifications"])
def test_any_page_number_shows_a_page(client, report, url, page):
    client.force_login(report)
    assert client.get(reverse(url), {"page": page}).status_code == 200
