"""Cursor pagination on every list: stable under inserts, no ``COUNT`` over the whole list."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages of ``page_size`` (at most 200) ordered by id.

    The next page is at ``next`` (``?cursor=…``), the one before at ``previous``."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
