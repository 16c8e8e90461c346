from typing import Any

from django.contrib import admin
from django.db.models import Field as DbField
from django.forms import Field as FormField
from django.http import HttpRequest

from accounts.admin import PrivateFieldsAdmin, VersionedAdmin, ViewOnSiteWhenAllowedAdmin
from accounts.models import User
from coaching.forms import duration_field
from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from coaching.permissions import improvement_plans_visible_to, sessions_visible_to
from coaching.praise_access import praise_visible_to
from coaching.praise_models import CompanyValue, Praise


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
    inlines = [ActionItemInline]

    def formfield_for_dbfield(
        self, db_field: DbField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        if db_field.name == "duration_minutes":
            return duration_field()  # one message for every duration out of range
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: CoachingSession | None = None) -> Any:
        fixed = CoachingSession.READERS_FIELDS if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

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
    """Praise is read here by staff; who it is for and from never changes (another
    person's managers would read it), and "View on site" only where the product shows it."""

    list_display = ["given_at", "employee", "giver", "behaviour", "visibility", "withdrawn_at"]
    list_filter = ["visibility"]
    list_select_related = ["employee", "giver"]
    raw_id_fields = ["employee", "giver", "objective", "session"]

    def get_readonly_fields(self, request: HttpRequest, obj: Praise | None = None) -> Any:
        fixed = ("employee", "giver", "session") if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def visible_on_site(self, user: User, obj: Praise) -> bool:
        return praise_visible_to(user).filter(pk=obj.pk).exists()
