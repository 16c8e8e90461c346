"""Personal access tokens on the profile page, and HR's list of every token."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from tests.api.conftest import problem
from tests.webtest_helpers import choose, form_by_testid, form_with_button, messages, press

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_person_creates_a_token_and_sees_it_once(django_app, report):
    profile = django_app.get(reverse("accounts:profile"), user=report)
    form = form_by_testid(profile, "token-form")
    form["name"] = "Weekly report script"
    choose(form, "scope", "Read and write")
    shown = press(form, "Create token").follow()
    raw = shown.html.select_one("[data-testid=new-token]")["value"]
    assert "shown only this once" in shown.text
    assert (
        f"Authorization: Bearer {raw}" in shown.html.select_one("[data-testid=curl-example]").text
    )
    assert "no-store" in shown["Cache-Control"]
    # Reloading the page does not show it again.
    again = django_app.get(reverse("accounts:token_created"), user=report).follow()
    assert raw not in again.text and "shown only once" in again.text
    token = ApiToken.objects.get(user=report)
    assert (token.name, token.scope) == ("Weekly report script", "write")
    assert raw.startswith(token.token_key) and raw not in token.digest
    # Back on the profile, the token is listed by its first characters only.
    profile = django_app.get(reverse("accounts:profile"), user=report)
    row = profile.html.select_one("[data-testid=token-row]").text
    assert "Weekly report script" in row and token.token_key in row and raw not in profile.text
    assert "never" in row
    # And it works.
    assert _bearer(raw).get("/api/v1/people/").status_code == 200


def test_a_token_without_a_name_is_not_created(django_app, report):
    profile = django_app.get(reverse("accounts:profile"), user=report)
    form = form_by_testid(profile, "token-form")
    form["name"] = "   "
    after = press(form, "Create token").follow()
    assert any("not created" in m for m in messages(after))
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_after_confirming(django_app, report):
    token, raw = api_token_create(user=report, name="old script", scope="read")
    profile = django_app.get(reverse("accounts:profile"), user=report)
    confirm = profile.click(description="Revoke", index=0)
    assert "old script" in confirm.text and "cannot be undone" in confirm.text
    assert ApiToken.objects.filter(pk=token.pk).exists()  # asking revokes nothing
    after = press(form_with_button(confirm, "Revoke token"), "Revoke token").follow()
    assert any("revoked" in m for m in messages(after))
    assert not ApiToken.objects.exists()
    problem(_bearer(raw).get("/api/v1/people/"), 401)


@pytest.mark.parametrize("role", ["manager", "peer", "outsider", "indirect_report"])
def test_nobody_else_revokes_someones_token(client, request, report, role):
    token, raw = api_token_create(user=report, name="mine", scope="read")
    client.force_login(request.getfixturevalue(role))
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert _bearer(raw).get("/api/v1/people/").status_code == 200


def test_hr_lists_every_token_and_revokes_one(django_app, hr, report, peer):
    api_token_create(user=report, name="Rob's script", scope="read")
    api_token_create(user=peer, name="Paul's sync", scope="write")
    home = django_app.get("/", user=hr)
    tokens = home.click(description="API tokens")
    rows = [r.text for r in tokens.html.select("[data-testid=token-row]")]
    assert len(rows) == 2 and any("Rob Report" in r for r in rows)
    form = form_by_testid(tokens, "token-filter")
    choose(form, "person", "Paul Peer")
    only_paul = form.submit()
    rows = [r.text for r in only_paul.html.select("[data-testid=token-row]")]
    assert len(rows) == 1 and "Paul's sync" in rows[0]
    confirm = only_paul.click(description="Revoke", index=0)
    after = press(form_with_button(confirm, "Revoke token"), "Revoke token").follow()
    assert after.request.path == reverse("accounts:token_list")
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Rob's script"]


@pytest.mark.parametrize("role", ["manager", "report", "peer", "outsider"])
def test_only_hr_sees_the_list_of_all_tokens(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("accounts:token_list")).status_code == 403


def test_the_hr_list_stays_at_a_few_queries(client, hr, django_assert_max_num_queries):
    from tests.factories import UserFactory

    client.force_login(hr)
    url = reverse("accounts:token_list")
    for n in range(30):
        api_token_create(user=UserFactory(), name=f"t{n}", scope="read")
        if n in (2, 29):
            with django_assert_max_num_queries(12):
                assert client.get(url).status_code == 200


def test_a_person_who_left_has_no_working_token(report):
    _token, raw = api_token_create(user=report, name="script", scope="write")
    assert _bearer(raw).get("/api/v1/people/").status_code == 200
    report.is_active = False
    report.save(update_fields=["is_active"])
    problem(_bearer(raw).get("/api/v1/people/"), 401)
