"""Phase targets and check-ins, with the rules of the objective page (``plans.views.objectives``).

Read: those of the objectives ``objectives_visible_to`` the caller. Write: the
monthly targets by who may edit the objective (``get_objective_for_user(write=True)``),
a check-in by who may check in (``can_check_in``); validated by the page's
``TargetGridForm`` and ``CheckInForm``, saved by ``phase_targets_save`` and
``checkin_create``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from api.bridge import ID_PATTERN
from api.common import body, body_id, caller, form_cleaned, schema_only
from plans.forms import CheckInForm, TargetGridForm
from plans.models import CheckIn, Measure, Objective, PhaseTarget
from plans.permissions import can_check_in, get_objective_for_user, objectives_visible_to
from plans.selectors import phase_targets_of, plan_for
from plans.services import checkin_create, phase_targets_save

# --- Phase targets -----------------------------------------------------------------------


class PhaseTargetSerializer(serializers.ModelSerializer[PhaseTarget]):
    class Meta:
        model = PhaseTarget
        fields = ["id", "objective", "month", "planned"]
        read_only_fields = fields


class TargetItem(serializers.Serializer[Any]):
    month = serializers.DateField(help_text="A time node of the cycle (its first day).")
    planned = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Cumulative: where to be by then; for a milestone 1 (done) or 0. Null: none.",
    )


class TargetsInput(serializers.Serializer[Any]):
    """Every month's target at once, as the targets grid; a month left out has no target."""

    version = serializers.IntegerField(help_text="The objective's version read.")
    reason = serializers.CharField(required=False, help_text="Required when the plan is agreed.")
    targets = TargetItem(many=True)


def _grid_data(objective: Objective, data: dict[str, Any]) -> dict[str, Any]:
    """The targets grid's fields (``m_YYYY_MM``) from ``{"targets": [{month, planned}]}``."""
    items = data.get("targets", [])
    if not isinstance(items, list):
        raise serializers.ValidationError({"targets": [_("Send a list of months and targets.")]})
    grid: dict[str, Any] = {"version": data.get("version"), "reason": data.get("reason", "")}
    nodes = set(objective.cycle.nodes)
    milestone = objective.measure == Measure.MILESTONE
    for item in TargetItem(data=items, many=True).run_validation(items):
        month: dt.date = item["month"].replace(day=1)
        if month not in nodes:
            raise serializers.ValidationError(
                {"targets": [_("%(month)s is not a time node of the cycle.") % {"month": month}]}
            )
        planned = item["planned"]
        grid[TargetGridForm.field_name(month)] = bool(planned) if milestone else planned
    return grid


@extend_schema(request=TargetsInput, responses={200: PhaseTargetSerializer(many=True)})
def objective_targets_put(request: Request, pk: int) -> Response:
    """``PUT /objectives/{id}/targets/``: the page's targets grid, saved the page's way."""
    user = caller(request)
    objective = get_objective_for_user(user, pk, write=True)
    plan = plan_for(
        cycle=objective.cycle, employee=objective.employee, department=objective.department
    )
    form = TargetGridForm(
        _grid_data(objective, body(request)),
        objective=objective,
        plan_agreed=bool(plan and plan.is_agreed),
    )
    cleaned = form_cleaned(form)
    phase_targets_save(
        actor=user,
        objective=objective,
        values=form.values(),
        version=cleaned["version"],
        reason=cleaned.get("reason", ""),
    )
    return Response(PhaseTargetSerializer(phase_targets_of(objective=objective), many=True).data)


class PhaseTargetViewSet(viewsets.ReadOnlyModelViewSet[PhaseTarget]):
    """The monthly targets of the objectives the caller may read; set them all at once
    with ``PUT /objectives/{id}/targets/``."""

    # Ids only: anything else never reaches the view (a 404 problem, not a 500).
    lookup_value_regex = ID_PATTERN

    serializer_class = PhaseTargetSerializer
    filterset_fields = ["objective", "month"]

    def get_queryset(self) -> QuerySet[PhaseTarget]:
        if schema_only(self):
            return PhaseTarget.objects.none()
        return PhaseTarget.objects.filter(objective__in=objectives_visible_to(caller(self.request)))


# --- Check-ins ---------------------------------------------------------------------------


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    class Meta:
        model = CheckIn
        fields = ["id", "objective", "value", "confidence", "recorded_on", "note", "author"]
        fields += ["created_at"]
        read_only_fields = fields


class CheckInInput(serializers.Serializer[Any]):
    """The check-in form's fields (documentation: the page's form validates them)."""

    objective = serializers.IntegerField()
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="The total so far; a milestone: 1 done, 0 not."
    )
    confidence = serializers.IntegerField(min_value=1, max_value=5)
    recorded_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class CheckInViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[CheckIn]):
    """Check-ins on the objectives the caller may read; added by who may check in on
    the objective's page (403 otherwise; 404 for an objective they cannot see)."""

    # Ids only: anything else never reaches the view (a 404 problem, not a 500).
    lookup_value_regex = ID_PATTERN

    serializer_class = CheckInSerializer
    filterset_fields = ["objective", "author", "recorded_on"]

    def get_queryset(self) -> QuerySet[CheckIn]:
        if schema_only(self):
            return CheckIn.objects.none()
        return CheckIn.objects.filter(objective__in=objectives_visible_to(caller(self.request)))

    @extend_schema(request=CheckInInput, responses={201: CheckInSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = caller(request)
        data = body(request)
        objective = get_objective_for_user(user, body_id(data, "objective") or 0)
        if not can_check_in(user, objective):
            raise PermissionDenied
        cleaned = form_cleaned(CheckInForm(data, objective=objective))
        checkin = checkin_create(actor=user, objective=objective, **cleaned)
        return Response(CheckInSerializer(checkin).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("phase-targets", PhaseTargetViewSet, basename="phase-target")
    router.register("checkins", CheckInViewSet, basename="checkin")
