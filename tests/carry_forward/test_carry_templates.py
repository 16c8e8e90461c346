"""A carried copy keeps its original's template (issue 17 §1, §2): assigning the set
again adds no second copy, and carrying after assigning copies no second one either."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.models import Objective, ObjectiveTemplate, TemplateSet
from tests.carry_forward.test_carry_page import carry, preview, shown
from tests.templates_lib.conftest import preview as assign_preview
from tests.webtest_helpers import form_by_testid, messages, press

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders_set(year):
    """A set whose one template the 2026 "Orders won" of Rob Report was copied from."""
    template_set = TemplateSet.objects.create(name="Sales representative", department=None)
    template = ObjectiveTemplate.objects.create(
        template_set=template_set,
        title="Orders won",
        measure="number",
        unit="orders",
        target=Decimal(120),
        default_weight=60,
        pattern="even",
    )
    Objective.objects.filter(pk=year.orders.pk).update(template=template)
    return template_set


def test_carry_then_assign_the_same_set_adds_no_second_copy(
    django_app, hr, report, year, next_year, orders_set
):
    carry(preview(django_app, hr, next_year))
    copy = next_year.objectives.get(employee=report)
    assert copy.template == orders_set.templates.get()
    page = assign_preview(
        django_app,
        hr,
        template_set=orders_set,
        cycle=next_year,
        target="people",
        emails=report.email,
    )
    assert "1 person already has every copy: nothing is added twice." in page.text
    row = page.html.select_one("[data-testid=assign-preview] tbody tr").get_text(" ")
    assert "Has every copy already" in row
    assert next_year.objectives.filter(employee=report).count() == 1


def test_assign_then_carry_skips_the_original_whose_template_is_there_already(
    django_app, hr, report, year, next_year, orders_set
):
    page = assign_preview(
        django_app,
        hr,
        template_set=orders_set,
        cycle=next_year,
        target="people",
        emails=report.email,
    )
    press(form_by_testid(page, "assign-confirm"), "Assign")
    page = preview(django_app, hr, next_year, which="All but dropped ones")
    assert shown(page, "carry-already") == "1"
    done = carry(page).follow()
    assert messages(done)[0].startswith("5 objectives were carried forward from 2026")
    mine = next_year.objectives.filter(employee=report)
    assert sorted(mine.values_list("title", flat=True)) == ["Orders won", "Quality"]
    assert mine.get(title="Orders won").carried_from is None


def test_a_subject_whose_every_original_is_there_by_template_is_skipped_as_already_carried(
    django_app, hr, report, year, next_year, orders_set
):
    page = assign_preview(
        django_app,
        hr,
        template_set=orders_set,
        cycle=next_year,
        target="people",
        emails=report.email,
    )
    press(form_by_testid(page, "assign-confirm"), "Assign")
    page = preview(django_app, hr, next_year)  # unfinished: Rob's Orders won only
    assert "Rob Report already carried forward" in shown(page, "carry-skipped")
    carry(page)
    assert next_year.objectives.filter(employee=report).count() == 1
