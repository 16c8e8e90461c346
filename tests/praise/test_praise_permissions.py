"""Every praise URL tried as every persona: the right people get the page, everyone else
404 or 403, the anonymous the login page; a refused request writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.praise_models import CompanyValue, Praise

pytestmark = pytest.mark.django_db

PEOPLE = ("maria", "rob", "ivy", "paul", "olga", "hana", "otto", "sam", "cleo")


def _state() -> list[tuple[object, ...]]:
    return [
        *Praise.objects.order_by("pk").values_list("pk", "visibility", "withdrawn_at", "behaviour"),
        *CompanyValue.objects.order_by("pk").values_list("pk", "name", "position", "active"),
    ]


def _statuses(client, people, method, url, data=None, names=PEOPLE) -> dict[str, int]:
    statuses = {}
    for name in names:
        client.force_login(people[name])
        call = client.post if method == "POST" else client.get
        statuses[name] = call(url, data or {}).status_code
        client.logout()
    return statuses


def test_anyone_reads_the_organisation_wall_and_their_own_praise(client, people, praise):
    for name in ("praise_wall", "praise_mine", "praise_new"):
        assert set(_statuses(client, people, "GET", reverse(f"coaching:{name}")).values()) == {200}


def test_a_department_wall_is_for_its_members_and_the_heads_above(client, people, sales):
    url = reverse("coaching:praise_department_wall", args=[sales.pk])
    statuses = _statuses(client, people, "GET", url)
    assert {n for n, s in statuses.items() if s == 200} == {"maria", "rob", "ivy", "sam", "cleo"}
    assert {s for n, s in statuses.items() if n not in {"maria", "rob", "ivy", "sam", "cleo"}} == {
        403
    }
    client.force_login(people["maria"])
    assert client.get(reverse("coaching:praise_department_wall", args=[99999])).status_code == 404


def test_only_the_recipient_changes_who_sees_it(client, people, praise):
    before = _state()
    url = reverse("coaching:praise_visibility", args=[praise.pk])
    # Ivy last: her change is the only one allowed.
    order = [name for name in PEOPLE if name != "ivy"] + ["ivy"]
    statuses = _statuses(client, people, "POST", url, {"visibility": "organisation"}, order)
    assert statuses.pop("ivy") == 302
    praise.refresh_from_db()
    assert praise.visibility == "organisation"
    Praise.objects.filter(pk=praise.pk).update(visibility="private")
    assert _state() == before
    # Those who see it are refused (403); the others do not learn it exists (404).
    assert {n for n, s in statuses.items() if s == 403} == {"paul", "rob", "maria"}
    assert {n for n, s in statuses.items() if s == 404} == {"olga", "hana", "otto", "sam", "cleo"}


def test_refused_visibility_changes_write_nothing(client, people, praise):
    before = _state()
    url = reverse("coaching:praise_visibility", args=[praise.pk])
    for name in PEOPLE:
        if name == "ivy":
            continue
        client.force_login(people[name])
        assert client.post(url, {"visibility": "organisation"}).status_code in (403, 404)
    client.force_login(people["ivy"])
    assert client.post(url, {"visibility": "everyone"}).status_code == 400
    assert client.get(url).status_code == 405
    assert _state() == before


def test_only_the_giver_withdraws(client, people, praise):
    before = _state()
    url = reverse("coaching:praise_withdraw", args=[praise.pk])
    for name in PEOPLE:
        if name == "paul":
            continue
        client.force_login(people[name])
        expected = 403 if name in {"ivy", "rob", "maria"} else 404
        assert client.get(url).status_code == expected, name
        assert client.post(url).status_code == expected, name
    assert _state() == before
    client.force_login(people["paul"])
    assert client.get(url).status_code == 200  # the confirmation, which writes nothing
    assert _state() == before
    assert client.post(url).status_code == 302
    # Withdrawn once: a second press is refused.
    assert client.post(url).status_code == 403


def test_company_values_are_hrs_alone(client, people, value):
    before = _state()
    pages = [
        reverse("coaching:company_values"),
        reverse("coaching:company_value_edit", args=[value.pk]),
    ]
    for url in pages:
        statuses = _statuses(client, people, "GET", url)
        assert statuses.pop("hana") == 200
        assert set(statuses.values()) == {403}
        others = [name for name in PEOPLE if name != "hana"]
        attacks = _statuses(
            client,
            people,
            "POST",
            url,
            {"name": "Hacked", "new-name": "Hacked", "position": 0},
            others,
        )
        assert set(attacks.values()) == {403}
    assert _state() == before
    client.force_login(people["hana"])
    assert client.get(reverse("coaching:company_value_edit", args=[99999])).status_code == 404


def test_giving_praise_is_refused_for_oneself_the_absent_and_others_sessions(
    client, people, encouragement
):
    new = reverse("coaching:praise_new")
    ivy = people["ivy"]
    client.force_login(ivy)
    # Oneself: the form for someone else, with the reason (nothing given, whatever is sent).
    assert client.get(f"{new}?employee={ivy.pk}").status_code == 200
    assert (
        client.post(f"{new}?employee={ivy.pk}", {"behaviour": "x", "example": "y"}).status_code
        == 200
    )
    client.post(
        f"{new}?employee={ivy.pk}", {"employee": ivy.email, "behaviour": "x", "example": "y"}
    )
    assert client.get(f"{new}?employee=99999").status_code == 404
    assert client.get(f"{new}?employee=abc").status_code == 400
    ivy_left = people["otto"]
    ivy_left.is_active = False
    ivy_left.save()
    assert client.get(f"{new}?employee={ivy_left.pk}").status_code == 404
    # The session: its coach only. Its coachee and a manager above see it (403); others 404.
    url = f"{new}?session={encouragement.pk}"
    expected = {"rob": 200, "ivy": 403, "maria": 403, "paul": 404, "sam": 404, "cleo": 404}
    for name, status in expected.items():
        client.force_login(people[name])
        assert client.get(url).status_code == status, name
        if status != 200:
            client.post(url, {"behaviour": "x", "example": "y"})
    assert not Praise.objects.exists()


def test_every_praise_url_sends_the_anonymous_to_sign_in(client, praise, value, sales):
    urls = [
        reverse("coaching:praise_wall"),
        reverse("coaching:praise_mine"),
        reverse("coaching:praise_new"),
        reverse("coaching:praise_department_wall", args=[sales.pk]),
        reverse("coaching:praise_detail", args=[praise.pk]),
        reverse("coaching:company_values"),
        reverse("coaching:company_value_edit", args=[value.pk]),
    ]
    for url in urls:
        assert client.get(url).url.startswith(reverse("accounts:login")), url
    before = _state()
    for name in ("praise_visibility", "praise_withdraw"):
        response = client.post(
            reverse(f"coaching:{name}", args=[praise.pk]), {"visibility": "organisation"}
        )
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert _state() == before
