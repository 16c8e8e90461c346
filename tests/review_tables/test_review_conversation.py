"""The month's review conversation (issue 16 §2): the reviewer holds it from the table,
as a mid-term review session starting from the table's rows and gaps; the table says
it was held."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import CoachingSession
from reviews.models import ReviewConversation, ReviewTable
from reviews.services import review_table_for
from reviews.workflow import review_table_transition
from tests.factories import make_objective
from tests.review_tables.conftest import reach
from tests.webtest_helpers import form_by_testid, form_with_button, messages, press

pytestmark = pytest.mark.django_db

Status = ReviewTable.Status


@pytest.fixture
def in_review(table, report, manager):
    table.rows.filter(title="Quality score").update(gap_reason="Two returns from Acme.")
    return reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)


def conversation_url(table):
    return reverse("reviews:table_conversation", args=[table.pk])


def test_the_reviewer_holds_the_review_conversation_from_the_table(
    django_app, manager, report, in_review
):
    page = django_app.get(in_review.get_absolute_url(), user=manager)
    page = page.click("Hold the review conversation")
    form = form_with_button(page, "Save session")
    assert form["occasion"].value == CoachingSession.Occasion.MIDTERM
    note = form["note"].value
    assert "Orders won: planned" in note and "own reasons: Two returns from Acme." in note
    ticked = [
        name
        for name, field in form.field_order
        if name and name.endswith("-linked") and field.checked
    ]
    assert len(ticked) == 2  # both objectives of the table's rows
    session_page = press(form, "Save session").follow()
    assert messages(session_page) == ["The review conversation has been saved."]
    session = CoachingSession.objects.get()
    assert session.employee == report and session.occasion == "midterm"
    # The session leads back to its table, for both of them.
    back = session_page.html.select_one("[data-testid=records] a")
    assert back["href"] == in_review.get_absolute_url()
    assert "The review conversation of Rob Report" in back.text
    assert ReviewConversation.objects.get().table == in_review

    table_page = django_app.get(in_review.get_absolute_url(), user=manager)
    held = table_page.html.select_one("[data-testid=review-conversation]")
    assert "Review conversation held on" in held.text and "Maria Manager" in held.text
    assert held.a["href"] == session.get_absolute_url()
    assert "Hold the review conversation" not in table_page.text
    # The assessee sees that it was held, and reads the session.
    assessee_page = django_app.get(in_review.get_absolute_url(), user=report)
    assert "Review conversation held on" in assessee_page.text
    assessee_page.click(href=session.get_absolute_url())


def test_a_second_conversation_goes_to_the_first(django_app, manager, in_review):
    press(
        form_with_button(django_app.get(conversation_url(in_review), user=manager), "Save session"),
        "Save session",
    ).follow()
    again = django_app.get(conversation_url(in_review), user=manager).follow()
    assert messages(again) == ["The review conversation of this table was already held."]
    assert CoachingSession.objects.count() == 1


def test_no_conversation_on_a_draft(django_app, manager, table):
    page = django_app.get(table.get_absolute_url(), user=manager)
    assert "Hold the review conversation" not in page.text
    django_app.get(conversation_url(table), user=manager, status=403)


@pytest.mark.parametrize("who", ["report", "peer", "outsider", "hr", "indirect_report"])
def test_the_wrong_people_hold_no_conversation(django_app, request, in_review, who):
    person = request.getfixturevalue(who)
    page = django_app.get(in_review.get_absolute_url(), user=person, expect_errors=True)
    assert "Hold the review conversation" not in page.text
    url = conversation_url(in_review)
    assert django_app.get(url, user=person, expect_errors=True).status_code in (403, 404)
    # An attack: a hand-built POST of a session.
    answer = django_app.post(
        url, {"type": "guidance", "note": "x"}, user=person, expect_errors=True
    )
    assert answer.status_code in (403, 404)
    assert not CoachingSession.objects.exists()


def test_anonymous_is_sent_to_sign_in(django_app, in_review):
    assert "login" in django_app.get(conversation_url(in_review), status=302).location


def test_the_dashboard_counts_tables_finalised_without_a_conversation(
    django_app, hr, manager, report, indirect_report, cycle, month, in_review
):
    press(
        form_with_button(django_app.get(conversation_url(in_review), user=manager), "Save session"),
        "Save session",
    )
    ReviewTable.objects.filter(pk=in_review.pk).update(reviewer_summary="Good.")
    in_review.refresh_from_db()
    review_table_transition(actor=manager, table=in_review, action="finalise")
    make_objective(cycle, employee=indirect_report, title="Calls made")
    other = review_table_for(cycle=cycle, month=month, employee=indirect_report)
    reach(other, Status.FINALISED, assessee=indirect_report, reviewer=report)
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    filters = form_by_testid(page, "dashboard-filters")
    filters["month"] = month.strftime("%Y-%m")
    shown = press(filters, "Show")
    cells = [cell.text for cell in shown.html.select("[data-testid=no-conversation]")]
    assert cells == ["1"]  # Ivy's table, finalised with no conversation; Rob's had one


def test_two_forms_open_at_once_save_one_conversation(django_app, manager, in_review):
    """Two tabs (or a double click) on the same table: the second save goes to the first
    session, with a message, and writes no second one."""
    first = form_with_button(
        django_app.get(conversation_url(in_review), user=manager), "Save session"
    )
    second = form_with_button(
        django_app.get(conversation_url(in_review), user=manager), "Save session"
    )
    saved = press(first, "Save session").follow()
    after = press(second, "Save session").follow()
    assert messages(after) == ["The review conversation of this table was already held."]
    assert after.request.path == saved.request.path
    assert CoachingSession.objects.count() == 1


def test_the_months_reviewer_holds_it_after_the_person_moved_on(
    django_app, manager, report, other_manager, in_review
):
    """Found by a new user's trial: after a move, neither the month's reviewer nor the
    new manager could hold the conversation, and the table could only be finalised
    without one."""
    assert in_review.reviewer_id == manager.pk
    report.manager = other_manager
    report.save(update_fields=["manager"])
    page = django_app.get(in_review.get_absolute_url(), user=manager)
    form = form_with_button(page.click("Hold the review conversation"), "Save session")
    assert messages(press(form, "Save session").follow()) == [
        "The review conversation has been saved."
    ]
    assert ReviewConversation.objects.get().held_by == manager
