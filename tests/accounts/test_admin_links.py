"""The admin links only to pages its user may open (found by the crawl of the demo).

Django's admin offers "View on site" for every object with an address, and a
"Reset password" button on every user, without asking whether the product (or
the admin itself) will then let this person in.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coaching.models import CoachingSession, ImprovementPlan
from tests.factories import UserFactory, make_cycle, make_hr, make_objective

pytestmark = pytest.mark.django_db

VIEW_ON_SITE = 'class="viewsitelink"'


@pytest.fixture
def viewer(db: None) -> User:
    """Staff allowed to look at everything in the admin, and to change nothing."""
    user = UserFactory(email="stan@example.com", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


def _change_page(client: Client, user: User, obj: object) -> str:
    client.force_login(user)
    meta = obj._meta  # type: ignore[attr-defined]
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])  # type: ignore[attr-defined]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_staff_are_not_sent_to_a_cycle_page_that_only_hr_may_open(client, viewer):
    cycle = make_cycle()
    assert VIEW_ON_SITE not in _change_page(client, viewer, cycle)
    assert client.get(cycle.get_absolute_url()).status_code == 403


def test_hr_staff_are_sent_to_the_cycle_page_they_may_open(client, viewer):
    cycle = make_cycle()
    make_hr(viewer)
    assert VIEW_ON_SITE in _change_page(client, viewer, cycle)
    assert client.get(cycle.get_absolute_url()).status_code == 200


def test_no_view_on_site_for_a_session_objective_or_plan_the_product_keeps_from_the_admin(
    client, superuser, manager, report
):
    objective = make_objective(make_cycle(), employee=report)
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=timezone.localdate()
    )
    plan = ImprovementPlan.objects.create(employee=report, opened_by=manager, measures="x")
    for obj in (objective, session, plan):
        assert VIEW_ON_SITE not in _change_page(client, superuser, obj)
        assert client.get(obj.get_absolute_url()).status_code == 404


def test_the_coach_sees_view_on_site_for_her_own_session(client, manager, report):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=timezone.localdate()
    )
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.add(Permission.objects.get(codename="view_coachingsession"))
    assert VIEW_ON_SITE in _change_page(client, manager, session)
    assert client.get(session.get_absolute_url()).status_code == 200


def test_no_view_on_site_for_someone_who_has_left(client, superuser):
    former = UserFactory(is_active=False)
    assert VIEW_ON_SITE not in _change_page(client, superuser, former)
    assert VIEW_ON_SITE in _change_page(client, superuser, UserFactory())


def test_view_only_staff_are_not_offered_a_password_reset_they_may_not_open(
    client, viewer, superuser
):
    person = UserFactory()
    password_url = reverse("admin:auth_user_password_change", args=[person.pk])
    assert "../password/" not in _change_page(client, viewer, person)
    assert client.get(password_url).status_code == 403
    assert "../password/" in _change_page(client, superuser, person)
