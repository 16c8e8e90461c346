from django.contrib import admin

from accounts.admin import PrivateFieldsAdmin, VersionedAdmin
from accounts.models import User
from plans.models import (
    AppraisalCycle,
    CheckIn,
    CycleEvent,
    Objective,
    ObjectiveChange,
    PerformancePlan,
    PhaseTarget,
)
from plans.permissions import can_manage_cycles, objectives_visible_to


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


@admin.register(CycleEvent)
class CycleEventAdmin(PrivateFieldsAdmin[CycleEvent]):
    list_display = ["cycle", "from_state", "to_state", "actor", "at", "reason"]
    list_select_related = ["cycle", "actor"]
    readonly_fields = ["cycle", "actor", "at", "from_state", "to_state", "reason", "tables_closed"]
