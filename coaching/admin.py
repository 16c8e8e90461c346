from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import F, Model
from django.db.models import Field as DbField
from django.forms import Field as FormField
from django.http import HttpRequest

from accounts.admin import PrivateFieldsAdmin, ViewOnSiteWhenAllowedAdmin
from accounts.models import User
from coaching.forms import duration_field
from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from coaching.permissions import (
    can_manage_cycles,
    improvement_plans_visible_to,
    objectives_visible_to,
    sessions_visible_to,
)
from plans.models import (
    AppraisalCycle,
    CheckIn,
    Objective,
    ObjectiveChange,
    PerformancePlan,
    PhaseTarget,
)

_VersionedT = TypeVar("_VersionedT", bound=Model)


class VersionedAdmin(ViewOnSiteWhenAllowedAdmin[_VersionedT]):
    """A change saved here makes the product's open edit forms of the object stale, so
    that they cannot undo it (accounts.concurrency)."""

    def save_model(self, request: HttpRequest, obj: _VersionedT, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            type(obj)._default_manager.filter(pk=obj.pk).update(version=F("version") + 1)


@admin.register(AppraisalCycle)
class AppraisalCycleAdmin(VersionedAdmin[AppraisalCycle]):
    list_display = ["name", "start_date", "end_date", "state"]
    list_filter = ["state"]

    def visible_on_site(self, user: User, obj: AppraisalCycle) -> bool:
        return can_manage_cycles(user)


class PhaseTargetInline(admin.TabularInline[PhaseTarget, Objective]):
    model = PhaseTarget
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(VersionedAdmin[Objective]):
    list_display = ["title", "cycle", "employee", "department", "weight", "measure", "status"]
    list_filter = ["cycle", "measure", "status"]
    list_select_related = ["cycle", "employee", "department"]
    search_fields = ["title", "employee__full_name", "department__name"]
    raw_id_fields = ["employee", "department", "parent", "owner", "created_by"]
    inlines = [PhaseTargetInline]

    def visible_on_site(self, user: User, obj: Objective) -> bool:
        return objectives_visible_to(user).filter(pk=obj.pk).exists()


@admin.register(CheckIn)
class CheckInAdmin(PrivateFieldsAdmin[CheckIn]):
    list_display = ["objective", "value", "confidence", "recorded_on", "author"]
    list_select_related = ["objective", "author"]
    raw_id_fields = ["objective", "author"]


@admin.register(PerformancePlan)
class PerformancePlanAdmin(PrivateFieldsAdmin[PerformancePlan]):
    list_display = [
        "cycle",
        "employee",
        "department",
        "employee_confirmed_at",
        "manager_confirmed_at",
    ]
    list_select_related = ["cycle", "employee", "department"]
    raw_id_fields = ["employee", "department", "employee_confirmed_by", "manager_confirmed_by"]


@admin.register(ObjectiveChange)
class ObjectiveChangeAdmin(PrivateFieldsAdmin[ObjectiveChange]):
    list_display = ["objective", "changed_by", "changed_at", "reason"]
    list_select_related = ["objective", "changed_by"]
    readonly_fields = ["objective", "changed_by", "changed_at", "reason", "changes"]


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

    list_display = ["employee", "objective", "opened_on", "outcome"]
    list_select_related = ["employee", "objective"]
    raw_id_fields = ["employee", "objective", "opened_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: ImprovementPlan | None = None) -> Any:
        fixed = ("employee",) if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def visible_on_site(self, user: User, obj: ImprovementPlan) -> bool:
        return improvement_plans_visible_to(user).filter(pk=obj.pk).exists()
