"""Issue 16 §6: the other departments question a department's table and put forward
suggestions for improvement; the assessee answers; the reviewer sees them grouped.

Every form is the one the page rendered, filled as a person would; the hand-built
POSTs below are attacks (someone the page offers no form to).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Notification
from reviews.models import Inquiry, JobSettings, ReviewTable
from tests.factories import DepartmentFactory, UserFactory
from tests.review_tables.conftest import reach, text
from tests.webtest_helpers import choose, form_with_button, messages, press

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


@pytest.fixture
def in_review(sales_table, manager, hr):
    """Sales' table in review; with nobody above Sales, HR reviews it."""
    return reach(sales_table, Status.IN_REVIEW, assessee=manager, reviewer=hr)


def _send(app, table, user, *, kind: str, text_: str):
    page = app.get(table.get_absolute_url(), user=user)
    form = page.forms["inquiry-form"]
    choose(form, "kind", kind)
    form["question"] = text_
    return press(form, "Send").follow()


def test_a_member_of_another_department_puts_forward_a_suggestion_the_head_answers_it(
    django_app, in_review, peer, manager, hr, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        after = _send(
            django_app,
            in_review,
            peer,
            kind="Suggestion for improvement",
            text_="Share the lapsed-customer list with Finance each week.",
        )
    assert messages(after) == ["Your suggestion has been sent."]
    suggestion = Inquiry.objects.get()
    assert suggestion.kind == Inquiry.Kind.SUGGESTION and suggestion.asked_by == peer
    told = Notification.objects.get(recipient=manager)
    assert "Paul Peer put forward a suggestion for improvement" in told.message

    page = django_app.get(in_review.get_absolute_url(), user=manager)
    assert "Suggestion" in text(page, '[data-testid="suggestion-badge"]')
    answer = page.forms[f"answer-form-{suggestion.pk}"]
    answer["answer"] = "Agreed: from next Monday."
    press(answer, "Answer").follow()

    reviewer_page = django_app.get(in_review.get_absolute_url(), user=hr)
    grouped = text(reviewer_page, '[data-testid="department-suggestions"]')
    assert "1 suggestion for improvement from other departments" in grouped
    assert "Share the lapsed-customer list with Finance each week." in grouped
    assert "Paul Peer · Finance" in grouped
    assert "Agreed: from next Monday." in grouped


def test_a_question_is_not_listed_among_the_suggestions(django_app, in_review, peer, hr):
    _send(django_app, in_review, peer, kind="Question", text_="Which customers lapsed?")
    assert Inquiry.objects.get().kind == Inquiry.Kind.QUESTION
    page = django_app.get(in_review.get_absolute_url(), user=hr)
    assert "Which customers lapsed?" in text(page, '[data-testid="inquiries"]')
    assert not page.html.select('[data-testid="department-suggestions"]')


def test_the_departments_own_people_are_not_other_departments(django_app, in_review, report):
    """Rob works in Sales: he reads his department's table but does not question it."""
    page = django_app.get(in_review.get_absolute_url(), user=report)
    assert "inquiry-form" not in page.forms
    refused = django_app.post(
        reverse("reviews:inquiry_new", args=[in_review.pk]),
        {"question": "Mine?", "kind": "suggestion"},
        user=report,
        expect_errors=True,
    )
    assert refused.status_code == 403
    assert not Inquiry.objects.exists()


def test_someone_in_a_department_below_the_assessed_one_may_not_ask(django_app, in_review, sales):
    inside = UserFactory(full_name="Ines Inside", department=DepartmentFactory(parent=sales))
    page = django_app.get(in_review.get_absolute_url(), user=inside)
    assert "inquiry-form" not in page.forms


def test_someone_in_no_department_reads_but_does_not_ask(django_app, in_review, outsider):
    page = django_app.get(in_review.get_absolute_url(), user=outsider)
    assert "inquiry-form" not in page.forms
    refused = django_app.post(
        reverse("reviews:inquiry_new", args=[in_review.pk]),
        {"question": "Hello?", "kind": "suggestion"},
        user=outsider,
        expect_errors=True,
    )
    assert refused.status_code == 403 and not Inquiry.objects.exists()


def test_a_suggestion_sent_with_htmx_shows_in_the_questions_part(django_app, in_review, peer):
    page = django_app.get(in_review.get_absolute_url(), user=peer)
    form = page.forms["inquiry-form"]
    choose(form, "kind", "Suggestion for improvement")
    form["question"] = "Pair each new hire with a mentor."
    part = press(form, "Send", headers={"HX-Request": "true"})
    assert 'id="inquiries"' in part and "<nav" not in part
    assert "Suggestion" in text(part, '[data-testid="suggestion-badge"]')
    assert Inquiry.objects.get().kind == Inquiry.Kind.SUGGESTION


def test_hr_restricts_asking_to_heads_on_the_jobs_page(
    django_app, in_review, peer, other_manager, hr
):
    assert JobSettings.current().department_askers == JobSettings.Askers.EVERYONE
    jobs = django_app.get(reverse("reviews:jobs"), user=hr)
    form = form_with_button(jobs, "Save")
    choose(form, "department_askers", "Only heads of other departments")
    press(form, "Save").follow()
    assert JobSettings.current().department_askers == JobSettings.Askers.HEADS

    assert "inquiry-form" not in django_app.get(in_review.get_absolute_url(), user=peer).forms
    refused = django_app.post(
        reverse("reviews:inquiry_new", args=[in_review.pk]),
        {"question": "Still me?", "kind": "question"},
        user=peer,
        expect_errors=True,
    )
    assert refused.status_code == 403
    after = _send(
        django_app, in_review, other_manager, kind="Question", text_="Which customers lapsed?"
    )
    assert messages(after) == ["Your question has been sent."]


def test_only_hr_changes_who_may_ask(django_app, peer, other_manager):
    for person in (peer, other_manager):
        assert (
            django_app.get(reverse("reviews:jobs"), user=person, expect_errors=True).status_code
            == 403
        )
        refused = django_app.post(
            reverse("reviews:jobs"), {"department_askers": "heads"}, user=person, expect_errors=True
        )
        assert refused.status_code == 403
    assert JobSettings.current().department_askers == JobSettings.Askers.EVERYONE


def test_the_list_of_tables_open_for_questions_counts_suggestions_in_flat_queries(
    django_app, cycle, month, manager, hr, peer, django_assert_max_num_queries
):
    from reviews.services import review_table_for
    from reviews.workflow import inquiry_ask
    from tests.factories import make_objective

    def department_in_review(name: str):
        head = UserFactory(full_name=f"Head of {name}")
        department = DepartmentFactory(name=name, head=head)
        make_objective(cycle, department=department, title=f"{name} goal", weight=100, target=10)
        table = review_table_for(cycle=cycle, month=month, department=department)
        table = reach(table, Status.IN_REVIEW, assessee=head, reviewer=hr)
        inquiry_ask(actor=peer, table=table, question="Try X.", kind=Inquiry.Kind.SUGGESTION)
        return table

    department_in_review("Logistics")
    url = reverse("reviews:questions")
    django_app.get(url, user=peer)  # warm the per-process caches
    with django_assert_max_num_queries(30) as few:
        page = django_app.get(url, user=peer)
    assert text(page, '[data-testid="suggestion-count"]') == "1"
    for name in ("Legal", "Marketing", "Support"):
        department_in_review(name)
    limit = len(few.captured_queries)
    django_app.get(url, user=peer)  # the org changed: the menu's figures are recomputed once
    with django_assert_max_num_queries(limit):
        page = django_app.get(url, user=peer)
    assert text(page, '[data-testid="suggestion-count"]') == "1 1 1 1"
