"""The template library (issue 17 §1): sets and templates made and changed through the
pages as rendered, with their checks beside the fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import ObjectiveTemplate, TemplateSet
from plans.templates_lib import template_targets
from tests.factories import make_objective
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_by_testid,
    form_with_button,
    messages,
    options,
    press,
)

pytestmark = pytest.mark.django_db


def new_template_form(app, user, template_set):
    page = app.get(reverse("plans:template_new", args=[template_set.pk]), user=user)
    return form_by_testid(page, "template-form")


def fill(
    form, *, title="Revenue", measure="Number with a unit", target="120", unit="k€", weight="30"
):
    form["title"] = title
    choose(form, "measure", measure)
    form["target"] = target
    form["unit"] = unit
    form["default_weight"] = weight


def test_hr_creates_an_organisation_wide_set_from_the_library(django_app, hr):
    library = django_app.get(reverse("plans:template_set_list"), user=hr)
    page = library.click("New template set")
    form = form_by_testid(page, "set-form")
    assert options(form, "department")[0] == "Whole organisation (HR's set)"
    form["name"] = "Sales representative"
    form["description"] = "What every rep aims at."
    detail = press(form, "Save").follow()
    assert "The template set has been saved." in messages(detail)
    assert "Kept for the whole organisation." in detail.text
    template_set = TemplateSet.objects.get()
    assert (template_set.name, template_set.department) == ("Sales representative", None)
    listed = django_app.get(reverse("plans:template_set_list"), user=hr)
    assert "Sales representative" in listed.html.select_one("[data-testid=template-sets]").text


def test_a_head_keeps_sets_only_for_the_departments_they_head(django_app, manager, sales):
    page = django_app.get(reverse("plans:template_set_new"), user=manager)
    form = form_by_testid(page, "set-form")
    assert options(form, "department") == ["Choose a department", "Sales"]
    form["name"] = "Sales basics"
    page = press(form, "Save")
    assert errors_beside(page, "department") == ["This field is required."]
    form = form_by_testid(page, "set-form")
    choose(form, "department", "Sales")
    press(form, "Save").follow()
    assert TemplateSet.objects.get().department == sales


def test_add_a_template_with_an_even_pattern(django_app, hr, sales_set):
    form = new_template_form(django_app, hr, sales_set)
    fill(form, title="Visits", target="48", unit="visits", weight="20")
    choose(form, "pattern", "Even")
    detail = press(form, "Save").follow()
    assert "The template has been saved." in messages(detail)
    template = sales_set.templates.get(title="Visits")
    assert (template.pattern, template.default_weight, template.curve) == ("even", 20, [])
    assert detail.html.select_one("[data-testid=weight-total]").text == "100"


def test_add_a_template_with_a_back_loaded_pattern(django_app, hr, sales_set, cycle):
    form = new_template_form(django_app, hr, sales_set)
    fill(form, title="Renewals", measure="Percentage", target="100", unit="", weight="10")
    choose(form, "pattern", "Back-loaded")
    press(form, "Save").follow()
    template = sales_set.templates.get(title="Renewals")
    values = list(template_targets(template, cycle).values())
    assert values[0] == Decimal("1.28") and values[-1] == Decimal(100)
    assert values[6] - values[5] > values[1] - values[0]


def test_add_a_template_with_a_typed_curve(django_app, hr, sales_set, cycle):
    form = new_template_form(django_app, hr, sales_set)
    fill(form, title="Launch", weight="10")
    choose(form, "pattern", "Copied curve")
    form["curve_text"] = "0, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100"
    press(form, "Save").follow()
    template = sales_set.templates.get(title="Launch")
    assert template.curve == [0, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert list(template_targets(template, cycle).values())[2] == Decimal(12)


def test_add_a_template_with_a_curve_copied_from_an_objective(
    django_app, hr, sales, sales_set, cycle
):
    source = make_objective(cycle, department=sales, title="Grow", weight=100, target=1200)
    form = new_template_form(django_app, hr, sales_set)
    fill(form, title="Copied", weight="10")
    choose(form, "pattern", "Copied curve")
    choose(form, "curve_from", f"{cycle.name} · Sales · Grow")
    press(form, "Save").follow()
    template = sales_set.templates.get(title="Copied")
    assert template.curve[0] == pytest.approx(8.33) and template.curve[-1] == 100
    assert source.pk  # copied by value: the template keeps the shape, not a link


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"unit": ""}, "unit", "Say what is counted, e.g. orders or €."),
        ({"target": "-5"}, "target", "The target must be more than zero."),
        (
            {"measure": "Milestone (done / not done)"},
            "target",
            "A milestone has no numeric target: leave it empty.",
        ),
        (
            {"measure": "Percentage", "target": "150"},
            "target",
            "A percentage target is between 0 and 100.",
        ),
        (
            {"weight": "30"},
            "default_weight",
            "The set's other templates already weigh 80; this one can weigh at most 20 so "
            "that a plan of this set adds up to 100 at most.",
        ),
        (
            {"pattern": "Copied curve"},
            "curve_text",
            "Give the curve: cumulative percentages, one per time node.",
        ),
        (
            {"pattern": "Copied curve", "curve_text": "10, 50, 40, 100"},
            "curve_text",
            "The curve is cumulative: a value cannot be lower than the one before it.",
        ),
        (
            {"pattern": "Copied curve", "curve_text": "10, 50, 140"},
            "curve_text",
            "Each value is a percentage from 0 to 100.",
        ),
        (
            {"pattern": "Copied curve", "curve_text": "ten, twenty"},
            "curve_text",
            "Give numbers only, separated by commas.",
        ),
        (
            {"pattern": "Copied curve", "curve_text": "0, 0"},
            "curve_text",
            "The last value must be more than 0.",
        ),
    ],
)
def test_a_template_that_does_not_add_up_is_refused_beside_the_field(
    django_app, hr, sales_set, changes, field, error
):
    form = new_template_form(django_app, hr, sales_set)
    fill(form, weight="10")
    if "measure" in changes:
        choose(form, "measure", changes.pop("measure"))
    if "pattern" in changes:
        choose(form, "pattern", changes.pop("pattern"))
    for name, value in changes.items():
        form["default_weight" if name == "weight" else name] = value
    page = press(form, "Save")
    assert errors_beside(page, field) == [error]
    assert sales_set.templates.count() == 2


def test_edit_a_template_and_a_stale_form_is_refused(django_app, hr, sales_set):
    template = sales_set.templates.get(title="Revenue")
    url = reverse("plans:template_edit", args=[template.pk])
    first = form_by_testid(django_app.get(url, user=hr), "template-form")
    second = form_by_testid(django_app.get(url, user=hr), "template-form")
    first["title"] = "Revenue (k€)"
    press(first, "Save").follow()
    second["title"] = "Turnover"
    page = press(second, "Save", status=409)
    assert "Someone saved this while you were editing it" in messages(page)[0]
    assert ObjectiveTemplate.objects.get(pk=template.pk).title == "Revenue (k€)"


def test_edit_a_set_with_a_stale_form_is_refused(django_app, hr, sales_set):
    url = reverse("plans:template_set_edit", args=[sales_set.pk])
    first = form_by_testid(django_app.get(url, user=hr), "set-form")
    second = form_by_testid(django_app.get(url, user=hr), "set-form")
    first["name"] = "Reps"
    press(first, "Save")
    second["name"] = "Sellers"
    press(second, "Save", status=409)
    assert TemplateSet.objects.get().name == "Reps"


def test_remove_a_template_then_the_set_copies_stay(django_app, hr, report, sales_set, cycle):
    copy = make_objective(cycle, employee=report, title="Revenue", weight=60)
    copy.template = sales_set.templates.get(title="Revenue")
    copy.save()
    detail = django_app.get(reverse("plans:template_set_detail", args=[sales_set.pk]), user=hr)
    detail = press(form_with_button(detail, "Remove Revenue"), "Remove Revenue").follow()
    assert "The template has been removed. Copies already in plans stay." in messages(detail)
    assert list(sales_set.templates.values_list("title", flat=True)) == ["New accounts"]
    page = press(form_by_testid(detail, "delete-set"), "Delete this set").follow()
    assert "The template set has been deleted." in messages(page)
    assert not TemplateSet.objects.exists()
    copy.refresh_from_db()
    assert copy.template is None


def test_the_set_page_says_where_it_was_assigned(django_app, hr, report, sales_set, cycle):
    copy = make_objective(cycle, employee=report, title="Revenue", weight=60)
    copy.template = sales_set.templates.get(title="Revenue")
    copy.save()
    page = django_app.get(reverse("plans:template_set_detail", args=[sales_set.pk]), user=hr)
    uses = page.html.select_one("[data-testid=template-uses] tbody tr").get_text(" ", strip=True)
    assert uses == f"{cycle.name} 1 1"


def test_the_cycle_page_links_hr_to_assigning(django_app, hr, cycle):
    page = django_app.get(reverse("plans:cycle_detail", args=[cycle.pk]), user=hr)
    assign = page.click("Assign objective templates")
    assert form_by_testid(assign, "assign-form")["cycle"].value == str(cycle.pk)


def test_the_navigation_offers_the_library_to_hr_and_heads_only(django_app, hr, manager, report):
    for user, shown in ((hr, True), (manager, True), (report, False)):
        page = django_app.get(reverse("home"), user=user)
        assert ("Objective templates" in page.html.select_one("nav").text) is shown


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("1e30", "Ensure that there are no more than 14 digits in total."),
        ("0.0001", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_an_invalid_target_shows_only_its_own_error(django_app, hr, sales_set, target, error):
    form = new_template_form(django_app, hr, sales_set)
    fill(form, target=target, weight="10")
    page = press(form, "Save")
    assert errors_beside(page, "target") == [error]
    assert sales_set.templates.count() == 2
