"""The figures every page needs about the signed-in person, cached per person.

The navigation shows the person's roles (manager, department head, HR, admin), their
unread notifications and, from coaching, whether they see improvement plans or have
upward feedback to give; the permission checks ask the same roles. Each figure is
cached per person under the versions of the data it reads (``accounts.data_versions``),
so a change bumps its scope and the next page recomputes it: never stale.

All of a person's figures are read together with their scopes' versions, in one cache
round trip, at most once a request (memoised on the user object). A higher app adds its
own figures with ``register_figure`` in its ``AppConfig.ready()``; the lower app never
imports it.

Scopes (bumped by ``accounts.invalidation`` and by the services that write in bulk):
- ``org``: who reports to whom, active flags, department heads and parents, the HR
  group, ``is_staff``;
- ``notifications:<user id>``: that person's notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef

from accounts.data_versions import EPOCH, VALUE_SECONDS, current_recording, versions_and_values
from accounts.models import HR_GROUP_NAME, Department, Notification, User

ORG = "org"
_MEMO = "_cc_person_figures"


def notifications_scope(user_id: int) -> str:
    """The scope of one person's notifications."""
    return f"notifications:{user_id}"


@dataclass(frozen=True)
class Figure:
    """A figure about a person: its name in the template context, the scopes it reads
    (given the person's id: a function of the id alone, since where a person's figures
    are kept is worked out once per id and variant) and how to compute it (given the
    person: one or two queries)."""

    name: str
    scopes: Callable[[int], list[str]]
    compute: Callable[[User], Any]
    # Part of the cache key besides the person's id (e.g. today's date, for a figure that
    # changes at midnight without any write).
    variant: Callable[[int], str] = lambda _user_id: ""


_figures: dict[str, Figure] = {}


def register_figure(figure: Figure) -> Figure:
    """Add ``figure`` to every person's figures (once, however often ``ready()`` runs)."""
    _figures.setdefault(figure.name, figure)
    return figure


@dataclass(frozen=True)
class FigureKeys:
    """Where one person's figures are kept: each figure's scopes (the epoch included) and
    cache key, by the figure's name."""

    scopes: dict[str, list[str]]
    keys: dict[str, str]

    def all_scopes(self) -> list[str]:
        """Every scope once, in a stable order."""
        return list(dict.fromkeys(scope for each in self.scopes.values() for scope in each))


def figure_variants(user_id: int) -> tuple[str, ...]:
    """Each registered figure's variant for the person (today's date, say), in order:
    with the id, what decides ``figure_keys`` (its scopes are a function of the id)."""
    return tuple(figure.variant(user_id) for figure in _figures.values())


def figure_keys(user_id: int) -> FigureKeys:
    """The scopes and keys of the person ``user_id``'s figures, without the person's row:
    ``accounts.user_rows`` reads them in the same round trip as the row."""
    figures = list(_figures.values())
    return FigureKeys(
        scopes={figure.name: [*figure.scopes(user_id), EPOCH] for figure in figures},
        keys={
            figure.name: f"figure:{figure.name}:{user_id}:{figure.variant(user_id)}"
            for figure in figures
        },
    )


class PersonFigures:
    """One person's figures for one request: those the cache has, read together with the
    versions of their scopes in one round trip (or given, read with the person's row);
    any other computed when first asked for, and stored beside the versions read before.

    A figure's scopes count as read by the open ``recording`` each time it is asked for
    (the page or kept value that shows it), wherever the versions were read."""

    def __init__(
        self, user: User, read: tuple[dict[str, int], dict[str, object]] | None = None
    ) -> None:
        self.user = user
        plan = figure_keys(user.pk)
        self._keys = plan.keys
        self._scopes = plan.scopes
        if read is None:
            names = plan.all_scopes()
            versions, found = versions_and_values(names, plan.keys.values(), record=False)
            current = dict(zip(names, versions, strict=True))
        else:
            current, found = read
        # The versions each figure is computed under: a value stored with others is old.
        self._versions = {
            name: tuple(current[scope] for scope in each) for name, each in plan.scopes.items()
        }
        self._values: dict[str, Any] = {}
        for name, key in self._keys.items():
            entry = found.get(key)
            if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == self._versions[name]:
                self._values[name] = entry[1]

    def __getitem__(self, name: str) -> Any:
        reads = current_recording()
        if reads is not None:
            reads.scopes.update(zip(self._scopes[name], self._versions[name], strict=True))
        if name not in self._values:
            value = _figures[name].compute(self.user)
            cache.set(self._keys[name], (self._versions[name], value), VALUE_SECONDS)
            self._values[name] = value
        return self._values[name]

    def all(self) -> dict[str, Any]:
        """Every figure by name (computing those the cache lacked)."""
        return {name: self[name] for name in self._keys}


def person_figures(user: User) -> PersonFigures:
    """``user``'s figures: made once a request (memoised on the user object); index it
    by a figure's name (``figures["unread_notifications"]``)."""
    figures: PersonFigures | None = getattr(user, _MEMO, None)
    if figures is None:
        figures = PersonFigures(user)
        setattr(user, _MEMO, figures)
    return figures


def prime_figures(user: User, current: dict[str, int], found: dict[str, object]) -> None:
    """Memoise ``user``'s figures from versions and entries already read (``current``:
    ``{scope: version}`` covering ``figure_keys(user.pk).all_scopes()``; ``found``: the
    cache's entries by key), so the request makes no round trip of its own for them."""
    setattr(user, _MEMO, PersonFigures(user, read=(current, found)))


def forget_figures(user: User) -> None:
    """Drop the request's memo (after a change this request made to the person)."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


def compute_role_flags(user: User) -> dict[str, bool]:
    """The person's org roles from the database, in one query:
    ``{"is_manager", "is_department_head", "is_hr"}``."""
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_reports=Exists(User.objects.filter(manager_id=OuterRef("pk"), is_active=True)),
            heads=Exists(Department.objects.filter(head_id=OuterRef("pk"))),
            in_hr=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("pk"), group__name=HR_GROUP_NAME
                )
            ),
        )
        .values("has_reports", "heads", "in_hr")
        .first()
    ) or {}
    return {
        "is_manager": bool(flags.get("has_reports")),
        "is_department_head": bool(flags.get("heads")),
        "is_hr": bool(flags.get("in_hr")),
    }


def _unread(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


register_figure(Figure("role_flags", scopes=lambda _user_id: [ORG], compute=compute_role_flags))
register_figure(
    Figure(
        "unread_notifications",
        scopes=lambda user_id: [notifications_scope(user_id)],
        compute=_unread,
    )
)
