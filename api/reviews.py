"""Monthly review tables: read, fill and submit (the assessee), the reviewer's steps, and
the questions on a table.

Each endpoint does what the table page does, in the same order: the same access
(``reviews.permissions.get_table_access``: 404 for a table one may not read, 403 for a
part that is not one's own, 409 when the table's status changed under one), the same
forms (``ReviewTableFillForms``, ``ReviewerForm``, ``InquiryForm``, ``AnswerForm``) and
the same services (``reviews.workflow``), so history and notifications are the page's.
A ``version`` older than the table's is refused with 409 and nothing is written.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.inputs import MonthField
from accounts.models import User
from api.bridge import ID_PATTERN, IdFilter, body_of, form_errors, invalid, problems, scalar
from api.problems import api_stale_text, problem_response
from api.review_workflow import (
    AnswerInputSerializer,
    AskInputSerializer,
    FillInputSerializer,
    FillPost,
    ReviewInputSerializer,
    review_errors,
    review_post,
)
from reviews.fill_forms import ReviewTableFillForms
from reviews.forms import AnswerForm, InquiryForm, ReviewerForm
from reviews.models import Inquiry, ReviewTable, WorkPlanItem
from reviews.permissions import (
    TableAccess,
    get_inquiry_access,
    get_table_access,
    require,
    tables_visible_to,
)
from reviews.selectors import in_departments_then, table_contents
from reviews.services import StaleTableError
from reviews.views.tables import status_changed_text
from reviews.workflow import (
    InquiryAnsweredError,
    SubmissionIncomplete,
    inquiry_answer,
    inquiry_ask,
    review_table_decide,
    review_table_save,
)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran first
    return user


def _conflict(detail: str) -> Response:
    return problem_response(409, detail, kind="conflict")


# --- What is answered -------------------------------------------------------------


class TableSummarySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    employee = serializers.IntegerField(source="employee_id", allow_null=True)
    department = serializers.IntegerField(source="department_id", allow_null=True)
    subject_name = serializers.CharField()
    month = serializers.DateField(help_text="The month's first day.")
    status = serializers.ChoiceField(choices=ReviewTable.Status.choices)
    deadline = serializers.DateField()
    reviewer = serializers.IntegerField(source="reviewer_id", allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with every change (else 409).")
    submitted_at = serializers.DateTimeField(allow_null=True)
    finalised_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url", help_text="The table's page.")


class RowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    objective = serializers.IntegerField(source="objective_id", allow_null=True)
    title = serializers.CharField()
    weight = serializers.IntegerField()
    measure = serializers.CharField()
    unit = serializers.CharField()
    planned = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)
    actual = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)
    completion = serializers.IntegerField(allow_null=True, help_text="Actual / plan, in %.")
    gap = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)
    gap_reason = serializers.CharField(help_text="Own reasons for a gap.")
    gap_reason_outside = serializers.CharField(help_text="Outside reasons for a gap.")


class WorkItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    target = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    outcome = serializers.ChoiceField(choices=WorkPlanItem.Outcome.choices)


class InquirySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    table = serializers.IntegerField(source="table_id")
    kind = serializers.ChoiceField(choices=Inquiry.Kind.choices)
    question = serializers.CharField()
    asked_by = serializers.IntegerField(source="asked_by_id")
    asked_by_name = serializers.CharField(source="asked_by.full_name")
    asked_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_by = serializers.IntegerField(source="answered_by_id", allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField(source="is_open")


class AccessSerializer(serializers.Serializer[Any]):
    """What the caller may do with the table now (the page's buttons)."""

    can_fill = serializers.BooleanField()
    can_review = serializers.BooleanField()
    can_ask = serializers.BooleanField()
    can_answer = serializers.BooleanField()
    actions = serializers.ListField(child=serializers.CharField())


class TableDetailSerializer(TableSummarySerializer):
    summary = serializers.CharField()
    reviewer_summary = serializers.CharField()
    suggestions = serializers.CharField()
    expectations = serializers.CharField()
    rating = serializers.CharField()
    rows = RowSerializer(many=True)
    carried_items = WorkItemSerializer(many=True, help_text="Last month's plan, with outcomes.")
    work_items = WorkItemSerializer(many=True, help_text="The plan for next month.")
    inquiries = InquirySerializer(many=True)
    access = AccessSerializer()


def table_detail_data(access: TableAccess) -> dict[str, Any]:
    """The table as its page shows it to ``access.user`` (rows, plan, questions)."""
    table = access.table
    contents = table_contents(table)
    data = dict(TableSummarySerializer(table).data)
    data.update(
        summary=table.summary,
        reviewer_summary=table.reviewer_summary,
        suggestions=table.suggestions,
        expectations=table.expectations,
        rating=table.rating,
        rows=RowSerializer(contents.rows, many=True).data,
        carried_items=WorkItemSerializer(contents.carried_items, many=True).data,
        work_items=WorkItemSerializer(contents.next_items, many=True).data,
        inquiries=InquirySerializer(contents.inquiries, many=True).data,
        access={
            "can_fill": access.can_fill,
            "can_review": access.can_review,
            "can_ask": access.can_ask,
            "can_answer": access.can_answer,
            "actions": sorted(access.actions),
        },
    )
    return data


# --- Endpoints --------------------------------------------------------------------


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class TableFilter(django_filters.FilterSet):
    month = MonthFilter(help_text="2026-03")
    status = django_filters.ChoiceFilter(choices=ReviewTable.Status.choices)
    employee = IdFilter(field_name="employee_id")
    cycle = IdFilter(field_name="cycle_id")
    department = IdFilter(method="filter_department", help_text="Reported under it then.")

    class Meta:
        model = ReviewTable
        fields: list[str] = []

    def filter_department(self, queryset: QuerySet[ReviewTable], name: str, value: int) -> Any:
        return queryset.filter(in_departments_then([value]))


class InquiryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Inquiry.Kind.choices)
    open = django_filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull")

    class Meta:
        model = Inquiry
        fields: list[str] = []


class ReviewTableViewSet(viewsets.GenericViewSet[ReviewTable]):
    """Review tables the caller may read, and what the table page lets them do."""

    serializer_class = TableSummarySerializer
    filterset_class = TableFilter
    lookup_value_regex = ID_PATTERN
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewTable.objects.none()
        return tables_visible_to(_user(self.request)).order_by("pk")

    def get_serializer_class(self) -> Any:
        return InquirySerializer if self.action == "inquiries" else TableSummarySerializer

    @extend_schema(responses={200: TableSummarySerializer(many=True), **problems(400)})
    def list(self, request: Request) -> Response:
        """The tables the caller may read, filtered by month, status, person, department, cycle."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TableSummarySerializer(page, many=True).data)

    @extend_schema(responses={200: TableDetailSerializer, **problems(404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        """One table with its rows, plan and questions, as its page shows it."""
        return Response(table_detail_data(get_table_access(_user(request), int(pk))))

    @extend_schema(
        request=FillInputSerializer,
        responses={200: TableDetailSerializer, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def fill(self, request: Request, pk: str) -> Response:
        """The assessee saves their part (draft or returned), and submits it with
        ``"submit": true``: all or nothing, as *Save* and *Save and submit* on the page."""
        user = _user(request)
        access = get_table_access(user, int(pk))
        table = access.table
        if not access.can_fill:
            require(access.is_assessee)
            return _conflict(status_changed_text(user, table))
        body = body_of(request)
        contents = table_contents(table)
        post = FillPost(contents, body)
        fill = ReviewTableFillForms(table, rows=contents.rows, items=contents.items, data=post.data)
        submit = bool(body.get("submit"))
        if not fill.is_valid():
            preview = fill.submission_preview() if submit else []
            return invalid(post.errors(fill, preview))
        try:
            review_table_save(actor=user, table=table, submit=submit, **fill.fill_arguments())
        except StaleTableError:
            return _conflict(api_stale_text())
        except SubmissionIncomplete as refused:
            return invalid(
                post.errors(fill, refused.problems), _("Not submitted, and nothing was saved.")
            )
        return Response(table_detail_data(get_table_access(user, table.pk)))

    @extend_schema(
        request=ReviewInputSerializer,
        responses={200: TableDetailSerializer, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """The reviewer saves their part and takes a step (``action``: ``save``,
        ``start_review``, ``return`` with a ``comment``, ``finalise``), as on the page."""
        user = _user(request)
        access = get_table_access(user, int(pk))
        table = access.table
        if not access.can_review:
            require(access.is_reviewer)
            return _conflict(status_changed_text(user, table))
        form = ReviewerForm(review_post(table, body_of(request)), table=table)
        if not form.is_valid():
            return invalid(review_errors(form))
        data = dict(form.cleaned_data)
        step = data.pop("action")
        require(step == "save" or step in access.actions)
        try:
            review_table_decide(
                actor=user,
                table=table,
                version=data["version"],
                action=step,
                reviewer_summary=data["reviewer_summary"],
                suggestions=data["suggestions"],
                expectations=data["expectations"],
                rating=data["rating"],
                comment=data["comment"],
                confirm_open_inquiries=data["confirm"],
            )
        except StaleTableError:
            return _conflict(api_stale_text())
        except ValidationError as error:
            return invalid(review_errors(form, error), _("Not done, and nothing was saved."))
        return Response(table_detail_data(get_table_access(user, table.pk)))

    @extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter("kind", enum=Inquiry.Kind.values),
            OpenApiParameter("open", bool),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses={200: InquirySerializer(many=True), **problems(400, 404)},
    )
    @extend_schema(
        methods=["POST"],
        request=AskInputSerializer,
        responses={201: InquirySerializer, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"])
    def inquiries(self, request: Request, pk: str) -> Response:
        """GET: the table's questions and suggestions. POST: ask one, while the table is
        in review, as its reviewer, HR or (a department's table) another department."""
        user = _user(request)
        access = get_table_access(user, int(pk))
        table = access.table
        if request.method == "GET":
            filters = InquiryFilter(
                request.query_params,
                queryset=table.inquiries.select_related("asked_by").order_by("pk"),
                request=request,
            )
            if not filters.is_valid():
                return invalid(form_errors(filters.form))
            page = self.paginate_queryset(filters.qs)
            return self.get_paginated_response(InquirySerializer(page, many=True).data)
        if not access.can_ask:
            require(access.is_questioner)
            return _conflict(status_changed_text(user, table))
        body = body_of(request)
        form = InquiryForm({name: scalar(body.get(name), name) for name in ("question", "kind")})
        if not form.is_valid():
            return invalid(form_errors(form))
        inquiry = inquiry_ask(
            actor=user,
            table=table,
            question=form.cleaned_data["question"],
            kind=form.cleaned_data["kind"],
        )
        return Response(InquirySerializer(inquiry).data, status=status.HTTP_201_CREATED)


class InquiryViewSet(viewsets.GenericViewSet[Inquiry]):
    """Answering a question on one's own table."""

    serializer_class = InquirySerializer
    lookup_value_regex = ID_PATTERN
    parser_classes = [JSONParser]
    queryset = Inquiry.objects.none()

    @extend_schema(
        request=AnswerInputSerializer,
        responses={200: InquirySerializer, **problems(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """The assessee answers, while the table is in review; the first answer stands (409)."""
        user = _user(request)
        inquiry, access = get_inquiry_access(user, int(pk))
        if not access.can_answer:
            require(access.is_assessee)
            return _conflict(status_changed_text(user, access.table))
        form = AnswerForm({"answer": scalar(body_of(request).get("answer"), "answer")})
        if not form.is_valid():
            return invalid(form_errors(form))
        try:
            answered = inquiry_answer(
                actor=user, inquiry=inquiry, answer=form.cleaned_data["answer"]
            )
        except InquiryAnsweredError:
            return _conflict(_("This question was answered meanwhile: the first answer stands."))
        return Response(InquirySerializer(answered).data)


def register(router: BaseRouter) -> None:
    router.register("review-tables", ReviewTableViewSet, basename="review-table")
    router.register("inquiries", InquiryViewSet, basename="inquiry")
