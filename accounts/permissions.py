"""Who may do what with the organisation. Yes/no checks and fetchers that refuse."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import user_roles


def can_import_org(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user_roles(user).is_hr or user.is_superuser)


def require_hr(user: User | AnonymousUser) -> None:
    if not can_import_org(user):
        raise PermissionDenied


def get_person_for_user(user: User, pk: int) -> User:
    """Any signed-in person may see the directory entry of an active colleague."""
    return get_object_or_404(
        User.objects.select_related("department", "manager", "department__head"),
        pk=pk,
        is_active=True,
    )
