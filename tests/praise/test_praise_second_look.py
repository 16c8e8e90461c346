"""What a tester who did not build praise found, each fixed with its kind: the admin
cannot forge or widen praise, giving is idempotent by content, a withdrawn praise leaves
nobody a dead notification, company values are unique whatever their capitals, only
people of the organisation chart are praised, a praised session says so, and every
reader sees wording meant for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from coaching.praise import praise_give
from coaching.praise_models import CompanyValue, Praise
from tests.factories import UserFactory
from tests.webtest_helpers import (
    errors_beside,
    form_by_testid,
    form_with_button,
    messages,
    press,
)

pytestmark = pytest.mark.django_db

NEW = reverse("coaching:praise_new")
ADMIN = "admin:coaching_praise"


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(
        email="sue@example.com", full_name="Sue Super", is_staff=True, is_superuser=True
    )


@pytest.fixture
def told(people, django_capture_on_commit_callbacks) -> Praise:
    """Paul's praise of Ivy, given through the service: Ivy is told."""
    with django_capture_on_commit_callbacks(execute=True):
        praise, given = praise_give(
            giver=people["paul"],
            employee=people["ivy"],
            behaviour="Shared her call script",
            example="Sent me her script before my first Acme call.",
        )
    assert given and people["ivy"].notifications.filter(url=praise.get_absolute_url()).exists()
    return praise


def _state() -> list[tuple[object, ...]]:
    return list(
        Praise.objects.order_by("pk").values_list(
            "pk", "employee", "giver", "behaviour", "example", "visibility", "session"
        )
    )


# --- 1. The admin reads praise; it never adds or changes one -----------------------


def test_the_admin_shows_praise_but_cannot_add_change_or_forge_it(
    client, django_app, people, praise, encouragement, superuser
):
    before = _state()
    client.force_login(superuser)
    change = reverse(f"{ADMIN}_change", args=[praise.pk])
    # Widening, rewriting, forging a giver or another person's session: all refused.
    attacks = [
        (change, {"visibility": "organisation", "behaviour": "Rewritten", "example": "x"}),
        (
            reverse(f"{ADMIN}_add"),
            {
                "employee": people["ivy"].pk,
                "giver": people["maria"].pk,
                "behaviour": "Forged",
                "example": "Forged",
                "visibility": "organisation",
                "session": encouragement.pk,
                "given_at_0": "2026-01-01",
                "given_at_1": "10:00",
            },
        ),
    ]
    for url, data in attacks:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse(f"{ADMIN}_add")).status_code == 403
    assert _state() == before
    # Shown, read-only and without its words: no field to type into, no Save button.
    page = django_app.get(change, user=superuser)
    assert "Shared her call script" not in page.text
    assert "Private: the person, the giver and their managers" in page.text
    names = {field for form in page.forms.values() for field in form.fields}
    assert not names & {"visibility", "behaviour", "example", "giver", "employee"}
    assert "_save" not in names
    listed = django_app.get(reverse(f"{ADMIN}_changelist"), user=superuser)
    assert "Add praise" not in listed.text


def test_a_superuser_deletes_praise_as_moderation_and_its_notifications_go(
    django_app, people, told, superuser
):
    other = Notification.objects.create(recipient=people["ivy"], message="Unrelated", url="/x/")
    page = django_app.get(reverse(f"{ADMIN}_delete", args=[told.pk]), user=superuser)
    press(form_with_button(page, "Yes, I’m sure"), "Yes, I’m sure").follow()
    assert not Praise.objects.exists()
    assert list(Notification.objects.all()) == [other]


def test_deleting_praise_in_bulk_removes_their_notifications(
    client, people, told, superuser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        second, _given = praise_give(
            giver=people["rob"], employee=people["ivy"], behaviour="Calls", example="52 calls."
        )
    assert people["ivy"].notifications.count() == 2
    client.force_login(superuser)
    client.post(
        reverse(f"{ADMIN}_changelist"),
        {"action": "delete_selected", "_selected_action": [told.pk, second.pk], "post": "yes"},
    )
    assert not Praise.objects.exists() and not Notification.objects.exists()


def test_company_values_stay_editable_in_the_admin(django_app, value, superuser):
    page = django_app.get(
        reverse("admin:coaching_companyvalue_change", args=[value.pk]), user=superuser
    )
    form = form_with_button(page, "Save")
    form["name"] = "Customers come first"
    press(form, "Save").follow()
    value.refresh_from_db()
    assert value.name == "Customers come first"


# --- 2. The same praise given again is the praise already given --------------------


def _fill(page, behaviour="Shared her call script", example="Sent it on Monday."):
    form = form_by_testid(page, "praise-form")
    form["behaviour"] = behaviour
    form["example"] = example
    return form


def test_back_then_give_again_on_a_fresh_form_gives_nothing_new_and_tells_nobody(
    django_app, people, django_capture_on_commit_callbacks
):
    ivy = people["ivy"]
    url = f"{NEW}?employee={ivy.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        first = press(_fill(django_app.get(url, user=people["paul"])), "Give praise")
        # A fresh form (a new key) that the browser refilled, spaces and all.
        again = press(
            _fill(
                django_app.get(url, user=people["paul"]),
                behaviour=" Shared her call script ",
                example="Sent it on Monday.  ",
            ),
            "Give praise",
        )
    assert first.location == again.location
    assert messages(again.follow()) == [
        "You already gave this praise: here it is. Nobody was told again."
    ]
    assert Praise.objects.count() == 1
    assert ivy.notifications.count() == 1 and len(mail.outbox) == 1


def test_the_same_form_sent_again_also_says_it_was_given(django_app, people):
    ivy = people["ivy"]
    form = _fill(django_app.get(f"{NEW}?employee={ivy.pk}", user=people["paul"]))
    press(form, "Give praise").follow()
    assert messages(press(form, "Give praise").follow()) == [
        "You already gave this praise: here it is. Nobody was told again."
    ]
    assert Praise.objects.count() == 1


def test_other_words_an_hour_later_or_after_a_withdrawal_are_new_praise(
    django_app, people, django_capture_on_commit_callbacks
):
    ivy = people["ivy"]
    url = f"{NEW}?employee={ivy.pk}"

    def give(**words):
        with django_capture_on_commit_callbacks(execute=True):
            return press(_fill(django_app.get(url, user=people["paul"]), **words), "Give praise")

    give()
    give(example="Sent it on Tuesday.")  # another example: another praise
    assert Praise.objects.count() == 2
    Praise.objects.update(given_at=timezone.now() - dt.timedelta(hours=1, minutes=1))
    assert messages(give().follow()) == ["Your praise is given. Ivy Indirect has been told."]
    assert Praise.objects.count() == 3
    Praise.objects.update(withdrawn_at=timezone.now())
    give()
    assert Praise.objects.count() == 4
    # Someone else's identical praise is theirs, not this giver's.
    form = _fill(django_app.get(url, user=people["rob"]))
    with django_capture_on_commit_callbacks(execute=True):
        press(form, "Give praise")
    assert Praise.objects.filter(giver=people["rob"]).count() == 1
    assert ivy.notifications.count() == 5


# --- 3. Withdrawn: confirmed first, and no dead notification is left ----------------


def test_withdrawing_removes_the_notifications_that_point_to_it(django_app, people, told):
    ivy = people["ivy"]
    kept = Notification.objects.create(recipient=ivy, message="Other", url="/coaching/")
    detail = django_app.get(told.get_absolute_url(), user=people["paul"])
    confirm = detail.click("Withdraw my praise…")
    assert Praise.objects.get().withdrawn_at is None  # asking writes nothing
    assert "Keep it" in confirm.text
    press(form_by_testid(confirm, "withdraw-form"), "Withdraw my praise").follow()
    assert list(ivy.notifications.all()) == [kept]
    listed = django_app.get(reverse("accounts:notifications"), user=ivy)
    assert told.get_absolute_url() not in listed.text


def test_keep_it_leaves_the_praise_standing(django_app, people, told):
    detail = django_app.get(told.get_absolute_url(), user=people["paul"])
    back = detail.click("Withdraw my praise…").click("Keep it")
    assert back.request.path == told.get_absolute_url()
    assert Praise.objects.get().withdrawn_at is None
    assert people["ivy"].notifications.count() == 1


# --- 4. Company values: unique whatever their capitals -----------------------------

TAKEN = "There is already a company value with this name (capitals aside)."


def test_a_value_differing_only_in_capitals_or_spaces_is_refused_beside_the_name(
    django_app, people, value
):
    url = reverse("coaching:company_values")
    form = form_by_testid(django_app.get(url, user=people["hana"]), "value-form")
    form["new-name"] = "customers FIRST "
    page = press(form, "Add the value")
    assert errors_beside(page, "new-name") == [TAKEN]
    form = form_by_testid(page, "value-form")
    form["new-name"] = "  Own   it "
    press(form, "Add the value")
    assert sorted(CompanyValue.objects.values_list("name", flat=True)) == [
        "Customers first",
        "Own it",
    ]
    # Renaming another value onto it is refused; changing a value's own capitals is not.
    own = CompanyValue.objects.get(name="Own it")
    edit = django_app.get(
        reverse("coaching:company_value_edit", args=[own.pk]), user=people["hana"]
    )
    form = form_by_testid(edit, "value-form")
    form["name"] = "CUSTOMERS first"
    assert errors_beside(press(form, "Save the value"), "name") == [TAKEN]
    edit = django_app.get(
        reverse("coaching:company_value_edit", args=[value.pk]), user=people["hana"]
    )
    form = form_by_testid(edit, "value-form")
    form["name"] = "Customers First"
    press(form, "Save the value").follow()
    value.refresh_from_db()
    assert value.name == "Customers First"


def test_the_database_refuses_a_value_differing_only_in_capitals(value):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyValue.objects.create(name="CUSTOMERS FIRST")


# --- 5. Only people of the organisation chart are praised ---------------------------


@pytest.fixture
def technical(db) -> User:
    """The demo's administrator: active, in no department, managing nobody."""
    return UserFactory(email="admin@example.com", full_name="Demo Administrator")


NOT_IN_CHART = "Only people in the organisation chart (in a department) can be praised."


def test_someone_outside_the_organisation_chart_cannot_be_praised(
    django_app, client, people, technical
):
    form = _fill(django_app.get(NEW, user=people["paul"]))
    form["employee"] = "admin@example.com"
    assert errors_beside(press(form, "Give praise"), "employee") == [NOT_IN_CHART]
    page = django_app.get(f"{NEW}?employee={technical.pk}", user=people["paul"])
    assert page.html.select_one("[data-testid=praise-refusal]").get_text(" ", strip=True) == (
        f"{NOT_IN_CHART} Type the address of the person you want to praise."
    )
    # Sent by hand, by address or in the address bar: nothing given.
    client.force_login(people["paul"])
    data = {"behaviour": "x", "example": "y", "employee": technical.email}
    client.post(NEW, data)
    client.post(f"{NEW}?employee={technical.pk}", data)
    assert not Praise.objects.exists()


# --- 6. A praised session says so --------------------------------------------------


def test_a_session_praised_by_its_coach_links_the_praise_instead_of_the_button(
    django_app, people, encouragement
):
    rob = people["rob"]
    session_page = django_app.get(encouragement.get_absolute_url(), user=rob)
    assert not session_page.html.select("[data-testid=session-praised]")
    praise_page = press(
        form_by_testid(session_page.click("Give praise for this"), "praise-form"), "Give praise"
    ).follow()
    praise = Praise.objects.get()
    session_page = django_app.get(encouragement.get_absolute_url(), user=rob)
    assert not session_page.html.select("[data-testid=praise-from-session]")
    marker = session_page.html.select_one("[data-testid=session-praised]")
    assert marker.a["href"] == praise.get_absolute_url()
    assert "You gave praise for this on" in marker.text
    assert praise_page.request.path == praise.get_absolute_url()
    # The form from the session, opened again by its address, says so too.
    again = django_app.get(f"{NEW}?session={encouragement.pk}", user=rob)
    assert again.html.select_one("[data-testid=session-praised] a")["href"] == (
        praise.get_absolute_url()
    )
    # Nobody else is shown it on the session page.
    for name in ("ivy", "maria"):
        page = django_app.get(encouragement.get_absolute_url(), user=people[name])
        assert not page.html.select("[data-testid=session-praised]"), name


# --- 7. Each reader sees words meant for them ---------------------------------------


def test_the_visibility_reads_neutrally_to_all_but_the_recipient(django_app, people, praise):
    def shown(name: str) -> tuple[str, str]:
        page = django_app.get(praise.get_absolute_url(), user=people[name])
        crumb = page.html.select_one(".breadcrumb-item a").get_text(strip=True)
        return page.html.select_one("[data-testid=praise-visibility]").text, crumb

    assert shown("ivy") == ("Only me, the giver and my managers", "My praise")
    assert shown("paul") == ("Private: the person, the giver and their managers", "My praise")
    assert shown("maria") == ("Private: the person, the giver and their managers", "Praise wall")
    praise.visibility = "department"
    praise.save()
    assert shown("ivy") == ("My department", "My praise")
    assert shown("sam") == ("The person's department", "Praise wall")
    assert shown("rob") == ("The person's department", "Praise wall")
