"""Praise as people give and manage it, through the forms as the pages render them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts import notifications, services
from coaching.praise_models import CompanyValue, Praise
from tests.praise.conftest import STRENGTHS, STRENGTHS_EXAMPLE
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_by_testid,
    messages,
    options,
    press,
    tick,
)

pytestmark = pytest.mark.django_db

NEW = reverse("coaching:praise_new")


def test_a_colleague_praises_someone_by_address_and_they_are_told(
    django_app, people, value, django_capture_on_commit_callbacks
):
    page = django_app.get(reverse("coaching:praise_mine"), user=people["paul"]).click(
        "Give praise", index=0
    )
    form = form_by_testid(page, "praise-form")
    # A person typed by address: no objective offered (it depends on who it is).
    assert "objective" not in form.fields
    form["employee"] = "IVY@example.com"
    form["behaviour"] = "Shared her call script"
    form["example"] = "Sent me her script before my first Acme call."
    choose(form, "value", "Customers first")
    with django_capture_on_commit_callbacks(execute=True):
        after = press(form, "Give praise").follow()
    assert messages(after) == ["Your praise is given. Ivy Indirect has been told."]
    praise = Praise.objects.get()
    assert (praise.employee, praise.giver, praise.value) == (people["ivy"], people["paul"], value)
    assert praise.visibility == "private"
    assert praise.home_department == people["ivy"].department
    assert praise.line_manager == people["rob"]
    # Told in-app and by e-mail.
    assert people["ivy"].notifications.filter(url=praise.get_absolute_url()).exists()
    assert [message.to for message in mail.outbox] == [["ivy@example.com"]]
    assert "Paul Peer praised you" in mail.outbox[0].subject


def test_the_recipient_is_told_in_their_language(
    django_app, people, django_capture_on_commit_callbacks, monkeypatch
):
    # The words are worded when sent, in the recipient's language (the Chinese catalogue
    # is merged separately, so the language in force is what is checked here).
    worded_in = []
    original = notifications.message_text

    def spy(message, params):
        worded_in.append(translation.get_language())
        return original(message, params)

    monkeypatch.setattr(notifications, "message_text", spy)
    monkeypatch.setattr(services, "message_text", spy)
    ivy = people["ivy"]
    ivy.language = "zh-hans"
    ivy.save(update_fields=["language"])
    form = form_by_testid(
        django_app.get(f"{NEW}?employee={ivy.pk}", user=people["paul"]), "praise-form"
    )
    form["behaviour"] = "Shared her call script"
    form["example"] = "Sent it on Monday."
    with django_capture_on_commit_callbacks(execute=True):
        press(form, "Give praise")
    assert mail.outbox[0].to == ["ivy@example.com"]
    assert worded_in and set(worded_in) == {"zh-hans"}


def test_the_example_is_required_with_a_message_beside_it(django_app, people):
    ivy = people["ivy"]
    form = form_by_testid(
        django_app.get(f"{NEW}?employee={ivy.pk}", user=people["paul"]), "praise-form"
    )
    form["behaviour"] = "Great work"
    form["example"] = "   "
    page = press(form, "Give praise")
    assert errors_beside(page, "example") == [
        "Praise must cite a concrete example: what exactly did they do, and when?"
    ]
    assert not Praise.objects.exists()


def test_nobody_praises_themselves(django_app, people):
    form = form_by_testid(django_app.get(NEW, user=people["paul"]), "praise-form")
    form["employee"] = "paul@example.com"
    form["behaviour"] = "Me"
    form["example"] = "Everything."
    page = press(form, "Give praise")
    assert errors_beside(page, "employee") == ["You cannot praise yourself."]
    assert not Praise.objects.exists()
    # Sent to the form for oneself (a link, a typed address): the form for someone
    # else, with the reason above it, not a bare 403.
    paul = people["paul"]
    page = django_app.get(f"{NEW}?employee={paul.pk}", user=paul)
    assert page.html.select_one("[data-testid=praise-refusal]").get_text(" ", strip=True) == (
        "You cannot praise yourself. Type the address of the person you want to praise."
    )
    form = form_by_testid(page, "praise-form")
    assert form["employee"].value == ""
    form["employee"] = "paul@example.com"
    form["behaviour"] = "Me"
    form["example"] = "Everything."
    assert errors_beside(press(form, "Give praise"), "employee") == ["You cannot praise yourself."]
    assert not Praise.objects.exists()


def test_a_manager_may_name_the_persons_objective_and_an_offered_value(
    django_app, people, ivy_objective, cycle, value
):
    CompanyValue.objects.create(name="Move fast", active=False)
    ivy = people["ivy"]
    form = form_by_testid(
        django_app.get(f"{NEW}?employee={ivy.pk}", user=people["rob"]), "praise-form"
    )
    assert options(form, "objective") == ["No objective", f"Calls made ({cycle.name})"]
    assert options(form, "value") == ["No value", "Customers first"]  # not the retired one
    form["behaviour"] = "Beat the call target"
    form["example"] = "52 calls on Friday."
    choose(form, "objective", f"Calls made ({cycle.name})")
    press(form, "Give praise")
    assert Praise.objects.get().objective == ivy_objective


def test_a_colleague_is_offered_no_objective_of_the_person(django_app, people, ivy_objective):
    ivy = people["ivy"]
    form = form_by_testid(
        django_app.get(f"{NEW}?employee={ivy.pk}", user=people["sam"]), "praise-form"
    )
    assert "objective" not in form.fields


def test_from_an_encouragement_session_the_form_starts_from_what_went_well(
    django_app, people, encouragement
):
    session_page = django_app.get(encouragement.get_absolute_url(), user=people["rob"])
    page = session_page.click("Give praise for this")
    form = form_by_testid(page, "praise-form")
    assert form["behaviour"].value == STRENGTHS
    assert form["example"].value == STRENGTHS_EXAMPLE
    form["behaviour"] = "Calmed the Acme buyer"
    praise = press(form, "Give praise").follow()
    saved = Praise.objects.get()
    assert saved.session == encouragement and saved.employee == people["ivy"]
    assert saved.giver == people["rob"] and saved.behaviour == "Calmed the Acme buyer"
    assert praise.html.select_one("[data-testid=praise-session] a")["href"] == (
        encouragement.get_absolute_url()
    )


def test_only_the_coach_sees_the_button_and_only_for_encouragement_with_something_good(
    django_app, people, encouragement
):
    url = encouragement.get_absolute_url()
    for name in ("ivy", "maria"):
        page = django_app.get(url, user=people[name])
        assert not page.html.select("[data-testid=praise-from-session]"), name
    encouragement.type = "guidance"
    encouragement.save()
    assert not django_app.get(url, user=people["rob"]).html.select(
        "[data-testid=praise-from-session]"
    )
    django_app.get(f"{NEW}?session={encouragement.pk}", user=people["rob"], status=403)


def test_the_recipient_chooses_who_sees_it(django_app, people, praise):
    page = django_app.get(praise.get_absolute_url(), user=people["ivy"])
    form = form_by_testid(page, "visibility-form")
    assert options(form, "visibility") == [
        "Only me, the giver and my managers",
        "My department",
        "The whole organisation",
    ]
    choose(form, "visibility", "The whole organisation")
    after = press(form, "Save who may see it").follow()
    assert messages(after) == ["Saved: The whole organisation may see this praise."]
    praise.refresh_from_db()
    assert praise.visibility == "organisation"


def test_the_giver_and_the_managers_cannot_change_who_sees_it(django_app, people, praise):
    for name in ("paul", "rob", "maria"):
        page = django_app.get(praise.get_absolute_url(), user=people[name])
        assert not page.html.select("[data-testid=visibility-form]"), name


def test_the_giver_withdraws_their_praise(django_app, people, praise):
    page = django_app.get(praise.get_absolute_url(), user=people["paul"])
    confirm = page.click("Withdraw my praise…")
    assert "This cannot be undone." in confirm.text
    after = press(form_by_testid(confirm, "withdraw-form"), "Withdraw my praise").follow()
    assert messages(after) == ["Your praise is withdrawn: only you see it now."]
    assert after.html.select("[data-testid=praise-withdrawn]")
    assert not after.html.select("[data-testid=withdraw-form]")
    django_app.get(praise.get_absolute_url(), user=people["ivy"], status=404)
    mine = django_app.get(reverse("coaching:praise_mine"), user=people["paul"])
    assert mine.html.select("[data-testid=praise-given] [data-testid=praise-withdrawn]")


def test_hr_adds_renames_reorders_and_stops_offering_values(django_app, people, value):
    url = reverse("coaching:company_values")
    page = django_app.get(url, user=people["hana"])
    form = form_by_testid(page, "value-form")
    form["new-name"] = "Help each other"
    form["new-position"] = "0"
    after = press(form, "Add the value").follow()
    assert messages(after) == ["The value “Help each other” is added."]
    rows = [row.select("td")[1].get_text(" ", strip=True) for row in after.html.select("tbody tr")]
    assert rows == ["Help each other", "Customers first"]
    edit = after.click("Change", href=f"/values/{value.pk}/edit/")
    form = form_by_testid(edit, "value-form")
    form["name"] = "Customer first"
    form["position"] = "5"
    tick(form, "Offered", checked=False)
    after = press(form, "Save the value").follow()
    value.refresh_from_db()
    assert (value.name, value.position, value.active) == ("Customer first", 5, False)
    assert "No longer offered" in after.html.select_one(f"[data-value='{value.pk}']").text


def test_a_value_name_is_unique(django_app, people, value):
    form = form_by_testid(
        django_app.get(reverse("coaching:company_values"), user=people["hana"]), "value-form"
    )
    form["new-name"] = "Customers first"
    page = press(form, "Add the value")
    assert errors_beside(page, "new-name")
    assert CompanyValue.objects.count() == 1


def test_the_same_form_sent_twice_gives_one_praise_and_tells_once(
    django_app, people, django_capture_on_commit_callbacks
):
    ivy = people["ivy"]
    form = form_by_testid(
        django_app.get(f"{NEW}?employee={ivy.pk}", user=people["paul"]), "praise-form"
    )
    form["behaviour"] = "Shared her call script"
    form["example"] = "Sent it on Monday."
    with django_capture_on_commit_callbacks(execute=True):
        first = press(form, "Give praise")
        again = press(form, "Give praise")  # Back, then Give praise again
    assert first.location == again.location
    assert Praise.objects.count() == 1
    assert ivy.notifications.count() == 1 and len(mail.outbox) == 1
