"""Month-end generation with a frozen clock: weekends, 31sts, February, DST."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from reviews.jobs import month_end_generation_run
from reviews.models import JobRun, JobSettings, ReviewTable
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db, report, peer):
    cycle = make_cycle(2026)
    for person in (report, peer):
        make_objective(cycle, employee=person)
    return cycle


def at(local: str, zone: str = "UTC") -> dt.datetime:
    return dt.datetime.fromisoformat(local).replace(tzinfo=zoneinfo.ZoneInfo(zone))


def months() -> set[str]:
    return {f"{m:%Y-%m}" for m in ReviewTable.objects.values_list("month", flat=True)}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-01-31 03:00", {"2026-01", "2026-02"}),  # a Saturday, a 31st
        ("2026-02-28 03:00", {"2026-02", "2026-03"}),  # the end of February
        ("2026-02-27 03:00", {"2026-02"}),  # not yet the month's end
        ("2026-05-10 03:00", {"2026-05"}),  # a missed month-end is caught up
    ],
)
def test_the_daily_run_creates_what_is_due(team, moment, expected):
    with time_machine.travel(at(moment), tick=False):
        run = month_end_generation_run()
    assert run is not None and run.outcome == JobRun.Outcome.OK
    assert months() == expected
    assert (
        ReviewTable.objects.filter(
            month=dt.date(*map(int, sorted(expected)[-1].split("-")), 1)
        ).count()
        == 2
    )


def test_nothing_happens_before_the_hour_hr_chose(team):
    JobSettings.current()
    JobSettings.objects.update(generation_hour=6)
    with time_machine.travel(at("2026-01-31 05:59"), tick=False):
        assert month_end_generation_run() is None
    with time_machine.travel(at("2026-01-31 06:00"), tick=False):
        assert month_end_generation_run() is not None
    assert months() == {"2026-01", "2026-02"}


def test_a_second_run_the_same_day_does_nothing_and_a_forced_one_creates_nothing(team):
    with time_machine.travel(at("2026-03-31 03:00"), tick=False):
        month_end_generation_run()
        assert month_end_generation_run() is None
        forced = month_end_generation_run(force=True)
    assert "0 tables" in forced.detail
    assert ReviewTable.objects.count() == 4


def test_lead_days_create_next_months_tables_earlier(team):
    JobSettings.current()
    JobSettings.objects.update(generation_lead_days=3)
    with time_machine.travel(at("2026-04-27 03:00"), tick=False):
        month_end_generation_run()
    assert months() == {"2026-04", "2026-05"}


def test_months_are_judged_in_the_organisations_time_zone_across_a_dst_change(team, settings):
    # 22:30 UTC on 31 March is already 00:30 on 1 April in Berlin (summer time, UTC+2).
    settings.TIME_ZONE = "Europe/Berlin"
    JobSettings.current()
    JobSettings.objects.update(generation_hour=0)
    with time_machine.travel(dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), tick=False):
        month_end_generation_run()
    assert months() == {"2026-04"}  # in UTC it would still be March, and March would be made


def test_deadlines_follow_hr_settings(team):
    JobSettings.current()
    JobSettings.objects.update(deadline_days=7)
    with time_machine.travel(at("2026-02-10 03:00"), tick=False):
        month_end_generation_run()
    assert set(ReviewTable.objects.values_list("deadline", flat=True)) == {dt.date(2026, 3, 7)}


def test_generate_reviews_command_runs_a_month_by_hand(team, capsys):
    call_command("generate_reviews", "--month", "2026-06")
    call_command("generate_reviews", "--month", "2026-06")
    out = capsys.readouterr().out
    assert "2 tables created" in out and "0 tables created" in out
    assert ReviewTable.objects.filter(month=dt.date(2026, 6, 1)).count() == 2


def test_generate_reviews_refuses_a_month_without_an_active_cycle(team):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No active cycle covers 2030-01"):
        call_command("generate_reviews", "--month", "2030-01")
    with pytest.raises(CommandError, match="not a month"):
        call_command("generate_reviews", "--month", "June")


# --- A cycle that starts mid-month, and catching up (issue 15 §4) ---------------------


@pytest.fixture
def mid_march(db, report, peer):
    """A cycle from 16 March 2026, with objectives for Rob and Paul."""
    from plans.models import AppraisalCycle
    from plans.services import cycle_nodes

    start, end = dt.date(2026, 3, 16), dt.date(2027, 3, 15)
    cycle = AppraisalCycle.objects.create(
        name="From mid-March",
        start_date=start,
        end_date=end,
        state="active",
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )
    for person in (report, peer):
        make_objective(cycle, employee=person)
    return cycle


def march_tables() -> set[str]:
    return set(
        ReviewTable.objects.filter(month=dt.date(2026, 3, 1)).values_list(
            "employee__full_name", flat=True
        )
    )


def missing_on_jobs_page(django_app, hr) -> int:
    from django.urls import reverse

    page = django_app.get(reverse("reviews:jobs"), user=hr)
    for row in page.html.select("[data-testid=pending] li, [data-testid=pending] tr"):
        text = row.get_text(" ", strip=True)
        if "people without this month's review table" in text:
            return int("".join(ch for ch in text if ch.isdigit()))
    raise AssertionError("no missing-tables count on the jobs page")


def test_a_mid_month_cycle_gets_its_first_month_from_the_create_tables_page(
    django_app, hr, mid_march
):
    from django.urls import reverse

    from tests.webtest_helpers import choose, form_with_button, press

    with time_machine.travel(at("2026-03-20 10:00"), tick=False):
        assert missing_on_jobs_page(django_app, hr) == 2
        page = django_app.get(reverse("reviews:create"), user=hr)
        form = form_with_button(page, "Create")
        form["month"] = "2026-03"
        choose(form, "scope", "Everyone in the cycle (HR)")
        press(form, "Create")
        assert missing_on_jobs_page(django_app, hr) == 0
    assert march_tables() == {"Rob Report", "Paul Peer"}


def test_a_mid_month_cycle_gets_its_first_month_from_the_command(mid_march):
    call_command("generate_reviews", "--month", "2026-03")
    assert march_tables() == {"Rob Report", "Paul Peer"}


def test_a_mid_month_cycle_gets_its_first_month_from_the_month_end_job(django_app, hr, mid_march):
    with time_machine.travel(at("2026-03-20 03:00"), tick=False):
        month_end_generation_run()
        assert missing_on_jobs_page(django_app, hr) == 0
    assert march_tables() == {"Rob Report", "Paul Peer"}


def test_the_job_catches_up_every_month_since_its_last_successful_run(team, report):
    with time_machine.travel(at("2026-02-10 03:00"), tick=False):
        month_end_generation_run()
    # The worker was down for all of March.
    with time_machine.travel(at("2026-04-02 03:00"), tick=False):
        month_end_generation_run()
    assert months() == {"2026-02", "2026-03", "2026-04"}
    assert ReviewTable.objects.filter(month=dt.date(2026, 3, 1)).count() == 2


def test_an_objective_added_after_the_months_run_gets_that_months_table(team, report):
    from tests.factories import UserFactory

    with time_machine.travel(at("2026-03-31 03:00"), tick=False):
        month_end_generation_run()  # March and April made
    newcomer = UserFactory(full_name="Nina Newcomer")
    make_objective(team, employee=newcomer)  # on 31 March, after the run
    with time_machine.travel(at("2026-04-01 03:00"), tick=False):
        month_end_generation_run()
    assert set(ReviewTable.objects.filter(employee=newcomer).values_list("month", flat=True)) == {
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    }


def test_a_failed_run_does_not_move_the_catch_up_start(team):
    with time_machine.travel(at("2026-02-10 03:00"), tick=False):
        month_end_generation_run()
    JobRun.objects.create(job="month_end_generation", outcome=JobRun.Outcome.FAILED)
    with time_machine.travel(at("2026-04-02 03:00"), tick=False):
        month_end_generation_run()
    assert "2026-03" in months()
