"""A planning cycle, a set with two templates, and helpers to walk the assign pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import AppraisalCycle, ObjectiveTemplate, TemplateSet
from plans.services import cycle_nodes
from tests.webtest_helpers import choose, form_by_testid, press


@pytest.fixture
def cycle(db):
    """Next year's cycle, being planned, with monthly time nodes."""
    year = timezone.localdate().year + 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return AppraisalCycle.objects.create(
        name=str(year),
        start_date=start,
        end_date=end,
        state=AppraisalCycle.State.PLANNING,
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )


@pytest.fixture
def sales_set(db, sales):
    template_set = TemplateSet.objects.create(name="Sales representative", department=None)
    ObjectiveTemplate.objects.create(
        template_set=template_set,
        title="Revenue",
        measure="number",
        unit="k€",
        target=Decimal(120),
        default_weight=60,
        pattern="even",
    )
    ObjectiveTemplate.objects.create(
        template_set=template_set,
        title="New accounts",
        measure="number",
        unit="accounts",
        target=Decimal(10),
        default_weight=20,
        pattern="back_loaded",
    )
    return template_set


def assign_page(app, user, *, template_set=None, cycle=None):
    query = {}
    if template_set is not None:
        query["set"] = template_set.pk
    if cycle is not None:
        query["cycle"] = cycle.pk
    return app.get(reverse("plans:template_assign"), query, user=user)


def preview(app, user, *, template_set, cycle, target="department", **fields):
    """Fill the assign form as rendered and press Preview; the preview page."""
    form = form_by_testid(
        assign_page(app, user, template_set=template_set, cycle=cycle), "assign-form"
    )
    choose(
        form,
        "target",
        {"department": "A department", "job_title": "A job title"}.get(target, "Chosen people"),
    )
    if "department" in fields:
        choose(form, "department", fields["department"])
    if "include_below" in fields:
        form["include_below"] = fields["include_below"]
    if "job_title" in fields:
        choose(form, "job_title", fields["job_title"])
    if "emails" in fields:
        form["emails"] = fields["emails"]
    return press(form, "Preview")
