"""The result page as people use it (issue 17 §3): the manager proposes from the page,
the person reads it, and acknowledges once HR published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from coaching.facts import PerformanceFact
from coaching.models import CoachingSession
from reviews.models import CycleResult, RatingAdjustment, ReviewTable
from reviews.results import result_propose, results_published_notify
from tests.factories import make_cycle, make_objective
from tests.results.conftest import publish
from tests.webtest_helpers import choose, errors_beside, form_by_testid, messages, press

pytestmark = pytest.mark.django_db


def text_of(page, testid: str) -> str:
    node = page.html.select_one(f"[data-testid={testid}]")
    assert node is not None, f"no {testid} on the page"
    return " ".join(node.get_text(" ", strip=True).split())


def test_the_page_shows_completion_tables_facts_and_coaching(
    django_app, manager, report, last_year, rob_result
):
    year = last_year.start_date.year
    ReviewTable.objects.create(
        cycle=last_year,
        employee=report,
        month=dt.date(year, 3, 1),
        deadline=dt.date(year, 4, 5),
        status="finalised",
        rating="Meets expectations",
        finalised_at=dt.datetime(year, 4, 5, 9, tzinfo=dt.UTC),
    )
    PerformanceFact.objects.create(
        employee=report,
        author=manager,
        observed_on=dt.date(last_year.start_date.year, 5, 2),
        kind="positive",
        observed="Won Acme.",
    )
    PerformanceFact.objects.create(
        employee=report,
        author=manager,
        observed_on=dt.date(last_year.start_date.year, 5, 3),
        kind="positive",
        observed="Kept quiet.",
        private=True,
    )
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        duration_minutes=20,
        held_on=dt.date(last_year.start_date.year, 6, 1),
    )

    page = django_app.get(rob_result.get_absolute_url(), user=report)

    assert text_of(page, "completion") == "50.0 %"
    assert "Orders won" in text_of(page, "breakdown")
    assert "1 of 1 table finalised on time" in text_of(page, "on-time")
    assert "Meets expectations" in text_of(page, "monthly-ratings")
    facts = text_of(page, "result-facts")
    assert "Won Acme." in facts and "Kept quiet." not in facts  # private: not for the person
    assert "Directional guidance: 1" in text_of(page, "sessions-by-type")
    as_manager = django_app.get(rob_result.get_absolute_url(), user=manager)
    assert "Kept quiet." in text_of(as_manager, "result-facts")


def test_the_manager_proposes_a_rating_from_the_page(django_app, manager, rob_result):
    page = django_app.get(rob_result.get_absolute_url(), user=manager)
    form = form_by_testid(page, "propose-form")
    choose(form, "rating", "Exceeds expectations")
    form["comment"] = "Half the orders, but two key accounts opened."

    page = press(form, "Save the proposal").follow()

    assert messages(page) == ["Your proposal is saved."]
    assert "Exceeds expectations" in text_of(page, "proposed-rating")
    rob_result.refresh_from_db()
    assert (rob_result.proposed_rating, rob_result.final_rating) == ("Exceeds expectations",) * 2
    assert rob_result.proposed_by == manager


def test_a_proposal_without_a_rating_is_refused_beside_the_field(django_app, manager, rob_result):
    form = form_by_testid(
        django_app.get(rob_result.get_absolute_url(), user=manager), "propose-form"
    )
    page = press(form, "Save the proposal", status=400)
    assert errors_beside(page, "rating")
    assert not CycleResult.objects.get(pk=rob_result.pk).proposed_at


def test_a_stale_proposal_is_refused(django_app, manager, rob_result):
    form = form_by_testid(
        django_app.get(rob_result.get_absolute_url(), user=manager), "propose-form"
    )
    result_propose(
        actor=manager,
        result_id=rob_result.pk,
        rating="Meets expectations",
        comment="first",
        version=rob_result.version,
    )
    choose(form, "rating", "Below expectations")
    page = press(form, "Save the proposal", status=409)
    assert "Someone saved this" in " ".join(messages(page))
    assert CycleResult.objects.get(pk=rob_result.pk).proposed_rating == "Meets expectations"


def test_an_adjusted_rating_is_shown_to_the_manager_and_closes_the_proposal(
    django_app, manager, hr, report, rob_result
):
    """The proposal, the final rating and the adjustment's "from → to" tell one story:
    once the calibration adjusted the rating, the manager reads who changed it and why,
    and proposes no more (issue 17 §4)."""
    form = form_by_testid(
        django_app.get(rob_result.get_absolute_url(), user=manager), "propose-form"
    )
    choose(form, "rating", "Meets expectations")
    press(form, "Save the proposal")
    RatingAdjustment.objects.create(
        result=rob_result,
        actor=hr,
        from_rating="Meets expectations",
        to_rating="Below expectations",
        reason="Orders were late all year.",
    )
    CycleResult.objects.filter(pk=rob_result.pk).update(final_rating="Below expectations")

    page = django_app.get(rob_result.get_absolute_url(), user=manager)

    adjusted = text_of(page, "adjustments")
    assert "Hana" in adjusted and "Orders were late all year." in adjusted
    assert not page.html.select("[data-testid=propose-form]")
    rob_result.refresh_from_db()
    with pytest.raises(ValidationError):
        result_propose(
            actor=manager,
            result_id=rob_result.pk,
            rating="Exceeds expectations",
            comment="",
            version=rob_result.version,
        )
    rob_result.refresh_from_db()
    assert (rob_result.proposed_rating, rob_result.final_rating) == (
        "Meets expectations",
        "Below expectations",
    )
    # The person never reads how the calibration changed it.
    assert "adjustments" not in django_app.get(rob_result.get_absolute_url(), user=report).text


def test_no_proposal_once_the_calibration_is_done(django_app, manager, rob_result, last_year):
    from django.utils import timezone

    from reviews.models import Calibration

    page = django_app.get(rob_result.get_absolute_url(), user=manager)
    form = form_by_testid(page, "propose-form")
    Calibration.objects.create(cycle=last_year, done_at=timezone.now())
    choose(form, "rating", "Meets expectations")
    page = press(form, "Save the proposal", status=400)
    assert "calibration of this cycle is done" in page.text
    assert not form_by_testid_or_none(django_app.get(rob_result.get_absolute_url(), user=manager))
    client = Client()
    client.force_login(manager)
    response = client.post(
        reverse("reviews:result_propose", args=[rob_result.pk]),
        {"rating": "Meets expectations", "version": rob_result.version},
    )
    assert response.status_code == 400
    assert not CycleResult.objects.get(pk=rob_result.pk).proposed_at


def form_by_testid_or_none(page):
    return [f for f in page.forms.values() if f.html.form.get("data-testid") == "propose-form"]


def test_the_person_sees_the_final_rating_once_published_and_acknowledges(
    django_app, manager, report, rob_result, last_year
):
    result_propose(
        actor=manager,
        result_id=rob_result.pk,
        rating="Exceeds expectations",
        comment="Private reasoning",
        version=rob_result.version,
    )
    page = django_app.get(rob_result.get_absolute_url(), user=report)
    assert "Exceeds" not in page.text and "Private reasoning" not in page.text
    assert page.html.select("[data-testid=rating-not-published]")
    assert not form_by_testid_or_none(page) and "acknowledge-form" not in page.text

    publish(last_year)
    assert results_published_notify(cycle=last_year) >= 1
    assert results_published_notify(cycle=last_year) == 0  # once
    note = Notification.objects.get(recipient=report)
    assert note.url == rob_result.get_absolute_url()
    home = django_app.get(reverse("home"), user=report)
    assert home.html.select("[data-testid=home-my-result]")

    page = django_app.get(rob_result.get_absolute_url(), user=report)
    assert "Exceeds expectations" in text_of(page, "final-rating")
    assert "Private reasoning" not in page.text
    form = form_by_testid(page, "acknowledge-form")
    form["comment"] = "Fair. I will grow the orders."
    page = press(form, "Acknowledge").follow()

    assert messages(page) == ["You acknowledged your result."]
    assert "Fair. I will grow the orders." in text_of(page, "person-comment")
    assert "acknowledge-form" not in page.text
    rob_result.refresh_from_db()
    assert (
        rob_result.acknowledged_at and rob_result.person_comment == "Fair. I will grow the orders."
    )


def test_acknowledging_twice_is_refused(report, rob_result, last_year):
    publish(last_year)
    client = Client()
    client.force_login(report)
    url = reverse("reviews:result_acknowledge", args=[rob_result.pk])
    assert client.post(url, {"comment": "one", "version": rob_result.version}).status_code == 302
    assert (
        client.post(url, {"comment": "two", "version": rob_result.version + 1}).status_code == 400
    )
    assert CycleResult.objects.get(pk=rob_result.pk).person_comment == "one"


def test_hr_prepares_the_results_from_the_list(django_app, hr, last_year, results):
    page = django_app.get(reverse("reviews:result_list") + f"?cycle={last_year.pk}", user=hr)
    assert len(page.html.select("[data-testid=result-row]")) == len(results)
    page = press(form_by_testid(page, "prepare-form"), "Prepare the results now").follow()
    assert messages(page) == ["Results prepared: 0 new, 0 with changed figures."]


def test_the_cycle_page_links_hr_to_the_results(django_app, hr, last_year):
    page = django_app.get(last_year.get_absolute_url(), user=hr)
    links = [a["href"] for a in page.html.select("a") if a.get_text(strip=True) == "Results"]
    assert f"/reviews/results/?cycle={last_year.pk}" in links


def test_the_page_shows_the_year_s_coaching_trajectory(django_app, manager, report, rob_result):
    """Issue 17 §3 and §5: how the year of coaching led to the result, month by month."""
    year = rob_result.cycle.start_date.year
    for month, kind in [(2, "instruction"), (5, "guidance"), (9, "encouragement")]:
        CoachingSession.objects.create(
            coach=manager,
            employee=report,
            type=kind,
            duration_minutes=15,
            held_on=dt.date(year, month, 10),
        )

    page = django_app.get(rob_result.get_absolute_url(), user=manager)

    table = page.html.select_one("[data-testid=trajectory-table]")
    assert table is not None
    months = {row["data-month"]: row for row in table.select("tbody tr[data-month]")}
    assert f"{year}-01" in months and f"{year}-12" in months  # the whole cycle
    assert [td.text for td in months[f"{year}-02"].select("td")][:3] == ["1", "0", "0"]
    assert [td.text for td in months[f"{year}-09"].select("td")][:3] == ["0", "0", "1"]
    reading = page.html.select_one("[data-testid=trajectory-reading]")
    assert reading["data-reading"] == "growing"
    pdf_html = django_app.get(reverse("reviews:result_print", args=[rob_result.pk]), user=manager)
    assert pdf_html.html.select_one("[data-testid=trajectory-table]") is not None


def test_hr_prepares_a_cycle_closed_before_its_end_from_its_results_page(django_app, hr, report):
    """A cycle HR closed early has ended: its Results link leads to a page that prepares it."""
    cycle = make_cycle(timezone.localdate().year + 1, state="closed")
    make_objective(cycle, employee=report, title="Next year's orders", weight=100)
    page = django_app.get(reverse("plans:cycle_detail", args=[cycle.pk]), user=hr)
    results = page.click(href=r"/reviews/results/\?cycle=")
    assert not results.html.select(".invalid-feedback, .errorlist")
    press(form_by_testid(results, "prepare-form"), "Prepare the results now").follow()
    assert CycleResult.objects.filter(cycle=cycle, employee=report).exists()


def test_the_person_finds_their_results_in_the_list(django_app, peer, results, last_year):
    """An employee answers for nobody's results: the list is theirs, once published."""
    paul_result = results[(peer.pk, "e")]
    before = django_app.get(reverse("reviews:result_list"), user=peer)
    assert before.html.select_one("[data-testid=no-results]") is not None
    assert not before.html.select("[data-testid=result-filters]")
    publish(last_year)
    page = django_app.get("/", user=peer).click(description="Results of the cycles")
    own = page.html.select_one("[data-testid=own-results]")
    assert own.a["href"] == paul_result.get_absolute_url()
