"""No admin lookup, filter, search, ordering or column reads a private note for anyone,
superusers included (issue 18 §3): not on the sessions list, and not through any other
model related to a session. The lookups themselves are tried, not only the pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.admin import PrivateFieldsAdmin, lookup_touches_private_field
from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRIVATE = "Worried about burnout signals"
LOOKUPS = ["", "__regex", "__iregex", "__startswith", "__contains", "__icontains", "__isnull"]


@pytest.fixture
def sessions(manager, report):
    plan = ImprovementPlan.objects.create(employee=report, opened_by=manager, measures="x")
    made = []
    for note in (PRIVATE, "", "Another private thought"):
        session = CoachingSession.objects.create(
            coach=manager,
            employee=report,
            type="guidance",
            duration_minutes=30,
            private_note=note,
            improvement_plan=plan,
            held_on=timezone.localdate(),
        )
        ActionItem.objects.create(session=session, title="Step", owner=report)
        made.append(session)
    return made


@pytest.fixture(params=["staff", "superuser"])
def staff(db, request):
    """Staff who may view everything in the admin; and a superuser, who is refused alike."""
    if request.param == "superuser":
        return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    user = UserFactory(email="stan@example.com", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(email="sue@example.com", is_staff=True, is_superuser=True)


def listed(response) -> int | str:
    """How many rows the list shows, or the refusal it answered with."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return int(response.context["cl"].result_count)


def changelist(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def private_paths(model: type[Model], depth: int = 3) -> Iterator[str]:
    """Every lookup path from ``model`` to a private field, through up to ``depth`` relations."""

    def walk(current: type[Model], prefix: str, left: int, seen: frozenset[type[Model]]):
        for name in getattr(current, "ADMIN_PRIVATE_FIELDS", ()):
            yield prefix + name
        if not left:
            return
        for field in current._meta.get_fields():
            related = field.related_model
            if not field.is_relation or not isinstance(related, type) or related in seen:
                continue
            # A reverse relation's name is its query name ("sessions_given").
            yield from walk(related, f"{prefix}{field.name}__", left - 1, seen | {related})

    yield from walk(model, "", depth, frozenset({model}))


def test_a_staff_user_cannot_filter_sessions_by_their_private_note(client, sessions, staff):
    client.force_login(staff)
    url = changelist(CoachingSession)
    assert client.get(url).status_code == 200
    for lookup in LOOKUPS:
        for value in ("^Worried", "^Nothing", "1", "0"):
            response = client.get(url, {f"private_note{lookup}": value})
            assert response.status_code == 400, (lookup, value)


def test_the_count_of_sessions_never_depends_on_the_private_note(client, sessions, staff):
    client.force_login(staff)
    url = changelist(CoachingSession)
    for lookup, yes, no in (
        ("private_note__regex", "^Worried", "^Nobody"),
        ("private_note__startswith", "W", "Q"),
        ("private_note", PRIVATE, "guess"),
        ("private_note__isnull", "0", "1"),
    ):
        assert listed(client.get(url, {lookup: yes})) == listed(client.get(url, {lookup: no}))


def test_no_admin_reaches_a_private_note_through_a_relation(client, sessions, staff):
    client.force_login(staff)
    tried = 0
    for model in admin.site._registry:
        for path in private_paths(model, depth=2):
            response = client.get(changelist(model), {path + "__regex": "^Worried"})
            assert response.status_code == 400, f"{model.__name__}: ?{path}__regex="
            tried += 1
    # The paths the issue names are among those tried.
    paths = {p for m in admin.site._registry for p in private_paths(m, depth=2)}
    assert {"private_note", "sessions__private_note", "sessions_given__private_note"} <= paths
    assert tried > 20


def test_searching_the_admin_for_words_of_a_private_note_finds_nothing_by_them(
    client, sessions, staff
):
    client.force_login(staff)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        url = changelist(model)
        secret = client.get(url, {"q": "burnout"})
        nonsense = client.get(url, {"q": "zzqxj"})
        assert listed(secret) == listed(nonsense), model.__name__


def test_no_column_filter_search_or_ordering_of_any_admin_uses_a_private_note(staff):
    request = RequestFactory().get("/admin/")
    request.user = staff
    for model, model_admin in admin.site._registry.items():
        named = [
            *model_admin.get_search_fields(request),
            *model_admin.get_ordering(request),
            *[f for f in model_admin.get_list_display(request) if isinstance(f, str)],
            *[f for f in model_admin.get_sortable_by(request) if isinstance(f, str)],
            *[
                f if isinstance(f, str) else f[0]
                for f in model_admin.get_list_filter(request)
                if isinstance(f, str | tuple | list)
            ],
            *model_admin.get_readonly_fields(request),
            model_admin.date_hierarchy or "",
        ]
        for name in named:
            assert not lookup_touches_private_field(model, name.lstrip("-^=@")), (
                model.__name__,
                name,
            )


def test_every_admin_of_ours_guards_private_fields():
    ours = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"accounts", "coaching", "reviews"}
    ]
    assert ours and all(isinstance(m, PrivateFieldsAdmin) for m in ours)


def test_the_change_page_hides_the_private_note_from_staff(client, sessions, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:coaching_coachingsession_change", args=[sessions[0].pk]))
    assert page.status_code == 200 and PRIVATE not in page.content.decode()


def test_a_superuser_is_refused_the_lookups_too(client, sessions, superuser):
    client.force_login(superuser)
    response = client.get(changelist(CoachingSession), {"private_note__regex": "^Worried"})
    assert listed(response) == "HTTP 400"
