"""Fill PostgreSQL with a realistic large organisation for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/generate.py [--size 10000|200]

10,000 employees (~620 managers, 79 departments four levels deep), an active
12-month cycle, 4-6 objectives each with monthly targets and check-ins, ~3
coaching sessions per person with action items, and review tables for the
past months in mixed states. Bulk writes throughout. EMPTIES the database.
One manager, bench-lead@bench.example, has exactly 50 direct reports.
Every account's password is "bench-password".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "localhost,testserver,127.0.0.1")

PASSWORD = "bench-password"  # noqa: S105 - a throw-away benchmark database
TODAY = dt.date(2026, 11, 20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000, help="employees (10000 or 200)")
    options = parser.parse_args()
    random.seed(2026)

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on PostgreSQL: set DATABASE_URL.")
    from django.conf import settings

    from bench.month_end import _ensure_database

    _ensure_database(settings.DATABASES["default"])
    started = time.perf_counter()
    call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)

    from accounts.models import HR_GROUP_NAME, Assignment, Department, User
    from coaching.models import ActionItem, CoachingSession
    from plans.models import AppraisalCycle, CheckIn, Objective, PerformancePlan, PhaseTarget
    from plans.services import cycle_nodes
    from reviews.models import ReviewTable
    from reviews.services import review_tables_generate

    password = make_password(PASSWORD)
    small = options.size < 1000
    # Departments: a company, 6 divisions, 3 departments each, 3 teams each (79).
    company = Department.objects.create(name="Company")
    divisions = Department.objects.bulk_create(
        [Department(name=f"Division {d}", parent=company) for d in range(1 if small else 6)]
    )
    departments = Department.objects.bulk_create(
        [
            Department(name=f"Department {d.pk}-{i}", parent=d)
            for d in divisions
            for i in range(1 if small else 3)
        ]
    )
    teams = Department.objects.bulk_create(
        [
            Department(name=f"Team {d.pk}-{i}", parent=d)
            for d in departments
            for i in range(2 if small else 3)
        ]
    )

    def person(email: str, name: str, department: Department, manager: User | None) -> User:
        return User(
            email=email,
            full_name=name,
            job_title="Specialist",
            department=department,
            manager=manager,
            password=password,
        )

    ceo = User.objects.create(
        email="ceo@bench.example",
        full_name="Chief Executive",
        department=company,
        password=password,
    )
    company.head = ceo
    company.save()
    heads: dict[int, User] = {}
    for level in (divisions, departments):
        for department in level:
            boss = heads.get(department.parent_id or 0, ceo)
            head = User.objects.create(
                email=f"head-{department.pk}@bench.example",
                full_name=f"Head of {department.name}",
                department=department,
                manager=boss,
                password=password,
            )
            department.head = head
            heads[department.pk] = head
    Department.objects.bulk_update(divisions + departments, ["head"])

    hr = User.objects.create(
        email="hr@bench.example", full_name="HR Officer", department=company, password=password
    )
    hr.groups.add(Group.objects.get_or_create(name=HR_GROUP_NAME)[0])

    # Teams: a head, leads (managers) with ~17 reports each; one lead has exactly 50.
    remaining = options.size - User.objects.count()
    per_team = max(1, remaining // len(teams))
    employees: list[User] = []
    special_done = False
    for team in teams:
        team_head = User.objects.create(
            email=f"head-{team.pk}@bench.example",
            full_name=f"Head of {team.name}",
            department=team,
            manager=heads[team.parent_id or 0],
            password=password,
        )
        team.head = team_head
        leads_count = max(1, per_team // 18)
        leads = User.objects.bulk_create(
            [
                person(f"lead-{team.pk}-{i}@bench.example", f"Lead {team.pk}-{i}", team, team_head)
                for i in range(leads_count)
            ]
        )
        if not special_done:
            leads[0].email = "bench-lead@bench.example"
            leads[0].save(update_fields=["email"])
        staff = []
        for index in range(per_team - leads_count - 1):
            if not special_done and index < 50:
                manager = leads[0]
            else:
                manager = leads[(index % max(1, leads_count - 1)) + (0 if leads_count == 1 else 1)]
            staff.append(
                person(
                    f"p-{team.pk}-{index}@bench.example", f"Person {team.pk}-{index}", team, manager
                )
            )
        special_done = True
        employees += User.objects.bulk_create(staff, batch_size=5000) + leads + [team_head]
    Department.objects.bulk_update(teams, ["head"])
    employees += [ceo] + list(heads.values())
    # Everyone's assignment history starts where they are (bulk writes skip save()).
    Assignment.objects.sync(User.objects.values_list("pk", flat=True))

    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    cycle = AppraisalCycle.objects.create(
        name="2026",
        start_date=start,
        end_date=end,
        state=AppraisalCycle.State.ACTIVE,
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )
    objectives: list[Objective] = []
    for employee in employees:
        count = random.randint(4, 6)
        weights = [100 // count] * count
        weights[0] += 100 - sum(weights)
        for k in range(count):
            objectives.append(
                Objective(
                    cycle=cycle,
                    employee=employee,
                    title=f"Objective {k + 1}",
                    weight=weights[k],
                    target=Decimal(random.choice([12, 120, 1200])),
                    unit="units",
                    owner=employee,
                )
            )
    objectives = Objective.objects.bulk_create(objectives, batch_size=5000)
    nodes = cycle.nodes
    targets = []
    checkins = []
    for objective in objectives:
        full = objective.target or Decimal(1)
        for i, month in enumerate(nodes):
            targets.append(
                PhaseTarget(objective=objective, month=month, planned=full * (i + 1) / 12)
            )
        pace = Decimal(random.choice(["0.6", "0.9", "1.0", "1.1"]))
        for day, share in (
            (dt.date(2026, 9, 25), Decimal("0.7")),
            (dt.date(2026, 11, 10), Decimal("0.85")),
        ):
            checkins.append(
                CheckIn(
                    objective=objective,
                    value=(full * share * pace).quantize(Decimal(1)),
                    confidence=random.randint(1, 5),
                    recorded_on=day,
                    author_id=objective.employee_id or 0,
                )
            )
    PhaseTarget.objects.bulk_create(targets, batch_size=20000)
    CheckIn.objects.bulk_create(checkins, batch_size=20000)
    PerformancePlan.objects.bulk_create(
        [PerformancePlan(cycle=cycle, employee=e, employee_confirmed_at=None) for e in employees],
        batch_size=5000,
    )

    sessions = []
    for employee in employees:
        if employee.manager_id is None:
            continue
        for _k in range(3):
            sessions.append(
                CoachingSession(
                    coach_id=employee.manager_id,
                    employee=employee,
                    home_department_id=employee.department_id,
                    line_manager_id=employee.manager_id,
                    held_on=TODAY - dt.timedelta(days=random.randint(1, 120)),
                    duration_minutes=random.choice([1, 15, 45]),
                    type=random.choice(["instruction", "guidance", "encouragement"]),
                    note="A short note.",
                    agreements="Agreed next steps.",
                    private_note="Private.",
                )
            )
    sessions = CoachingSession.objects.bulk_create(sessions, batch_size=5000)
    items = []
    for session in sessions:
        for k in range(random.randint(1, 2)):
            items.append(
                ActionItem(
                    session=session,
                    title=f"Step {k + 1}",
                    owner_id=session.employee_id or 0,
                    due_date=session.held_on + dt.timedelta(days=14),
                    done_at=None
                    if random.random() < 0.4
                    else dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                )
            )
    ActionItem.objects.bulk_create(items, batch_size=10000)

    for month_number in range(1, 12):
        month = dt.date(2026, month_number, 1)
        review_tables_generate(cycle=cycle, month=month)
        tables = ReviewTable.objects.filter(month=month)
        if month_number <= 9:
            tables.update(
                status=ReviewTable.Status.FINALISED, summary="Done.", reviewer_summary="Fine."
            )
        elif month_number == 10:
            ids = list(tables.values_list("pk", flat=True))
            random.shuffle(ids)
            quarter = len(ids) // 4
            for status, chunk in zip(
                ["finalised", "in_review", "submitted", "returned"],
                [ids[i * quarter : (i + 1) * quarter] for i in range(4)],
                strict=True,
            ):
                ReviewTable.objects.filter(pk__in=chunk).update(status=status, summary="Summary.")
    from plans.services import objective_progress_refresh

    objective_progress_refresh()
    from bench.calibration import calibration_seed

    calibration_seed()  # last year's calibrated cycle (issue 17 §4)
    # Fresh statistics, as autovacuum would gather them in production soon after:
    # without them the planner guesses a few dozen rows for every table.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        # As README's production notes advise for data on SSD or in memory; with the
        # default of 4 PostgreSQL hashes whole tables where a few index probes do.
        name = connection.ops.quote_name(str(settings.DATABASES["default"]["NAME"]))
        cursor.execute(f"ALTER DATABASE {name} SET random_page_cost = 1.1")
    print(
        f"{User.objects.count()} people, {Department.objects.count()} departments, "
        f"{User.objects.filter(direct_reports__isnull=False).distinct().count()} managers, "
        f"{Objective.objects.count()} objectives, {CoachingSession.objects.count()} sessions, "
        f"{ReviewTable.objects.count()} review tables in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
