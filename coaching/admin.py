from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Field as DbField
from django.db.models import QuerySet
from django.forms import Field as FormField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.admin import PrivateFieldsAdmin, VersionedAdmin, ViewOnSiteWhenAllowedAdmin
from accounts.http import user_of
from accounts.models import User
from coaching.forms import duration_field
from coaching.models import ActionItem, CoachingSession, ImprovementPlan, PrivateNoteRead
from coaching.permissions import improvement_plans_visible_to, sessions_visible_to
from coaching.praise import praise_notifications_remove
from coaching.praise_access import praise_visible_to
from coaching.praise_models import CompanyValue, Praise
from coaching.read_log import (
    REASON_MIN_LENGTH,
    can_reveal_private_note,
    private_note_reads_of,
    private_note_reveal,
    reason_is_meaningful,
)


class RevealReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must you read this private note?"),
        max_length=300,
        help_text=_(
            "Recorded with your name and the time, and shown to the note's author on their session."
        ),
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason_is_meaningful(reason):
            raise forms.ValidationError(
                _(
                    "Give the real reason, in words (at least %(count)d characters), as the "
                    "author will read it: for example “Legal request from the court, case 123”."
                ),
                params={"count": REASON_MIN_LENGTH},
            )
        return reason


class PrivateNoteReadInline(admin.TabularInline[PrivateNoteRead, CoachingSession]):
    """The reads of this session's private note: shown, never changed or removed."""

    model = PrivateNoteRead
    extra = 0
    fields = ["read_at", "reader", "reason"]
    readonly_fields = ["read_at", "reader", "reason"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ActionItemInline(admin.TabularInline[ActionItem, CoachingSession]):
    model = ActionItem
    extra = 0
    raw_id_fields = ["owner", "done_by"]


@admin.register(CoachingSession)
class CoachingSessionAdmin(VersionedAdmin[CoachingSession]):
    """Private notes belong to their author: only a superuser sees or filters on them here
    (``PrivateFieldsAdmin``; ``CoachingSession.ADMIN_PRIVATE_FIELDS``).

    Whose a session is never changes here, for anyone: a new coach would read the
    author's private note, a new coachee (or HR, by sharing) its content.
    """

    list_display = ["held_on", "coach", "employee", "department", "type", "duration_minutes"]
    list_filter = ["type", "form", "occasion"]
    list_select_related = ["coach", "employee", "department"]
    raw_id_fields = ["coach", "employee", "department", "improvement_plan", "acknowledged_by"]
    inlines = [ActionItemInline, PrivateNoteReadInline]

    @admin.display(description=_("private note"))
    def private_note_masked(self, obj: CoachingSession) -> str:
        """Masked for everyone, the same words whether or not there is a note (an empty one
        is not told apart)."""
        return str(_("Masked: only its author reads it.")) if obj.pk else ""

    @admin.display(description=_("private note"))
    def private_note_revealable(self, obj: CoachingSession) -> str:
        """As ``private_note_masked``, with the reveal page (which logs the read) offered:
        for a superuser alone."""
        if not obj.pk:
            return ""
        return format_html(
            '{} <a href="{}" data-testid="reveal-private-note">{}</a>',
            self.private_note_masked(obj),
            reverse("admin:coaching_coachingsession_reveal", args=[obj.pk]),
            _("Reveal, giving a reason (the author will see it)"),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: CoachingSession | None = None) -> Any:
        fixed = CoachingSession.READERS_FIELDS if obj is not None else ()
        masked: tuple[str, ...] = ()
        if obj is not None:
            may_reveal = can_reveal_private_note(user_of(request))
            masked = ("private_note_revealable" if may_reveal else "private_note_masked",)
        return (*super().get_readonly_fields(request, obj), *fixed, *masked)

    def get_urls(self) -> list[URLPattern]:
        reveal = path(
            "<int:pk>/reveal-private-note/",
            self.admin_site.admin_view(self.reveal_private_note),
            name="coaching_coachingsession_reveal",
        )
        return [reveal, *super().get_urls()]

    @method_decorator(never_cache)
    def reveal_private_note(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A superuser reads one private note after giving a reason; the read is logged
        first (``coaching.read_log.private_note_reveal``). Anyone else: 403."""
        user = user_of(request)
        if not can_reveal_private_note(user):
            raise PermissionDenied
        session = get_object_or_404(CoachingSession.objects.select_related("coach"), pk=pk)
        form = RevealReasonForm(request.POST or None)
        note = None
        if request.method == "POST" and form.is_valid():
            note = private_note_reveal(
                session=session, reader=user, reason=form.cleaned_data["reason"]
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": session,
            "title": _("Reveal a private note"),
            "form": form,
            "note": note,
            "reads": private_note_reads_of(session),
        }
        return TemplateResponse(request, "admin/coaching/reveal_private_note.html", context)

    def formfield_for_dbfield(
        self, db_field: DbField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        if db_field.name == "duration_minutes":
            return duration_field()  # one message for every duration out of range
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def visible_on_site(self, user: User, obj: CoachingSession) -> bool:
        return sessions_visible_to(user).filter(pk=obj.pk).exists()


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(VersionedAdmin[ImprovementPlan]):
    """The person a plan is about never changes here: its reasons would move to another
    person and their managers."""

    list_display = ["employee", "department", "objective", "opened_on", "outcome"]
    list_select_related = ["employee", "department", "objective"]
    raw_id_fields = ["employee", "department", "objective", "opened_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: ImprovementPlan | None = None) -> Any:
        fixed = ("employee", "department") if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def visible_on_site(self, user: User, obj: ImprovementPlan) -> bool:
        return improvement_plans_visible_to(user).filter(pk=obj.pk).exists()


@admin.register(CompanyValue)
class CompanyValueAdmin(PrivateFieldsAdmin[CompanyValue]):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(Praise)
class PraiseAdmin(ViewOnSiteWhenAllowedAdmin[Praise]):
    """Praise is the giver's words and the recipient's to show: listed here by who, whom,
    when and how visible, its words masked (``Praise.ADMIN_PRIVATE_FIELDS``); never added
    or changed (no forged giver, no rewritten text, no widened visibility).
    A superuser may delete one as moderation; its notifications go with it. "View on
    site" only where the product shows it."""

    list_display = ["given_at", "employee", "giver", "visibility", "withdrawn_at"]
    list_filter = ["visibility"]
    list_select_related = ["employee", "giver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Praise) -> None:
        praise_notifications_remove([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Praise]) -> None:
        praise_notifications_remove(list(queryset))
        super().delete_queryset(request, queryset)

    def visible_on_site(self, user: User, obj: Praise) -> bool:
        return praise_visible_to(user).filter(pk=obj.pk).exists()


@admin.register(PrivateNoteRead)
class PrivateNoteReadAdmin(PrivateFieldsAdmin[PrivateNoteRead]):
    """The read log: listed for those who may view it, never added, changed or deleted
    here (a read is recorded by the reveal page alone)."""

    list_display = ["read_at", "reader", "session", "reason"]
    list_select_related = ["reader", "session"]
    date_hierarchy = "read_at"
    fields = ["read_at", "reader", "session", "reason"]
    readonly_fields = ["read_at", "reader", "session", "reason"]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
