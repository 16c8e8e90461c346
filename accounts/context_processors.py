from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import Notification
from accounts.selectors import user_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Roles of the signed-in person, for showing the navigation that fits them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "roles": user_roles(user),
        "unread_notifications": Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count(),
    }
