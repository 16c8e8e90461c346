"""The nine questions of the source text (answer 5): asked on the session form, answered
in a line each, shown on the session page with how many were covered."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingSession
from tests.webtest_helpers import (
    choose,
    errors_beside,
    field_by_label,
    form_with_button,
    messages,
    press,
)

pytestmark = pytest.mark.django_db

NINE = [
    "What is the progress towards the goals set?",
    "What is going well?",
    "What needs to be further improved and enhanced?",
    "Is the employee moving toward the set performance goals?",
    "What improvements need to be made so that the employee better meets the performance goals?",
    "What does the manager need to do to improve the employee's knowledge, skills and experience?",
    "Do the employee's performance goals need adjusting, and if so, how?",
    "What do the manager and the employee agree on?",
    "In what areas do the manager and the employee need to communicate further?",
]

SIX_ANSWERS = {
    NINE[0]: "Two of three targets met in May.",
    NINE[1]: "Client calls are much better prepared.",
    NINE[2]: "Written offers go out late.",
    NINE[3]: "Yes, slightly behind on revenue.",
    NINE[5]: "Pair Rob with Ivy for two offers.",
    NINE[7]: "Offers out within two days.",
}


def new_session_form(django_app, coach, employee):
    page = django_app.get(reverse("coaching:session_new"), {"employee": employee.pk}, user=coach)
    form = form_with_button(page, "Save session")
    choose(form, "type", "Directional guidance")
    return page, form


def answer(form, answers):
    for question, text in answers.items():
        form[field_by_label(form, question)] = text


def test_the_session_form_asks_the_nine_questions_in_the_source_texts_order(
    django_app, manager, report
):
    page, form = new_session_form(django_app, manager, report)
    labels = [
        label.get_text(" ", strip=True).rstrip("*").strip()
        for label in page.html.select("[data-testid=nine-questions] label")
    ]
    assert labels == NINE
    # Folded away on a new session: a one-minute note stays short.
    assert "show" not in page.html.select_one("#session-questions")["class"]


def test_the_answers_are_saved_and_the_page_shows_them_with_the_coverage(
    django_app, manager, report
):
    _page, form = new_session_form(django_app, manager, report)
    answer(form, SIX_ANSWERS)
    shown = press(form, "Save session").follow()
    assert messages(shown) == ["The coaching session has been saved."]
    assert shown.html.select_one("[data-testid=question-coverage]").get_text(strip=True) == (
        "6 of 9 questions answered"
    )
    section = shown.html.select_one("[data-testid=nine-questions]")
    answered = [dt.get_text(strip=True) for dt in section.select("dl dt")]
    assert answered == [q for q in NINE if q in SIX_ANSWERS]
    assert "Pair Rob with Ivy for two offers." in section.get_text()
    # The coach sees what was not covered.
    missing = section.select_one("[data-testid=questions-not-covered]")
    assert "3 questions not covered" in missing.get_text(" ", strip=True)
    assert NINE[4] in missing.get_text() and NINE[8] in missing.get_text()
    # Stored by the questions' keys, not their wording.
    stored = CoachingSession.objects.get().question_answers
    assert stored["progress"] == "Two of three targets met in May."
    assert set(stored) == {
        "progress",
        "going_well",
        "to_improve",
        "on_course",
        "manager_help",
        "agreed",
    }


def test_editing_shows_the_answers_and_a_cleared_answer_is_no_longer_counted(
    django_app, manager, report
):
    _page, form = new_session_form(django_app, manager, report)
    answer(form, SIX_ANSWERS)
    session_page = press(form, "Save session").follow()
    edit_page = session_page.click("Edit or expand")
    # Open because it holds answers.
    assert "show" in edit_page.html.select_one("#session-questions")["class"]
    edit = form_with_button(edit_page, "Save session")
    assert edit[field_by_label(edit, NINE[1])].value == SIX_ANSWERS[NINE[1]]
    edit[field_by_label(edit, NINE[1])] = "   "
    edit[field_by_label(edit, NINE[8])] = "The travel budget."
    shown = press(edit, "Save session").follow()
    assert "6 of 9 questions answered" in shown.text
    assert SIX_ANSWERS[NINE[1]] not in shown.text and "The travel budget." in shown.text


def test_an_overlong_answer_is_refused_beside_it_and_the_others_are_kept(
    django_app, manager, report
):
    _page, form = new_session_form(django_app, manager, report)
    answer(form, {NINE[0]: "On plan.", NINE[1]: "x" * 501})
    refused = press(form, "Save session")
    assert refused.status_code == 200
    name = field_by_label(form, NINE[1])
    assert errors_beside(refused, name) == [
        "Ensure this value has at most 500 characters (it has 501)."
    ]
    again = form_with_button(refused, "Save session")
    assert again[field_by_label(again, NINE[0])].value == "On plan."
    assert "show" in refused.html.select_one("#session-questions")["class"]
    assert not CoachingSession.objects.exists()


def test_a_session_from_before_the_questions_shows_nothing_of_them_and_saves_as_before(
    django_app, manager, report
):
    old = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", agreements="Calls on Monday"
    )
    page = django_app.get(old.get_absolute_url(), user=manager)
    assert not page.html.select("[data-testid=question-coverage]")
    assert not page.html.select("[data-testid=nine-questions]")
    timeline = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    assert "questions answered" not in timeline.text
    edit = form_with_button(page.click("Edit or expand"), "Save session")
    press(edit, "Save session").follow()
    old.refresh_from_db()
    assert (old.question_answers, old.agreements) == ({}, "Calls on Monday")


def test_the_timeline_shows_each_sessions_coverage(django_app, manager, report):
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=timezone.localdate(),
        question_answers={"progress": "On plan", "agreed": "Weekly calls"},
    )
    timeline = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    coverage = timeline.html.select_one("[data-testid=question-coverage]")
    assert coverage.get_text(strip=True) == "2 of 9 questions answered"


@pytest.fixture
def answered(manager, report):
    return CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=timezone.localdate(),
        question_answers={"progress": "Revenue lags by a tenth", "talk_further": "Pricing"},
        private_note="Seems tired",
    )


def test_the_coachee_reads_the_answers_but_not_what_is_left_to_cover(django_app, answered, report):
    page = django_app.get(answered.get_absolute_url(), user=report)
    assert "Revenue lags by a tenth" in page.text and "2 of 9 questions answered" in page.text
    assert not page.html.select("[data-testid=questions-not-covered]")
    assert "Seems tired" not in page.text


def test_the_managers_above_read_the_answers(django_app, answered, manager, report):
    answered.coach = report  # Rob coaches; Maria, above him, reads it
    answered.save(update_fields=["coach"])
    page = django_app.get(answered.get_absolute_url(), user=manager)
    assert "Revenue lags by a tenth" in page.text


def test_hr_sees_how_many_questions_were_answered_but_not_the_answers(django_app, answered, hr):
    page = django_app.get(answered.get_absolute_url(), user=hr)
    assert "2 of 9 questions answered" in page.text
    assert "Revenue lags by a tenth" not in page.text and "Pricing" not in page.text
    timeline = django_app.get(reverse("coaching:timeline", args=[answered.employee_id]), user=hr)
    assert "2 of 9 questions answered" in timeline.text
    assert "Revenue lags by a tenth" not in timeline.text


def test_hr_reads_the_answers_once_the_coach_shares_the_content(django_app, answered, hr):
    CoachingSession.objects.filter(pk=answered.pk).update(shared_with_hr=True)
    page = django_app.get(answered.get_absolute_url(), user=hr)
    assert "Revenue lags by a tenth" in page.text and "Seems tired" not in page.text


@pytest.mark.parametrize("intruder", ["peer", "other_manager", "outsider", "indirect_report"])
def test_nobody_else_reads_the_answers(django_app, request, answered, intruder):
    user = request.getfixturevalue(intruder)
    page = django_app.get(answered.get_absolute_url(), user=user, expect_errors=True)
    assert page.status_code in (403, 404)
    assert "Revenue lags by a tenth" not in page.text
    edit = django_app.get(
        reverse("coaching:session_edit", args=[answered.pk]), user=user, expect_errors=True
    )
    assert edit.status_code in (403, 404)


def test_answers_cannot_be_forged_onto_someone_elses_session(client, answered, other_manager):
    # An attack: Olga's pages offer no form for Maria's session.
    client.force_login(other_manager)
    response = client.post(
        reverse("coaching:session_edit", args=[answered.pk]),
        {"question_progress": "Forged", "type": "guidance", "held_on": "2026-01-01"},
    )
    assert response.status_code in (403, 404)
    answered.refresh_from_db()
    assert answered.question_answers["progress"] == "Revenue lags by a tenth"
