"""Calibration as HR and a participant use it (issue 17 §4): forms filled as rendered."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Notification, User
from plans.models import AppraisalCycle
from reviews.models import Calibration, CycleResult, RatingAdjustment
from tests.calibration.factories import make_result
from tests.factories import make_cycle
from tests.webtest_helpers import errors_beside, form_by_testid, messages, press


def text(page, testid: str) -> str:
    """The words of the elements marked ``data-testid=testid`` on the page."""
    return " ".join(
        node.get_text(" ", strip=True) for node in page.html.select(f"[data-testid='{testid}']")
    )


def tick(form, label: str, checked: bool = True) -> None:
    """Tick the participant whose label reads ``label`` (checkboxes share one name)."""
    boxes = form.html.find_all("input", attrs={"type": "checkbox", "name": "participants"})
    for index, box in enumerate(boxes):
        text = form.html.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)
        if text == label:
            form.get("participants", index=index).checked = checked
            return
    raise AssertionError(f"No participant {label!r}")


pytestmark = pytest.mark.django_db


def page_url(cycle: AppraisalCycle) -> str:
    return reverse("reviews:calibration", args=[cycle.pk])


def test_hr_starts_a_calibration_with_a_head(
    django_app, hr, other_manager, closed_cycle, results, django_capture_on_commit_callbacks
) -> None:
    listing = django_app.get(reverse("reviews:calibration_list"), user=hr)
    start_page = listing.click(href=page_url(closed_cycle))
    form = form_by_testid(start_page, "start-form")
    tick(form, "Olga Other · Finance")
    with django_capture_on_commit_callbacks(execute=True):
        after = press(form, "Start the calibration").follow()
    assert messages(after) == ["The calibration has started."]
    calibration = Calibration.objects.get(cycle=closed_cycle)
    assert list(calibration.participants.all()) == [other_manager]
    assert calibration.started_by == hr
    assert Notification.objects.filter(recipient=other_manager).count() == 1
    assert "Olga Other" in text(after, "participants")


def test_a_cycle_still_running_is_not_calibrated(django_app, hr) -> None:
    cycle = make_cycle(2099, state="active")
    page = django_app.get(page_url(cycle), user=hr)
    assert page.html.select("[data-testid=not-ended]")
    assert not page.html.select("[data-testid=start-form]")


def test_page_shows_distribution_completion_and_outliers(django_app, hr, calibration) -> None:
    page = django_app.get(page_url(calibration.cycle), user=hr)
    departments = text(page, "by-department")
    assert "Sales" in departments and "Finance" in departments
    rob_id = calibration.cycle.results.get(employee__email="rob@example.com").employee_id
    rob = text(page, f"person-{rob_id}")
    assert "60.0 %" in rob and "High rating, low completion" in rob
    paul = text(page, "flag")
    assert "Low rating, high completion" in paul
    outliers = django_app.get(page_url(calibration.cycle) + "?outliers=1", user=hr)
    assert "2 people" in text(outliers, "people-count")
    assert "Ivy Indirect" not in text(outliers, "people")


def test_participant_adjusts_a_rating_with_a_reason(
    django_app, other_manager, calibration, results
) -> None:
    ivy = results["indirect"]
    page = django_app.get(page_url(calibration.cycle), user=other_manager)
    adjust = page.click(href=reverse("reviews:calibration_adjust", args=[ivy.pk]))
    form = form_by_testid(adjust, "adjust-form")
    form["rating"] = "Exceeds expectations"
    refused = press(form, "Adjust")
    assert errors_beside(refused, "reason") == ["This field is required."]
    form = form_by_testid(refused, "adjust-form")
    form["reason"] = "Carried the Nordic launch alone."
    after = press(form, "Adjust").follow()
    assert messages(after) == ["Ivy Indirect's rating is now Exceeds expectations."]
    ivy.refresh_from_db()
    assert ivy.final_rating == "Exceeds expectations"
    adjustment = RatingAdjustment.objects.get(result=ivy)
    assert (adjustment.actor, adjustment.from_rating, adjustment.to_rating) == (
        other_manager,
        "Meets expectations",
        "Exceeds expectations",
    )
    assert adjustment.reason == "Carried the Nordic launch alone."
    row = text(after, f"person-{ivy.employee_id}")
    assert "Meets expectations → Exceeds expectations" in row and "Nordic launch" in row


def test_stale_adjustment_is_refused(client, hr, calibration, results) -> None:
    rob = results["report"]
    url = reverse("reviews:calibration_adjust", args=[rob.pk])
    client.force_login(hr)
    data = {"rating": "Meets expectations", "reason": "Fair.", "version": rob.version}
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "rating": "Below expectations"})
    assert again.status_code == 409
    rob.refresh_from_db()
    assert rob.final_rating == "Meets expectations"
    assert rob.adjustments.count() == 1


def test_rating_off_the_scale_is_refused(client, hr, calibration, results) -> None:
    rob = results["report"]
    client.force_login(hr)
    response = client.post(
        reverse("reviews:calibration_adjust", args=[rob.pk]),
        {"rating": "Superstar", "reason": "Why not.", "version": rob.version},
    )
    assert response.status_code == 200
    rob.refresh_from_db()
    assert rob.final_rating == "" and not rob.adjustments.exists()


def test_nobody_adjusts_their_own_rating(client, other_manager, calibration) -> None:
    own = make_result(calibration.cycle, other_manager, proposed="Meets expectations")
    client.force_login(other_manager)
    response = client.post(
        reverse("reviews:calibration_adjust", args=[own.pk]),
        {"rating": "Exceeds expectations", "reason": "Me.", "version": own.version},
    )
    assert response.status_code == 404  # not even shown: nobody reads their own proposal
    own.refresh_from_db()
    assert own.final_rating == ""


def test_done_reopen_and_publish(
    django_app, client, hr, calibration, results, django_capture_on_commit_callbacks
) -> None:
    url = page_url(calibration.cycle)
    page = django_app.get(url, user=hr)
    after = press(form_by_testid(page, "done-form"), "Mark the calibration done").follow()
    assert text(after, "calibration-state") == "Done"
    rob = results["report"]
    # Nobody adjusts a done calibration: no form, and a forged post is refused.
    adjust = django_app.get(reverse("reviews:calibration_adjust", args=[rob.pk]), user=hr)
    assert not adjust.html.select("[data-testid=adjust-form]")
    client.force_login(hr)
    client.post(
        reverse("reviews:calibration_adjust", args=[rob.pk]),
        {"rating": "Meets expectations", "reason": "Late.", "version": rob.version},
    )
    rob.refresh_from_db()
    assert rob.final_rating == ""
    refused = press(form_by_testid(after, "reopen-form"), "Reopen")
    assert errors_beside(refused, "reason") == ["Say why the calibration is reopened."]
    form = form_by_testid(refused, "reopen-form")
    form["reason"] = "Finance asked to look at Paul again."
    reopened = press(form, "Reopen").follow()
    assert messages(reopened) == ["The calibration is open again."]
    history = text(reopened, "calibration-history")
    assert "Finance asked to look at Paul again." in history
    done = press(form_by_testid(reopened, "done-form"), "Mark the calibration done").follow()
    with django_capture_on_commit_callbacks(execute=True):
        published = press(form_by_testid(done, "publish-form"), "Publish the results").follow()
    assert text(published, "calibration-state") == "Published"
    assert not published.html.select("[data-testid=steps]")
    calibration.refresh_from_db()
    assert calibration.published_by == hr and calibration.published_at is not None
    assert set(CycleResult.objects.values_list("final_rating", flat=True)) == {
        "Exceeds expectations",
        "Meets expectations",
        "Below expectations",
    }
    told = Notification.objects.filter(message__contains="is published")
    assert sorted(told.values_list("recipient__email", flat=True)) == [
        "ivy@example.com",
        "paul@example.com",
        "rob@example.com",
    ]


def test_published_calibration_changes_no_more(client, hr, calibration, results) -> None:
    Calibration.objects.filter(pk=calibration.pk).update(
        done_at="2026-01-01T00:00Z", published_at="2026-01-02T00:00Z"
    )
    client.force_login(hr)
    step = reverse("reviews:calibration_step", args=[calibration.cycle_id])
    client.post(step, {"action": "reopen", "reason": "Oops.", "version": calibration.version})
    calibration.refresh_from_db()
    assert calibration.done_at is not None
    participants = reverse("reviews:calibration_participants", args=[calibration.cycle_id])
    client.post(participants, {"participants": [], "version": calibration.version})
    assert calibration.participants.count() == 1


def test_stale_step_is_refused(client, hr, calibration) -> None:
    client.force_login(hr)
    step = reverse("reviews:calibration_step", args=[calibration.cycle_id])
    response = client.post(step, {"action": "done", "version": calibration.version + 5})
    assert response.status_code == 409
    calibration.refresh_from_db()
    assert calibration.done_at is None


def test_hr_changes_participants_while_open(
    django_app, hr, manager, other_manager, calibration, django_capture_on_commit_callbacks
) -> None:
    page = django_app.get(page_url(calibration.cycle), user=hr)
    edit = page.click("Change participants")
    form = form_by_testid(edit, "participants-form")
    tick(form, "Maria Manager · Sales")
    tick(form, "Olga Other · Finance", checked=False)
    with django_capture_on_commit_callbacks(execute=True):
        after = press(form, "Save participants").follow()
    assert messages(after) == ["The participants have been saved."]
    assert list(calibration.participants.all()) == [manager]
    assert Notification.objects.filter(recipient=manager).exists()


def test_cycle_page_links_the_calibration(django_app, hr, closed_cycle) -> None:
    page = django_app.get(closed_cycle.get_absolute_url(), user=hr)
    url = page_url(closed_cycle)
    assert page.click(href=url, description="Calibration").status_code == 200


def test_completion_kept_to_one_decimal(hr, calibration, results) -> None:
    assert results["peer"].completion == Decimal("110")


def _more_people(cycle: AppraisalCycle, manager: User, count: int, rating: str) -> None:
    from tests.factories import UserFactory

    for index in range(count):
        person = UserFactory(department=manager.department, manager=manager)
        make_result(cycle, person, completion=50 + index, proposed=rating)


def test_page_query_count_is_flat(
    django_app, django_assert_max_num_queries, hr, calibration, manager, other_manager
) -> None:
    url = page_url(calibration.cycle)
    django_app.get(url, user=hr)
    with django_assert_max_num_queries(20) as small:
        django_app.get(url, user=hr)
    _more_people(calibration.cycle, manager, 5, "Exceeds expectations")
    _more_people(calibration.cycle, other_manager, 20, "Meets expectations")
    RatingAdjustment.objects.bulk_create(
        RatingAdjustment(result=result, actor=hr, to_rating="Meets expectations", reason="x")
        for result in calibration.cycle.results.all()
    )
    limit = len(small.captured_queries)
    # The org changed: the menu's figures are recomputed once.
    django_app.get(url + "?outliers=1", user=hr)
    with django_assert_max_num_queries(limit):
        page = django_app.get(url + "?outliers=1", user=hr)
    flagged = page.html.select_one("[data-testid=manager-flag]").find_parent("tr")
    assert "Maria Manager" in flagged.get_text()


def test_filters_narrow_the_people(django_app, other_manager, calibration) -> None:
    page = django_app.get(page_url(calibration.cycle), user=other_manager)
    form = form_by_testid(page, "people-filters")
    form["department"].select(text="Finance")
    finance = form.submit()
    assert "1 person" in text(finance, "people-count")
    assert "Paul Peer" in text(finance, "people")
    form = form_by_testid(finance, "people-filters")
    assert form["department"].value == str(other_manager.department_id)
    form["department"].select(text="All")
    form["manager"].select(text="Rob Report")
    by_rob = form.submit()
    assert "Ivy Indirect" in text(by_rob, "people") and "1 person" in text(by_rob, "people-count")


def test_a_filter_matching_nobody_says_so(django_app, hr, calibration) -> None:
    finance = django_app.get(page_url(calibration.cycle), user=hr)
    form = form_by_testid(finance, "people-filters")
    form["department"].select(text="Finance")
    form["manager"].select(text="Rob Report")
    page = form.submit()
    assert "0 people" in text(page, "people-count")
    assert text(page, "people").endswith("Nobody matches these filters.")


def test_a_bad_filter_is_said_beside_it(django_app, hr, calibration) -> None:
    page = django_app.get(page_url(calibration.cycle) + "?manager=999999", user=hr)
    assert errors_beside(page, "manager")
    assert "3 people" in text(page, "people-count")


def test_the_calibration_is_not_done_while_someone_has_no_rating(
    django_app, hr, ivy_unrated_calibration
) -> None:
    """Publishing would otherwise ask a person to acknowledge a result without a rating."""
    calibration, ivy = ivy_unrated_calibration
    page = django_app.get(page_url(calibration.cycle), user=hr)
    refused = press(form_by_testid(page, "done-form"), "Mark the calibration done")
    assert "1 person has no rating yet" in refused.text
    calibration.refresh_from_db()
    assert calibration.done_at is None
    # HR gives the missing rating in the calibration, with a reason; then it is done.
    adjust = django_app.get(reverse("reviews:calibration_adjust", args=[ivy.pk]), user=hr)
    form = form_by_testid(adjust, "adjust-form")
    form["rating"] = "Meets expectations"
    form["reason"] = "Her manager left before proposing; agreed in the session."
    form.submit()
    page = django_app.get(page_url(calibration.cycle), user=hr)
    done = press(form_by_testid(page, "done-form"), "Mark the calibration done").follow()
    assert text(done, "calibration-state") == "Done"


@pytest.fixture
def ivy_unrated_calibration(calibration, results):
    ivy = results["indirect"]
    CycleResult.objects.filter(pk=ivy.pk).update(proposed_rating="", final_rating="")
    return calibration, ivy
