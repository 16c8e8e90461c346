"""What the administrator cannot do quietly (issue 18): read a praise's words in the admin,
or take over a coach's account to read their private notes without the coach knowing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Notification, User
from coaching.models import Praise
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORDS = "Stayed late to rescue the Acme migration"
EXAMPLE = "Rebuilt the import by hand on Friday night."


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(
        email="root@example.com", full_name="Root Admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def private_praise(manager, report) -> Praise:
    return Praise.objects.create(employee=report, giver=manager, behaviour=WORDS, example=EXAMPLE)


def test_the_admin_lists_and_shows_praise_without_its_words(client, superuser, private_praise):
    client.force_login(superuser)
    for url in (
        reverse("admin:coaching_praise_changelist"),
        reverse("admin:coaching_praise_change", args=[private_praise.pk]),
        reverse("admin:coaching_praise_delete", args=[private_praise.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert WORDS not in page.content.decode() and EXAMPLE not in page.content.decode(), url


@pytest.mark.parametrize("lookup", ["behaviour__regex", "example__icontains", "behaviour"])
def test_the_admin_refuses_to_filter_praise_by_its_words(client, superuser, private_praise, lookup):
    client.force_login(superuser)
    response = client.get(reverse("admin:coaching_praise_changelist"), {lookup: "^Stayed"})
    assert response.status_code == 400
    by_person = client.get(reverse("admin:accounts_user_changelist"), {f"praise__{lookup}": "S"})
    assert by_person.status_code == 400


def test_a_coach_is_told_when_the_administrator_sets_their_password(django_app, superuser, manager):
    page = django_app.get(
        reverse("admin:auth_user_password_change", args=[manager.pk]), user=superuser
    )
    form = page.forms["user_form"]
    form["password1"] = "An0ther-long-secret"
    form["password2"] = "An0ther-long-secret"
    form.submit().follow()
    told = Notification.objects.get(recipient=manager)
    assert told.message.startswith("Root Admin set a new password for your account")
    assert "read what is yours alone, such as your private notes" in told.message
    assert told.url == reverse("accounts:password_change")


def test_changing_ones_own_password_in_the_admin_tells_nobody(django_app, superuser):
    page = django_app.get(
        reverse("admin:auth_user_password_change", args=[superuser.pk]), user=superuser
    )
    form = page.forms["user_form"]
    form["password1"] = "An0ther-long-secret"
    form["password2"] = "An0ther-long-secret"
    form.submit()
    assert not Notification.objects.exists()
