from typing import Any, cast

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import PrivateFieldsAdmin, VersionedAdmin
from accounts.models import User
from plans.models import (
    AppraisalCycle,
    CheckIn,
    CycleEvent,
    EarlyWarning,
    Objective,
    ObjectiveChange,
    PerformancePlan,
    PhaseTarget,
    PlanReopening,
)
from plans.permissions import can_manage_cycles, objectives_visible_to
from plans.reopening import objective_delete, plan_change_record
from plans.services import OBJECTIVE_FIELDS, plain_value, plan_get_or_create


@admin.register(AppraisalCycle)
class AppraisalCycleAdmin(VersionedAdmin[AppraisalCycle]):
    list_display = ["name", "start_date", "end_date", "state"]
    list_filter = ["state"]
    # The state changes on the cycle page only: starting checks that no subject is in
    # two active cycles, closing closes the open review tables, reopening asks why,
    # and each step is recorded (issue 15 §4).
    readonly_fields = ["state"]

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

    # A change here is recorded and may reopen the plan, as on the objective's pages
    # (plans.reopening): the stored values are read before the form's are saved.
    @staticmethod
    def _snapshot(pk: int) -> dict[str, Any]:
        stored = Objective.objects.get(pk=pk)
        values = {name: plain_value(getattr(stored, name)) for name in OBJECTIVE_FIELDS}
        for target in PhaseTarget.objects.filter(objective_id=pk):
            values[f"target {target.month:%Y-%m}"] = plain_value(target.planned)
        return values

    def save_model(self, request: HttpRequest, obj: Objective, form: Any, change: bool) -> None:
        if change:
            obj._stored_before = self._snapshot(obj.pk)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(obj, "_stored_before", None)
        if before is None:
            changes: dict[str, Any] = {"created": [None, obj.title]}
        else:
            after = self._snapshot(obj.pk)
            changes = {
                key: [before.get(key), after.get(key)]
                for key in sorted(set(before) | set(after))
                if before.get(key) != after.get(key)
            }
        with transaction.atomic():
            plan = plan_get_or_create(
                cycle=obj.cycle, employee=obj.employee, department=obj.department
            )
            plan = PerformancePlan.objects.select_for_update().get(pk=plan.pk)
            plan_change_record(
                plan=plan,
                objective=obj,
                actor=cast(User, request.user),
                changes=changes,
            )

    def delete_model(self, request: HttpRequest, obj: Objective) -> None:
        objective_delete(actor=cast(User, request.user), objective=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Objective]) -> None:
        for objective in queryset:
            objective_delete(actor=cast(User, request.user), objective=objective)


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


@admin.register(PlanReopening)
class PlanReopeningAdmin(PrivateFieldsAdmin[PlanReopening]):
    list_display = ["plan", "reopened_by", "reopened_at", "cause", "weight_total"]
    list_select_related = ["plan__cycle", "plan__employee", "plan__department", "reopened_by"]
    readonly_fields = [
        "plan",
        "reopened_by",
        "reopened_at",
        "cause",
        "reason",
        "weight_total",
        "objective_title",
        "change",
        "employee_confirmed_at",
        "manager_confirmed_at",
    ]


@admin.register(CycleEvent)
class CycleEventAdmin(PrivateFieldsAdmin[CycleEvent]):
    list_display = ["cycle", "from_state", "to_state", "actor", "at", "reason"]
    list_select_related = ["cycle", "actor"]
    readonly_fields = ["cycle", "actor", "at", "from_state", "to_state", "reason", "tables_closed"]


@admin.register(EarlyWarning)
class EarlyWarningAdmin(PrivateFieldsAdmin[EarlyWarning]):
    """Read only: a warning records what happened and who was told."""

    list_display = ["objective", "kind", "coach", "confidence", "raised_on", "digest_key"]
    list_select_related = ["objective", "coach"]
    list_filter = ["kind"]
    readonly_fields = [
        "kind",
        "objective",
        "checkin",
        "coach",
        "confidence",
        "previous_confidence",
        "raised_on",
        "created_at",
        "digest_key",
    ]
