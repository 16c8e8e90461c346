"""The demo organisation loaded by ``manage.py seed_demo``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import HR_GROUP_NAME, Assignment, User
from accounts.org_import import ImportResult, org_import
from demo.calibration import demo_calibration_seed
from demo.carry_forward import demo_carry_forward_seed
from demo.clock import at, demo_clock
from demo.coaching import demo_sessions_seed
from demo.dating import demo_dates_settle
from demo.feedback import demo_feedback_seed
from demo.lifecycle import demo_last_year_seed, demo_lifecycle_seed
from demo.method import demo_method_seed
from demo.outbox import demo_outbox_settle
from demo.plans import demo_plans_seed
from demo.praise import demo_praise_seed
from demo.read_log import demo_read_log_seed
from demo.results import demo_results_seed
from demo.reviews import demo_reviews_seed
from demo.templates_lib import demo_templates_lib_seed
from demo.texts import ledger_reset
from demo.trajectory import demo_trajectory_seed
from demo.webhooks import demo_webhooks_seed
from plans.services import objective_progress_refresh

DEMO_PASSWORD = "coaching-demo"  # noqa: S105 - published demo credential
DEMO_ORG_FILE = Path(__file__).resolve().parent / "fixtures" / "demo_org.csv"
ADMIN_EMAIL = "admin@example.com"
HR_EMAILS = ("sofia.rossi@example.com", "hannah.park@example.com")


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_LOGINS = (
    DemoLogin("emma.wilson@example.com", "employee (Sales East)"),
    DemoLogin("priya.nair@example.com", "manager, head of Sales East"),
    DemoLogin("marcus.lee@example.com", "director, head of Sales (indirect reports)"),
    DemoLogin("sofia.rossi@example.com", "HR, head of People & Culture"),
    DemoLogin(ADMIN_EMAIL, "administrator (Django admin)"),
)


# When each person of the organisation file joined: (years before the start of the
# demo's last-year cycle, month). Everyone was there before that cycle, which has
# their tables, and every manager joined before their reports.
HIRED: dict[str, tuple[int, int]] = {
    "grace.chen@example.com": (9, 3),
    "henry.zhao@example.com": (4, 9),
    "marcus.lee@example.com": (7, 2),
    "priya.nair@example.com": (5, 6),
    "emma.wilson@example.com": (2, 4),
    "wang.fang@example.com": (3, 10),
    "jack.turner@example.com": (1, 9),
    "chloe.martin@example.com": (1, 3),
    "tom.becker@example.com": (6, 1),
    "lucas.silva@example.com": (2, 11),
    "zhang.min@example.com": (1, 6),
    "olivia.brown@example.com": (3, 5),
    "li.wei@example.com": (8, 4),
    "ana.souza@example.com": (5, 10),
    "ravi.patel@example.com": (2, 7),
    "chen.jie@example.com": (3, 2),
    "noah.fischer@example.com": (4, 8),
    "liu.yang@example.com": (1, 10),
    "sara.jones@example.com": (2, 3),
    "omar.haddad@example.com": (6, 9),
    "mia.kowalski@example.com": (3, 1),
    "sun.li@example.com": (2, 8),
    "ethan.clark@example.com": (1, 11),
    "sofia.rossi@example.com": (7, 10),
    "hannah.park@example.com": (2, 2),
    "daniel.kim@example.com": (6, 5),
    "zhou.xin@example.com": (3, 9),
    "isabel.garcia@example.com": (4, 3),
    "yuki.tanaka@example.com": (2, 6),
}
# The people the lifecycle demo creates (not the file): they joined before it too.
HIRED_OUTSIDE_THE_FILE: dict[str, tuple[int, int]] = {
    "noor.ahmed@example.com": (1, 5),
    "ben.carter@example.com": (2, 9),
}


def demo_hire_date(email: str, *, today: dt.date) -> dt.date:
    """When ``email`` joined: a first of the month before last year's cycle (Jan 1 of last year)."""
    years, month = HIRED.get(email) or HIRED_OUTSIDE_THE_FILE.get(email, (1, 1))
    return dt.date(today.year - 1 - years, month, 1)


def _histories_start_at_hire(person_ids: list[int], *, today: dt.date) -> None:
    """The people the file just created joined long before the import that loaded them:
    their joining date and the start of their assignment history say when."""
    for pk, email in User.objects.filter(pk__in=person_ids).values_list("pk", "email"):
        hired = timezone.make_aware(
            dt.datetime.combine(demo_hire_date(email, today=today), dt.time(9))
        )
        User.objects.filter(pk=pk).update(date_joined=hired)
        Assignment.objects.filter(person_id=pk).update(
            started_at=hired, source=Assignment.Source.START
        )


@transaction.atomic
def demo_organisation_seed() -> ImportResult:
    """Load the demo organisation. Running it again changes nothing."""
    result = org_import(data=DEMO_ORG_FILE.read_bytes(), filename=DEMO_ORG_FILE.name, actor=None)
    if not result.ok:  # pragma: no cover - the shipped file is checked by the tests
        raise RuntimeError(f"The demo organisation file is invalid: {result.problems}")
    _histories_start_at_hire(result.created_user_ids, today=timezone.localdate())
    hr, _created = Group.objects.get_or_create(name=HR_GROUP_NAME)
    for user in User.objects.filter(email__in=HR_EMAILS):
        user.groups.add(hr)
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        User.objects.create_superuser(ADMIN_EMAIL, DEMO_PASSWORD, full_name="Demo Administrator")
    demo_emails = [line.split(",")[0] for line in DEMO_ORG_FILE.read_text().splitlines()[1:]]
    # Set a password only where none is set yet, so a re-run leaves hashes alone.
    for user in User.objects.filter(email__in=demo_emails):
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    # The other apps' demo data builds on the organisation.
    ledger_reset()
    cycle = demo_plans_seed()
    demo_reviews_seed(cycle=cycle)
    demo_sessions_seed(cycle=cycle)
    demo_method_seed(cycle=cycle)
    demo_lifecycle_seed(cycle=cycle)
    demo_last_year_seed()
    demo_trajectory_seed(cycle=cycle)
    # Last year's results were prepared, proposed and calibrated in January.
    with demo_clock(at(dt.date(timezone.localdate().year, 1, 19), 10)):
        demo_results_seed()  # before the calibration's demo, which calibrates these
    demo_carry_forward_seed()
    with demo_clock(at(dt.date(timezone.localdate().year, 1, 26), 14)):
        demo_calibration_seed()  # after demo_results_seed, which proposes the results
    demo_templates_lib_seed()
    demo_read_log_seed()
    demo_feedback_seed()  # upward feedback (issue 18 §2)
    demo_praise_seed()
    demo_webhooks_seed()  # issue 19 §2: after the rest, so its log holds one delivery
    objective_progress_refresh()
    demo_dates_settle()
    # The history's e-mails went out when it happened (those written at commit too).
    demo_outbox_settle()
    transaction.on_commit(demo_outbox_settle)
    return result
