"""Export jobs of review tables: start one (the export page's filters and permission),
poll it, and download its file (its requester only, until it expires)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.models import User
from api.bridge import ID_PATTERN, body_of, form_errors, invalid, problems, scalar
from reviews.exports import ExportFilter, export_job_request, export_tables
from reviews.forms import ExportForm
from reviews.models import ExportJob, ReviewTable
from reviews.permissions import can_export, require
from reviews.selectors import export_job_of
from reviews.views.exports import export_download

FILTER_FIELDS = ("month_from", "month_to", "cycle", "department", "status")


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran first
    return user


@extend_schema_field(
    {"type": "string", "description": "One of: " + ", ".join(ExportJob.Status.values) + "."}
)
class JobStatusField(serializers.ChoiceField):
    """A job's status, its values named in the description: as an enum it would take the
    name of a review table's ``status`` enum in the schema."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ExportJob.Status.choices, **kwargs)


class ExportJobSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = JobStatusField()
    progress = serializers.IntegerField(help_text="Rows written so far.")
    total = serializers.IntegerField(help_text="Rows to write (tables, until it starts).")
    percent = serializers.IntegerField()
    # Why it failed, in the reader's language where the product wrote the reason.
    error = serializers.CharField(source="error_text")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    params = serializers.DictField(help_text="The filters it was started with.")


class ExportInputSerializer(serializers.Serializer[Any]):
    """The export page's filters; the file is an XLSX built by the worker."""

    month_from = serializers.CharField(help_text="2026-03")
    month_to = serializers.CharField(required=False, allow_blank=True, help_text="Empty: the same.")
    cycle = serializers.IntegerField(required=False, allow_null=True)
    department = serializers.IntegerField(
        required=False, allow_null=True, help_text="With the departments below it."
    )
    status = serializers.ChoiceField(
        choices=ReviewTable.Status.choices, required=False, allow_blank=True
    )


class ExportJobViewSet(viewsets.GenericViewSet[ExportJob]):
    """The caller's export jobs (HR: every table; managers: their chain)."""

    serializer_class = ExportJobSerializer
    lookup_value_regex = ID_PATTERN
    parser_classes = [JSONParser]
    queryset = ExportJob.objects.none()

    @extend_schema(
        request=ExportInputSerializer,
        responses={202: ExportJobSerializer, **problems(400, 403)},
    )
    def create(self, request: Request) -> Response:
        """Start an export of the tables the filters choose, as the export page does for
        a large one; poll the job, then download its file."""
        user = _user(request)
        require(can_export(user))
        body = body_of(request)
        data = {name: scalar(body.get(name), name) for name in FILTER_FIELDS}
        form = ExportForm({**data, "format": "xlsx"})
        if not form.is_valid():
            return invalid(form_errors(form))
        spec = ExportFilter.from_form(form.cleaned_data)
        # A token's request carries no session language: the file speaks the caller's own.
        params = {**spec.params(), "language": user.preferred_language}
        job = export_job_request(actor=user, params=params, total=export_tables(user, spec).count())
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ExportJobSerializer, **problems(404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        """The job's status and progress (its requester only)."""
        return Response(ExportJobSerializer(export_job_of(_user(request), int(pk))).data)

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiResponse(OpenApiTypes.BINARY, description="The XLSX file.")
            ),
            **problems(404),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> HttpResponseBase:
        """The finished file, for its requester, until it expires (the page's own download)."""
        response = export_download(request._request, int(pk))
        assert isinstance(response, FileResponse)  # noqa: S101 - else it raised 404
        return response


def register(router: BaseRouter) -> None:
    router.register("exports", ExportJobViewSet, basename="export")
