"""HR closes a cycle (issue 15 §4): its open tables are withdrawn or closed unfinished,
and everything in the cycle is read-only and never reminded about afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import SentReminder
from coaching.models import ActionItem, CoachingSession, ImprovementPlan, SessionObjective
from reviews.jobs import reminders_run
from reviews.models import ReviewEvent, ReviewTable
from reviews.services import review_table_for
from tests.factories import make_cycle, make_objective
from tests.review_tables.conftest import fill_data, reach
from tests.webtest_helpers import form_with_button, ids_given_twice, messages, press

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


@pytest.fixture
def year(db):
    return make_cycle(2026)


@pytest.fixture
def tables(year, report, indirect_report, peer, manager, other_manager):
    """Rob's March table in review, Ivy's a draft, Paul's finalised."""
    found = {}
    for person in (report, indirect_report, peer):
        make_objective(year, employee=person, title=f"Orders of {person.full_name}")
        found[person.full_name] = review_table_for(
            cycle=year, month=dt.date(2026, 3, 1), employee=person
        )
    reach(found["Rob Report"], Status.IN_REVIEW, assessee=report, reviewer=manager)
    table = found["Paul Peer"]
    reach(table, Status.SUBMITTED, assessee=peer, reviewer=other_manager)
    ReviewTable.objects.filter(pk=table.pk).update(status=Status.FINALISED)
    return found


def close_page(django_app, hr, cycle):
    page = django_app.get(cycle.get_absolute_url(), user=hr)
    return page.click(description="Close the cycle…")


def tick_table(form, label: str) -> None:
    boxes = form.html.find_all("input", attrs={"type": "checkbox", "name": "tables"})
    for index, box in enumerate(boxes):
        shown = form.html.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)
        if shown == label:
            form.get("tables", index=index).checked = True
            return
    raise AssertionError(f"no table {label!r}")


def test_hr_sees_the_open_tables_withdraws_one_and_closes_the_rest_unfinished(
    django_app, hr, year, tables
):
    page = close_page(django_app, hr, year)
    listed = page.html.select_one("[data-testid=open-tables]").get_text(" ", strip=True)
    assert "Rob Report" in listed and "Ivy Indirect" in listed
    assert "Paul Peer" not in listed  # finalised: not open
    assert (
        page.html.find("a", string="Rob Report")["href"] == tables["Rob Report"].get_absolute_url()
    )

    form = form_with_button(page, "Withdraw the ticked tables")
    tick_table(form, "Withdraw Ivy Indirect · March 2026")
    form["reason"] = "Ivy left in March."
    page = press(form, "Withdraw the ticked tables").follow()
    assert messages(page) == ["1 table withdrawn."]

    form = form_with_button(page, "Close the cycle and its open tables")
    form["reason"] = "The year is over."
    shown = press(form, "Close the cycle and its open tables").follow()
    assert messages(shown) == ["The cycle is closed; 1 open table was closed unfinished."]
    year.refresh_from_db()
    assert year.state == "closed"
    statuses = dict(ReviewTable.objects.values_list("employee__full_name", "status"))
    assert statuses == {
        "Rob Report": Status.UNFINISHED,
        "Ivy Indirect": Status.WITHDRAWN,
        "Paul Peer": Status.FINALISED,
    }
    events = ReviewEvent.objects.filter(kind=ReviewEvent.Kind.TRANSITION, actor=hr)
    assert sorted(
        events.values_list("table__employee__full_name", "from_status", "to_status", "comment")
    ) == [
        ("Ivy Indirect", Status.DRAFT, Status.WITHDRAWN, "Ivy left in March."),
        ("Rob Report", Status.IN_REVIEW, Status.UNFINISHED, "The year is over."),
    ]
    assert "1 open table closed unfinished" in shown.text


def test_closing_without_a_reason_is_refused_and_closes_nothing(django_app, hr, year, tables):
    page = close_page(django_app, hr, year)
    shown = press(
        form_with_button(page, "Close the cycle and its open tables"),
        "Close the cycle and its open tables",
    )
    close_form = form_with_button(shown, "Close the cycle and its open tables")
    beside = [node.get_text(strip=True) for node in close_form.html.select(".invalid-feedback")]
    assert beside == ["This field is required."]
    year.refresh_from_db()
    assert year.state == "active"
    assert ReviewTable.objects.filter(status=Status.UNFINISHED).count() == 0


def test_a_refused_withdrawal_keeps_the_ticked_tables_and_each_id_is_given_once(
    django_app, hr, year, tables
):
    page = close_page(django_app, hr, year)
    assert ids_given_twice(page) == []
    form = form_with_button(page, "Withdraw the ticked tables")
    tick_table(form, "Withdraw Ivy Indirect · March 2026")
    refused = press(form, "Withdraw the ticked tables")  # no reason given
    assert ids_given_twice(refused) == []
    form = form_with_button(refused, "Withdraw the ticked tables")
    beside = [node.get_text(strip=True) for node in form.html.select(".invalid-feedback")]
    assert beside == ["This field is required."]
    ticked = [box["value"] for box in form.html.select("input[name=tables][checked]")]
    assert ticked == [str(tables["Ivy Indirect"].pk)]  # as the person left them
    form["reason"] = "Ivy left in March."
    done = press(form, "Withdraw the ticked tables").follow()
    assert messages(done) == ["1 table withdrawn."]
    statuses = dict(ReviewTable.objects.values_list("employee__full_name", "status"))
    assert statuses["Ivy Indirect"] == Status.WITHDRAWN
    assert statuses["Rob Report"] == Status.IN_REVIEW

    refused_close = press(
        form_with_button(done, "Close the cycle and its open tables"),
        "Close the cycle and its open tables",
    )
    assert ids_given_twice(refused_close) == []
    close_form = form_with_button(refused_close, "Close the cycle and its open tables")
    [label] = [
        node
        for node in close_form.html.find_all("label")
        if "Why is the cycle closed" in node.get_text()
    ]
    assert close_form.html.find(id=label["for"])["name"] == "reason"  # its own, not the other


@pytest.mark.parametrize(
    ("status", "banner"),
    [
        (Status.FINALISED, "This table is finalised and locked: nobody can change it."),
        (
            Status.WITHDRAWN,
            "This table was withdrawn: it is closed without a review, and nobody can change it.",
        ),
        (
            Status.UNFINISHED,
            "This table was closed unfinished when its cycle was closed: nobody can change it.",
        ),
    ],
)
def test_the_lock_banner_says_which_closed_state(django_app, report, year, tables, status, banner):
    table = tables["Rob Report"]
    ReviewTable.objects.filter(pk=table.pk).update(status=status)
    page = django_app.get(table.get_absolute_url(), user=report)
    assert page.html.select_one("[data-testid=locked]").get_text(" ", strip=True) == banner


def test_after_the_close_no_edit_path_is_open(
    client, django_app, hr, report, manager, year, tables
):
    rob = tables["Rob Report"]
    ivy = tables["Ivy Indirect"]
    # A table an older close left open: the closed cycle still locks it.
    year.state = "closed"
    year.save()
    page = django_app.get(ivy.get_absolute_url(), user=ivy.employee)
    assert "The cycle of this table is closed" in page.text
    assert not page.html.select("[data-testid=fill-form] button:not([disabled])")
    client.force_login(ivy.employee)
    response = client.post(ivy.get_absolute_url(), fill_data(ivy))
    assert response.status_code == 409
    client.force_login(manager)
    review = client.post(
        reverse("reviews:table_review", args=[rob.pk]),
        {"version": rob.version, "action": "finalise", "reviewer_summary": "x"},
    )
    assert review.status_code == 409
    ask = client.post(reverse("reviews:inquiry_new", args=[rob.pk]), {"question": "Why?"})
    assert ask.status_code == 409
    rob.refresh_from_db()
    ivy.refresh_from_db()
    assert (rob.status, ivy.status, ivy.summary, rob.inquiries.count()) == (
        Status.IN_REVIEW,
        Status.DRAFT,
        "",
        0,
    )


def test_nothing_is_reminded_about_a_closed_cycle(
    report, manager, hr, year, tables, django_capture_on_commit_callbacks
):
    objective = tables["Ivy Indirect"].rows.get().objective
    session = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=dt.date(2026, 3, 2),
        follow_up_on=dt.date(2026, 5, 12),
    )
    SessionObjective.objects.create(session=session, objective=objective)
    ActionItem.objects.create(
        session=session, title="Late step", owner=report, due_date=dt.date(2026, 5, 2)
    )
    plan = ImprovementPlan.objects.create(
        employee=report, objective=objective, measures="More calls"
    )
    followup = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=dt.date(2026, 3, 3),
        follow_up_on=dt.date(2026, 5, 12),
        improvement_plan=plan,
    )
    assert followup.pk
    year.state = "closed"  # even tables an older close left open
    year.save()
    with time_machine.travel(dt.datetime(2026, 5, 12, 9, tzinfo=dt.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_run()
    # People nobody coached are about people, not cycles: still told.
    about_the_cycle = SentReminder.objects.exclude(kind="not_coached")
    assert list(about_the_cycle.values_list("kind", flat=True)) == []


def test_sessions_and_improvement_plans_of_a_closed_cycle_are_read_only(
    client, django_app, report, manager, year, tables
):
    objective = tables["Rob Report"].rows.get().objective
    session = CoachingSession.objects.create(coach=manager, employee=report, type="guidance")
    SessionObjective.objects.create(session=session, objective=objective)
    item = ActionItem.objects.create(session=session, title="Step", owner=report)
    plan = ImprovementPlan.objects.create(employee=report, objective=objective, measures="More")
    year.state = "closed"
    year.save()
    page = django_app.get(session.get_absolute_url(), user=manager)
    assert "linked to objectives of a closed cycle: it is read-only" in page.text
    assert "Edit or expand" not in page.text
    assert django_app.get(
        reverse("coaching:session_edit", args=[session.pk]), user=manager, status=403
    )
    client.force_login(report)
    tick = client.post(reverse("coaching:action_item_toggle", args=[item.pk]), {"done": "1"})
    assert tick.status_code == 403
    page = django_app.get(plan.get_absolute_url(), user=manager)
    assert "the plan is read-only" in page.text
    assert django_app.get(
        reverse("coaching:improvement_plan_edit", args=[plan.pk]), user=manager, status=403
    )


def test_the_close_page_is_for_hr_only(django_app, manager, report, outsider, year):
    url = reverse("reviews:cycle_close", args=[year.pk])
    for person in (manager, report, outsider):
        django_app.get(url, user=person, status=403)
        django_app.post(url, {"action": "close", "reason": "x"}, user=person, status=403)
    year.refresh_from_db()
    assert year.state == "active"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "burn"},
        {"action": "withdraw", "tables": "abc", "reason": "x"},
        {"action": "withdraw", "tables": "99999999999999999999999", "reason": "x"},
        {"action": "withdraw", "tables": "", "reason": ""},
        {"action": "close", "reason": "x" * 600},
    ],
)
def test_garbage_to_the_close_page_is_never_a_server_error(client, hr, year, tables, data):
    client.force_login(hr)
    response = client.post(reverse("reviews:cycle_close", args=[year.pk]), data)
    assert response.status_code in (200, 400)
    year.refresh_from_db()
    assert year.state == "active"
    assert client.get(reverse("reviews:cycle_close", args=[10**18])).status_code == 404
    assert (
        client.get(reverse("reviews:cycle_close", args=[year.pk]) + "?page=zz").status_code == 200
    )


def test_a_table_of_another_cycle_is_not_withdrawn(client, hr, year, tables, report):
    other = make_cycle(2027)
    make_objective(other, employee=report)
    foreign = review_table_for(cycle=other, month=dt.date(2027, 1, 1), employee=report)
    client.force_login(hr)
    client.post(
        reverse("reviews:cycle_close", args=[year.pk]),
        {"action": "withdraw", "tables": foreign.pk, "reason": "x"},
    )
    foreign.refresh_from_db()
    assert foreign.status == Status.DRAFT


def test_the_close_page_asks_the_same_queries_for_many_tables(
    client, hr, year, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    def people(n):
        for _ in range(n):
            person = UserFactory()
            make_objective(year, employee=person)
            review_table_for(cycle=year, month=dt.date(2026, 3, 1), employee=person)

    client.force_login(hr)
    url = reverse("reviews:cycle_close", args=[year.pk])
    people(2)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    people(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
