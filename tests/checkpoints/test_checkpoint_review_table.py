"""Issue 16 §1 on the review table: the gap's reasons split into own and outside
ones; a row whose target was missed at the month's node links to its checkpoint and
improvement plan; the month's review conversation starts from the open checkpoints."""

from __future__ import annotations

import pytest

from coaching.checkpoints import checkpoints_open
from coaching.models import Checkpoint
from reviews.services import review_table_for
from reviews.workflow import review_table_transition
from tests.checkpoints.conftest import MARCH, TODAY
from tests.review_tables.conftest import field_by_label
from tests.webtest_helpers import form_by_testid, form_with_button, messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(cycle, orders, report):
    checkpoints_open(today=TODAY)
    return review_table_for(cycle=cycle, month=MARCH, employee=report)


def test_the_person_gives_own_and_outside_reasons_for_the_gap(django_app, table, report):
    page = django_app.get(table.get_absolute_url(), user=report)
    form = form_by_testid(page, "fill-form")
    row = table.rows.get()
    assert form[f"row-{row.pk}-actual"].value == "25.00"  # the March check-in
    form[field_by_label(page, "Outside reasons · Orders won")] = "Two customers froze budgets."
    form["summary"] = "Behind on orders."
    form["work-0-title"] = "Win back the two customers"
    submitted = form.submit("then_submit").follow()
    assert "Submitted." in submitted
    row.refresh_from_db()
    assert (row.gap_reason, row.gap_reason_outside) == ("", "Two customers froze budgets.")
    shown = submitted.html.select_one("[data-testid=review-rows]").get_text(" ", strip=True)
    assert "Outside: Two customers froze budgets." in shown


def test_a_missed_row_links_to_its_checkpoint_and_plan(django_app, table, report, manager):
    checkpoint = Checkpoint.objects.get()
    page = django_app.get(table.get_absolute_url(), user=report)
    follow_up = page.html.select_one("[data-testid=row-follow-up]")
    assert "missed at the time node" in follow_up.text
    assert follow_up.a["href"] == checkpoint.get_absolute_url()
    # The coach opens the plan from it; the row then links to the plan too.
    coach_page = django_app.get(table.get_absolute_url(), user=manager)
    checkpoint_page = coach_page.click("Checkpoint: to talk through")
    plan_form = form_with_button(checkpoint_page.click("Open an improvement plan"), "Save")
    plan_form["own_reasons"] = "Late start"
    plan_form["measures"] = "Two visits a week"
    plan_form["first_review"] = "2026-04-30"
    plan_form.submit().follow()
    again = django_app.get(table.get_absolute_url(), user=report)
    links = again.html.select("[data-testid=row-follow-up] a")
    checkpoint.refresh_from_db()
    assert [a["href"] for a in links] == [
        checkpoint.get_absolute_url(),
        checkpoint.improvement_plan.get_absolute_url(),
    ]
    assert "Checkpoint: Improvement plan opened" in links[0].text


def test_the_review_conversation_starts_from_the_open_checkpoints(
    django_app, table, report, manager
):
    table.rows.update(gap_reason="Late start.", gap_reason_outside="Budgets frozen.")
    table.summary = "Behind."
    table.save(update_fields=["summary"])
    table.work_items.create(kind="next", title="Visits")
    review_table_transition(actor=report, table=table, action="submit")
    page = django_app.get(table.get_absolute_url(), user=manager)
    session_form = form_with_button(page.click("Hold the review conversation"), "Save session")
    note = session_form["note"].value
    assert "own reasons: Late start. · outside reasons: Budgets frozen." in note
    assert "Open checkpoints (missed phase targets):" in note
    assert "Orders won at March 2026: reached 25 orders of 30 orders" in note
    assert not messages(page)
