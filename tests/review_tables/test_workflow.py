"""A month's review from draft to locked, with questions, history and notices."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Notification
from reviews.models import Inquiry, ReviewEvent, ReviewTable
from tests.review_tables.conftest import fill_data, reach

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


def post_fill(client, table, **overrides):
    return client.post(
        reverse("reviews:table_detail", args=[table.pk]), fill_data(table, **overrides)
    )


def transition(client, table, action, **data):
    return client.post(
        reverse("reviews:table_transition", args=[table.pk]), {"action": action, **data}
    )


def test_the_assessee_fills_and_submits_and_the_reviewer_is_told(
    client, table, report, manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(report)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_fill(
            client,
            table,
            **{
                "row-0-gap_reason": "Holidays.",
                "row-1-actual": "70",
                "row-1-gap_reason": "New tool.",
            },
            then_submit="1",
        )
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED and table.submitted_at
    assert table.work_items.get().title == "Visit three key accounts"
    event = ReviewEvent.objects.get(kind="transition")
    assert (event.actor, event.from_status, event.to_status) == (report, "draft", "submitted")
    notice = Notification.objects.get(recipient=manager)
    assert "Rob Report submitted the review table" in notice.message


def test_submitting_with_parts_missing_says_what_next_to_each_field(client, table, report):
    client.force_login(report)
    data = fill_data(
        table,
        summary="",
        **{"row-1-actual": "", "work-0-title": "", "work-0-target": "", "work-0-due_date": ""},
    )
    data["row-0-actual"] = "10"  # below the plan of 30, and no reason given
    response = client.post(
        reverse("reviews:table_detail", args=[table.pk]), {**data, "then_submit": "1"}
    )
    body = response.content.decode()
    assert "The actual is below the plan: say why." in body
    assert "Enter the actual value." in body
    assert "Summarise the month" in body
    assert "Plan at least one piece of work for next month." in body
    table.refresh_from_db()
    assert table.status == Status.DRAFT


def test_return_for_revision_needs_a_comment(client, table, report, manager):
    reach(table, Status.SUBMITTED, assessee=report, reviewer=manager)
    client.force_login(manager)
    refused = transition(client, table, "return", comment="")
    assert "Say what needs revising." in refused.content.decode()
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED
    transition(client, table, "return", comment="Explain the quality gap.")
    table.refresh_from_db()
    assert table.status == Status.RETURNED
    assert ReviewEvent.objects.filter(to_status="returned", comment="Explain the quality gap.")


def test_finalising_with_open_questions_asks_for_confirmation(client, table, report, manager):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    Inquiry.objects.create(table=table, asked_by=manager, question="Why?")
    ReviewTable.objects.filter(pk=table.pk).update(reviewer_summary="Fine.")
    client.force_login(manager)
    first = transition(client, table, "finalise")
    assert "still unanswered" in first.content.decode()
    table.refresh_from_db()
    assert table.status == Status.IN_REVIEW
    transition(client, table, "finalise", confirm="on")
    table.refresh_from_db()
    assert table.status == Status.FINALISED and table.finalised_at


def test_finalising_needs_the_reviewers_summary(client, table, report, manager):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    client.force_login(manager)
    response = transition(client, table, "finalise")
    assert "Write the summary of completion" in response.content.decode()


def test_a_stale_form_is_refused_and_the_users_input_stays(client, table, report):
    client.force_login(report)
    stale = fill_data(table, summary="Second person's words")
    first = post_fill(client, table, summary="First person's summary")
    assert first.status_code == 302
    second = client.post(reverse("reviews:table_detail", args=[table.pk]), stale)
    body = second.content.decode()
    assert second.status_code == 409
    assert "Someone else saved this table" in body
    assert "Second person&#x27;s words" in body
    table.refresh_from_db()
    assert table.summary == "First person's summary" and table.version == 2


def test_changes_after_submission_are_kept_with_old_and_new(client, table, report, manager, hr):
    reach(table, Status.RETURNED, assessee=report, reviewer=manager)
    table.refresh_from_db()
    client.force_login(report)
    post_fill(client, table, summary="Revised summary.")
    change = ReviewEvent.objects.get(kind="change")
    assert change.actor == report and change.changes["Summary"] == ["Done.", "Revised summary."]
    for reader in (manager, hr):
        client.force_login(reader)
        page = client.get(reverse("reviews:table_detail", args=[table.pk])).content.decode()
        assert "Done. → Revised summary." in page


def test_the_reviewers_part_is_saved_and_recorded(client, table, report, manager):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    table.refresh_from_db()
    client.force_login(manager)
    client.post(
        reverse("reviews:table_review", args=[table.pk]),
        {
            "version": table.version,
            "reviewer_summary": "On plan.",
            "suggestions": "Book demos earlier.",
            "expectations": "Two new accounts.",
            "rating": "Meets expectations",
        },
    )
    table.refresh_from_db()
    assert (table.reviewer_summary, table.rating) == ("On plan.", "Meets expectations")
    assert ReviewEvent.objects.filter(kind="change", actor=manager).exists()


def test_a_rating_outside_the_cycles_scale_is_refused(client, table, report, manager, cycle):
    cycle.rating_scale = ["C", "B", "A"]
    cycle.save()
    reach(table, Status.SUBMITTED, assessee=report, reviewer=manager)
    table.refresh_from_db()
    client.force_login(manager)
    response = client.post(
        reverse("reviews:table_review", args=[table.pk]),
        {"version": table.version, "rating": "Meets expectations"},
    )
    assert "Select a valid choice" in response.content.decode()
    table.refresh_from_db()
    assert table.rating == ""


def test_questions_and_answers_with_htmx_return_the_questions_only(client, table, report, manager):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    client.force_login(manager)
    asked = client.post(
        reverse("reviews:inquiry_new", args=[table.pk]),
        {"question": "Which account slipped?"},
        HTTP_HX_REQUEST="true",
    )
    body = asked.content.decode()
    assert 'id="inquiries"' in body and "<nav" not in body and "Which account slipped?" in body
    inquiry = Inquiry.objects.get()
    client.force_login(report)
    answered = client.post(
        reverse("reviews:inquiry_answer", args=[inquiry.pk]), {"answer": "Lakeside."}
    )
    assert answered.status_code == 302 and answered.url == table.get_absolute_url()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"row-0-actual": "plenty"}, "Enter a number"),
        ({"row-1-actual": "140"}, "A percentage is at most 100."),
        ({"work-0-due_date": "1999-01-10"}, "this is next month"),
        ({"summary": "x" * 4001}, "at most 4000 characters"),
        ({"work-0-title": "", "work-0-target": "3"}, "Name the work item."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    client, table, report, overrides, message
):
    client.force_login(report)
    response = post_fill(client, table, **overrides)
    assert message in response.content.decode()
    table.refresh_from_db()
    assert table.version == 1 and table.summary == "" and not table.work_items.exists()
    assert table.rows.get(title="Orders won").actual == 25


def test_a_milestone_actual_is_done_or_not(client, cycle, month, report):
    from reviews.services import review_table_for
    from tests.factories import make_objective

    make_objective(
        cycle, employee=report, title="Launch", measure="milestone", target=None, unit=""
    )
    table = review_table_for(cycle=cycle, month=month, employee=report)
    client.force_login(report)
    response = post_fill(client, table, **{"row-0-actual": "37"})
    assert "A milestone is 1 (done) or 0 (not done)." in response.content.decode()
