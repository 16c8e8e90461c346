"""Coaching sessions (create as a coach, read) and their action items (read, tick).

Every check is the pages' (``coaching.permissions``), every write their service
(``coaching.services``), every input checked by their form (``SessionFormBundle``).
The private note is never read here: not listed, not shown, not accepted.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.models import User
from api.bridge import (
    ID_PATTERN,
    BadBody,
    IdFilter,
    an_id,
    body_of,
    invalid,
    problems,
)
from api.session_input import (
    MarkInputSerializer,
    SessionCreateSerializer,
    session_form_data,
    session_form_errors,
)
from coaching.forms import SessionFormBundle
from coaching.models import (
    ActionItem,
    CoachingSession,
    CoachingType,
    SessionObjective,
)
from coaching.permissions import (
    can_read_session_content,
    get_action_item_for_user,
    get_coachee_for_user,
    get_session_for_user,
    sessions_visible_to,
)
from coaching.selectors import session_action_items, session_links
from coaching.services import action_item_mark, session_save

# What the coach writes and the coachee reads; never ``private_note``.


def user_of_api(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran first
    return user


# --- What is answered -------------------------------------------------------------


class ActionItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    title = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.full_name")
    due_date = serializers.DateField(allow_null=True)
    done = serializers.BooleanField(source="is_done")
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.IntegerField(source="done_by_id", allow_null=True)
    withdrawn = serializers.BooleanField(source="is_withdrawn")
    support_kind = serializers.CharField(help_text="Empty, or the kind of support promised.")


class ActionItemMarkedSerializer(ActionItemSerializer):
    changed = serializers.BooleanField(
        help_text="False when the step already was as asked (or withdrawn): nothing changed."
    )


class SessionSummarySerializer(serializers.Serializer[Any]):
    """What anyone who sees a session sees (HR too): who, when, what kind."""

    id = serializers.IntegerField()
    coach = serializers.IntegerField(source="coach_id")
    employee = serializers.IntegerField(source="employee_id", allow_null=True)
    department = serializers.IntegerField(source="department_id", allow_null=True)
    coachee_name = serializers.CharField()
    held_on = serializers.DateField()
    duration_minutes = serializers.IntegerField()
    type = serializers.ChoiceField(choices=CoachingType.choices)
    form = serializers.ChoiceField(choices=CoachingSession.Form.choices)
    occasion = serializers.ChoiceField(choices=CoachingSession.Occasion.choices)
    moment = serializers.ChoiceField(choices=CoachingSession.Moment.choices)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url", help_text="The session's page.")


class SessionContentSerializer(serializers.Serializer[Any]):
    """The shared parts of the conversation (never the private note)."""

    note = serializers.CharField()
    strengths = serializers.CharField()
    strengths_example = serializers.CharField()
    improvements = serializers.CharField()
    improvement_cause = serializers.CharField()
    improvement_suggestion = serializers.CharField()
    difficulties = serializers.CharField()
    difficulty_cause = serializers.CharField()
    support = serializers.CharField()
    countermeasure = serializers.CharField()
    plan_adjustments = serializers.CharField()
    next_objectives = serializers.CharField()
    agreements = serializers.CharField()
    open_topics = serializers.CharField()
    support_training = serializers.CharField()
    support_resources = serializers.CharField()
    support_authority = serializers.CharField()
    support_information = serializers.CharField()
    question_answers = serializers.DictField(child=serializers.CharField())
    coachee_comment = serializers.CharField()


class LinkedObjectiveSerializer(serializers.Serializer[Any]):
    objective = serializers.IntegerField(source="objective_id")
    title = serializers.CharField(source="objective.title")
    assessment = serializers.ChoiceField(choices=SessionObjective.Assessment.choices)


class SessionDetailSerializer(SessionSummarySerializer):
    shared_with_hr = serializers.BooleanField()
    follow_up_on = serializers.DateField(allow_null=True)
    improvement_plan = serializers.IntegerField(source="improvement_plan_id", allow_null=True)
    version = serializers.IntegerField()
    content = SessionContentSerializer(
        allow_null=True,
        help_text="Null for whoever may not read the content (HR, unless shared with HR).",
    )
    objectives = LinkedObjectiveSerializer(many=True)
    action_items = ActionItemSerializer(many=True)


def session_detail_data(user: User, session: CoachingSession) -> dict[str, Any]:
    """The detail of ``session`` as ``user`` may read it (as the session page shows it)."""
    content = can_read_session_content(user, session)
    data = SessionSummarySerializer(session).data
    data.update(
        shared_with_hr=session.shared_with_hr,
        follow_up_on=session.follow_up_on,
        improvement_plan=session.improvement_plan_id,
        version=session.version,
        content=SessionContentSerializer(session).data if content else None,
        objectives=LinkedObjectiveSerializer(session_links(session=session), many=True).data
        if content
        else [],
        action_items=ActionItemSerializer(session_action_items(session=session), many=True).data
        if content
        else [],
    )
    return dict(data)


# --- Endpoints --------------------------------------------------------------------


class SessionFilter(django_filters.FilterSet):
    employee = IdFilter(field_name="employee_id")
    department = IdFilter(field_name="department_id")
    coach = IdFilter(field_name="coach_id")
    type = django_filters.ChoiceFilter(choices=CoachingType.choices)
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = CoachingSession
        fields: list[str] = []


class CoachingSessionViewSet(viewsets.GenericViewSet[CoachingSession]):
    """Coaching sessions the caller sees on the pages; a manager records new ones."""

    serializer_class = SessionSummarySerializer
    filterset_class = SessionFilter
    lookup_value_regex = ID_PATTERN
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[CoachingSession]:
        if getattr(self, "swagger_fake_view", False):
            return CoachingSession.objects.none()
        return sessions_visible_to(user_of_api(self.request)).order_by("pk")

    @extend_schema(responses={200: SessionSummarySerializer(many=True), **problems(400)})
    def list(self, request: Request) -> Response:
        """The sessions the caller may see (HR: every one, without content)."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(SessionSummarySerializer(page, many=True).data)

    @extend_schema(responses={200: SessionDetailSerializer, **problems(403, 404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        """One session as its page shows it: the content only to those who may read it."""
        user = user_of_api(request)
        session = get_session_for_user(user, int(pk))
        return Response(session_detail_data(user, session))

    @extend_schema(
        request=SessionCreateSerializer,
        responses={201: SessionDetailSerializer, **problems(400, 403, 404)},
    )
    def create(self, request: Request) -> Response:
        """Record a session with a person (or department) the caller coaches, as the
        session form does; the private note is not accepted."""
        user = user_of_api(request)
        body = body_of(request)
        params = QueryDict(mutable=True)
        if body.get("department") is not None:
            params["department"] = str(an_id(body["department"], "department"))
        elif body.get("employee") is not None:
            params["employee"] = str(an_id(body["employee"], "employee"))
        else:
            raise BadBody({"employee": [_("Say whom the session was with.")]})
        employee, department = get_coachee_for_user(user, params)
        blank = SessionFormBundle(
            actor=user, session=None, employee=employee, department=department
        )
        data = session_form_data(blank, body)
        bundle = SessionFormBundle(
            actor=user, session=None, employee=employee, department=department, data=data
        )
        if not bundle.is_valid():
            return invalid(session_form_errors(bundle, body))
        saved = session_save(
            actor=user, employee=employee, department=department, **bundle.save_arguments()
        )
        return Response(session_detail_data(user, saved), status=status.HTTP_201_CREATED)


class ActionItemFilter(django_filters.FilterSet):
    session = IdFilter(field_name="session_id")
    owner = IdFilter(field_name="owner_id")
    done = django_filters.BooleanFilter(method="filter_done")

    class Meta:
        model = ActionItem
        fields: list[str] = []

    def filter_done(self, queryset: QuerySet[ActionItem], name: str, value: bool) -> Any:
        if value:
            return queryset.filter(done_at__isnull=False, withdrawn_at__isnull=True)
        return queryset.filter(done_at__isnull=True)


class ActionItemViewSet(viewsets.GenericViewSet[ActionItem]):
    """The steps of the sessions whose content the caller reads; ticked as on the page."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    lookup_value_regex = ID_PATTERN
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[ActionItem]:
        if getattr(self, "swagger_fake_view", False):
            return ActionItem.objects.none()
        user = user_of_api(self.request)
        return (
            ActionItem.objects.filter(session__in=sessions_visible_to(user))
            .select_related("session", "owner")
            .order_by("pk")
        )

    @extend_schema(responses={200: ActionItemSerializer(many=True), **problems(400)})
    def list(self, request: Request) -> Response:
        """Steps of the sessions whose content the caller may read (a page may hold fewer
        than ``page_size``: HR sees a session's steps only when it is shared with HR)."""
        user = user_of_api(request)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        readable = [item for item in page if can_read_session_content(user, item.session)]
        return self.get_paginated_response(ActionItemSerializer(readable, many=True).data)

    @extend_schema(
        request=MarkInputSerializer,
        responses={200: ActionItemMarkedSerializer, **problems(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: str) -> Response:
        """Mark the step done (``{"done": true}``) or not done, as its session page's
        buttons do: its owner, the coach or the coachee, not in a closed record."""
        user = user_of_api(request)
        item = get_action_item_for_user(user, int(pk))
        done = body_of(request).get("done")
        if not isinstance(done, bool):
            raise BadBody({"done": [_("Say true (done) or false (not done).")]})
        item, changed = action_item_mark(actor=user, item=item, done=done)
        return Response({**ActionItemSerializer(item).data, "changed": changed})


def register(router: BaseRouter) -> None:
    router.register("coaching-sessions", CoachingSessionViewSet, basename="coaching-session")
    router.register("action-items", ActionItemViewSet, basename="action-item")
