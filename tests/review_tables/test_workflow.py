"""A month's review from draft to locked, with questions, history and notices.

Every form here is the one the page rendered, filled and submitted with
WebTest as a person would; hand-built POSTs are kept for attacks only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Notification
from plans.months import first_of_next_month as next_month
from reviews.models import Inquiry, ReviewEvent, ReviewRow, ReviewTable, WorkPlanItem
from reviews.services import review_table_for
from reviews.workflow import review_table_decide
from tests.factories import make_objective
from tests.review_tables.conftest import (
    field_by_label,
    fill,
    fill_data,
    next_month_day,
    reach,
    text,
)
from tests.webtest_helpers import choose, options

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


def open_table(app, table, user):
    return app.get(table.get_absolute_url(), user=user)


def fill_completely(page, table, *, title="Visit three key accounts"):
    """The assessee's whole part, typed into the page's own form."""
    form = page.forms["fill-form"]
    for row in table.rows.all():
        fill(page, form, {f"Actual · {row.title}": str(row.planned or 0)})
    fill(page, form, {"Summary of the month": "A fair month: orders on plan, quality behind."})
    form["work-0-title"] = title
    form["work-0-target"] = "3 visits"
    form["work-0-due_date"] = next_month_day(table)
    return form


# --- The assessee's part ------------------------------------------------------------


def test_a_first_month_table_with_nothing_carried_over_is_saved_and_submitted(
    django_app, table, report, manager, django_capture_on_commit_callbacks
):
    """Issue #13, fault 1: with no carried items the page could not be saved at all."""
    assert not table.work_items.exists()
    page = open_table(django_app, table, report)
    form = fill_completely(page, table)
    saved = form.submit().follow()
    assert "Saved." in saved
    table.refresh_from_db()
    assert table.summary.startswith("A fair month") and table.version == 2
    assert list(table.work_items.values_list("title", flat=True)) == ["Visit three key accounts"]

    with django_capture_on_commit_callbacks(execute=True):
        submitted = saved.forms["fill-form"].submit("then_submit").follow()
    assert "Submitted. Your reviewer has been told." in submitted
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED and table.submitted_at
    event = ReviewEvent.objects.get(kind="transition")
    assert (event.actor, event.from_status, event.to_status) == (report, "draft", "submitted")
    notice = Notification.objects.get(recipient=manager)
    assert "Rob Report submitted the review table" in notice.message
    assert "fill-form" not in submitted.forms


def test_last_months_plan_is_rated_on_the_page_and_saved(
    django_app, cycle, month, report, robs_objectives
):
    previous = review_table_for(cycle=cycle, month=month.replace(month=2), employee=report)
    WorkPlanItem.objects.create(table=previous, title="Call Lakeside", target="1 call")
    table = review_table_for(cycle=cycle, month=month, employee=report)
    page = open_table(django_app, table, report)
    assert "Call Lakeside" in text(page, "[data-testid=carried-plan]")
    form = fill_completely(page, table)
    outcome = field_by_label(page, "Outcome · Call Lakeside")
    assert options(form, outcome) == ["not said yet", "Done", "Partly done", "Not done"]
    fill(page, form, {"Outcome · Call Lakeside": "done"})
    form.submit("then_submit").follow()
    carried = table.work_items.get(kind=WorkPlanItem.Kind.CARRIED)
    assert carried.outcome == WorkPlanItem.Outcome.DONE
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED


def test_a_refused_submit_repeated_creates_each_work_item_once(django_app, table, report):
    """Issue #13, fault 3: the plan's items were stored again at every repeat."""
    page = open_table(django_app, table, report)
    form = fill_completely(page, table)
    form["work-1-title"] = "Train the new colleague"
    fill(page, form, {"Actual · Orders won": "10"})  # below the plan, and no reason given
    refused = form.submit("then_submit")
    assert "Not submitted, and nothing was saved" in refused
    assert "The actual is below the plan: say why (own or outside reasons)." in refused
    assert refused.forms["fill-form"]["work-0-title"].value == "Visit three key accounts"
    assert not table.work_items.exists()

    # Pressed again as it is: refused again, and nothing is added twice.
    refused_again = refused.forms["fill-form"].submit("then_submit")
    assert "The actual is below the plan: say why (own or outside reasons)." in refused_again
    again = refused_again.forms["fill-form"]
    fill(refused_again, again, {"Own reasons · Orders won": "Two deals slipped to April."})
    submitted = again.submit("then_submit").follow()
    assert "Submitted." in submitted
    titles = list(
        table.work_items.filter(kind=WorkPlanItem.Kind.NEXT).values_list("title", flat=True)
    )
    assert sorted(titles) == ["Train the new colleague", "Visit three key accounts"]
    assert [i.title for i in submitted.context["next_items"]] == sorted(titles, reverse=True)


def test_a_line_removed_after_a_refused_submit_is_not_stored(django_app, table, report):
    page = open_table(django_app, table, report)
    form = fill_completely(page, table)
    form["work-1-title"] = "A line typed by mistake"
    fill(page, form, {"Summary of the month": ""})
    refused = form.submit("then_submit")
    assert "Summarise the month" in refused
    again = refused.forms["fill-form"]
    again["work-1-DELETE"] = True
    fill(refused, again, {"Summary of the month": "Orders on plan."})
    again.submit("then_submit").follow()
    assert list(table.work_items.values_list("title", flat=True)) == ["Visit three key accounts"]


def test_submitting_with_parts_missing_says_what_next_to_each_field(django_app, table, report):
    page = open_table(django_app, table, report)
    form = page.forms["fill-form"]
    fill(page, form, {"Actual · Orders won": "10", "Actual · Quality score": ""})
    response = form.submit("then_submit")
    assert "Not submitted, and nothing was saved" in response
    rows = {row.title: row.pk for row in table.rows.all()}
    orders_reason = text(response, f"#id_row-{rows['Orders won']}-gap_reason-error")
    quality_actual = text(response, f"#id_row-{rows['Quality score']}-actual-error")
    assert orders_reason == "The actual is below the plan: say why (own or outside reasons)."
    assert quality_actual == "Enter the actual value."
    assert "Summarise the month" in response
    assert "Plan at least one piece of work for next month." in response
    # Listed above the form too, each linked to its field (on a phone a row's field
    # can be off-screen in its table).
    summary = response.html.select_one("[data-testid=error-summary]")
    links = {a.get_text(strip=True): a["href"] for a in summary.select("a")}
    assert links["Own reasons · Orders won"] == f"#id_row-{rows['Orders won']}-gap_reason"
    assert links["Actual · Quality score"] == f"#id_row-{rows['Quality score']}-actual"
    listed = text(response, "[data-testid=error-summary] li").replace(" :", ":")
    assert (
        "Own reasons · Orders won: The actual is below the plan: say why (own or outside reasons)."
        in listed
    )
    table.refresh_from_db()
    assert table.status == Status.DRAFT and table.version == 1
    assert table.rows.get(title="Orders won").actual == 25  # nothing of a refused request
    assert response.forms["fill-form"][f"row-{rows['Orders won']}-actual"].value == "10"


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("Actual · Orders won", "plenty", "Enter a number"),
        ("Actual · Quality score", "140", "A percentage is at most 100."),
        ("Summary of the month", "x" * 4001, "at most 4000 characters"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    django_app, table, report, label, value, message
):
    page = open_table(django_app, table, report)
    form = fill_completely(page, table)
    fill(page, form, {label: value})
    response = form.submit("then_submit")
    assert message in response and "Nothing was saved" in response
    assert response.forms["fill-form"]["work-0-title"].value == "Visit three key accounts"
    table.refresh_from_db()
    assert table.version == 1 and table.summary == "" and not table.work_items.exists()
    assert table.rows.get(title="Orders won").actual == 25


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("work-0-due_date", "1999-01-10", "this is next month"),
        ("work-0-title", "", "Name the work item."),
    ],
)
def test_a_bad_work_plan_line_is_refused_beside_it(
    django_app, table, report, field, value, message
):
    page = open_table(django_app, table, report)
    form = fill_completely(page, table)
    form[field] = value
    response = form.submit()
    assert message in response
    assert not table.work_items.exists()


def test_a_milestone_actual_is_chosen_as_done_or_not_done(django_app, cycle, month, report):
    """A milestone's actual is a choice in words, not a number box labelled 0/1."""
    make_objective(
        cycle, employee=report, title="Launch", measure="milestone", target=None, unit=""
    )
    table = review_table_for(cycle=cycle, month=month, employee=report)
    page = open_table(django_app, table, report)
    form = page.forms["fill-form"]
    name = field_by_label(page, "Actual · Launch")
    assert options(form, name) == ["not said yet", "done", "not done"]
    choose(form, name, "done")
    saved = form.submit("action", value="save").maybe_follow()
    assert ReviewRow.objects.get(table=table).actual == 1
    again = saved.forms["fill-form"]
    assert again[name].value == "1"  # shown as "done" again
    # A forged number (no person can choose it) is refused beside the row.
    again[name].force_value("37")
    assert "A milestone is 1 (done) or 0 (not done)." in again.submit("action", value="save")
    assert ReviewRow.objects.get(table=table).actual == 1


def test_a_row_added_while_the_page_was_open_keeps_its_own_values(django_app, table, report, cycle):
    """Rows are named by id: a new row never takes another row's typed value."""
    page = open_table(django_app, table, report)
    form = page.forms["fill-form"]
    fill(page, form, {"Actual · Orders won": "31"})
    newcomer = make_objective(cycle, employee=report, title="Aaa first by title", weight=0)
    review_table_for(cycle=cycle, month=table.month, employee=report)  # the job adds its row
    new_row = table.rows.get(objective=newcomer)
    form.submit().follow()
    assert table.rows.get(title="Orders won").actual == 31
    new_row.refresh_from_db()
    assert new_row.actual is None


def test_a_stale_form_is_refused_and_the_users_input_stays(django_app, table, report):
    first_tab = open_table(django_app, table, report).forms["fill-form"]
    second_tab = open_table(django_app, table, report).forms["fill-form"]
    first_tab["summary"] = "First tab's summary"
    first_tab.submit().follow()
    second_tab["summary"] = "Second tab's words"
    refused = second_tab.submit(status=409)
    assert "This table was saved since you opened this page" in refused
    assert refused.forms["fill-form"]["summary"].value == "Second tab's words"
    table.refresh_from_db()
    assert table.summary == "First tab's summary" and table.version == 2


def test_saving_from_a_tab_opened_before_submission_says_what_happened(django_app, table, report):
    """Issue #13, fault 8, the assessee's side."""
    old_tab = open_table(django_app, table, report)
    fill_completely(open_table(django_app, table, report), table).submit("then_submit").follow()
    form = old_tab.forms["fill-form"]
    form["summary"] = "Words typed in the old tab"
    refused = form.submit(status=409)
    assert "You changed this table to “Submitted” on" in refused.text
    assert "Nothing you typed here was saved" in refused.text
    assert "Words typed in the old tab" in text(refused, "#fill-form textarea")
    assert refused.html.select("#fill-form fieldset[disabled]")
    table.refresh_from_db()
    assert table.summary.startswith("A fair month")


def test_changes_after_submission_are_kept_with_old_and_new(django_app, table, report, manager, hr):
    reach(table, Status.RETURNED, assessee=report, reviewer=manager)
    page = open_table(django_app, table, report)
    form = page.forms["fill-form"]
    form["summary"] = "Revised summary."
    form.submit().follow()
    change = ReviewEvent.objects.get(kind="change")
    assert change.actor == report and change.changes["summary"] == ["Done.", "Revised summary."]
    for reader in (manager, hr):
        assert "Done. → Revised summary." in open_table(django_app, table, reader)


# --- The reviewer's part ------------------------------------------------------------


def test_finalise_takes_the_reviewers_text_on_the_screen(django_app, table, report, manager, cycle):
    """Issue #13, fault 2: the text was lost unless *Save review* was pressed first."""
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    page = open_table(django_app, table, manager)
    form = page.forms["reviewer-form"]
    fill(
        page,
        form,
        {
            "Summary of completion": "On plan for orders; quality behind.",
            "Improvement suggestions": "Book demos earlier.",
            "Expectations and requirements for next month": "Two new accounts.",
            "Rating (optional)": "Meets expectations",
        },
    )
    locked = form.submit("action", value="finalise").follow()
    assert "Finalised. The table is now locked." in locked
    assert locked.html.select("[data-testid=locked]")
    table.refresh_from_db()
    assert table.status == Status.FINALISED and table.finalised_at
    assert (
        table.reviewer_summary,
        table.suggestions,
        table.expectations,
        table.rating,
    ) == (
        "On plan for orders; quality behind.",
        "Book demos earlier.",
        "Two new accounts.",
        "Meets expectations",
    )
    assert "reviewer-form" not in locked.forms


def test_finalising_without_a_summary_keeps_the_text_and_saves_nothing(
    django_app, table, report, manager
):
    reach(table, Status.SUBMITTED, assessee=report, reviewer=manager)
    page = open_table(django_app, table, manager)
    form = page.forms["reviewer-form"]
    fill(page, form, {"Improvement suggestions": "Book demos earlier."})
    refused = form.submit("action", value="finalise")
    assert "Write the summary of completion before finalising." in refused
    assert refused.forms["reviewer-form"]["suggestions"].value == "Book demos earlier."
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED and table.suggestions == ""


def test_finalising_with_open_questions_asks_for_confirmation(django_app, table, report, manager):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    Inquiry.objects.create(table=table, asked_by=manager, question="Why?")
    page = open_table(django_app, table, manager)
    form = page.forms["reviewer-form"]
    fill(page, form, {"Summary of completion": "Fine."})
    first = form.submit("action", value="finalise")
    assert "Some questions are still unanswered. Finalise anyway?" in first
    table.refresh_from_db()
    assert table.status == Status.IN_REVIEW and table.reviewer_summary == ""
    again = first.forms["reviewer-form"]
    fill(first, again, {"Finalise with open questions": True})
    again.submit("action", value="finalise").follow()
    table.refresh_from_db()
    assert table.status == Status.FINALISED and table.reviewer_summary == "Fine."


def test_return_for_revision_needs_a_comment(django_app, table, report, manager):
    reach(table, Status.SUBMITTED, assessee=report, reviewer=manager)
    page = open_table(django_app, table, manager)
    refused = page.forms["reviewer-form"].submit("action", value="return")
    assert "Say what needs revising." in refused
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED
    form = refused.forms["reviewer-form"]
    fill(refused, form, {"Comment for the person (needed to return the table)": "Explain it."})
    form.submit("action", value="return").follow()
    table.refresh_from_db()
    assert table.status == Status.RETURNED
    assert ReviewEvent.objects.filter(to_status="returned", comment="Explain it.").exists()
    assert "fill-form" in open_table(django_app, table, report).forms


def test_the_reviewers_part_is_saved_and_recorded(django_app, table, report, manager):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    page = open_table(django_app, table, manager)
    form = page.forms["reviewer-form"]
    fill(
        page, form, {"Summary of completion": "On plan.", "Rating (optional)": "Meets expectations"}
    )
    saved = form.submit("action", value="save").follow()
    assert "Saved." in saved
    assert saved.forms["reviewer-form"]["reviewer_summary"].value == "On plan."
    table.refresh_from_db()
    assert (table.reviewer_summary, table.rating) == ("On plan.", "Meets expectations")
    assert table.status == Status.IN_REVIEW
    assert ReviewEvent.objects.filter(kind="change", actor=manager).exists()


def test_saving_a_review_in_a_tab_opened_before_finalising_says_who_and_when(
    django_app, table, report, manager
):
    """Issue #13, fault 8: "Not allowed… ask HR" told the reviewer nothing."""
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    old_tab = open_table(django_app, table, manager)
    current = open_table(django_app, table, manager)
    form = current.forms["reviewer-form"]
    fill(current, form, {"Summary of completion": "Done well."})
    form.submit("action", value="finalise").follow()

    stale = old_tab.forms["reviewer-form"]
    fill(old_tab, stale, {"Improvement suggestions": "Words from the old tab"})
    refused = stale.submit("action", value="save", status=409)
    assert "You changed this table to “Finalised” on" in refused.text
    assert "Nothing you typed here was saved" in refused.text
    kept = text(refused, "#reviewer-form textarea[name=suggestions]")
    assert kept == "Words from the old tab"
    table.refresh_from_db()
    assert table.suggestions == ""


def test_a_rating_outside_the_cycles_scale_is_refused(client, table, report, manager, cycle):
    # An attack: the page offers no such option, so the POST is built by hand.
    cycle.rating_scale = ["C", "B", "A"]
    cycle.save()
    reach(table, Status.SUBMITTED, assessee=report, reviewer=manager)
    table.refresh_from_db()
    client.force_login(manager)
    response = client.post(
        reverse("reviews:table_review", args=[table.pk]),
        {"version": table.version, "rating": "Meets expectations", "action": "save"},
    )
    assert "Select a valid choice" in response.content.decode()
    table.refresh_from_db()
    assert table.rating == ""


# --- Questions ----------------------------------------------------------------------


def test_a_question_is_asked_answered_and_the_review_finalised(
    django_app, sales_table, manager, other_manager, django_capture_on_commit_callbacks
):
    """A department table: filled by its head, questioned by another head, locked above."""
    from tests.factories import DepartmentFactory, UserFactory

    director = UserFactory(full_name="Dora Director")
    company = DepartmentFactory(name="Company", head=director)
    sales = sales_table.department
    sales.parent = company
    sales.save()
    page = open_table(django_app, sales_table, manager)
    fill_completely(page, sales_table).submit("then_submit").follow()

    opened = open_table(django_app, sales_table, director).forms["reviewer-form"]
    opened.submit("action", value="start_review").follow()
    sales_table.refresh_from_db()
    assert sales_table.status == Status.IN_REVIEW

    page = open_table(django_app, sales_table, other_manager)
    ask = page.forms["inquiry-form"]
    fill(page, ask, {"Your question or suggestion": "Which customers lapsed?"})
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask.submit().follow()
    assert "Your question has been sent." in asked
    inquiry = Inquiry.objects.get()
    assert Notification.objects.filter(recipient=manager).exists()

    page = open_table(django_app, sales_table, manager)
    answer = page.forms[f"answer-form-{inquiry.pk}"]
    fill(page, answer, {"Your answer": "Lakeside and Northwind."})
    answer.submit().follow()
    inquiry.refresh_from_db()
    assert inquiry.answer == "Lakeside and Northwind." and inquiry.answered_by == manager

    page = open_table(django_app, sales_table, director)
    form = page.forms["reviewer-form"]
    fill(page, form, {"Summary of completion": "A credible recovery plan."})
    form.submit("action", value="finalise").follow()
    sales_table.refresh_from_db()
    assert sales_table.status == Status.FINALISED
    assert sales_table.reviewer_summary == "A credible recovery plan."


def test_an_empty_question_is_refused_beside_the_field(django_app, table, report, manager):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    page = open_table(django_app, table, manager)
    refused = page.forms["inquiry-form"].submit()
    assert "This field is required." in refused
    assert not Inquiry.objects.exists()


def test_questions_and_answers_with_htmx_return_the_questions_only(
    django_app, table, report, manager
):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    page = open_table(django_app, table, manager)
    ask = page.forms["inquiry-form"]
    ask["question"] = "Which account slipped?"
    asked = ask.submit(headers={"HX-Request": "true"})
    assert 'id="inquiries"' in asked and "<nav" not in asked
    assert "Which account slipped?" in asked
    inquiry = Inquiry.objects.get()
    page = open_table(django_app, table, report)
    answer = page.forms[f"answer-form-{inquiry.pk}"]
    answer["answer"] = "Lakeside."
    answered = answer.submit()
    assert answered.status_code == 302 and answered.location.endswith(table.get_absolute_url())


# --- Attacks and broken pages -------------------------------------------------------


def test_a_fill_post_with_more_formset_forms_than_the_page_had_is_handled(client, table, report):
    """Issue #13, fault 4: one more form than exists gave a 500."""
    client.force_login(report)
    data = fill_data(table, **{"work-TOTAL_FORMS": 3, "carried-TOTAL_FORMS": 1})
    data["carried-INITIAL_FORMS"] = 0
    data["row-TOTAL_FORMS"] = 5
    response = client.post(table.get_absolute_url(), data)
    assert response.status_code == 302
    assert list(table.work_items.values_list("title", flat=True)) == ["Visit three key accounts"]


def test_a_work_plan_of_a_thousand_lines_is_refused_with_a_message(client, table, report):
    client.force_login(report)
    data = fill_data(table, **{"work-TOTAL_FORMS": 1000})
    response = client.post(table.get_absolute_url(), data)
    assert response.status_code == 200
    assert "Please submit at most 30 forms." in response.content.decode()
    assert not table.work_items.exists()


def test_a_page_without_its_management_form_says_so(client, table, report):
    client.force_login(report)
    data = fill_data(table)
    del data["work-TOTAL_FORMS"]
    response = client.post(table.get_absolute_url(), data)
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()
    table.refresh_from_db()
    assert table.version == 1


def test_a_work_item_of_another_table_cannot_be_changed(client, table, report, peer, cycle):
    other = review_table_for(
        cycle=cycle,
        month=table.month,
        employee=make_objective(cycle, employee=peer, title="Peer's goal").employee,
    )
    theirs = WorkPlanItem.objects.create(table=other, title="Peer's plan")
    client.force_login(report)
    data = fill_data(table, **{"work-0-item_id": theirs.pk, "work-0-title": "Hijacked"})
    client.post(table.get_absolute_url(), data)
    theirs.refresh_from_db()
    assert theirs.title == "Peer's plan"


def test_row_values_for_another_tables_rows_are_ignored(client, table, report, peer, cycle):
    other = review_table_for(
        cycle=cycle,
        month=table.month,
        employee=make_objective(cycle, employee=peer, title="Peer's goal").employee,
    )
    their_row = other.rows.get()
    client.force_login(report)
    client.post(table.get_absolute_url(), fill_data(table, **{f"row-{their_row.pk}-actual": "99"}))
    assert ReviewRow.objects.get(pk=their_row.pk).actual != 99


def test_next_months_plan_reaches_next_months_table_once(django_app, table, report, cycle):
    page = open_table(django_app, table, report)
    form = fill_completely(page, table)
    form.submit().follow()
    open_table(django_app, table, report).forms["fill-form"].submit().follow()
    following = review_table_for(cycle=cycle, month=next_month(table.month), employee=report)
    carried = following.work_items.filter(kind=WorkPlanItem.Kind.CARRIED)
    assert list(carried.values_list("title", flat=True)) == ["Visit three key accounts"]
    assert carried.get().due_date == dt.date.fromisoformat(next_month_day(table))


def test_a_rating_chosen_in_chinese_reads_in_each_readers_language(
    django_app, table, report, manager, hr
):
    """A rating was stored as the translated label: English pages showed 符合预期."""
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    manager.language = "zh-hans"
    manager.save(update_fields=["language"])
    page = open_table(django_app, table, manager)
    form = page.forms["reviewer-form"]
    choose(form, "rating", "符合预期")
    form["reviewer_summary"] = "按计划完成。"
    form.submit("action", value="finalise").follow()
    table.refresh_from_db()
    assert table.rating == "Meets expectations"
    assert "Meets expectations" in text(
        open_table(django_app, table, hr), "[data-testid=reviewer-part]"
    )
    manager.language = "en"
    manager.save(update_fields=["language"])
    assert "符合预期" not in open_table(django_app, table, manager)


def test_answering_from_a_tab_opened_before_it_was_answered_says_who_answered(
    django_app, table, report, manager
):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    inquiry = Inquiry.objects.create(table=table, asked_by=manager, question="Why?")
    first_tab = open_table(django_app, table, report).forms[f"answer-form-{inquiry.pk}"]
    second_tab = open_table(django_app, table, report).forms[f"answer-form-{inquiry.pk}"]
    first_tab["answer"] = "Holidays."
    first_tab.submit().follow()
    second_tab["answer"] = "A different answer"
    refused = second_tab.submit(status=409)
    notice = text(refused, "[data-testid=inquiry-notice]")
    assert "You answered this question on" in notice and "not saved" in notice
    assert text(refused, "[data-testid=unsaved-text]") == "A different answer"
    inquiry.refresh_from_db()
    assert inquiry.answer == "Holidays."


def test_answering_with_htmx_after_someone_else_answered_shows_the_notice_in_place(
    django_app, sales_table, manager, other_manager
):
    """htmx swaps only 2xx answers: a refusal came back as a silent 403 before."""
    from tests.factories import UserFactory

    sales = sales_table.department
    co_head = UserFactory(full_name="Cora Cohead", department=sales)
    reach(sales_table, Status.IN_REVIEW, assessee=manager, reviewer=manager)
    inquiry = Inquiry.objects.create(table=sales_table, asked_by=other_manager, question="Who?")
    page = open_table(django_app, sales_table, manager)
    form = page.forms[f"answer-form-{inquiry.pk}"]
    Inquiry.objects.filter(pk=inquiry.pk).update(
        answer="Lakeside.", answered_by=co_head, answered_at=inquiry.asked_at
    )
    form["answer"] = "Northwind."
    response = form.submit(headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<nav" not in response
    assert "Cora Cohead answered this question on" in text(response, "[data-testid=inquiry-notice]")
    assert text(response, "[data-testid=unsaved-text]") == "Northwind."


def test_asking_after_the_table_was_finalised_says_who_finalised_it(
    django_app, table, report, manager, hr
):
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    page = open_table(django_app, table, hr)
    ask = page.forms["inquiry-form"]
    table.refresh_from_db()
    review_table_decide(  # Maria, in her own browser
        actor=manager,
        table=table,
        version=table.version,
        action="finalise",
        reviewer_summary="Fine.",
        suggestions="",
        expectations="",
        rating="",
    )
    ask["question"] = "Why so late?"
    refused = ask.submit(status=409)
    notice = text(refused, "[data-testid=inquiry-notice]")
    assert "Maria Manager changed this table to “Finalised” on" in notice
    assert text(refused, "[data-testid=unsaved-text]") == "Why so late?"
    assert not Inquiry.objects.exists()


def test_every_problem_is_told_at_once_not_in_rounds(django_app, table, report):
    """A bad date used to hide the missing summary and reasons until the next try."""
    page = open_table(django_app, table, report)
    form = fill_completely(page, table)
    fill(page, form, {"Actual · Orders won": "10", "Summary of the month": ""})
    form["work-0-due_date"] = "1999-01-10"
    refused = form.submit("then_submit")
    listed = text(refused, "[data-testid=error-summary]")
    assert "this is next month" in listed
    assert "The actual is below the plan: say why (own or outside reasons)." in listed
    assert "Summarise the month" in listed
    table.refresh_from_db()
    assert table.version == 1 and not table.work_items.exists()
