"""People and departments, read-only, as the organisation chart shows them."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from accounts.models import Department


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ["id", "name", "parent", "head"]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    """Every department of the organisation (the organisation chart is open to everyone)."""

    serializer_class = DepartmentSerializer
    filterset_fields = ["parent", "head"]

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.order_by("pk")


def register(router: BaseRouter) -> None:
    router.register("departments", DepartmentViewSet, basename="department")
