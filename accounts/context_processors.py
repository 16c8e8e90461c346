from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.person_figures import person_figures
from accounts.selectors import user_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's roles and figures for the navigation: ``roles``,
    ``unread_notifications`` and every figure a higher app registered (cached per
    person, read once a request: ``accounts.person_figures``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    figures = person_figures(user).all()
    context = {name: value for name, value in figures.items() if name != "role_flags"}
    context["roles"] = user_roles(user)
    return context
