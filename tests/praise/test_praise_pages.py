"""What the praise pages show: the walls, the person's page, the cycle result; never the
session's private note nor any other session content; query counts flat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.praise_models import Praise
from reviews.models import CycleResult
from tests.factories import UserFactory, make_objective
from tests.praise.conftest import OTHER_CONTENT, PRIVATE_NOTE, STRENGTHS, STRENGTHS_EXAMPLE
from tests.webtest_helpers import form_by_testid, press

pytestmark = pytest.mark.django_db

PEOPLE = ("maria", "rob", "ivy", "paul", "olga", "hana", "otto", "sam", "cleo")


def _cards(page) -> list[str]:
    return [card.get_text(" ", strip=True) for card in page.html.select("[data-testid=praise]")]


def test_the_private_note_never_reaches_a_praise_page_or_wall(
    django_app, people, encouragement, sales
):
    # Rob makes praise from his session, keeping the prefilled text; Ivy shows it to all.
    form = form_by_testid(
        django_app.get(
            f"{reverse('coaching:praise_new')}?session={encouragement.pk}", user=people["rob"]
        ),
        "praise-form",
    )
    assert PRIVATE_NOTE not in form.text and OTHER_CONTENT not in form.text
    press(form, "Give praise")
    praise = Praise.objects.get()
    assert (praise.behaviour, praise.example) == (STRENGTHS, STRENGTHS_EXAMPLE)
    Praise.objects.filter(pk=praise.pk).update(visibility="organisation")
    pages = [
        praise.get_absolute_url(),
        reverse("coaching:praise_wall"),
        reverse("coaching:praise_mine"),
        reverse("coaching:praise_department_wall", args=[sales.pk]),
        reverse("accounts:person_detail", args=[people["ivy"].pk]),
    ]
    for name in PEOPLE:
        for url in pages:
            response = django_app.get(url, user=people[name], expect_errors=True)
            assert PRIVATE_NOTE not in response.text, (name, url)
            assert OTHER_CONTENT not in response.text, (name, url)
            assert "AGREED-PART" not in response.text, (name, url)


def test_the_session_is_linked_only_for_those_who_read_it(django_app, people, encouragement):
    praise = Praise.objects.create(
        employee=people["ivy"],
        giver=people["rob"],
        behaviour=STRENGTHS,
        example=STRENGTHS_EXAMPLE,
        session=encouragement,
        visibility="organisation",
    )
    for name in PEOPLE:
        page = django_app.get(praise.get_absolute_url(), user=people[name])
        linked = bool(page.html.select("[data-testid=praise-session]"))
        assert linked == (name in {"rob", "ivy", "maria"}), name


def test_the_walls_show_what_their_level_allows_newest_first(django_app, people, praise, sales):
    ivy, paul = people["ivy"], people["paul"]
    older = Praise.objects.create(
        employee=people["rob"],
        giver=paul,
        behaviour="Older, for all",
        example="Last month.",
        visibility="organisation",
        given_at=timezone.now() - dt.timedelta(days=30),
    )
    Praise.objects.filter(pk=praise.pk).update(visibility="organisation")
    Praise.objects.create(
        employee=ivy, giver=paul, behaviour="For Sales only", example="x", visibility="department"
    )
    Praise.objects.create(employee=ivy, giver=paul, behaviour="Private one", example="x")
    Praise.objects.create(
        employee=ivy,
        giver=paul,
        behaviour="Withdrawn one",
        example="x",
        visibility="organisation",
        withdrawn_at=timezone.now(),
    )
    wall = django_app.get(reverse("coaching:praise_wall"), user=people["otto"])
    cards = _cards(wall)
    assert len(cards) == 2 and "Shared her call script" in cards[0] and older.behaviour in cards[1]
    # Person, giver, value and date; the objective only for who reads Ivy's objectives.
    assert "Ivy Indirect" in cards[0] and "Praised by Paul Peer" in cards[0]
    assert "Customers first" in cards[0] and "Calls made" not in cards[0]
    assert (
        "Calls made"
        in _cards(django_app.get(reverse("coaching:praise_wall"), user=people["rob"]))[0]
    )
    department = django_app.get(
        reverse("coaching:praise_department_wall", args=[sales.pk]), user=people["sam"]
    )
    shown = " ".join(_cards(department))
    assert "For Sales only" in shown and "Shared her call script" in shown
    assert "Private one" not in shown and "Withdrawn one" not in shown


def test_the_wall_is_paged_by_twenty(django_app, people):
    for number in range(21):
        Praise.objects.create(
            employee=people["ivy"],
            giver=people["paul"],
            behaviour=f"Praise {number}",
            example="x",
            visibility="organisation",
            given_at=timezone.now() - dt.timedelta(minutes=number),
        )
    page = django_app.get(reverse("coaching:praise_wall"), user=people["otto"])
    assert len(_cards(page)) == 20
    second = page.click("Next")
    assert [card.split(" · ")[1].split(" ")[0:2] for card in _cards(second)] == [["Praise", "20"]]


def test_the_persons_page_shows_their_praise_as_the_viewer_may_see_it(django_app, people, praise):
    url = reverse("accounts:person_detail", args=[people["ivy"].pk])
    for name in ("ivy", "rob", "paul"):
        panel = django_app.get(url, user=people[name]).html.select_one("[data-testid=praise-panel]")
        assert panel is not None and "Shared her call script" in panel.text, name
    # Sam may not see the private praise, but may give Ivy praise from her page.
    page = django_app.get(url, user=people["sam"])
    panel = page.html.select_one("[data-testid=praise-panel]")
    assert "Shared her call script" not in panel.text
    form = form_by_testid(page.click("Give praise", href="employee="), "praise-form")
    assert "employee" not in form.fields  # Ivy is already chosen


def test_the_cycle_result_shows_the_praise_of_the_cycle(django_app, people, praise, cycle):
    ivy = people["ivy"]
    result = CycleResult.objects.create(cycle=cycle, employee=ivy, completion=50)
    Praise.objects.create(
        employee=ivy,
        giver=people["sam"],
        behaviour="Before the cycle",
        example="x",
        given_at=timezone.now() - dt.timedelta(days=400),
    )
    Praise.objects.create(
        employee=ivy,
        giver=people["sam"],
        behaviour="Withdrawn",
        example="x",
        withdrawn_at=timezone.now(),
    )
    for url in (result.get_absolute_url(), reverse("reviews:result_print", args=[result.pk])):
        page = django_app.get(url, user=people["maria"])
        shown = " ".join(_cards(page))
        assert "Shared her call script" in shown
        assert "Before the cycle" not in shown and "Withdrawn" not in shown


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _many(people, count: int, offset: int, cycle) -> None:
    for number in range(count):
        person = UserFactory(department=people["ivy"].department, manager=people["rob"])
        objective = make_objective(
            cycle, employee=person, title=f"Goal {offset + number}", weight=100
        )
        Praise.objects.create(
            employee=person,
            giver=people["paul"] if number % 2 else people["sam"],
            behaviour=f"Praise {offset + number}",
            example="x",
            objective=objective,
            value=None,
            visibility="organisation" if number % 3 else "department",
        )
        Praise.objects.create(
            employee=people["maria"] if number % 2 else people["rob"],
            giver=person,
            behaviour=f"Given {offset + number}",
            example="x",
            visibility="organisation",
        )


@pytest.mark.parametrize(
    "name", ["praise_wall", "praise_mine", "praise_department_wall", "person_detail"]
)
def test_the_praise_pages_make_as_many_queries_for_many_praise_as_for_few(
    client, people, value, sales, cycle, name, django_assert_max_num_queries
):
    viewer = people["rob"]
    urls = {
        "praise_wall": reverse("coaching:praise_wall"),
        "praise_mine": reverse("coaching:praise_mine"),
        "praise_department_wall": reverse("coaching:praise_department_wall", args=[sales.pk]),
        "person_detail": reverse("accounts:person_detail", args=[people["rob"].pk]),
    }
    client.force_login(viewer)
    _many(people, 2, 0, cycle)
    few = _count(client, urls[name])
    _many(people, 25, 100, cycle)
    with django_assert_max_num_queries(few):
        client.get(urls[name])
