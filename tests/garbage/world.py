"""A small organisation with one of everything a view can be asked about.

The personas are those of tests/conftest.py; around them, a cycle being planned and
an active one, objectives (personal and departmental, one aligned to the
other), a coaching session with an action item, an improvement plan, a
calendar feed, review tables in draft (with a carried item) and in review
(with an open question), a notification and an export job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import (
    Assignment,
    Department,
    Notification,
    OutboxMessage,
    User,
    WebhookEndpoint,
)
from accounts.webhook_events import webhook_ping
from coaching.feedback import feedback_round_close, feedback_round_create, feedback_round_open
from coaching.feedback_models import FeedbackRound
from coaching.models import (
    ActionItem,
    CalendarFeed,
    Checkpoint,
    CoachingSession,
    ImprovementPlan,
    PerformanceFact,
)
from coaching.praise_models import CompanyValue, Praise
from plans.models import (
    AppraisalCycle,
    Objective,
    ObjectiveTemplate,
    TargetCheck,
    TemplateSet,
)
from plans.services import cycle_nodes
from reviews.calibration_services import calibration_start
from reviews.models import (
    Calibration,
    CycleResult,
    ExportJob,
    Inquiry,
    JobSettings,
    ReviewTable,
    WorkPlanItem,
)
from reviews.results import results_prepare
from reviews.services import review_table_for
from reviews.workflow import review_table_transition
from tests.factories import (
    DepartmentFactory,
    UserFactory,
    check_in,
    make_cycle,
    make_hr,
    make_objective,
)


@dataclass
class World:
    manager: User
    report: User
    indirect_report: User
    peer: User
    hr: User
    outsider: User
    sales: Department
    cycle: AppraisalCycle
    planning_cycle: AppraisalCycle
    objective: Objective
    department_objective: Objective
    session: CoachingSession
    item: ActionItem
    improvement_plan: ImprovementPlan
    feed: CalendarFeed
    fact: PerformanceFact
    checkpoint: Checkpoint
    draft_table: ReviewTable
    review_table: ReviewTable
    inquiry: Inquiry
    notification: Notification
    export_job: ExportJob
    # Cycle results (issue 17 §3): Rob's in last year's closed and published cycle, and
    # one in the active cycle still to propose.
    last_cycle: AppraisalCycle
    result: CycleResult
    published_result: CycleResult
    calibration_cycle: AppraisalCycle
    start_cycle: AppraisalCycle
    calibration_result: CycleResult
    template_set: TemplateSet
    objective_template: ObjectiveTemplate
    # Upward feedback (issue 18 §2): a draft round, an open one Rob was invited to answer,
    # and a closed one.
    feedback_draft: FeedbackRound
    feedback_open: FeedbackRound
    feedback_closed: FeedbackRound
    # Praise (issue 18 §1): Paul's praise of Rob, Maria's encouragement of Rob, a value.
    encouragement_session: CoachingSession
    company_value: CompanyValue
    praise: Praise
    # Webhooks (issue 19 §2): an endpoint nobody listens to, with one delivery in its log.
    webhook_endpoint: WebhookEndpoint
    webhook_delivery: OutboxMessage
    # The outbox (issue 19 §3): an e-mail given up on, and an export whose worker kept dying.
    failed_message: OutboxMessage
    failed_export_job: ExportJob

    def user(self, name: str) -> User | None:
        """The persona called ``name``; None for an anonymous visitor."""
        return None if name == "anonymous" else getattr(self, name)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


def _personas() -> dict[str, Any]:
    """Maria heads Sales and manages Rob, who manages Ivy; Paul works for Olga in
    Finance; Hana is HR; Otto has no links (as in tests/conftest.py)."""
    sales = DepartmentFactory(name="Sales")
    finance = DepartmentFactory(name="Finance")
    manager = UserFactory(email="maria@example.com", full_name="Maria Manager", department=sales)
    report = UserFactory(
        email="rob@example.com", full_name="Rob Report", department=sales, manager=manager
    )
    indirect_report = UserFactory(
        email="ivy@example.com", full_name="Ivy Indirect", department=sales, manager=report
    )
    other_manager = UserFactory(
        email="olga@example.com", full_name="Olga Other", department=finance
    )
    peer = UserFactory(
        email="paul@example.com", full_name="Paul Peer", department=finance, manager=other_manager
    )
    Department.objects.filter(pk=sales.pk).update(head=manager)
    Department.objects.filter(pk=finance.pk).update(head=other_manager)
    sales.refresh_from_db()
    hr = make_hr(UserFactory(email="hana@example.com", full_name="Hana HR"))
    outsider = UserFactory(email="otto@example.com", full_name="Otto Outsider")
    return {
        "outsider": outsider,
        "sales": sales,
        "manager": manager,
        "report": report,
        "indirect_report": indirect_report,
        "peer": peer,
        "hr": hr,
    }


def build_world() -> World:
    personas = _personas()
    today = timezone.localdate()
    manager, report = personas["manager"], personas["report"]
    cycle = make_cycle(today.year)
    start = dt.date(today.year + 1, 1, 1)
    planning_cycle = AppraisalCycle.objects.create(
        name="Next year",
        start_date=start,
        end_date=start.replace(month=12, day=31),
        state=AppraisalCycle.State.PLANNING,
        time_nodes=cycle_nodes(
            start_date=start, end_date=start.replace(month=12, day=31), frequency="monthly"
        ),
    )
    department_objective = make_objective(
        cycle, department=personas["sales"], title="Sales grow", weight=100
    )
    objective = make_objective(
        cycle, employee=report, title="Orders won", weight=60, parent=department_objective
    )
    make_objective(
        cycle, employee=report, title="Quality", weight=40, measure="percent", target=90, unit=""
    )
    check_in(objective, 10, on=cycle.start_date.replace(month=2, day=10), author=report)
    make_objective(cycle, employee=personas["indirect_report"], title="Calls made", weight=100)

    improvement_plan = ImprovementPlan.objects.create(
        employee=report,
        objective=objective,
        opened_by=manager,
        own_reasons="Late proposals.",
        measures="Proposals within two days.",
        review_dates=[(today + dt.timedelta(days=14)).isoformat()],
    )
    session = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="instruction",
        duration_minutes=30,
        held_on=today,
        follow_up_on=today + dt.timedelta(days=7),
        agreements="Five calls a day.",
        improvement_plan=improvement_plan,
    )
    item = ActionItem.objects.create(
        session=session, title="Book meetings", owner=report, due_date=today
    )
    feed = CalendarFeed.objects.create(user=manager, token="garbage-test-feed-token")
    fact = PerformanceFact.objects.create(
        employee=report, author=manager, observed_on=today, kind="positive", observed="Demo won."
    )

    march = cycle.start_date.replace(month=3)
    checkpoint = Checkpoint.objects.create(
        target_check=TargetCheck.objects.create(
            objective=objective, month=march, planned=30, reached=10, met=False
        ),
        objective=objective,
        month=march,
    )
    april = cycle.start_date.replace(month=4)
    draft_table = review_table_for(cycle=cycle, month=april, employee=report)
    WorkPlanItem.objects.create(
        table=draft_table, kind=WorkPlanItem.Kind.CARRIED, title="Visit three key accounts"
    )
    WorkPlanItem.objects.create(
        table=draft_table,
        kind=WorkPlanItem.Kind.NEXT,
        title="Close two deals",
        due_date=april.replace(month=5, day=10),
    )
    review_table = review_table_for(cycle=cycle, month=march, employee=report)
    review_table.rows.update(actual=10, gap_reason="Two clients postponed.")
    ReviewTable.objects.filter(pk=review_table.pk).update(summary="A fair month.")
    WorkPlanItem.objects.create(table=review_table, title="Call five clients")
    review_table.refresh_from_db()
    review_table = review_table_transition(actor=report, table=review_table, action="submit")
    review_table = review_table_transition(actor=manager, table=review_table, action="start_review")
    inquiry = Inquiry.objects.create(
        table=review_table, asked_by=manager, question="Why are orders behind?"
    )

    webhook_endpoint = WebhookEndpoint.objects.create(
        name="Nobody listens", url="http://127.0.0.1:9/", events=["export.ready"]
    )
    notification = Notification.objects.create(
        recipient=report, message="Maria asked a question.", url=review_table.get_absolute_url()
    )
    export_job = ExportJob.objects.create(
        requester=personas["hr"],
        status=ExportJob.Status.DONE,
        file_name="missing.xlsx",
        params={"month_from": march.isoformat(), "month_to": march.isoformat()},
        total=1,
        progress=1,
    )
    failed_export_job = ExportJob.objects.create(
        requester=personas["hr"],
        status=ExportJob.Status.FAILED,
        error="stalled:3",
        params={"month_from": march.isoformat(), "month_to": march.isoformat()},
    )
    failed_message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient=report.email,
        subject="Your table is due",
        state=OutboxMessage.State.FAILED,
        attempts=9,
        last_error="SMTPDataError: 451 Not now",
    )
    JobSettings.current()  # the settings row exists, as it does after the first job run
    last_cycle = make_cycle(today.year - 1, state=AppraisalCycle.State.CLOSED)
    make_objective(last_cycle, employee=report, title="Orders won last year", weight=100)
    results_prepare(cycle=last_cycle)
    published_result = CycleResult.objects.get(cycle=last_cycle, employee=report)
    Calibration.objects.create(
        cycle=last_cycle, done_at=timezone.now(), published_at=timezone.now()
    )
    result = CycleResult.objects.create(cycle=cycle, employee=report, completion=50)
    # Calibration (issue 17 §4): a closed cycle calibrated by HR with Maria, another not yet.
    calibration_cycle = make_cycle(today.year - 3, state="closed", name="Calibrated")
    start_cycle = make_cycle(today.year - 4, state="closed", name="Not calibrated")
    calibration_result = CycleResult.objects.create(
        cycle=calibration_cycle,
        employee=personas["indirect_report"],
        completion=65,
        proposed_rating="Meets expectations",
        home_department=personas["sales"],
        line_manager=report,
    )
    calibration_start(actor=personas["hr"], cycle=calibration_cycle, participants=[manager])
    # HR's organisation-wide set, aligned to the Sales objective (issue 17 §1).
    template_set = TemplateSet.objects.create(name="Sales representative")
    objective_template = ObjectiveTemplate.objects.create(
        template_set=template_set,
        title="Revenue",
        unit="k€",
        target=120,
        default_weight=50,
        parent=department_objective,
    )
    feedback_rounds = _feedback_rounds(personas["hr"], today)
    encouragement_session = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="encouragement",
        duration_minutes=10,
        held_on=today,
        strengths="Calm with the angry customer.",
        strengths_example="Kept the call going until the refund was agreed.",
        private_note="Maybe ready to lead the team.",
    )
    company_value = CompanyValue.objects.create(name="Customers first")
    praise = Praise.objects.create(
        employee=report,
        giver=personas["peer"],
        behaviour="Shared his call notes",
        example="Sent me the Acme notes before my visit.",
        value=company_value,
        visibility="department",
    )
    return World(
        manager=manager,
        report=report,
        indirect_report=personas["indirect_report"],
        peer=personas["peer"],
        hr=personas["hr"],
        outsider=personas["outsider"],
        sales=personas["sales"],
        cycle=cycle,
        planning_cycle=planning_cycle,
        objective=objective,
        department_objective=department_objective,
        session=session,
        item=item,
        improvement_plan=improvement_plan,
        feed=feed,
        fact=fact,
        checkpoint=checkpoint,
        draft_table=draft_table,
        review_table=review_table,
        inquiry=inquiry,
        notification=notification,
        export_job=export_job,
        last_cycle=last_cycle,
        result=result,
        published_result=published_result,
        calibration_cycle=calibration_cycle,
        start_cycle=start_cycle,
        calibration_result=calibration_result,
        template_set=template_set,
        objective_template=objective_template,
        feedback_draft=feedback_rounds[0],
        feedback_open=feedback_rounds[1],
        feedback_closed=feedback_rounds[2],
        encouragement_session=encouragement_session,
        company_value=company_value,
        praise=praise,
        webhook_endpoint=webhook_endpoint,
        webhook_delivery=webhook_ping(endpoint=webhook_endpoint),
        failed_message=failed_message,
        failed_export_job=failed_export_job,
    )


def _feedback_rounds(hr: User, today: dt.date) -> list[FeedbackRound]:
    # The closed round ran two months ago: two rounds never share a day.
    days = {
        "Draft feedback": (today, today + dt.timedelta(days=14)),
        "Open feedback": (today, today + dt.timedelta(days=14)),
        "Closed feedback": (today - dt.timedelta(days=60), today - dt.timedelta(days=40)),
    }
    rounds = [
        feedback_round_create(
            actor=hr, name=name, opens_on=opens_on, closes_on=closes_on, min_answers=3
        )
        for name, (opens_on, closes_on) in days.items()
    ]
    # The people of the world start today; a round asks only teams settled for 30 days.
    since = timezone.now() - dt.timedelta(days=365)
    User.objects.update(date_joined=since)
    Assignment.objects.filter(ended_at__isnull=True).update(started_at=since)
    closed = rounds[2]
    feedback_round_open(
        actor=hr, feedback_round=closed, version=closed.version, today=closed.opens_on
    )
    feedback_round_close(feedback_round=closed)
    feedback_round_open(actor=hr, feedback_round=rounds[1], version=rounds[1].version)
    for feedback_round in rounds:
        feedback_round.refresh_from_db()
    return rounds
