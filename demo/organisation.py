"""The demo organisation loaded by ``manage.py seed_demo``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import HR_GROUP_NAME, User
from accounts.org_import import ImportResult, org_import
from demo.coaching import demo_sessions_seed
from demo.lifecycle import demo_last_year_seed, demo_lifecycle_seed
from demo.plans import demo_plans_seed
from demo.reviews import demo_reviews_seed
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


@transaction.atomic
def demo_organisation_seed() -> ImportResult:
    """Load the demo organisation. Running it again changes nothing."""
    result = org_import(data=DEMO_ORG_FILE.read_bytes(), filename=DEMO_ORG_FILE.name, actor=None)
    if not result.ok:  # pragma: no cover - the shipped file is checked by the tests
        raise RuntimeError(f"The demo organisation file is invalid: {result.problems}")
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
    cycle = demo_plans_seed()
    demo_reviews_seed(cycle=cycle)
    demo_sessions_seed(cycle=cycle)
    demo_lifecycle_seed(cycle=cycle)
    demo_last_year_seed()
    objective_progress_refresh()
    return result
