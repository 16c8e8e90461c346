"""Cursor pagination on every list: stable under inserts, no ``COUNT`` over the whole list."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView


class IdCursorPagination(CursorPagination):
    """Pages of ``page_size`` (at most 200) ordered by id.

    The next page is at ``next`` (``?cursor=…``), the one before at ``previous``."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        """DRF's cursor page; a cursor whose position is not an id (edited by hand: ``p=abc``,
        or beyond any id) is an invalid cursor, a 404 problem, not a database error."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, ValidationError, DataError) as error:
            raise NotFound(self.invalid_cursor_message) from error
