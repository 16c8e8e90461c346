"""The outbox in the admin: read-only, without the messages' contents.

A message's body can quote what the admin masks elsewhere (a praise's words),
so the admin lists who, what, when and why it failed, never the payload.
Imported by ``accounts.admin``.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from knox.models import AuthToken

from accounts.admin import PrivateFieldsAdmin
from accounts.models import OutboxMessage

# knox registers its own token model, which this product swaps for ``ApiToken`` and never
# uses: its empty list would only mislead. Tokens are kept on HR's token page.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PrivateFieldsAdmin[OutboxMessage]):
    list_display = ["created_at", "channel", "recipient", "subject", "state", "attempts"]
    list_filter = ["state", "channel"]
    search_fields = ["recipient", "subject", "key"]
    fields = readonly_fields = (
        "key",
        "channel",
        "endpoint",
        "event",
        "recipient",
        "subject",
        "state",
        "created_at",
        "due_at",
        "claimed_until",
        "give_up_at",
        "attempts",
        "sent_at",
        "last_status",
        "last_error",
    )
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
