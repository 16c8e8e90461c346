"""Each event reaches the endpoints subscribed to it, in their format, and never carries a
private note or text HR cannot read: every free-text field below holds a marker, and no
body may contain it."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import time_machine
from django.db import connection
from django.db.models import TextField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import OutboxMessage, WebhookEvent
from accounts.webhook_events import webhook_event_emit
from coaching.models import ActionItem, CoachingSession
from coaching.questions import QUESTION_KEYS
from coaching.services import ActionItemInput, improvement_plan_save, session_save
from plans.early_warnings import lagging_warnings_raise
from reviews.exports import export_job_build, export_job_request
from reviews.jobs import reminders_run
from reviews.models import ReviewTable, WorkPlanItem
from reviews.services import review_table_for
from reviews.webhook_events import SUBMITTED_OWN
from reviews.workflow import review_table_transition
from tests.factories import make_cycle, make_objective
from tests.webhooks.conftest import bodies, make_endpoint, raw_bodies

pytestmark = pytest.mark.django_db

SECRET = "ZZSECRET"


def assert_private_text_absent(event: str) -> None:
    written = raw_bodies(event)
    assert written, f"no delivery of {event}"
    for body in written:
        assert SECRET not in body


@pytest.fixture
def table(report):
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report)
    return review_table_for(cycle=cycle, month=dt.date(2026, 11, 1), employee=report)


def submit(table: ReviewTable, actor) -> ReviewTable:
    table.refresh_from_db()
    for row in table.rows.all():
        row.actual = row.planned
        row.gap_reason = f"{SECRET} gap"
        row.save()
    table.summary = f"{SECRET} summary"
    table.save()
    WorkPlanItem.objects.create(table=table, title=f"{SECRET} plan")
    return review_table_transition(actor=actor, table=table, action="submit")


def test_review_table_submitted_in_every_format(table, report, every_format):
    submit(table, report)
    sent = bodies(WebhookEvent.REVIEW_SUBMITTED)
    message = OutboxMessage.objects.get(endpoint__format="json")
    assert sent["json"]["id"] == str(message.key)
    assert sent["json"]["event"] == "review_table.submitted"
    assert sent["json"]["url"].endswith(f"/reviews/{table.pk}/")
    assert sent["json"]["occurred_at"].endswith("Z")
    data = sent["json"]["data"]["review_table"]
    assert data["subject"] == {"type": "person", "id": report.pk, "name": "Rob Report"}
    assert (data["month"], data["status"], data["completion"]) == ("2026-11", "submitted", 100)
    assert sent["slack"]["text"] == "Rob Report submitted their review table for November 2026."
    card = sent["teams"]["attachments"][0]["content"]
    assert card["body"][0]["text"] == sent["slack"]["text"]
    assert card["actions"][0]["url"] == sent["json"]["url"]
    assert message.give_up_at - message.created_at == dt.timedelta(hours=24)
    assert_private_text_absent(WebhookEvent.REVIEW_SUBMITTED)


def test_review_table_returned_without_the_comment(table, report, manager, every_format):
    submit(table, report)
    review_table_transition(
        actor=manager, table=table, action="return", comment=f"{SECRET} comment"
    )
    assert bodies(WebhookEvent.REVIEW_RETURNED)["slack"]["text"] == (
        "Maria Manager returned the review table of Rob Report for November 2026 for revision."
    )
    assert_private_text_absent(WebhookEvent.REVIEW_RETURNED)


def test_review_table_finalised_without_the_reviewers_text(table, report, manager, every_format):
    submit(table, report)
    ReviewTable.objects.filter(pk=table.pk).update(
        reviewer_summary=f"{SECRET} 1", suggestions=f"{SECRET} 2", expectations=f"{SECRET} 3"
    )
    table.refresh_from_db()
    review_table_transition(actor=manager, table=table, action="finalise")
    assert bodies(WebhookEvent.REVIEW_FINALISED)["json"]["data"]["review_table"]["status"] == (
        "finalised"
    )
    assert_private_text_absent(WebhookEvent.REVIEW_FINALISED)


def run_reminders(day: str, capture) -> None:
    moment = dt.datetime.fromisoformat(f"{day} 09:00").replace(tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False), capture(execute=False):
        reminders_run()


def test_review_table_overdue_once_per_table(
    table, report, every_format, django_capture_on_commit_callbacks
):
    table.summary = f"{SECRET} summary"
    table.save()
    for day in ("2026-12-03", "2026-12-08", "2026-12-20"):
        run_reminders(day, django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.filter(event=WebhookEvent.REVIEW_OVERDUE).count() == 3
    assert bodies(WebhookEvent.REVIEW_OVERDUE)["slack"]["text"] == (
        "The review table of Rob Report for November 2026 is overdue: it was due on 5 Dec 2026."
    )
    assert_private_text_absent(WebhookEvent.REVIEW_OVERDUE)


def a_session(manager, report, **extra):
    """A session with the marker in every text its coach writes (private note included),
    every answer to the nine questions, and its action item."""
    texts = {
        name: f"{SECRET} {name}"
        for name in CoachingSession.EDITABLE_FIELDS
        if isinstance(CoachingSession._meta.get_field(name), TextField)
    }
    assert "private_note" in texts and "note" in texts
    return session_save(
        actor=manager,
        employee=report,
        held_on=dt.date(2026, 11, 12),
        duration_minutes=45,
        type="guidance",
        question_answers={key: f"{SECRET} {key}" for key in QUESTION_KEYS},
        action_items=[
            ActionItemInput(None, f"{SECRET} step", report, dt.date(2026, 11, 20)),
        ],
        **texts,
        **extra,
    )


def test_coaching_session_shared_says_metadata_only(manager, report, every_format):
    session = a_session(manager, report)
    sent = bodies(WebhookEvent.SESSION_SHARED)
    assert sent["json"]["data"]["coaching_session"] == {
        "id": session.pk,
        "coach": {"id": manager.pk, "name": "Maria Manager"},
        "coachee": {"type": "person", "id": report.pk, "name": "Rob Report"},
        "held_on": "2026-11-12",
        "type": "guidance",
        "duration_minutes": 45,
    }
    assert sent["slack"]["text"] == (
        "Maria Manager recorded a coaching session with Rob Report on 12 Nov 2026."
    )
    assert_private_text_absent(WebhookEvent.SESSION_SHARED)


def test_a_session_saved_again_is_not_shared_again(manager, report, every_format):
    session = a_session(manager, report)
    session_save(actor=manager, session=session, version=session.version, note="Later.")
    assert OutboxMessage.objects.filter(event=WebhookEvent.SESSION_SHARED).count() == 3


def test_action_item_overdue_without_its_text(
    manager, report, every_format, django_capture_on_commit_callbacks
):
    a_session(manager, report)
    item = ActionItem.objects.get()
    for day in ("2026-11-22", "2026-11-25"):
        run_reminders(day, django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.filter(event=WebhookEvent.ACTION_ITEM_OVERDUE).count() == 3
    sent = bodies(WebhookEvent.ACTION_ITEM_OVERDUE)
    assert sent["json"]["data"]["action_item"]["owner"]["name"] == "Rob Report"
    assert sent["json"]["data"]["action_item"]["due_date"] == item.due_date.isoformat()
    assert_private_text_absent(WebhookEvent.ACTION_ITEM_OVERDUE)


def test_objective_lagging(report, every_format):
    objective = make_objective(make_cycle(2026), employee=report, title="Orders won")
    objective.description = f"{SECRET} description"
    objective.save()
    lagging_warnings_raise(objective_ids=[objective.pk])
    lagging_warnings_raise(objective_ids=[objective.pk])  # the same day: recorded once
    assert OutboxMessage.objects.filter(event=WebhookEvent.OBJECTIVE_LAGGING).count() == 3
    assert bodies(WebhookEvent.OBJECTIVE_LAGGING)["slack"]["text"] == (
        "“Orders won” (Rob Report) went from on track to lagging."
    )
    assert_private_text_absent(WebhookEvent.OBJECTIVE_LAGGING)


def test_improvement_plan_opened_without_its_text(manager, report, every_format):
    improvement_plan_save(
        actor=manager,
        employee=report,
        own_reasons=f"{SECRET} own",
        outside_reasons=f"{SECRET} outside",
        measures=f"{SECRET} measures",
        support=f"{SECRET} support",
    )
    assert bodies(WebhookEvent.IMPROVEMENT_PLAN_OPENED)["slack"]["text"] == (
        "Maria Manager opened an improvement plan for Rob Report."
    )
    assert_private_text_absent(WebhookEvent.IMPROVEMENT_PLAN_OPENED)


def test_export_ready(table, report, hr, every_format):
    submit(table, report)
    month = "2026-11-01"
    params = {"month_from": month, "month_to": month, "cycle_id": None, "department_id": None}
    job = export_job_request(actor=hr, params=params, total=1)
    export_job_build(job_id=job.pk)
    sent = bodies(WebhookEvent.EXPORT_READY)
    assert sent["json"]["data"]["export"]["requester"]["name"] == "Hana HR"
    assert sent["json"]["url"].endswith("/reviews/export/")
    assert_private_text_absent(WebhookEvent.EXPORT_READY)


def test_only_active_subscribed_endpoints_receive(db, django_assert_num_queries):
    make_endpoint(name="Reviews only", events=[WebhookEvent.REVIEW_SUBMITTED])
    make_endpoint(name="Off", is_active=False)
    with django_assert_num_queries(1):
        written = webhook_event_emit(
            event=WebhookEvent.EXPORT_READY, data={}, text="Ready.", params={}, url="/"
        )
    assert written == []


def test_chat_messages_in_the_endpoints_language(table, report):
    make_endpoint(name="Slack zh", format="slack", language="zh-hans")
    make_endpoint(name="Teams zh", format="teams", language="zh-hans")
    make_endpoint(name="JSON", format="json", language="zh-hans")
    submit(table, report)
    sent = bodies(WebhookEvent.REVIEW_SUBMITTED)
    with translation.override("zh-hans"):
        expected = gettext(SUBMITTED_OWN) % {"actor": "Rob Report", "month": "2026年11月"}
        button = gettext("Open in Coaching Cycles")
    assert sent["slack"]["text"] == expected and "2026年11月" in expected
    teams = sent["teams"]["attachments"][0]["content"]
    assert teams["body"][0]["text"] == expected
    assert teams["actions"][0]["title"] == button
    # The JSON body is for programs: the same keys and values in every language.
    assert sent["json"]["data"]["review_table"]["month"] == "2026-11"


def test_a_reminder_batch_reads_the_endpoints_once(
    report, manager, every_format, django_capture_on_commit_callbacks
):
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report)
    make_objective(cycle, employee=manager)
    for month in (dt.date(2026, 9, 1), dt.date(2026, 10, 1)):
        review_table_for(cycle=cycle, month=month, employee=report)
        review_table_for(cycle=cycle, month=month, employee=manager)
    with CaptureQueriesContext(connection) as queries:
        run_reminders("2026-11-20", django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.filter(event=WebhookEvent.REVIEW_OVERDUE).count() == 4 * 3
    endpoint_reads = [q for q in queries if 'FROM "accounts_webhookendpoint"' in q["sql"]]
    assert len(endpoint_reads) <= 2  # the reviews' batch and the action items' batch


def test_a_name_with_slack_markup_cannot_notify_a_whole_channel(report):
    from accounts.models import WebhookEndpoint  # noqa: PLC0415
    from accounts.webhook_events import webhook_body  # noqa: PLC0415

    endpoint = WebhookEndpoint(name="c", url="https://hooks.example.com/", format="slack")
    body = webhook_body(
        endpoint,
        key=uuid.uuid4(),
        event="ping",
        occurred_at=timezone.now(),
        data={},
        sentence="<!channel> & friends submitted",
        url="https://example.com/",
    )
    assert "<!channel>" not in json.dumps(body)
    assert body["text"] == "&lt;!channel&gt; &amp; friends submitted"
