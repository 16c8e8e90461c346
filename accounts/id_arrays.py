"""Ids given to a query whole, as one array parameter (PostgreSQL), for the reporting
chain's thousands of people: ``ids_in(field, ids)`` and the ``in_id_array`` lookup."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Lookup, Q
from django.db.models.fields.related import ForeignObject

# Up to this many ids the lookup is ``= ANY(array)`` (see ``InIdArray.as_sql``).
SHORT_ARRAY = 1_000


class IdArray:
    """Ids given to a query whole, as one array parameter (``in_id_array``).

    Not iterable on purpose: Django resolves and type-checks each item of an iterable
    lookup value (~1 µs each: 10 ms for a chain of 10,000 in each query filtering by it).
    """

    __slots__ = ("ordered",)

    def __init__(self, ids: Iterable[int]) -> None:
        self.ordered = sorted(ids)


class IdSet(frozenset[int]):
    """A set of ids that makes its ``IdArray`` once (a chain used by several queries)."""

    @cached_property
    def array(self) -> IdArray:
        return IdArray(self)


@Field.register_lookup
class InIdArray(Lookup):  # type: ignore[type-arg]
    """``field = ANY(%s)`` (up to ``SHORT_ARRAY`` ids) or ``field IN (SELECT unnest(%s))``,
    with the ids as one array parameter (PostgreSQL).

    One parameter however long the list, and PostgreSQL estimates an array's
    length, so a chain of 10,000 people is planned as such; the chain is walked
    once per request (``all_report_ids``) rather than inside every query.
    """

    lookup_name = "in_id_array"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [value.ordered if isinstance(value, IdArray) else sorted(value)]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        ids = cast("list[int]", list(rhs_params)[0])
        if len(ids) <= SHORT_ARRAY:
            # A short list: an index condition, estimated element by element, that can be
            # ORed with others (a bitmap of index scans: *To review*'s "reviewed by me or
            # my reports, or about my reports" read 550 of 109,571 tables in 0.6 ms; as
            # hashed subplans it scanned them all, 23 ms).
            return f"{lhs} = ANY({rhs}::bigint[])", [*lhs_params, *rhs_params]
        # A long one: a hashed subplan of the unnested array, one hash lookup per row, whose
        # length the planner reads (estimating 10,000 elements one by one costs planning
        # time, and such a chain reads most of a table anyway).
        return f"{lhs} IN (SELECT unnest({rhs}::bigint[]))", [*lhs_params, *rhs_params]


ForeignObject.register_lookup(InIdArray)  # foreign keys keep their own lookups


def ids_in(field: str, ids: Iterable[int]) -> Q:
    """``field`` is one of ``ids``: one array parameter on PostgreSQL, ``IN`` elsewhere."""
    if connection.vendor == "postgresql":
        array = ids.array if isinstance(ids, IdSet) else IdArray(ids)
        return Q(**{f"{field}__in_id_array": array})
    return Q(**{f"{field}__in": list(ids)})
