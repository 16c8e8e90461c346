"""Issue 20 §1: a Quick note on a manager's home page, coaching types without a blank
"---------" choice, and a long session form folded into its six parts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import CoachingSession, CoachingType
from tests.webtest_helpers import choose, form_with_button, messages, options, press

pytestmark = pytest.mark.django_db

PARTS = [
    "part-strengths",
    "part-improvements",
    "part-difficulties",
    "part-plan",
    "part-next",
]


def test_a_manager_writes_a_quick_note_from_her_home_page(django_app, manager, report):
    home = django_app.get(reverse("home"), user=manager)
    button = home.html.select_one("[data-testid=home-quick-note]")
    assert button is not None and button.get_text(strip=True) == "Quick note"
    page = django_app.get(button["href"])
    form = form_with_button(page, "Save note")
    choose(form, "employee", "Rob Report")
    choose(form, "type", "Directional guidance")
    form["note"] = "Unblocked the pricing question."
    shown = press(form, "Save note").follow()
    assert messages(shown) == ["Note saved. You can expand it into a full session any time."]
    session = CoachingSession.objects.get()
    assert (session.coach, session.employee, session.type) == (manager, report, "guidance")


def test_an_employee_has_no_quick_note_on_her_home_page(django_app, report):
    home = django_app.get(reverse("home"), user=report)
    assert home.html.select_one("[data-testid=home-quick-note]") is None


def test_no_coaching_form_offers_a_blank_type(django_app, manager, report):
    kinds = [str(label) for _value, label in CoachingType.choices]
    quick = form_with_button(
        django_app.get(reverse("coaching:session_quick"), user=manager), "Save note"
    )
    assert options(quick, "type") == kinds
    assert options(quick, "employee")[0] == "Choose a person"
    page = django_app.get(reverse("coaching:session_new"), {"employee": report.pk})
    full = form_with_button(page, "Save session")
    assert options(full, "type") == kinds
    assert options(full, "improvement_plan") == ["No improvement plan"]
    overview = django_app.get(reverse("coaching:overview"))
    assert options(form_with_button(overview, "Apply"), "type") == ["All types", *kinds]
    assert "---------" not in page.text + quick.text + overview.text


def test_the_six_parts_of_a_session_stay_folded_until_they_hold_something(
    django_app, manager, report
):
    page = django_app.get(reverse("coaching:session_new"), {"employee": report.pk}, user=manager)
    for part in PARTS:
        folded = page.html.select_one(f"details[data-testid={part}]")
        assert folded is not None and not folded.has_attr("open"), part
    form = form_with_button(page, "Save session")
    form["strengths"] = "Calm with angry customers."
    form["duration_minutes"] = "0"  # refused: the page comes back with what was typed
    refused = press(form, "Save session")
    assert refused.status_code == 200
    opened = refused.html.select_one("details[data-testid=part-strengths]")
    assert opened.has_attr("open")
    assert "Calm with angry customers." in opened.get_text()
    opened_too = [
        part
        for part in PARTS[1:]
        if refused.html.select_one(f"details[data-testid={part}]").has_attr("open")
    ]
    assert opened_too == []  # the others stay folded


def test_a_new_full_session_offers_half_an_hour_and_the_quick_note_a_minute(
    django_app, manager, report
):
    full = django_app.get(reverse("coaching:session_new") + f"?employee={report.pk}", user=manager)
    assert form_with_button(full, "Save session")["duration_minutes"].value == "30"
    quick = django_app.get(reverse("coaching:session_quick"), user=manager)
    assert quick.html.select_one("[name=duration_minutes]") is None or (
        form_with_button(quick, "Save note")["duration_minutes"].value == "1"
    )


def test_the_export_filters_offer_every_cycle_and_department_in_words(django_app, hr):
    page = django_app.get(reverse("reviews:export"), user=hr)
    form = next(f for f in page.forms.values() if "format" in f.fields)
    assert options(form, "cycle")[0] == "All cycles"
    assert options(form, "department")[0] == "All departments"
    assert "---------" not in page.text
