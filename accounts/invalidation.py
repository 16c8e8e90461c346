"""Signals that bump the cached figures' scopes (``accounts.person_figures``) on every
save and delete, the admin's included, as Zulip does for its caches.

- ``org``: a person's manager, active flag or staff flag, a department's head or parent,
  membership of a group (the HR group), a group renamed or deleted. A save that names
  only other fields (``last_login`` at each sign-in, a language) bumps nothing.
- ``notifications:<user id>``: a notification saved or deleted (a ``QuerySet.delete``
  sends these too).

Writes that bypass signals bump explicitly: the org import's bulk writes
(``accounts.org_import.importer``), ``accounts.services.notify`` (``bulk_create``) and
``notifications_mark_read`` (``QuerySet.update``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.data_versions import data_changed
from accounts.models import Department, Notification, User
from accounts.person_figures import ORG, notifications_scope

# The fields of a person that the org figures read (anyone's roles, the reporting line).
ORG_FIELDS = frozenset({"manager", "manager_id", "is_active", "is_staff", "is_superuser"})


def _person_saved(update_fields: frozenset[str] | None = None, **_kwargs: Any) -> None:
    if update_fields is None or update_fields & ORG_FIELDS:
        data_changed(ORG)


def _org_changed(**_kwargs: Any) -> None:
    data_changed(ORG)


def _groups_changed(action: str, **_kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        data_changed(ORG)


def _notification_changed(instance: Notification, **_kwargs: Any) -> None:
    data_changed(notifications_scope(instance.recipient_id))


def connect() -> None:
    """Connect the signals (``AccountsConfig.ready``)."""
    post_save.connect(_person_saved, sender=User, dispatch_uid="figures-person-saved")
    post_delete.connect(_org_changed, sender=User, dispatch_uid="figures-person-deleted")
    for signal in (post_save, post_delete):
        signal.connect(_org_changed, sender=Department, dispatch_uid="figures-department")
        signal.connect(_org_changed, sender=Group, dispatch_uid="figures-group")
        signal.connect(
            _notification_changed, sender=Notification, dispatch_uid="figures-notification"
        )
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="figures-groups")
