"""What the manager must provide (the source text, answers 2 and 5): the support given in
four kinds, a promise of it followed up as the coach's action item; and a specific
instruction session asks for its steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from coaching.selectors import open_action_items_for
from tests.webtest_helpers import (
    choose,
    errors_beside,
    field_by_label,
    form_with_button,
    messages,
    press,
    tick,
)

pytestmark = pytest.mark.django_db

CONFIRM = "Specific instruction breaks the work into steps: save without steps?"


def session_form(django_app, coach, employee, kind="Directional guidance"):
    page = django_app.get(reverse("coaching:session_new"), {"employee": employee.pk}, user=coach)
    form = form_with_button(page, "Save session")
    choose(form, "type", kind)
    return page, form


def in_a_week():
    return timezone.localdate() + dt.timedelta(days=7)


def test_the_support_given_is_recorded_in_four_kinds_and_shown(django_app, manager, report):
    page, form = session_form(django_app, manager, report)
    assert "show" not in page.html.select_one("#session-support")["class"]  # folded away
    form[field_by_label(form, "Skill coaching (training arranged)")] = "Negotiation course, June"
    form[field_by_label(form, "Resources")] = "A second demo laptop"
    form[field_by_label(form, "Authority")] = "Discounts up to 10% without asking"
    form[field_by_label(form, "Information the person needs")] = "The new price list"
    shown = press(form, "Save session").follow()
    section = shown.html.select_one("[data-testid=support-given]")
    kinds = [node.get_text(strip=True) for node in section.select("dt")]
    assert kinds == [
        "Skill coaching (training arranged)",
        "Resources",
        "Authority",
        "Information the person needs",
    ]
    assert "Discounts up to 10% without asking" in section.get_text()
    # Nothing was promised: no action item.
    assert not ActionItem.objects.exists()
    session = CoachingSession.objects.get()
    assert session.support_information == "The new price list"


def test_support_promised_becomes_the_coachs_action_item(django_app, manager, report):
    _page, form = session_form(django_app, manager, report)
    form[field_by_label(form, "Resources")] = "A second demo laptop"
    tick(form, "Resources: promised, I follow it up")
    form[field_by_label(form, "Resources: follow up by")] = in_a_week().isoformat()
    form[field_by_label(form, "Information the person needs")] = "The new price list"
    shown = press(form, "Save session").follow()
    item = ActionItem.objects.get()
    assert (item.owner, item.due_date, item.support_kind) == (manager, in_a_week(), "resources")
    assert item.title == "Support promised — Resources: A second demo laptop"
    listed = shown.html.select_one("[data-testid=action-items]").get_text(" ", strip=True)
    assert "Support promised — Resources: A second demo laptop" in listed
    # The coach finds it among their own open items.
    assert list(open_action_items_for(manager)) == [item]


def test_saving_the_session_again_keeps_one_item_per_promise(django_app, manager, report):
    _page, form = session_form(django_app, manager, report)
    form[field_by_label(form, "Authority")] = "Sign offers up to 5k"
    tick(form, "Authority: promised, I follow it up")
    session_page = press(form, "Save session").follow()
    edit = form_with_button(session_page.click("Edit or expand"), "Save session")
    # The tick shows the promise; the step list does not repeat it.
    assert edit[field_by_label(edit, "Authority: promised, I follow it up")].checked
    assert "Sign offers up to 5k" not in [
        edit[f"items-{i}-title"].value for i in range(int(edit["items-TOTAL_FORMS"].value))
    ]
    edit[field_by_label(edit, "Authority")] = "Sign offers up to 8k"
    edit[field_by_label(edit, "Authority: follow up by")] = in_a_week().isoformat()
    press(edit, "Save session").follow()
    again = form_with_button(session_page.click("Edit or expand"), "Save session")
    press(again, "Save session").follow()
    item = ActionItem.objects.get()
    assert (item.title, item.due_date) == (
        "Support promised — Authority: Sign offers up to 8k",
        in_a_week(),
    )


def test_unticking_a_promise_withdraws_its_item_but_a_kept_promise_stays(
    django_app, manager, report
):
    _page, form = session_form(django_app, manager, report)
    form[field_by_label(form, "Resources")] = "A laptop"
    tick(form, "Resources: promised, I follow it up")
    form[field_by_label(form, "Authority")] = "Sign offers"
    tick(form, "Authority: promised, I follow it up")
    session_page = press(form, "Save session").follow()
    laptop = ActionItem.objects.get(support_kind="resources")
    laptop.done_at, laptop.done_by = timezone.now(), manager
    laptop.save(update_fields=["done_at", "done_by"])
    edit_page = session_page.click("Edit or expand")
    edit = form_with_button(edit_page, "Save session")
    tick(edit, "Authority: promised, I follow it up", checked=False)
    kept = edit_page.html.find(id=edit.html.find("input", {"name": "promise_resources"})["id"])
    assert kept.has_attr("disabled")  # a kept promise is not taken back
    assert "Done: the promise was kept." in edit_page.text
    press(edit, "Save session").follow()
    assert list(ActionItem.objects.values_list("support_kind", flat=True)) == ["resources"]
    assert ActionItem.objects.get().is_done


def test_a_promise_without_saying_what_is_refused_and_nothing_is_written(
    django_app, manager, report
):
    _page, form = session_form(django_app, manager, report)
    tick(form, "Authority: promised, I follow it up")
    refused = press(form, "Save session")
    assert refused.status_code == 200
    assert errors_beside(refused, "support_authority") == ["Say what support you promised."]
    assert "show" in refused.html.select_one("#session-support")["class"]
    assert not CoachingSession.objects.exists() and not ActionItem.objects.exists()


def test_a_follow_up_before_the_session_is_refused_and_nothing_is_written(
    django_app, manager, report
):
    _page, form = session_form(django_app, manager, report)
    form[field_by_label(form, "Resources")] = "A laptop"
    tick(form, "Resources: promised, I follow it up")
    form[field_by_label(form, "Resources: follow up by")] = (
        timezone.localdate() - dt.timedelta(days=3)
    ).isoformat()
    refused = press(form, "Save session")
    assert errors_beside(refused, "promise_resources_due") == [
        "The follow-up comes after the session."
    ]
    assert not CoachingSession.objects.exists() and not ActionItem.objects.exists()
    # Kept as typed, so fixing the date is all that is left.
    again = form_with_button(refused, "Save session")
    assert again[field_by_label(again, "Resources")].value == "A laptop"
    again[field_by_label(again, "Resources: follow up by")] = in_a_week().isoformat()
    press(again, "Save session").follow()
    assert ActionItem.objects.get().due_date == in_a_week()


def test_a_department_sessions_promise_is_the_coachs_too(django_app, manager, sales):
    from tests.factories import DepartmentFactory, UserFactory

    team = DepartmentFactory(name="Inside sales", parent=sales)
    team.head = UserFactory(full_name="Hugo Head", department=team, manager=manager)
    team.save(update_fields=["head"])
    page = django_app.get(reverse("coaching:session_new"), {"department": team.pk}, user=manager)
    form = form_with_button(page, "Save session")
    choose(form, "type", "Directional guidance")
    form[field_by_label(form, "Information the person needs")] = "Next year's targets"
    tick(form, "Information the person needs: promised, I follow it up")
    press(form, "Save session").follow()
    assert ActionItem.objects.get().owner == manager


def test_specific_instruction_without_steps_asks_first_then_saves_once_confirmed(
    django_app, manager, report
):
    _page, form = session_form(django_app, manager, report, kind="Specific instruction")
    form["note"] = "Walked through the offer template."
    asked = press(form, "Save session")
    assert asked.status_code == 200
    assert errors_beside(asked, "confirm_without_steps") == [CONFIRM]
    assert not CoachingSession.objects.exists()
    again = form_with_button(asked, "Save session")
    assert again["note"].value == "Walked through the offer template."
    tick(again, "Yes, save it without steps")
    shown = press(again, "Save session").follow()
    assert messages(shown) == ["The coaching session has been saved."]
    session = CoachingSession.objects.get()
    assert (session.type, session.action_items.count()) == ("instruction", 0)


def test_adding_the_steps_when_asked_saves_without_the_question(django_app, manager, report):
    _page, form = session_form(django_app, manager, report, kind="Specific instruction")
    asked = press(form, "Save session")
    again = form_with_button(asked, "Save session")
    again["items-0-title"] = "Draft the first offer"
    choose(again, "items-0-owner", "Rob Report (coachee)")
    press(again, "Save session").follow()
    assert [i.title for i in CoachingSession.objects.get().action_items.all()] == [
        "Draft the first offer"
    ]


def test_specific_instruction_with_steps_is_not_asked(django_app, manager, report):
    _page, form = session_form(django_app, manager, report, kind="Specific instruction")
    form["items-0-title"] = "Read the guide"
    response = press(form, "Save session")
    assert response.status_code == 302
    assert CoachingSession.objects.get().action_items.count() == 1


def test_a_promise_of_support_is_no_step_of_the_work(django_app, manager, report):
    _page, form = session_form(django_app, manager, report, kind="Specific instruction")
    form[field_by_label(form, "Skill coaching (training arranged)")] = "Offer-writing course"
    tick(form, "Skill coaching (training arranged): promised, I follow it up")
    asked = press(form, "Save session")
    assert errors_beside(asked, "confirm_without_steps") == [CONFIRM]
    assert not ActionItem.objects.exists()


def test_other_kinds_of_coaching_save_without_steps(django_app, manager, report):
    _page, form = session_form(django_app, manager, report, kind="Encouragement & promotion")
    assert press(form, "Save session").status_code == 302


def test_removing_every_step_of_an_instruction_session_asks_first(django_app, manager, report):
    session = CoachingSession.objects.create(coach=manager, employee=report, type="instruction")
    ActionItem.objects.create(session=session, title="Read the guide", owner=report)
    page = django_app.get(reverse("coaching:session_edit", args=[session.pk]), user=manager)
    edit = form_with_button(page, "Save session")
    edit["items-0-DELETE"] = True
    asked = press(edit, "Save session")
    assert errors_beside(asked, "confirm_without_steps") == [CONFIRM]
    assert session.action_items.count() == 1


def test_the_coachee_reads_the_support_given(django_app, manager, report):
    session = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        support_resources="A second demo laptop",
        private_note="Budget is tight",
    )
    page = django_app.get(session.get_absolute_url(), user=report)
    assert "A second demo laptop" in page.text and "Budget is tight" not in page.text


def test_hr_does_not_read_the_support_given(django_app, manager, report, hr):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", support_resources="A second laptop"
    )
    page = django_app.get(session.get_absolute_url(), user=hr)
    assert "A second laptop" not in page.text
