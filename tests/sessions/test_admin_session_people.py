"""Who a session belongs to is fixed once it exists: in the admin no one (staff or
superuser) can hand a session, its private note or its shared content to another
reader; the product's own edit form cannot either (DESIGN.md §2).

A staff user allowed to change sessions in the admin once made himself the coach of
a manager's session and then read her private note on the session page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingSession, ImprovementPlan
from tests.factories import UserFactory
from tests.webtest_helpers import form_with_button, press

pytestmark = pytest.mark.django_db

PRIVATE = "Worried about burnout signals"


@pytest.fixture
def session(manager, report):
    return CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        duration_minutes=30,
        note="Talked about the pipeline.",
        private_note=PRIVATE,
        held_on=timezone.localdate(),
    )


@pytest.fixture
def staff(db):
    """Staff who may view and change coaching sessions and plans in the admin; no superuser."""
    user = UserFactory(email="stan@example.com", full_name="Stan Staff", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_coachingsession",
                "change_coachingsession",
                "view_improvementplan",
                "change_improvementplan",
            ]
        )
    )
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(email="sue@example.com", is_staff=True, is_superuser=True)


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def admin_form(page):
    return form_with_button(page, "Save")


def test_staff_cannot_make_themselves_the_coach_of_a_session_in_the_admin(
    django_app, session, staff, manager
):
    page = django_app.get(change_url(session), user=staff)
    form = admin_form(page)
    for name in ("coach", "employee", "department", "shared_with_hr"):
        assert name not in form.fields, f"{name} is editable"
    assert "Maria Manager" in page.text  # still shown, as text
    form["note"] = "Talked about the pipeline and the forecast."
    press(form, "Save").follow()
    session.refresh_from_db()
    assert session.coach == manager
    assert session.note == "Talked about the pipeline and the forecast."
    assert session.private_note == PRIVATE  # the admin form never carried it: not wiped


def test_a_forged_admin_post_naming_another_coach_changes_nothing_of_whose_it_is(
    django_app, session, staff, manager, report, peer
):
    page = django_app.get(change_url(session), user=staff)
    fields = [(n, v) for n, v in admin_form(page).submit_fields() if n]
    forged = [
        *fields,
        ("coach", str(staff.pk)),
        ("employee", str(peer.pk)),
        ("shared_with_hr", "on"),
        ("_save", "Save"),
    ]
    django_app.post(change_url(session), forged, user=staff)
    session.refresh_from_db()
    assert (session.coach, session.employee, session.shared_with_hr) == (manager, report, False)
    # And so the note stays its author's: the staff user's session page shows no note.
    shown = django_app.get(session.get_absolute_url(), user=staff, expect_errors=True)
    assert PRIVATE not in shown.text


def test_not_even_a_superuser_can_reassign_the_coach_of_a_session(
    django_app, session, superuser, manager
):
    page = django_app.get(change_url(session), user=superuser)
    assert "coach" not in admin_form(page).fields
    fields = [(n, v) for n, v in admin_form(page).submit_fields() if n]
    django_app.post(change_url(session), [*fields, ("coach", str(superuser.pk))], user=superuser)
    session.refresh_from_db()
    assert session.coach == manager and session.private_note == PRIVATE


def test_a_new_session_in_the_admin_still_names_its_coach(django_app, superuser):
    page = django_app.get(reverse("admin:coaching_coachingsession_add"), user=superuser)
    assert "coach" in admin_form(page).fields


def test_an_improvement_plan_cannot_be_moved_to_another_person_in_the_admin(
    django_app, staff, manager, report, peer
):
    plan = ImprovementPlan.objects.create(
        employee=report, opened_by=manager, measures="Weekly pipeline review", own_reasons="x"
    )
    page = django_app.get(change_url(plan), user=staff)
    form = admin_form(page)
    assert "employee" not in form.fields
    fields = [(n, v) for n, v in form.submit_fields() if n]
    django_app.post(change_url(plan), [*fields, ("employee", str(peer.pk))], user=staff)
    plan.refresh_from_db()
    assert plan.employee == report


def test_the_product_edit_form_cannot_change_the_coach_or_the_coachee(
    django_app, session, manager, report, peer, staff
):
    page = django_app.get(reverse("coaching:session_edit", args=[session.pk]), user=manager)
    form = form_with_button(page, "Save session")
    fields = [(n, v) for n, v in form.submit_fields() if n]
    forged = [(n, v) for n, v in fields if n not in ("employee",)] + [
        ("coach", str(staff.pk)),
        ("employee", str(peer.pk)),
    ]
    response = django_app.post(
        reverse("coaching:session_edit", args=[session.pk]), forged, user=manager
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.coach, session.employee, session.private_note) == (manager, report, PRIVATE)
