"""The admin refuses a manager who would put the reporting line in a circle.

A staff member sets a person's manager on the person's change page: someone
below that person (directly or through others), or the person themselves,
would leave a group that nobody outside it manages. The change page says so
beside the manager field and saves nothing. A department's parent likewise:
a circle of departments would fall out of the organisation chart.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Assignment, User
from tests.factories import DepartmentFactory, UserFactory
from tests.webtest_helpers import errors_beside

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(
        email="root@example.com", full_name="Root Admin", is_staff=True, is_superuser=True
    )


def set_manager_in_the_admin(django_app, superuser, person, manager):
    """The administrator opens the person's change page, types the manager's id
    (the field's lookup fills in just that) and presses Save."""
    page = django_app.get(reverse("admin:accounts_user_change", args=[person.pk]), user=superuser)
    form = page.forms["user_form"]
    form["manager"] = str(manager.pk)
    return form.submit("_save")


def test_two_people_managing_each_other_are_refused_beside_the_manager_field(
    django_app, superuser, manager, report
):
    page = set_manager_in_the_admin(django_app, superuser, manager, report)
    assert page.status_code == 200
    assert errors_beside(page, "manager") == [
        "Rob Report is below Maria Manager in the reporting line: it would go round in a "
        "circle (Maria Manager → Rob Report → Maria Manager)."
    ]
    manager.refresh_from_db()
    assert manager.manager_id is None
    assert not Assignment.objects.filter(person=manager, manager=report).exists()


def test_a_longer_circle_through_several_people_is_refused_too(
    django_app, superuser, manager, report, indirect_report
):
    page = set_manager_in_the_admin(django_app, superuser, manager, indirect_report)
    assert errors_beside(page, "manager") == [
        "Ivy Indirect is below Maria Manager in the reporting line: it would go round in a "
        "circle (Maria Manager → Ivy Indirect → Rob Report → Maria Manager)."
    ]
    manager.refresh_from_db()
    assert manager.manager_id is None


def test_nobody_is_made_their_own_manager(django_app, superuser, report):
    page = set_manager_in_the_admin(django_app, superuser, report, report)
    assert errors_beside(page, "manager") == ["Nobody manages themselves."]
    report.refresh_from_db()
    assert report.manager_id != report.pk


def test_a_manager_from_another_branch_is_saved(django_app, superuser, report, peer, manager):
    """Moving someone across, or under a person above them, is no circle."""
    set_manager_in_the_admin(django_app, superuser, report, peer).follow()
    report.refresh_from_db()
    assert report.manager == peer
    set_manager_in_the_admin(django_app, superuser, peer, manager).follow()
    peer.refresh_from_db()
    assert peer.manager == manager


# --- Departments: the same kind of circle, through the parent ---------------------


def set_parent_in_the_admin(django_app, superuser, department, parent):
    url = reverse("admin:accounts_department_change", args=[department.pk])
    form = django_app.get(url, user=superuser).forms["department_form"]
    form["parent"] = str(parent.pk)
    return form.submit("_save")


def test_a_department_put_under_its_own_sub_department_is_refused(django_app, superuser):
    top = DepartmentFactory(name="Sales")
    east = DepartmentFactory(name="Sales East", parent=top)
    team = DepartmentFactory(name="East Team", parent=east)
    page = set_parent_in_the_admin(django_app, superuser, top, team)
    assert errors_beside(page, "parent") == [
        "East Team is below Sales: the departments would go round in a circle "
        "(Sales → East Team → Sales East → Sales)."
    ]
    top.refresh_from_db()
    assert top.parent is None
    page = set_parent_in_the_admin(django_app, superuser, top, top)
    assert errors_beside(page, "parent") == ["A department cannot be its own parent."]


def test_a_department_moved_under_another_branch_is_saved(django_app, superuser):
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    east = DepartmentFactory(name="Sales East", parent=sales)
    set_parent_in_the_admin(django_app, superuser, east, finance).follow()
    set_parent_in_the_admin(django_app, superuser, sales, finance).follow()
    east.refresh_from_db()
    sales.refresh_from_db()
    assert east.parent == finance and sales.parent == finance
