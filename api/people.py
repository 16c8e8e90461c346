"""People and departments, read-only, as the organisation chart shows them."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from accounts.models import Department, User
from accounts.permissions import get_person_for_user
from accounts.selectors import people_search
from api.bridge import ID_PATTERN
from api.common import caller, schema_only


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ["id", "name", "parent", "head"]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    """Every department of the organisation (the organisation chart is open to everyone)."""

    # Ids only: anything else never reaches the view (a 404 problem, not a 500).
    lookup_value_regex = ID_PATTERN

    serializer_class = DepartmentSerializer
    filterset_fields = ["parent", "head"]

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.order_by("pk")


class PersonSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "job_title", "department", "manager", "is_active"]
        read_only_fields = fields


class PersonViewSet(viewsets.ReadOnlyModelViewSet[User]):
    """The people the organisation chart shows the caller: every active colleague, and
    those who left whom the caller may still read (``can_read_person``)."""

    # Ids only: anything else never reaches the view (a 404 problem, not a 500).
    lookup_value_regex = ID_PATTERN

    serializer_class = PersonSerializer
    filterset_fields = ["department", "manager", "is_active"]

    def get_queryset(self) -> QuerySet[User]:
        if schema_only(self):
            return User.objects.none()
        return people_search(viewer=caller(self.request), include_left=True)

    def get_object(self) -> User:
        return get_person_for_user(caller(self.request), int(self.kwargs["pk"]))


def register(router: BaseRouter) -> None:
    router.register("people", PersonViewSet, basename="person")
    router.register("departments", DepartmentViewSet, basename="department")
