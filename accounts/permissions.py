"""Who may do what with the organisation. Yes/no checks and fetchers that refuse."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import is_manager_of, user_roles, was_line_manager_of


def can_import_org(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user_roles(user).is_hr or user.is_superuser)


def require_hr(user: User | AnonymousUser) -> None:
    if not can_import_org(user):
        raise PermissionDenied


def can_read_person(user: User, person: User) -> bool:
    """Any signed-in person may read the directory entry of an active colleague; someone
    who left stays readable by HR, the managers above them and their former managers
    (the same people as ``accounts.selectors.leavers_readable_by``)."""
    return person.is_active or (
        user_roles(user).is_hr or is_manager_of(user, person) or was_line_manager_of(user, person)
    )


def get_person_for_user(user: User, pk: int) -> User:
    """The person ``pk`` if ``user`` may read them (``can_read_person``); 404 otherwise."""
    person = get_object_or_404(
        User.objects.select_related("department", "manager", "department__head"), pk=pk
    )
    if not can_read_person(user, person):
        raise Http404
    return person


def may_link_person(user: User | AnonymousUser, person: User) -> bool:
    """Should a page link ``person``'s name to their page for ``user``? Only when
    ``can_read_person`` lets ``user`` open it, decided without a query per person (the
    roles and the reports are read once per request): everyone active; someone who left
    for HR and the managers above them. A former manager who may still open a leaver's
    page just sees the name unlinked: a missing link, never a link to a 404."""
    return may_link_person_id(user, person.pk, is_active=person.is_active)


def may_link_person_id(user: User | AnonymousUser, pk: int, *, is_active: bool) -> bool:
    """``may_link_person`` for a person known by key and whether active (a list read as
    values rather than model instances)."""
    if not user.is_authenticated:
        return False
    if is_active:
        return True
    assert isinstance(user, User)  # noqa: S101 - authenticated
    return user_roles(user).is_hr or is_manager_of(user, pk)
