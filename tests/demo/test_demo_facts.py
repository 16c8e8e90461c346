"""The demo tells the truth (issue 20 §5), continued: it agrees with itself (a customer
who signed is not lost the same month, an answer names the customers of the reasons, a
calibration's reason argues the way the rating moved) and its history is history (no
past e-mail waits to be sent, rounds named after their months, everyone hired before
last year's cycle)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone

from accounts.models import User
from coaching.models import CoachingSession
from plans.models import AppraisalCycle, CheckIn
from reviews.models import Inquiry, ReviewTable, WorkPlanItem

pytestmark = pytest.mark.django_db


# --- The demo agrees with itself ------------------------------------------------------

# What a clause says of the customer it names: signed, or not (late, lost, still open).
SIGNED = re.compile(r"(?i)\b(signed|signature|win|won|came through|closed|great close)\b")
NOT_SIGNED = re.compile(
    r"(?i)(lost|still open|still to decide|postpon|moved|cancel|wait|delay|paused|halved|"
    r"pushed|slipp|undecided|\blate\b|quiet|behind|rated us low|second quote|comparing)"
)
CLAUSE_END = re.compile(r"[.;:,()]|\band\b")


def _month_texts() -> Iterator[tuple[dt.date, str]]:
    """Every text of the demo about a month, with that month (a table's, a session's...)."""
    from coaching.facts import PerformanceFact
    from plans.months import month_start
    from reviews.models import ReviewRow

    for table in ReviewTable.objects.all():
        for text in (table.summary, table.reviewer_summary, table.suggestions):
            yield table.month, text
    for row in ReviewRow.objects.select_related("table"):
        yield row.table.month, row.gap_reason
    for inquiry in Inquiry.objects.select_related("table"):
        yield inquiry.table.month, f"{inquiry.question} {inquiry.answer}"
    for session in CoachingSession.objects.all():
        yield month_start(session.held_on), f"{session.note} {session.strengths_example}"
    for checkin in CheckIn.objects.all():
        yield month_start(checkin.recorded_on), checkin.note
    for fact in PerformanceFact.objects.all():
        yield month_start(fact.observed_on), fact.observed


def test_no_customer_both_signed_and_not_in_the_same_month(demo):
    """The Coastal Fitness deal is not done on Emma's card and "still open" on Sales
    East's table of the same month; nobody praises a win Sales East lost."""
    from demo.story import CUSTOMERS

    said: dict[tuple[dt.date, str], dict[bool, list[str]]] = {}
    for month, text in _month_texts():
        for clause in CLAUSE_END.split(text or ""):
            for customer in (name for name in CUSTOMERS if name in clause):
                for signed, words in ((True, SIGNED), (False, NOT_SIGNED)):
                    if words.search(clause.replace(customer, "")):
                        said.setdefault((month, customer), {}).setdefault(signed, []).append(text)
    done = WorkPlanItem.objects.filter(
        kind=WorkPlanItem.Kind.CARRIED, outcome=WorkPlanItem.Outcome.DONE
    ).select_related("table")
    for item in done:
        for customer in (name for name in CUSTOMERS if name in item.title):
            said.setdefault((item.table.month, customer), {}).setdefault(True, []).append(
                item.title
            )
    assert len([key for key, ways in said.items() if True in ways]) >= 5
    both = {key: ways for key, ways in said.items() if len(ways) > 1}
    assert both == {}


def test_an_answer_on_which_customers_names_those_of_the_gap_reasons(demo):
    from demo.story import CUSTOMERS

    answered = Inquiry.objects.filter(question__startswith="Which customers").exclude(answer="")
    assert answered
    for inquiry in answered.select_related("table"):
        reasons = " ".join(inquiry.table.rows.values_list("gap_reason", flat=True))
        named = {name for name in CUSTOMERS if name in inquiry.answer}
        assert named and named <= {name for name in CUSTOMERS if name in reasons}, (
            inquiry.answer,
            reasons,
        )


def test_a_calibration_s_reason_argues_the_way_the_rating_moved(demo):
    from demo.year_texts import LOWERED_REASONS, RAISED_REASONS
    from reviews.calibration import cycle_scale
    from reviews.result_models import RatingAdjustment

    adjustments = RatingAdjustment.objects.select_related("result__cycle")
    assert adjustments
    for adjustment in adjustments:
        scale = cycle_scale(adjustment.result.cycle)
        raised = scale.index(adjustment.to_rating) > scale.index(adjustment.from_rating)
        reasons = RAISED_REASONS if raised else LOWERED_REASONS
        patterns = [re.escape(text).replace(r"\{completion\}", r"[\d,]+") for text in reasons]
        assert any(re.fullmatch(pattern, adjustment.reason) for pattern in patterns), (
            adjustment.from_rating,
            adjustment.to_rating,
            adjustment.reason,
        )


# --- The demo's history is history -----------------------------------------------------


def test_the_seed_leaves_no_past_message_to_send(demo):
    """Starting the demo sends no invitations to a round closed in October, nor
    January's result e-mails: what the history caused went out when it happened."""
    from accounts.models import OutboxMessage

    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(demo), dt.time.min))
    past = OutboxMessage.objects.filter(created_at__lt=midnight)
    assert past.filter(channel=OutboxMessage.Channel.EMAIL).count() >= 10
    assert list(past.filter(state=OutboxMessage.State.PENDING).values_list("subject")) == []
    for message in past:  # sent then, not when the demo started
        assert message.sent_at is not None
        assert message.sent_at - message.created_at < dt.timedelta(minutes=1), message.subject


def test_a_feedback_round_is_named_after_the_months_it_ran(demo):
    from coaching.feedback_models import FeedbackRound

    rounds = FeedbackRound.objects.all()
    assert rounds
    for feedback_round in rounds:
        for day in (feedback_round.opens_on, feedback_round.closes_on):
            assert f"{day:%B}" in feedback_round.name, feedback_round.name
        assert not re.search(r"(?i)spring|summer|autumn|winter", feedback_round.name)


def test_everyone_joined_before_last_year_s_cycle(demo):
    """As the README says: Noor Ahmed and Ben Carter too, their history starting then."""
    from accounts.models import Assignment

    last_year = AppraisalCycle.objects.get(name=str(timezone.localdate(demo).year - 1))
    start = timezone.make_aware(dt.datetime.combine(last_year.start_date, dt.time.min))
    people = User.objects.exclude(department=None) | User.objects.filter(
        email__in=["noor.ahmed@example.com", "ben.carter@example.com"]
    )
    assert people.filter(email="noor.ahmed@example.com").exists()
    for person in people.distinct():
        assert person.date_joined < start, person.email
        first = Assignment.objects.filter(person=person).order_by("started_at").first()
        assert first is not None and first.started_at < start, person.email
        assert first.source == Assignment.Source.START, person.email
