"""The organisation-wide lists and the reporting chain kept between requests
(accounts/table_memo.py ``memo_page`` and ``all_report_ids``, issue 21 §3): asked again,
a list is not sorted again; after a change anyone makes that it shows — a move by HR,
a check-in, a coaching session, a submitted table — each person it concerns sees it on
their next request.

Committed (``transaction=True``): what is computed in a transaction holding
uncommitted writes is never kept. The page cache is off, so what is tested is the kept
list and chain, not the kept page (tests/accounts/test_page_cache.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import selectors
from accounts.models import User
from coaching.models import CoachingSession
from reviews.models import ReviewTable
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_objective
from tests.lifecycle.test_moves_and_leaving import move_through_the_page
from tests.review_tables.test_workflow import fill_completely

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_off")]


@pytest.fixture
def walks(monkeypatch) -> list[int]:
    """Counts each walk of a reporting chain (not found kept)."""
    counted: list[int] = []
    original = selectors.all_reports_sql

    def counting() -> str:
        counted.append(1)
        return original()

    monkeypatch.setattr(selectors, "all_reports_sql", counting)
    return counted


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def _names(page, testid: str) -> str:
    return " ".join(page.html.select_one(f'[data-testid="{testid}"]').get_text(" ").split())


def test_the_team_asked_again_walks_the_chain_once_and_shows_a_move_at_once(
    django_app, hr, manager, other_manager, report, indirect_report, cycle, walks
):
    for person in (report, indirect_report):
        make_objective(cycle, employee=person, title="Orders won")
    url = reverse("plans:team") + "?indirect=1"
    first = django_app.get(url, user=manager)
    again = django_app.get(url, user=manager)
    assert "Ivy Indirect" in _names(again, "team") == _names(first, "team")
    walked = len(walks)
    assert walked >= 1
    django_app.get(url, user=manager)
    assert len(walks) == walked  # kept: not walked again

    moved = move_through_the_page(
        django_app, hr, indirect_report, manager_email=other_manager.email
    )
    assert moved.status_code == 302

    assert "Ivy Indirect" not in _names(django_app.get(url, user=manager), "team")
    theirs = django_app.get(url, user=other_manager)
    assert "Ivy Indirect" in _names(theirs, "team")


def test_a_new_person_under_a_report_joins_the_managers_lists(django_app, manager, report, cycle):
    url = reverse("plans:team") + "?indirect=1"
    django_app.get(url, user=manager)
    newcomer = UserFactory(full_name="Nina Newcomer", manager=report, department=report.department)
    make_objective(cycle, employee=newcomer, title="Learn the ropes")
    assert "Nina Newcomer" in _names(django_app.get(url, user=manager), "team")
    overview = django_app.get(reverse("coaching:overview") + "?indirect=1", user=manager)
    assert "Nina Newcomer" in overview.text


def test_a_session_logged_shows_on_the_coaching_overview_at_once(
    django_app, manager, report, cycle
):
    url = reverse("coaching:overview")
    django_app.get(url, user=manager)
    before = _names(django_app.get(url, user=manager), "overview")
    assert "Rob Report" in before and "never" in before
    today = timezone.localdate()
    CoachingSession.objects.create(
        coach=manager,
        line_manager=manager,
        employee=report,
        held_on=today,
        type="encouragement",
        note="Well done on the Acme renewal.",
    )
    after = _names(django_app.get(url, user=manager), "overview")
    assert "never" not in after and "Encouragement & promotion" in after


def test_a_table_submitted_through_its_page_joins_the_managers_to_review_list(
    django_app, manager, report, cycle
):
    make_objective(cycle, employee=report, title="Orders won", weight=100, target=120)
    month = timezone.localdate().replace(day=1)
    table = review_table_for(cycle=cycle, month=month, employee=report)
    url = reverse("reviews:to_review")
    for _ in range(2):
        waiting = django_app.get(url, user=manager)
    assert "Rob Report" not in waiting.text

    page = django_app.get(table.get_absolute_url(), user=report)
    saved = fill_completely(page, table).submit().follow()
    saved.forms["fill-form"].submit("then_submit").follow()
    assert ReviewTable.objects.get(pk=table.pk).status == ReviewTable.Status.SUBMITTED

    assert "Rob Report" in django_app.get(url, user=manager).text


def test_someone_who_left_drops_out_of_the_kept_lists(django_app, manager, report, cycle):
    make_objective(cycle, employee=report, title="Orders won")
    url = reverse("plans:team")
    assert "Rob Report" in _names(django_app.get(url, user=manager), "team")
    User.objects.filter(pk=report.pk).update(is_active=False)
    assert "Rob Report" not in django_app.get(url, user=manager).text
