"""The seeded demo, crawled as every role: no page a person can reach answers a server error.

Each role starts at the home page (and at the addresses its notifications
lead to) and follows every link, ``hx-get`` and GET form the pages render
(tests/crawl/crawler.py): one URL per kind of page, and one per state where the
object's state changes what the page shows (a review table in each status, a
session with and without a private note, a personal and a department
objective...). With tests/template_checks.py active, a value a template cannot
resolve fails the crawl too. And a page must open for whoever it was shown to:
a link that answers 403 or 404 is a bug, unless it is listed in ``DELIBERATE``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable, Iterator
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import ResolverMatch, resolve, reverse
from django.utils import timezone

from accounts.models import Notification, User
from coaching.models import CoachingSession, ImprovementPlan
from coaching.services import calendar_feed_rotate
from plans.models import AppraisalCycle, Objective
from reviews.exports import export_job_build, export_job_request
from reviews.models import ReviewTable
from tests.crawl.crawler import Crawler, CrawlResult, Link

pytestmark = pytest.mark.django_db

STAFF_EMAIL = "staff@example.com"

# role -> login (None: anonymous).
ROLES: dict[str, str | None] = {
    "employee": "emma.wilson@example.com",
    "peer in another department": "ravi.patel@example.com",
    "manager": "priya.nair@example.com",
    "director": "marcus.lee@example.com",
    "manager of another branch": "tom.becker@example.com",
    "department head": "daniel.kim@example.com",
    "HR": "sofia.rossi@example.com",
    "staff (not superuser)": STAFF_EMAIL,
    "administrator": "admin@example.com",
    "anonymous": None,
    # Translations are where a template breaks most easily: the manager again, in Chinese.
    "manager, in Chinese": "priya.nair@example.com",
}
CHINESE = {"manager, in Chinese"}

# Links shown on purpose to people who may then be refused: (view name, status) -> why.
# None today: every refusal the crawl met was a link that should not have been shown.
DELIBERATE: dict[tuple[str, int], str] = {}

# What each role must open (answered 200), and what it must never reach by links: the
# navigation and the pages show each person what fits their role, no more and no less.
MANAGING = {"plans:team", "coaching:overview", "reviews:to_review", "reviews:dashboard"}
HR_ONLY = {"plans:cycle_list", "accounts:org_import", "reviews:jobs"}
ADMIN = {"admin:index"}
OWN = {"plans:my_objectives", "plans:objective_detail", "reviews:table_detail"}
REACHES: dict[str, tuple[set[str], set[str]]] = {
    "employee": ({*OWN, "coaching:session_detail"}, MANAGING | HR_ONLY | ADMIN),
    "peer in another department": (OWN, MANAGING | HR_ONLY | ADMIN),
    "manager": (
        MANAGING | {"coaching:session_detail", "coaching:improvement_plan_detail"},
        HR_ONLY | ADMIN,
    ),
    "director": (MANAGING | {"plans:objective_detail"}, HR_ONLY | ADMIN),
    "manager of another branch": (MANAGING | OWN, HR_ONLY | ADMIN),
    "department head": (MANAGING | {"reviews:questions"}, HR_ONLY | ADMIN),
    "HR": (HR_ONLY | {"reviews:dashboard", "reviews:export_download"}, ADMIN),
    "staff (not superuser)": (ADMIN, MANAGING | HR_ONLY),
    "administrator": (ADMIN, MANAGING),
    "anonymous": ({"accounts:login"}, {"home"}),
    "manager, in Chinese": (MANAGING, HR_ONLY | ADMIN),
}

# The fewest URLs each crawl must fetch, so that a broken start page or a lost
# navigation cannot make the crawl pass by visiting nothing.
AT_LEAST = {
    "employee": 35,
    "peer in another department": 30,
    "manager": 80,
    "director": 60,
    "manager of another branch": 60,
    "department head": 50,
    "HR": 60,
    "staff (not superuser)": 80,
    "administrator": 100,
    "anonymous": 3,
    "manager, in Chinese": 80,
}


PDFS_FETCHED: set[Hashable] = set()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The demo after a day of use: last year's cycle closed, reminders sent, calendar
    addresses made, HR's large exports waiting and ready. Seeded once for the module and
    rolled back after it; each test runs inside it, in its own savepoint."""
    settings = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), settings, transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        # The demo closes last year's cycle itself: its plans and tables are read-only.
        call_command("send_reminders", "--digest", stdout=io.StringIO())
        # The demo has no staff member who is not a superuser: one who may view everything.
        staff = User.objects.create_user(STAFF_EMAIL, "not-used", full_name="Stan Staff")
        staff.is_staff = True
        staff.save(update_fields=["is_staff"])
        staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
        for user in User.objects.all():
            calendar_feed_rotate(user=user)
        hr = User.objects.get(email=ROLES["HR"])
        month = timezone.localdate().replace(day=1).isoformat()
        params = {"month_from": month, "month_to": month, "cycle_id": None, "department_id": None}
        export_job_request(actor=hr, params={**params, "status": ""}, total=1200)  # waiting
        export_job_build(job_id=export_job_request(actor=hr, params=params, total=1200).pk)
        yield
        transaction.set_rollback(True)


def _state_of(user: User | None) -> Callable[[ResolverMatch, dict[str, str]], Hashable]:
    """What makes two pages of one kind different enough to crawl both."""

    def person_state(pk: int) -> Hashable:
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

    def state(match: ResolverMatch, query: dict[str, str]) -> Hashable:
        name, pk = match.view_name, match.kwargs.get("pk")
        if match.namespace == "admin":
            # "View on site" leads to a different page for each kind of object.
            return match.kwargs.get("content_type_id")
        if name == "reviews:export":
            return query.get("format")  # HTML, XLSX, CSV or PDF
        if pk is None or name == "reviews:table_pdf":
            return None
        if name.startswith("reviews:table_"):
            table = (
                ReviewTable.objects.filter(pk=pk)
                .values_list("status", "department", "cycle__state")
                .first()
            )
            return table and (table[0], table[1] is not None, table[2])
        if name.startswith("coaching:session_"):
            session = CoachingSession.objects.filter(pk=pk).first()
            return session and (
                bool(session.private_note),
                session.department_id is not None,
                session.acknowledged_at is not None,
                user is not None and session.coach_id == user.pk,
            )
        if name.startswith(("plans:objective_", "plans:checkin_")):
            objective = Objective.objects.filter(pk=pk).first()
            return objective and (
                objective.cycle.state,
                objective.department_id is not None,
                name == "plans:objective_detail" and objective.measure,
                name == "plans:objective_detail" and objective.aligned.exists(),
            )
        if name.startswith("coaching:improvement_plan_"):
            plan = ImprovementPlan.objects.filter(pk=pk).first()
            return plan and plan.is_open
        if name.startswith("plans:cycle_"):
            return AppraisalCycle.objects.filter(pk=pk).values_list("state", flat=True).first()
        if name in ("accounts:person_detail", "plans:person_objectives", "coaching:timeline"):
            return person_state(pk)
        if name == "plans:department_objectives":
            mine = user is not None and pk == user.department_id
            return (mine, Objective.objects.filter(department=pk).exists())
        return None

    return state


def crawl(role: str) -> CrawlResult:
    client = Client()
    user = None
    sent: list[Link] = []
    if (login := ROLES[role]) is not None:
        user = User.objects.get(email=login)
        if role in CHINESE:
            user.language = "zh-hans"
            user.save(update_fields=["language"])
        client.force_login(user)
        # A notification leads to its address (through a POST that marks it read).
        sent = [
            Link(notification.url, source=f"notification {notification.message!r}")
            for notification in Notification.objects.filter(recipient=user).exclude(url="")
        ]
    return Crawler(
        client=client,
        role=role,
        state_of=_state_of(user),
        refusal_allowed=lambda link, match, status: (match.view_name, status) in DELIBERATE,
        # A PDF is the printable page (crawled per role and state) through WeasyPrint,
        # which takes a second: each kind of PDF once for all roles.
        once_for_all=lambda match, query: (
            match.view_name == "reviews:table_pdf" or query.get("format") == "pdf"
        ),
        shared=PDFS_FETCHED,
        signed_in=user is not None,
    ).run(reverse("home"), also=sent)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_opens_without_error_or_refusal(demo, role):
    result = crawl(role)
    assert not result.problems, f"{len(result.problems)} problem(s):\n" + "\n".join(
        str(problem) for problem in result.problems
    )
    opened = {
        resolve(urlsplit(link.url).path).view_name: link
        for link, status, *_rest in reversed(result.fetched)
        if status == 200
    }
    must, never = REACHES[role]
    assert must <= set(opened), f"[{role}] never reached {sorted(must - set(opened))}"
    assert not never & set(opened), f"[{role}] reached pages not meant for this role:\n" + (
        "\n".join(
            f"{opened[name].url} (from {opened[name].source})" for name in never & set(opened)
        )
    )
    assert len(result.urls) >= AT_LEAST[role]


def test_every_page_an_employee_reaches_asks_a_stranger_to_log_in(demo):
    """Anonymous reaches three pages from the home page; the employee's pages are tried too."""
    anonymous = Client()
    login = reverse("accounts:login")
    public = {"accounts:login", "accounts:password_reset", "coaching:calendar_feed"}
    tried = 0
    for url, htmx in sorted(crawl("employee").urls):
        if resolve(urlsplit(url).path).view_name in public:
            continue
        response = anonymous.get(url, headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == login, url
        tried += 1
    assert tried >= AT_LEAST["employee"] - len(public)
