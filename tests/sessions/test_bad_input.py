"""Coaching under bad input: a clear 4xx or a message by the field, never a 500;
a refused form stores nothing; the action-item tick never sends anyone elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CalendarFeed, CoachingSession, ImprovementPlan
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db

NOT_AN_ID = ["abc", "1abc", "²", "1.5", "-1", "9" * 10_000, "1\x00"]
OUT_OF_RANGE = "Pick a date between the years 2000 and 2100."


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def session_data(report, **extra):
    data = {
        "employee": report.pk,
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "45",
        "type": "instruction",
        "form": "formal",
        "occasion": "daily",
        "moment": "before",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


# --- Ids that are not numbers ------------------------------------------------


@pytest.mark.parametrize("bad", NOT_AN_ID)
@pytest.mark.parametrize("name", ["employee", "department", "plan"])
def test_the_session_form_answers_400_to_an_id_that_is_not_a_number(
    client, manager, report, name, bad
):
    client.force_login(manager)
    params = {"employee": report.pk, name: bad}
    assert client.get(reverse("coaching:session_new"), params).status_code == 400
    if name != "plan":
        response = client.post(reverse("coaching:session_new"), session_data(report, **params))
        assert response.status_code == 400
    assert not CoachingSession.objects.exists()


@pytest.mark.parametrize("bad", NOT_AN_ID)
def test_the_quick_note_answers_400_to_a_person_that_is_not_an_id(client, manager, report, bad):
    client.force_login(manager)
    assert client.get(reverse("coaching:session_quick"), {"employee": bad}).status_code == 400


@pytest.mark.parametrize("bad", NOT_AN_ID)
@pytest.mark.parametrize("name", ["employee", "objective"])
def test_the_improvement_plan_form_answers_400_to_an_id_that_is_not_a_number(
    client, manager, report, cycle, name, bad
):
    objective = make_objective(cycle, employee=report)
    client.force_login(manager)
    params = {"employee": report.pk, "objective": objective.pk, name: bad}
    assert client.get(reverse("coaching:improvement_plan_new"), params).status_code == 400
    if name == "employee":
        data = {**params, "own_reasons": "x", "measures": "y", "first_review": "2026-12-01"}
        assert client.post(reverse("coaching:improvement_plan_new"), data).status_code == 400
    assert not ImprovementPlan.objects.exists()


def test_a_bad_request_page_says_what_went_wrong_in_the_sites_layout(client, manager, report):
    client.force_login(manager)
    response = client.get(reverse("coaching:session_new"), {"employee": "abc"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Bad request" in body and "letters where a number belongs" in body
    assert "Maria Manager" in body  # the page knows who is signed in


# --- The overview's filters --------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("2026-02-30", "Enter a valid date."),
        ("2026-13-01", "Enter a valid date."),
        ("0000-01-01", "Enter a valid date."),
        ("yesterday", "Enter a valid date."),
        ("2026-01-01\x00", "Enter a valid date."),
        ("9999-12-31", OUT_OF_RANGE),
        ("1900-01-01", OUT_OF_RANGE),
    ],
)
def test_an_impossible_since_date_gets_a_message_beside_the_filter(
    client, manager, report, since, message
):
    client.force_login(manager)
    response = client.get(reverse("coaching:overview"), {"since": since})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="ov-since-error">{message}' in body
    assert "Rob Report" in body


def test_an_unknown_coaching_type_gets_a_message_beside_the_filter(client, manager, report):
    client.force_login(manager)
    response = client.get(reverse("coaching:overview"), {"type": "shouting"})
    assert response.status_code == 200
    assert 'id="ov-type-error"' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9" * 10_000, "NaN", "\x00"])
def test_any_page_of_the_overview_shows_a_page(client, manager, report, page):
    client.force_login(manager)
    response = client.get(reverse("coaching:overview"), {"page": page})
    assert response.status_code == 200 and "Rob Report" in response.content.decode()


# --- Dates the calendar and the month arithmetic can count ---------------------------


@pytest.mark.parametrize("field", ["held_on", "follow_up_on"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_session_date_outside_2000_to_2100_gets_a_message_by_the_field(
    client, manager, report, field, day
):
    client.force_login(manager)
    data = session_data(report, **{field: day})
    if field == "follow_up_on":
        data["held_on"] = "2000-01-01"
    response = client.post(reverse("coaching:session_new"), data)
    assert response.status_code == 200
    assert OUT_OF_RANGE in str(response.context["form"].errors[field])
    assert not CoachingSession.objects.exists()


def test_an_action_item_due_in_year_9999_gets_a_message_by_the_field(client, manager, report):
    client.force_login(manager)
    data = session_data(
        report,
        **{
            "items-0-title": "Call",
            "items-0-owner": str(report.pk),
            "items-0-due_date": "9999-12-31",
        },
    )
    response = client.post(reverse("coaching:session_new"), data)
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert not CoachingSession.objects.exists() and not ActionItem.objects.exists()


def test_an_improvement_plan_reviewed_in_year_9999_gets_a_message_by_the_field(
    client, manager, report, cycle
):
    objective = make_objective(cycle, employee=report)
    client.force_login(manager)
    response = client.post(
        reverse("coaching:improvement_plan_new"),
        {
            "employee": report.pk,
            "objective": objective.pk,
            "own_reasons": "Late proposals.",
            "measures": "Proposals within two days.",
            "first_review": "9999-12-31",
        },
    )
    assert OUT_OF_RANGE in str(response.context["form"].errors["first_review"])
    assert not ImprovementPlan.objects.exists()


@pytest.mark.parametrize(
    ("held_on", "follow_up_on"),
    [
        (dt.date.max, dt.date.max),
        (dt.date.max, None),
        (dt.date(1, 1, 1), dt.date.max),
        (dt.date(9999, 12, 30), dt.date(9999, 12, 31)),
    ],
)
def test_the_calendar_feed_serves_any_stored_date_and_leaves_out_impossible_ones(
    client, manager, report, held_on, follow_up_on
):
    # Written straight to the database: no form or admin accepts these dates any more.
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=held_on,
        follow_up_on=follow_up_on,
    )
    planned = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=dt.date(2099, 12, 31)
    )
    feed = CalendarFeed.objects.create(user=manager, token="a-private-token")
    response = client.get(reverse("coaching:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert b"9999" not in response.content and b"00010101" not in response.content
    assert f"session-{planned.pk}@".encode() in response.content
    assert b"DTSTART;VALUE=DATE:20991231" in response.content


@pytest.mark.parametrize("token", ["a\x00b", "\x00", "a b", "a.b", "ä", "a/b"])
def test_a_calendar_address_with_characters_no_token_has_is_not_found(client, manager, token):
    CalendarFeed.objects.create(user=manager, token="a-private-token")
    assert client.get(f"/coaching/calendar/{token}.ics").status_code == 404


# --- The action-item tick stays on the site ------------------------------------------


@pytest.fixture
def item(manager, report):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=timezone.localdate()
    )
    return ActionItem.objects.create(session=session, title="Book meetings", owner=report)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        " https://evil.example",
        "https://testserver.evil.example/",
    ],
)
def test_ticking_an_action_item_never_redirects_off_the_site(client, report, item, target):
    client.force_login(report)
    response = client.post(
        reverse("coaching:action_item_toggle", args=[item.pk]), {"done": "1", "next": target}
    )
    assert response.status_code == 302
    assert response.url == item.session.get_absolute_url()
    item.refresh_from_db()
    assert item.done_by == report


def test_ticking_an_action_item_returns_to_the_page_it_was_ticked_on(client, report, item):
    client.force_login(report)
    response = client.post(
        reverse("coaching:action_item_toggle", args=[item.pk]), {"done": "1", "next": "/"}
    )
    assert response.status_code == 302 and response.url == "/"
