"""Issue 16 §7: early warning. A falling confidence or an objective that starts lagging
tells the coach in-app and in the weekly digest, once.

Check-ins are recorded through the objective page's form as rendered.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError

from accounts.models import Notification
from plans.models import EarlyWarning
from plans.services import checkin_create, objective_progress_refresh
from reviews.jobs import weekly_digest_run
from reviews.models import JobSettings
from tests.factories import DepartmentFactory, UserFactory, make_cycle, make_objective
from tests.webtest_helpers import choose, form_with_button, messages, press

pytestmark = pytest.mark.django_db

# Mid-June 2026: the plan of an objective growing 10 orders a month stands near 55.
JUNE = dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
MONDAY = dt.datetime(2026, 6, 22, 9, tzinfo=dt.UTC)
NEXT_MONDAY = dt.datetime(2026, 6, 29, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _mid_june():
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def cycle(db):
    return make_cycle(2026)


@pytest.fixture
def objective(cycle, report):
    return make_objective(cycle, employee=report, title="Orders won")


def record(django_app, person, objective, *, value: str, confidence: str):
    page = django_app.get(objective.get_absolute_url(), user=person)
    form = form_with_button(page, "Record check-in")
    form["value"] = value
    choose(form, "confidence", confidence)
    return press(form, "Record check-in").follow()


def warnings_to(person) -> list[str]:
    return list(
        Notification.objects.filter(
            recipient=person, message__startswith="Early warning"
        ).values_list("message", flat=True)
    )


def test_a_confidence_falling_to_two_tells_the_manager_once(
    django_app, objective, report, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, report, objective, value="56", confidence="3")
    assert warnings_to(manager) == []
    with django_capture_on_commit_callbacks(execute=True):
        shown = record(django_app, report, objective, value="57", confidence="2")
    assert messages(shown) == ["Check-in recorded."]
    assert warnings_to(manager) == [
        "Early warning: confidence in “Orders won” (Rob Report) fell to 2 of 5."
    ]
    # Still at 2 a week later, and pressed twice: no new event, nobody told again.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            record(django_app, report, objective, value="58", confidence="2")
    assert len(warnings_to(manager)) == 1
    assert warnings_to(report) == []
    assert EarlyWarning.objects.count() == 1


def test_a_drop_of_two_tells_the_manager(
    django_app, objective, report, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, report, objective, value="56", confidence="5")
        record(django_app, report, objective, value="57", confidence="3")
    assert warnings_to(manager) == [
        "Early warning: confidence in “Orders won” (Rob Report) dropped from 5 to 3."
    ]


def test_a_drop_of_one_tells_nobody(
    django_app, objective, report, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, report, objective, value="56", confidence="4")
        record(django_app, report, objective, value="57", confidence="3")
    assert warnings_to(manager) == [] and not EarlyWarning.objects.exists()


def test_an_objective_going_from_on_track_to_lagging_tells_the_manager_once(
    django_app, objective, report, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, report, objective, value="60", confidence="4")
    objective.refresh_from_db()
    assert objective.progress_state == "on_track"
    with (
        time_machine.travel(JUNE + dt.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        record(django_app, report, objective, value="30", confidence="4")
    objective.refresh_from_db()
    assert objective.progress_state == "lagging"
    assert warnings_to(manager) == [
        "Early warning: “Orders won” (Rob Report) went from on track to lagging."
    ]
    # The daily restatement and a re-run find it lagging already: no new crossing.
    with (
        time_machine.travel(JUNE + dt.timedelta(days=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        objective_progress_refresh()
        objective_progress_refresh(objective_ids=[objective.pk])
    assert len(warnings_to(manager)) == 1


def test_a_departments_warning_goes_to_the_head_above(
    django_app, cycle, sales, manager, django_capture_on_commit_callbacks
):
    """Northern sales sits under Sales: Maria, who heads Sales, coaches its head."""
    nora = UserFactory(full_name="Nora North")
    northern = DepartmentFactory(name="Northern sales", parent=sales, head=nora)
    objective = make_objective(cycle, department=northern, title="Regional revenue")
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, nora, objective, value="56", confidence="1")
    assert warnings_to(manager) == [
        "Early warning: confidence in “Regional revenue” (Northern sales) fell to 1 of 5."
    ]
    assert warnings_to(nora) == []


def test_a_warning_for_a_manager_who_left_goes_to_the_one_above(
    django_app, objective, report, manager, django_capture_on_commit_callbacks
):
    boss = UserFactory(full_name="Bea Boss")
    manager.manager = boss
    manager.is_active = False
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, report, objective, value="56", confidence="1")
    assert warnings_to(manager) == []
    told = list(Notification.objects.filter(recipient=boss).values_list("message", flat=True))
    assert len(told) == 1 and "fell to 1 of 5" in told[0]


def test_the_database_keeps_one_warning_per_check_in(objective, report):
    from plans.services import checkin_create

    checkin = checkin_create(actor=report, objective=objective, value=56, confidence=1)
    assert EarlyWarning.objects.filter(checkin=checkin).count() == 1
    with pytest.raises(IntegrityError):
        EarlyWarning.objects.create(kind="low", objective=objective, checkin=checkin)


def test_the_weekly_digest_lists_each_warning_once(
    django_app, objective, report, manager, django_capture_on_commit_callbacks
):
    JobSettings.current()
    JobSettings.objects.update(digest_weekday=0)  # Monday
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, report, objective, value="56", confidence="1")
    for moment in (MONDAY, MONDAY, NEXT_MONDAY):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            weekly_digest_run()
    digests = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(digests) == 2  # this week's (the re-run sent nothing) and next week's
    first, second = digests
    assert "1 early warnings" in first.subject
    assert "Early warning: confidence in “Orders won” (Rob Report) fell to 1 of 5." in first.body
    assert "Early warning" not in second.body and "early warnings" not in second.subject
    in_app = Notification.objects.filter(recipient=manager, message__startswith="Your team")
    assert "1 early warnings" in in_app.order_by("pk").first().message


def test_the_digest_reaches_a_head_above_who_manages_nobody_directly(
    django_app, cycle, sales, django_capture_on_commit_callbacks
):
    director = UserFactory(full_name="Dora Director", email="dora@example.com")
    company = DepartmentFactory(name="Company", head=director)
    nora = UserFactory(full_name="Nora North")
    northern = DepartmentFactory(name="Northern sales", parent=company, head=nora)
    objective = make_objective(cycle, department=northern, title="Regional revenue")
    JobSettings.current()
    JobSettings.objects.update(digest_weekday=0)
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, nora, objective, value="56", confidence="2")
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        weekly_digest_run()
    (digest,) = [m for m in mail.outbox if m.to == [director.email]]
    assert "“Regional revenue” (Northern sales) fell to 2 of 5." in digest.body


def test_a_closed_cycles_objective_warns_nobody(
    django_app, objective, report, manager, cycle, django_capture_on_commit_callbacks
):
    """Found by a new user's trial: last year's objectives repeated this year's warnings
    in the digest (same titles, no year)."""
    JobSettings.current()
    JobSettings.objects.update(digest_weekday=0)
    with django_capture_on_commit_callbacks(execute=True):
        record(django_app, report, objective, value="56", confidence="1")
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    checkin_create(actor=report, objective=objective, value=57, confidence=1, note="")
    assert EarlyWarning.objects.count() == 1  # the one raised while the cycle was open
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        weekly_digest_run()
    (digest,) = [m for m in mail.outbox if m.to == [manager.email]]
    assert "Early warning" not in digest.body
