"""The timeline's sessions, check-ins and action items, written by one tag
(``coaching.templatetags.timeline_rows``), are the markup its template wrote for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from tests.factories import UserFactory, check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db

# The timeline's list as ``coaching/timeline.html`` wrote it before ``timeline_entry``.
EVENTS_AS_TEMPLATE = """{% load i18n plans_tags %}<ul class="list-group" data-testid="timeline">
{% for event in events %}
  <li class="list-group-item" data-kind="{{ event.kind }}">
    <div class="small text-body-secondary">{{ event.on|date:"SHORT_DATE_FORMAT" }}</div>
    {% if event.kind == "session" %}{% with session=event.session %}
      <a href="{{ session.get_absolute_url }}" class="fw-semibold">{{ session.get_type_display }}</a>{% if session.is_planned %} <span class="badge text-bg-info">{% translate "planned" context "session badge" %}</span>{% endif %} · {% blocktranslate count counter=session.duration_minutes %}{{ counter }} minute{% plural %}{{ counter }} minutes{% endblocktranslate %} · {{ session.coach.full_name }}{% if session.questions_answered %} · <span class="small" data-testid="question-coverage">{% blocktranslate count total=question_total with answered=session.questions_answered %}{{ answered }} of {{ total }} question answered{% plural %}{{ answered }} of {{ total }} questions answered{% endblocktranslate %}</span>{% endif %}
      {% if event.content and session.note %}<div>{{ session.note|truncatechars:160 }}</div>{% endif %}
    {% endwith %}
    {% elif event.kind == "checkin" %}{% with checkin=event.checkin %}
      {% translate "Check-in" %}: <a href="{{ checkin.objective.get_absolute_url }}">{{ checkin.objective.title }}</a> → {{ checkin.value|measured:checkin.objective }} · {% translate "confidence" %} {{ checkin.confidence }}/5
    {% endwith %}
    {% else %}{% with item=event.item %}
      {% translate "Action item" %}: {{ item.title }} · {{ item.owner.full_name }} · {% if item.is_withdrawn %}{% translate "withdrawn: the owner left" %}{% elif item.is_done %}<span class="text-success">{% translate "done" %}</span>{% elif item.is_overdue %}<span class="text-danger">{% translate "overdue" %}</span>{% else %}{% translate "open" %}{% endif %}
    {% endwith %}{% endif %}
  </li>
{% endfor %}
</ul>"""  # noqa: E501 - the template's lines as they were


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_timeline_entries_are_the_markup_the_template_wrote(client, manager, report, language):
    """Held and planned sessions, one minute or many, answered questions or none, a long
    note with markup; check-ins of each measure; action items done, withdrawn,
    overdue and open, an owner with markup; in both languages."""
    today = timezone.localdate()
    cycle = make_cycle(today.year)
    orders = make_objective(cycle, employee=report, title="Orders <won>", unit="<b>kg</b>")
    share = make_objective(cycle, employee=report, title="Share", measure="percent")
    launch = make_objective(cycle, employee=report, title="Launch", measure="milestone")
    check_in(orders, 12.5, on=today - dt.timedelta(days=3), author=report)
    check_in(share, 80, on=today - dt.timedelta(days=2), author=report)
    check_in(launch, 1, on=today - dt.timedelta(days=1), author=report)
    held = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=today - dt.timedelta(days=4),
        duration_minutes=1,
        note="<b>Long</b> & " + "x" * 200,
        question_answers={"progress": "On plan", "agreed": "Weekly calls"},
    )
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="encouragement",
        held_on=today + dt.timedelta(days=9),
        duration_minutes=45,
        question_answers={"progress": "Fine"},
    )
    owner = UserFactory(full_name="Ann <i>Owner</i>", manager=manager)
    now = timezone.now()
    for title, due, done, withdrawn in (
        ("Done <step>", today, now, None),
        ("Withdrawn", today, None, now),
        ("Overdue", today - dt.timedelta(days=2), None, None),
        ("Open", today + dt.timedelta(days=5), None, None),
        ("No date", None, None, None),
    ):
        ActionItem.objects.create(
            session=held,
            title=title,
            owner=owner,
            due_date=due,
            done_at=done,
            withdrawn_at=withdrawn,
        )
    manager.language = language
    manager.save()
    client.force_login(manager)
    response = client.get(reverse("coaching:timeline", args=[report.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    expected = (
        engines["django"]
        .from_string(EVENTS_AS_TEMPLATE)
        .render(
            {
                "events": response.context["events"],
                "question_total": response.context["question_total"],
            },
            request=response.wsgi_request,
        )
    )
    start = html.index('<ul class="list-group" data-testid="timeline">')
    written = html[start : html.index("</ul>", start) + len("</ul>")]
    assert written == expected
    kinds = [event["kind"] for event in response.context["events"]]
    assert sorted(set(kinds)) == ["action", "checkin", "session"] and len(kinds) == 10
    assert "question-coverage" in written and "&lt;b&gt;kg&lt;/b&gt;" in written
