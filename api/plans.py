"""Appraisal cycles and objectives, with the rules of the plan pages (``plans.views``).

Reads go through ``plans.permissions`` (``objectives_visible_to``,
``get_objective_for_user``, ``can_manage_cycles`` …); writes validate with the
pages' forms and call the pages' services, so history, notifications and checks
are the same. Phase targets and check-ins are in ``api.progress``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.models import Department, User
from api.bridge import ID_PATTERN
from api.common import body, body_id, caller, form_cleaned, schema_only, with_current
from api.progress import PhaseTargetSerializer, TargetsInput, objective_targets_put
from plans.carry_forms import CycleCreateForm
from plans.carry_forward import cycle_create_carried
from plans.forms import CycleForm, CycleReopenForm, ObjectiveForm
from plans.models import AppraisalCycle, Objective
from plans.permissions import (
    can_manage_cycles,
    get_cycle_for_hr,
    get_employee_subject,
    get_objective_for_user,
    get_plan_subject,
    objectives_visible_to,
)
from plans.selectors import cycles_all, objective_as_stored, objective_parent_choices, plan_for
from plans.services import cycle_save, cycle_transition, objective_create, objective_update
from plans.template_models import CarryForward

# --- Cycles ------------------------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer[AppraisalCycle]):
    nodes = serializers.ListField(child=serializers.DateField(), read_only=True)
    rating_scale = serializers.SerializerMethodField()

    class Meta:
        model = AppraisalCycle
        fields = ["id", "name", "start_date", "end_date", "state", "nodes", "rating_scale"]
        fields += ["version"]
        read_only_fields = fields

    def get_rating_scale(self, cycle: AppraisalCycle) -> list[str]:
        scale = cycle.rating_scale
        return [str(label) for label in scale] if isinstance(scale, list) else []


class CycleInput(serializers.Serializer[Any]):
    """The cycle form's fields (documentation: the page's form validates them)."""

    name = serializers.CharField(max_length=100)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    frequency = serializers.ChoiceField(["monthly", "bimonthly", "quarterly", "half_yearly"])
    rating_labels = serializers.CharField(required=False, allow_blank=True)
    carry_from = serializers.IntegerField(required=False, help_text="New cycles only.")
    carry_which = serializers.ChoiceField(CarryForward.choices, required=False)
    version = serializers.IntegerField(required=False, help_text="Edits: the version read.")


class CycleStateInput(serializers.Serializer[Any]):
    state = serializers.ChoiceField(
        AppraisalCycle.State.choices, help_text="planning or active (closing: the close page)."
    )
    seen_state = serializers.ChoiceField(AppraisalCycle.State.choices)
    reason = serializers.CharField(required=False, help_text="Reopening a closed cycle: why.")


class CycleViewSet(viewsets.ReadOnlyModelViewSet[AppraisalCycle]):
    """Every cycle (the cycle picker of the plan pages lists them for everyone);
    HR creates, edits and starts them as on the cycle pages (403 for anybody else)."""

    # Ids only: anything else never reaches the view (a 404 problem, not a 500).
    lookup_value_regex = ID_PATTERN

    serializer_class = CycleSerializer
    filterset_fields = ["state"]

    def get_queryset(self) -> QuerySet[AppraisalCycle]:
        return cycles_all()

    @extend_schema(request=CycleInput, responses={201: CycleSerializer})
    def create(self, request: Request) -> Response:
        user = caller(request)
        if not can_manage_cycles(user):
            raise PermissionDenied
        data = form_cleaned(CycleCreateForm(body(request)))
        saved, _carried = cycle_create_carried(
            actor=user,
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            frequency=data["frequency"],
            rating_scale=data["rating_labels"],
            source=data.get("carry_from"),
            which=data.get("carry_which") or CarryForward.UNFINISHED,
        )
        return Response(CycleSerializer(saved).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CycleInput, responses={200: CycleSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        user = caller(request)
        cycle = get_cycle_for_hr(user, int(pk))
        if cycle.is_closed:
            raise PermissionDenied(_("A closed cycle is read-only."))
        form = CycleForm(with_current(CycleForm(instance=cycle), body(request)), instance=cycle)
        data = form_cleaned(form)
        saved = cycle_save(
            actor=user,
            cycle=cycle,
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            frequency=data["frequency"],
            rating_scale=data["rating_labels"],
            version=data.get("version"),
        )
        return Response(CycleSerializer(saved).data)

    @extend_schema(request=CycleStateInput, responses={200: CycleSerializer})
    @action(detail=True, methods=["post"])
    def state(self, request: Request, pk: str) -> Response:
        """Start a cycle, take it back to planning, or reopen a closed one (with a reason).
        Closing is done on the cycle's close page, as in the browser."""
        user = caller(request)
        cycle = get_cycle_for_hr(user, int(pk))
        data = body(request)
        state_field = serializers.ChoiceField(
            [AppraisalCycle.State.PLANNING, AppraisalCycle.State.ACTIVE]
        )
        seen_field = serializers.ChoiceField(AppraisalCycle.State.choices)
        errors: dict[str, list[str]] = {}
        for name, field in (("state", state_field), ("seen_state", seen_field)):
            try:
                data[name] = field.run_validation(data.get(name, ""))
            except serializers.ValidationError as error:
                errors[name] = [str(m) for m in error.detail]
        if errors:
            raise serializers.ValidationError(errors)
        reason = ""
        if data["seen_state"] == AppraisalCycle.State.CLOSED and cycle.is_closed:
            reason = form_cleaned(CycleReopenForm(data))["reason"]
        cycle_transition(
            actor=user,
            cycle=cycle,
            state=data["state"],
            seen_state=data["seen_state"],
            reason=reason,
        )
        cycle.refresh_from_db()
        return Response(CycleSerializer(cycle).data)


# --- Objectives --------------------------------------------------------------------------


class ObjectiveSerializer(serializers.ModelSerializer[Objective]):
    class Meta:
        model = Objective
        fields = ["id", "cycle", "employee", "department", "title", "description", "weight"]
        fields += ["measure", "target", "unit", "parent", "status", "version"]
        read_only_fields = fields


class ObjectiveInput(serializers.Serializer[Any]):
    """The objective form's fields (documentation: the page's form validates them)."""

    cycle = serializers.IntegerField(help_text="New objectives only.")
    employee = serializers.IntegerField(required=False, help_text="New: whose (default: you).")
    department = serializers.IntegerField(required=False, help_text="New: a department's.")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    weight = serializers.IntegerField(min_value=0, max_value=100)
    measure = serializers.ChoiceField(Objective._meta.get_field("measure").choices or [])
    target = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    unit = serializers.CharField(required=False, allow_blank=True)
    # (The form's field name; DRF's metaclass takes it out of the class's attributes.)
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]
    status = serializers.ChoiceField(Objective.Status.choices, required=False)
    reason = serializers.CharField(required=False, help_text="Required when the plan is agreed.")
    version = serializers.IntegerField(required=False, help_text="Edits: the version read.")


class ObjectiveViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Objective]
):
    """The objectives the caller may read (``objectives_visible_to``); created and
    edited by those the objective pages let (403 otherwise, 404 when not visible)."""

    # Ids only: anything else never reaches the view (a 404 problem, not a 500).
    lookup_value_regex = ID_PATTERN

    serializer_class = ObjectiveSerializer
    filterset_fields = ["cycle", "employee", "department", "status", "parent"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Objective]:
        if schema_only(self):
            return Objective.objects.none()
        return objectives_visible_to(caller(self.request))

    def get_object(self) -> Objective:
        return get_objective_for_user(caller(self.request), int(self.kwargs["pk"]))

    @extend_schema(request=ObjectiveInput, responses={201: ObjectiveSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = caller(request)
        data = body(request)
        cycle = get_object_or_404(AppraisalCycle, pk=body_id(data, "cycle"))
        employee: User | None
        department: Department | None
        department_id = body_id(data, "department", required=False)
        employee_id = body_id(data, "employee", required=False)
        if department_id is None and employee_id is None:
            employee, department = get_employee_subject(user, user.pk, write=True), None
        else:
            params = {"department": str(department_id or ""), "employee": str(employee_id or "")}
            employee, department = get_plan_subject(
                user,
                params,  # type: ignore[arg-type]
                write=True,
            )
        if cycle.is_closed:
            raise PermissionDenied
        plan = plan_for(cycle=cycle, employee=employee, department=department)
        form = ObjectiveForm(
            data,
            cycle=cycle,
            employee=employee,
            department=department,
            parent_choices=objective_parent_choices(
                user=user, cycle=cycle, employee=employee, department=department
            ),
            plan_agreed=bool(plan and plan.is_agreed),
        )
        cleaned = form_cleaned(form)
        reason = cleaned.pop("reason", "")
        saved = objective_create(
            actor=user,
            cycle=cycle,
            employee=employee,
            department=department,
            reason=reason,
            **cleaned,
        )
        return Response(ObjectiveSerializer(saved.objective).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectiveInput, responses={200: ObjectiveSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = caller(request)
        objective = get_objective_for_user(user, int(kwargs["pk"]), write=True)
        plan = plan_for(
            cycle=objective.cycle, employee=objective.employee, department=objective.department
        )
        options: dict[str, Any] = {
            "instance": objective,
            "cycle": objective.cycle,
            "employee": objective.employee,
            "department": objective.department,
            "parent_choices": objective_parent_choices(
                user=user,
                cycle=objective.cycle,
                employee=objective.employee,
                department=objective.department,
                objective=objective,
            ),
            "plan_agreed": bool(plan and plan.is_agreed),
        }
        form = ObjectiveForm(with_current(ObjectiveForm(**options), body(request)), **options)
        cleaned = form_cleaned(form)
        reason = cleaned.pop("reason", "")
        version = cleaned.pop("version")
        stored = objective_as_stored(pk=objective.pk)
        saved = objective_update(
            actor=user, objective=stored, version=version, reason=reason, **cleaned
        )
        return Response(ObjectiveSerializer(saved.objective).data)

    @extend_schema(request=ObjectiveInput, responses={200: ObjectiveSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=TargetsInput, responses={200: PhaseTargetSerializer(many=True)})
    @action(detail=True, methods=["put"], serializer_class=PhaseTargetSerializer)
    def targets(self, request: Request, pk: str) -> Response:
        """Set every month's target (the targets grid); a month left out has none."""
        return objective_targets_put(request, int(pk))


def register(router: BaseRouter) -> None:
    router.register("cycles", CycleViewSet, basename="cycle")
    router.register("objectives", ObjectiveViewSet, basename="objective")
