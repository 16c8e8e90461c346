"""Issue 15, a second new-user round: people who come back, moves made mid-month or by
mistake, what each person is told, and what HR sees before it acts.

Each case is driven through HR's pages and the import as rendered, and checks what
the people involved then see.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from coaching.models import ActionItem, CoachingSession
from plans.months import first_of_previous_month
from reviews.models import JobSettings, ReviewEvent, ReviewTable
from reviews.services import review_table_for
from tests.factories import UserFactory, check_in, make_cycle, make_objective
from tests.lifecycle.test_done_when import import_file, move, offboard
from tests.review_tables.conftest import reach
from tests.webtest_helpers import errors_beside, form_by_testid, form_with_button, press

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


@pytest.fixture
def this_month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def rob_with_orders(cycle, report):
    return make_objective(cycle, employee=report, title="Orders won", weight=100, target=100)


def test_someone_who_comes_back_has_this_month_s_table_again(
    django_app, hr, report, manager, cycle, this_month, rob_with_orders,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    table = review_table_for(cycle=cycle, month=this_month, employee=report)
    with django_capture_on_commit_callbacks(execute=True):
        offboard(django_app, hr, report)
    table.refresh_from_db()
    assert table.status == Status.WITHDRAWN

    with django_capture_on_commit_callbacks(execute=True):
        done = import_file(
            django_app,
            hr,
            "email,full_name,department,manager_email,active\n"
            f"{report.email},Rob Report,Sales,{manager.email},yes\n",
        )
    assert "1 table withdrawn when they left is theirs again" in done.text
    table.refresh_from_db()
    assert (table.status, table.reviewer) == (Status.DRAFT, manager)
    assert table.events.filter(from_status="withdrawn", to_status="draft").exists()
    page = django_app.get(table.get_absolute_url(), user=report)
    assert form_with_button(page, "Save")  # Rob fills it again


def test_a_draft_of_this_month_follows_a_move_and_a_past_month_stays_where_it_was(
    django_app, hr, report, manager, other_manager, finance, cycle, this_month,
    rob_with_orders,
):  # fmt: skip
    last = first_of_previous_month(this_month)
    if last < cycle.start_date:
        pytest.skip("the cycle has no month before this one")
    past, current = (
        review_table_for(cycle=cycle, month=month, employee=report) for month in (last, this_month)
    )
    move(django_app, hr, report, other_manager)
    past.refresh_from_db()
    current.refresh_from_db()
    assert (past.reviewer, current.reviewer) == (other_manager, other_manager)
    assert (past.home_department.name, past.line_manager) == ("Sales", manager)
    assert (current.home_department, current.line_manager) == (finance, other_manager)
    # Maria reads the month she managed, not the one that is now Olga's.
    django_app.get(past.get_absolute_url(), user=manager)
    django_app.get(current.get_absolute_url(), user=manager, status=404)


def test_a_move_made_by_mistake_and_undone_grants_nothing(
    django_app, hr, report, manager, outsider
):
    move(django_app, hr, report, outsider)
    move(django_app, hr, report, manager)
    for url in (
        reverse("plans:person_objectives", args=[report.pk]),
        reverse("coaching:timeline", args=[report.pk]),
    ):
        response = django_app.get(url, user=outsider, expect_errors=True)
        assert response.status_code in (403, 404), url


def test_off_boarding_tells_each_person_only_what_is_true(
    django_app, hr, manager, report, indirect_report, django_capture_on_commit_callbacks
):
    session = CoachingSession.objects.create(
        coach=report, employee=indirect_report, type="guidance"
    )
    ActionItem.objects.create(session=session, owner=report, title="Book the training")
    with django_capture_on_commit_callbacks(execute=True):
        offboard(django_app, hr, report)
    ivy = [n.message for n in Notification.objects.filter(recipient=indirect_report)]
    maria = [n.message for n in Notification.objects.filter(recipient=manager)]
    # Ivy has no plan: nothing waits for a confirmation.
    assert "Rob Report has left. You now report to Maria Manager; your tables go to them." in ivy
    assert not any("plan" in message for message in ivy + maria)
    assert (
        "Rob Report has left: the action item “Book the training” for Ivy Indirect is now yours."
        in maria
    )


def test_the_off_boarding_page_says_where_each_review_held_goes(
    django_app, hr, manager, report, other_manager, cycle, this_month, rob_with_orders
):
    noor = UserFactory(full_name="Noor Mover", email="noor@example.com", manager=manager)
    make_objective(cycle, employee=noor, title="Calls", weight=100, target=10)
    robs = reach(
        review_table_for(cycle=cycle, month=this_month, employee=report),
        Status.SUBMITTED,
        assessee=report,
        reviewer=manager,
    )
    noors = reach(
        review_table_for(cycle=cycle, month=this_month, employee=noor),
        Status.SUBMITTED,
        assessee=noor,
        reviewer=manager,
    )
    move(django_app, hr, noor, other_manager)  # a submitted table stays with Maria
    page = django_app.get(reverse("reviews:person_offboard", args=[manager.pk]), user=hr)
    held = [
        li.get_text(" ", strip=True) for li in page.html.select('[data-testid="reviews-held"] li')
    ]
    assert len(held) == 2
    assert any(
        line.startswith("Rob Report") and "with the report, to the new manager named here" in line
        for line in held
    )
    assert any(
        line.startswith("Noor Mover") and "to Olga Other, the reviewer in the line today" in line
        for line in held
    )
    form = form_by_testid(page, "offboard-form")
    form["confirm"] = True
    press(form, "Off-board")
    noors.refresh_from_db()
    robs.refresh_from_db()
    assert noors.reviewer == other_manager
    assert robs.reviewer is None or robs.reviewer != manager


def test_the_history_words_the_product_s_own_reasons_in_the_reader_s_language(
    django_app, hr, manager, report, cycle, this_month, rob_with_orders
):
    table = reach(
        review_table_for(cycle=cycle, month=this_month, employee=report),
        Status.SUBMITTED,
        assessee=report,
        reviewer=report.manager,
    )
    other = UserFactory(full_name="Otis Head", email="otis@example.com")
    UserFactory(full_name="Someone", manager=other)
    report.manager = other
    report.save(update_fields=["manager"])
    offboard(django_app, hr, manager)
    assert ReviewEvent.objects.filter(table=table, comment="The reviewer left the organisation.")
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    history = django_app.get(table.get_absolute_url(), user=hr).html.select_one(
        '[data-testid="history"]'
    )
    assert "审阅人已离职。" in history.get_text(" ", strip=True)


def test_a_draft_is_not_handed_over_and_the_top_reviewer_is_outside_the_line(
    django_app, hr, manager, report, cycle, this_month, rob_with_orders
):
    draft = review_table_for(cycle=cycle, month=this_month, employee=report)
    page = django_app.get(draft.get_absolute_url(), user=hr)
    assert "Hand over the review" not in page.text
    django_app.get(reverse("reviews:table_handover", args=[draft.pk]), user=hr, status=403)

    page = django_app.get(reverse("reviews:jobs"), user=hr)
    form = form_with_button(page, "Save")
    form["top_reviewer"] = report.email
    refused = press(form, "Save")
    assert errors_beside(refused, "top_reviewer") == [
        "Rob Report reports to Maria Manager, whose table the top reviewer reviews: nobody "
        "reviews someone above them. Choose someone outside the line, such as the chair of "
        "the board, or leave it empty for HR."
    ]
    assert JobSettings.current().top_reviewer is None


def test_closing_a_cycle_before_its_period_ends_says_so(django_app, hr, cycle):
    year = cycle.start_date.year
    url = reverse("reviews:cycle_close", args=[cycle.pk])
    with time_machine.travel(dt.datetime(year, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        page = django_app.get(url, user=hr)
    warning = page.html.select_one('[data-testid="period-not-over"]')
    assert "closing it now also closes the tables of months not yet over" in warning.text
    with time_machine.travel(dt.datetime(year + 1, 1, 5, 10, tzinfo=dt.UTC), tick=False):
        page = django_app.get(url, user=hr)
    assert page.html.select_one('[data-testid="period-not-over"]') is None


def test_a_former_manager_reads_their_own_period_and_no_later_one(
    django_app, hr, manager, other_manager
):
    """Maria managed Rob until he moved to Olga in March: she reads his February check-in
    on the timeline, not April's, and the objectives of that cycle, not the next."""
    year = timezone.localdate().year - 1
    this_cycle, next_cycle = make_cycle(year), make_cycle(year + 1)
    with time_machine.travel(dt.datetime(year, 1, 2, 10, tzinfo=dt.UTC), tick=False):
        report = UserFactory(full_name="Rob Mover", email="rob.m@example.com", manager=manager)
        orders = make_objective(this_cycle, employee=report, title="Orders", weight=100, target=10)
        check_in(orders, 3, on=dt.date(year, 2, 10), author=report)
    make_objective(next_cycle, employee=report, title="Orders next year", weight=100, target=10)
    with time_machine.travel(dt.datetime(year, 3, 15, 10, tzinfo=dt.UTC), tick=False):
        move(django_app, hr, report, other_manager)
    check_in(orders, 7, on=dt.date(year, 4, 10), author=report)

    timeline = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    shown = [el.get_text(" ", strip=True) for el in timeline.html.select("[data-kind=checkin]")]
    assert len(shown) == 1 and "→ 3" in shown[0], shown

    url = reverse("plans:person_objectives", args=[report.pk])
    page = django_app.get(url, {"cycle": this_cycle.pk}, user=manager)
    assert "Orders" in page.text and page.html.select_one('[data-testid="former-periods"]') is None
    page = django_app.get(url, {"cycle": next_cycle.pk}, user=manager)
    assert page.html.select_one('[data-testid="former-periods"]') is not None
    assert "Orders next year" not in page.text
    # Olga, his manager now, reads both.
    assert "Orders next year" in django_app.get(url, {"cycle": next_cycle.pk}, user=other_manager)
