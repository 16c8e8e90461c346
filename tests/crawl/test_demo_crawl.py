"""The seeded demo, crawled as every role: no page a person can reach answers a server error.

Each role starts at the home page and follows every link, ``hx-get`` and GET
form the pages render (tests/crawl/crawler.py), one URL per kind of page and a
few where the object's state changes what the page shows. With the template
check of tests/template_checks.py active, a value a template cannot resolve
fails the crawl too. A page must also open for whoever it was shown to: a link
to a page that answers 403 or 404 is a bug, unless listed in ``DELIBERATE``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Hashable

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import ResolverMatch

from accounts.models import User
from coaching.models import AppraisalCycle, CoachingSession, ImprovementPlan, Objective
from coaching.services import calendar_feed_rotate
from reviews.models import ReviewTable
from tests.crawl.crawler import Crawler, CrawlResult, Link

pytestmark = pytest.mark.django_db

# role -> demo login (None: anonymous; "staff": created below).
ROLES = {
    "employee": "emma.wilson@example.com",
    "peer in another department": "ravi.patel@example.com",
    "manager": "priya.nair@example.com",
    "director": "marcus.lee@example.com",
    "manager of another branch": "tom.becker@example.com",
    "department head": "daniel.kim@example.com",
    "HR": "sofia.rossi@example.com",
    "staff (not superuser)": "staff",
    "administrator": "admin@example.com",
    "anonymous": None,
}

# Links that are shown on purpose to people who may then be refused: (view name, status, why).
DELIBERATE: dict[tuple[str, int], str] = {}

# Fewest distinct URLs each crawl must reach, so that a broken start page or a
# lost navigation cannot make the crawl pass by visiting nothing.
AT_LEAST = {
    "anonymous": 3,
    "employee": 25,
    "peer in another department": 20,
    "manager": 40,
    "director": 40,
    "manager of another branch": 30,
    "department head": 30,
    "HR": 40,
    "staff (not superuser)": 40,
    "administrator": 60,
}


def _staff_user() -> User:
    """Staff, not superuser, allowed to view every model in the admin."""
    user = User.objects.create_user(
        "staff@example.com", "crawl-password", full_name="Stan Staff", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


def _state_of(user: User | None):
    """What distinguishes two pages of one kind enough to crawl both."""

    def state(match: ResolverMatch, query: dict[str, str]) -> Hashable:
        name, pk = match.view_name, match.kwargs.get("pk")
        if name == "reviews:export":
            return query.get("format")
        if pk is None:
            return None
        if name == "reviews:table_pdf":
            return None  # the same printable page as table_print, once: PDFs are slow
        if name.startswith("reviews:table_"):
            table = ReviewTable.objects.filter(pk=pk).values_list("status", "department_id").first()
            return table and (table[0], table[1] is not None)
        if name == "coaching:session_detail" or name == "coaching:session_edit":
            session = (
                CoachingSession.objects.filter(pk=pk)
                .values_list("private_note", "department_id", "acknowledged_at", "coach_id")
                .first()
            )
            return session and (
                bool(session[0]),
                session[1] is not None,
                session[2] is not None,
                user is not None and session[3] == user.pk,
            )
        if name == "coaching:objective_detail":
            objective = (
                Objective.objects.filter(pk=pk).values_list("department_id", "measure").first()
            )
            aligned = Objective.objects.filter(parent_id=pk).exists()
            return objective and (objective[0] is not None, objective[1], aligned)
        if name.startswith("coaching:objective_"):
            return Objective.objects.filter(pk=pk, department__isnull=False).exists()
        if name.startswith("coaching:improvement_plan_"):
            return (
                ImprovementPlan.objects.filter(pk=pk).values_list("employee_id", flat=True).first()
            )
        if name.startswith("coaching:cycle_"):
            return AppraisalCycle.objects.filter(pk=pk).values_list("state", flat=True).first()
        if name in ("accounts:person_detail", "coaching:person_objectives", "coaching:timeline"):
            person = User.objects.filter(pk=pk).first()
            if person is None or user is None:
                return None
            relation = (
                "self" if person == user else "report" if person.manager_id == user.pk else "other"
            )
            return (
                relation,
                person.sessions_received.exists(),
                person.objectives.exists(),
                person.improvement_plans.exists(),
            )
        if name == "coaching:department_objectives":
            mine = user is not None and pk == user.department_id
            return (mine, Objective.objects.filter(department_id=pk).exists())
        return None

    def admin_state(match: ResolverMatch, query: dict[str, str]) -> Hashable:
        # "View on site" leads to a different page for each kind of object.
        return match.kwargs.get("content_type_id")

    return lambda match, query: (admin_state if match.namespace == "admin" else state)(match, query)


def _refusal_allowed(link: Link, match: ResolverMatch, status: int) -> bool:
    return (match.view_name, status) in DELIBERATE


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    _staff_user()
    # Everyone has made a calendar address, so that the feed is crawled too.
    for user in User.objects.all():
        calendar_feed_rotate(user=user)


def crawl(role: str, login: str | None) -> CrawlResult:
    client = Client()
    user = None
    if login is not None:
        user = User.objects.get(email=login if login != "staff" else "staff@example.com")
        client.force_login(user)
    return Crawler(
        client=client,
        role=role,
        state_of=_state_of(user),
        per_key=1,
        refusal_allowed=_refusal_allowed,
    ).run("/")


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_can_reach_opens_without_error(demo, role, capsys):
    started = time.monotonic()
    result = crawl(role, ROLES[role])
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\n{role}: {len(result.urls)} URLs in {elapsed:.1f}s")
    assert not result.problems, f"{len(result.problems)} problems:\n" + "\n".join(
        str(problem) for problem in result.problems
    )
    assert len(result.urls) >= AT_LEAST[role]


def test_dump(demo):
    import os

    for role in os.environ["DUMP"].split(","):
        result = crawl(role, ROLES[role])
        print("=====", role)
        for link, status, ctype, took in sorted(result.fetched, key=lambda f: -f[3])[:25]:
            print(
                f"{took:.3f}", status, ctype, link.url, "HX" if link.htmx else "", "<-", link.source
            )
