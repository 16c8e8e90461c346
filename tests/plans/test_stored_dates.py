"""Dates people enter are kept to the years 2000-2100 everywhere they are entered,
the Django admin included (the limit is on the model fields); and any date already
stored, however far (written straight to the database: 0001-01-01, 9999-12-31), still
gives every page without a server error.

A tester had put a cycle's end date and a session's date at 9999-12-31 in the admin:
the cycle's edit page answered 500 (the month arithmetic overflowed), the cycle page
listed "Jan 1, 2100 – Dec 31, 9999" and the calendar feed sent 99991231.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CalendarFeed, CoachingSession, ImprovementPlan
from plans.models import AppraisalCycle, CheckIn, Objective, PhaseTarget
from plans.months import months_between
from plans.services import cycle_nodes
from tests.crawl.crawler import Crawler, Link
from tests.factories import UserFactory, make_objective
from tests.webtest_helpers import errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Pick a date between the years 2000 and 2100."
FIRST, LAST = dt.date.min, dt.date.max  # 0001-01-01, 9999-12-31


@pytest.fixture
def superuser(db):
    return UserFactory(
        email="sue@example.com", full_name="Sue Super", is_staff=True, is_superuser=True
    )


@pytest.fixture
def far_world(manager, report, hr):
    """Every date field people enter, at both ends of what the database can hold."""
    today = timezone.localdate()
    tester = AppraisalCycle.objects.create(
        name="Tester's",
        start_date=dt.date(2100, 1, 1),
        end_date=dt.date(2100, 12, 31),
        state="active",
        time_nodes=cycle_nodes(
            start_date=dt.date(2100, 1, 1), end_date=dt.date(2100, 12, 31), frequency="monthly"
        ),
    )
    AppraisalCycle.objects.filter(pk=tester.pk).update(end_date=LAST)  # as the admin did
    everything = AppraisalCycle.objects.create(
        name="Everything", start_date=FIRST, end_date=LAST, state="active", time_nodes=[]
    )
    AppraisalCycle.objects.create(
        name="Typed by hand",
        start_date=FIRST,
        end_date=LAST,
        state="planning",
        time_nodes=["9999-12-01", "not a date", 7, "2026-03-15"],
        rating_scale=[1, {"two": 2}],
    )
    objectives = []
    for cycle in (tester, everything):
        objective = make_objective(cycle, employee=report, monthly=False)
        PhaseTarget.objects.bulk_create(
            [
                PhaseTarget(objective=objective, month=FIRST, planned=Decimal(10)),
                PhaseTarget(objective=objective, month=dt.date(9999, 12, 1), planned=Decimal(120)),
            ]
        )
        for day in (FIRST, LAST, today):
            CheckIn.objects.create(
                objective=objective, value=Decimal(50), confidence=3, recorded_on=day, author=report
            )
        objectives.append(objective)
    plan = ImprovementPlan.objects.create(
        employee=report,
        opened_by=manager,
        objective=objectives[0],
        opened_on=FIRST,
        closed_on=LAST,
        measures="Weekly reviews.",
        own_reasons="x",
        review_dates=["9999-12-31", "0001-01-01", "garbage", None],
    )
    for held_on, follow_up_on in ((LAST, LAST), (FIRST, LAST), (FIRST, None)):
        session = CoachingSession.objects.create(
            coach=manager,
            employee=report,
            type="guidance",
            held_on=held_on,
            follow_up_on=follow_up_on,
            improvement_plan=plan,
        )
        ActionItem.objects.create(session=session, title="Far", owner=report, due_date=LAST)
        ActionItem.objects.create(session=session, title="Long ago", owner=report, due_date=FIRST)
    CalendarFeed.objects.create(user=manager, token="a-private-token")
    return {"tester": tester, "everything": everything, "objectives": objectives, "plan": plan}


def test_month_arithmetic_never_overflows_and_counts_only_sane_months():
    assert months_between(dt.date(9999, 12, 1), LAST) == []
    assert months_between(dt.date(2100, 12, 1), LAST) == [dt.date(2100, 12, 1)]
    assert len(months_between(FIRST, LAST)) == 101 * 12
    assert months_between(dt.date(2026, 11, 30), dt.date(2027, 1, 1)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]


@pytest.mark.parametrize("role", ["report", "manager", "hr"])
def test_every_page_opens_whatever_dates_are_stored(request, far_world, role):
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    extra = [
        reverse("plans:cycle_edit", args=[far_world["tester"].pk]),
        *(reverse("plans:cycle_edit", args=[c.pk]) for c in AppraisalCycle.objects.all()),
        *(reverse("plans:cycle_detail", args=[c.pk]) for c in AppraisalCycle.objects.all()),
        reverse("coaching:calendar_feed", args=["a-private-token"]),
        *(o.get_absolute_url() for o in Objective.objects.all()),
        *(reverse("plans:objective_targets", args=[o.pk]) for o in Objective.objects.all()),
        *(reverse("plans:objective_edit", args=[o.pk]) for o in Objective.objects.all()),
        *(s.get_absolute_url() for s in CoachingSession.objects.all()),
        *(reverse("coaching:session_edit", args=[s.pk]) for s in CoachingSession.objects.all()),
        far_world["plan"].get_absolute_url(),
        reverse("coaching:improvement_plan_edit", args=[far_world["plan"].pk]),
        *(f"{reverse('plans:my_objectives')}?cycle={c.pk}" for c in AppraisalCycle.objects.all()),
    ]
    result = Crawler(client=client, role=role, per_key=3, refusal_allowed=lambda *a: True).run(
        reverse("home"), also=[Link(url, source="(a stored far date)") for url in extra]
    )
    assert len(result.fetched) > 20
    assert not result.problems, "\n".join(str(problem) for problem in result.problems)


def test_a_cycle_ending_in_year_9999_says_so_and_counts_its_sane_months(django_app, far_world, hr):
    page = django_app.get(far_world["tester"].get_absolute_url(), user=hr)
    assert page.html.select_one("[data-testid=dates-out-of-range]").get_text() == (
        "The dates of this cycle lie outside the years 2000–2100: only its months within "
        "those years count. Correct its dates."
    )
    assert page.text.count("2100") >= 12 and "9999 ·" not in page.text


def test_a_started_cycle_ending_in_year_9999_can_still_be_renamed(django_app, far_world, hr):
    cycle = far_world["tester"]
    page = django_app.get(reverse("plans:cycle_edit", args=[cycle.pk]), user=hr)
    form = form_with_button(page, "Save")
    form["name"] = "The year 2100"
    shown = press(form, "Save").follow()
    assert messages(shown) == ["The cycle has been saved."]
    cycle.refresh_from_db()
    assert (cycle.name, cycle.end_date) == ("The year 2100", LAST)


def test_a_planned_cycle_from_year_1_to_9999_is_corrected_on_its_edit_page(
    django_app, far_world, hr
):
    cycle = AppraisalCycle.objects.get(name="Typed by hand")
    page = django_app.get(reverse("plans:cycle_edit", args=[cycle.pk]), user=hr)
    form = form_with_button(page, "Save")
    refused = press(form, "Save")
    assert errors_beside(refused, "start_date") == [OUT_OF_RANGE]
    assert errors_beside(refused, "end_date") == [OUT_OF_RANGE]
    form = form_with_button(refused, "Save")
    form["start_date"], form["end_date"] = "2027-01-01", "2027-12-31"
    form["rating_labels"] = "Low\nHigh"
    press(form, "Save").follow()
    cycle.refresh_from_db()
    assert (cycle.start_date, cycle.end_date, len(cycle.nodes)) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        12,
    )


def admin_change(django_app, user, obj):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return form_with_button(django_app.get(url, user=user), "Save")


def admin_errors(page) -> list[str]:
    return [li.get_text(strip=True) for li in page.html.select(".errorlist li")]


def test_the_admin_refuses_a_cycle_that_ends_in_year_9999(django_app, superuser):
    cycle = AppraisalCycle.objects.create(
        name="2027", start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31)
    )
    form = admin_change(django_app, superuser, cycle)
    form["end_date"] = "9999-12-31"
    refused = form.submit("_save")
    assert refused.status_code == 200 and OUT_OF_RANGE in admin_errors(refused)
    form = admin_change(django_app, superuser, cycle)
    form["time_nodes"] = '["9999-12-01"]'
    form["rating_scale"] = "[1, 2]"
    refused = form.submit("_save")
    assert OUT_OF_RANGE in admin_errors(refused)
    assert (
        "Give at most 10 different labels of at most 50 characters, lowest first."
        in admin_errors(refused)
    )
    cycle.refresh_from_db()
    assert (cycle.end_date, cycle.time_nodes, cycle.rating_scale) == (
        dt.date(2027, 12, 31),
        [],
        [],
    )


def test_the_admin_refuses_a_session_dated_9999_and_its_steps_due_then(
    django_app, superuser, manager, report
):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=dt.date(2026, 11, 2)
    )
    ActionItem.objects.create(session=session, title="Call", owner=report)
    form = admin_change(django_app, superuser, session)
    form["held_on"] = "9999-12-31"
    form["follow_up_on"] = "0001-01-01"
    form["action_items-0-due_date"] = "9999-12-31"
    refused = form.submit("_save")
    assert admin_errors(refused).count(OUT_OF_RANGE) == 3
    session.refresh_from_db()
    assert session.held_on == dt.date(2026, 11, 2) and session.follow_up_on is None
