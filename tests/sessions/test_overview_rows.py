"""The coaching overview's rows, built by one tag (``coaching_rows.overview_row``), are
what the template's markup wrote before: every branch, escaping, both languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The row as templates/coaching/overview.html wrote it until the tag.
TEMPLATE_ROW = engines["django"].from_string(
    """{% load i18n navigation people %}{% for row in rows %}{% with person=row.person %}
    <tr class="{% if row.days_since is None or row.days_since > 30 %}table-warning{% endif %}" data-person="{{ person.pk }}">
      <td data-label=""><a class="fw-semibold" href="{% key_url 'coaching:timeline' person.pk %}">{{ person.full_name }}</a><div class="small text-body-secondary">{{ person.job_title }}{% if person.job_title %} · {% endif %}{% person_page_link person %}</div></td>
      <td data-label="{% translate 'Last session' %}">{% if row.last_held_on %}{{ row.last_held_on|date:"SHORT_DATE_FORMAT" }} · {{ row.last_type_label }}{% else %}<span class="text-body-secondary">{% translate "never" %}</span>{% endif %}{% if row.next_planned %}<div class="small text-body-secondary" data-testid="next-planned">{% blocktranslate with day=row.next_planned|date:"SHORT_DATE_FORMAT" %}planned: {{ day }}{% endblocktranslate %}</div>{% endif %}</td>
      <td class="text-end" data-label="{% translate 'Days since' %}">{{ row.days_since|default_if_none:"—" }}</td>
      <td class="text-end" data-label="{% translate 'Sessions' %}">{{ row.sessions }}</td>
      <td class="text-end" data-label="{% translate 'Open action items' %}">{{ row.open_items }}{% if row.overdue_items %} <span class="badge text-bg-danger">{% blocktranslate count counter=row.overdue_items %}{{ counter }} overdue{% plural %}{{ counter }} overdue{% endblocktranslate %}</span>{% endif %}</td>
      <td data-testid="overview-trajectory" data-label="{% translate 'Trajectory' %}"><a class="badge text-decoration-none {{ row.trajectory.style }}" href="{% key_url 'coaching:timeline' person.pk %}#trajectory">{{ row.trajectory.label }}</a></td>
      <td class="text-end text-nowrap card-action"><a class="btn btn-sm btn-outline-primary" href="{% url 'coaching:session_new' %}?employee={{ person.pk }}">{% translate "Log session" %}</a></td>
    </tr>
  {% endwith %}{% endfor %}"""  # noqa: E501
)


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_overview_rows_are_what_the_template_wrote(client, manager, language):
    manager.language = language
    manager.save(update_fields=["language"])
    today = timezone.localdate()
    odd = UserFactory(manager=manager, full_name='<b>O\'Neil & "Sons"</b>', job_title="A&B <i>")
    never = UserFactory(manager=manager, full_name="Never Coached", job_title="")
    recent = UserFactory(manager=manager, full_name="Recently Coached")
    for day, kind in ((40, "instruction"), (70, "instruction"), (100, "guidance")):
        session = CoachingSession.objects.create(
            coach=manager, employee=odd, type=kind, held_on=today - dt.timedelta(days=day)
        )
    for n in range(3):
        ActionItem.objects.create(
            session=session, title=f"Step {n}", owner=odd, due_date=today - dt.timedelta(days=n)
        )
    CoachingSession.objects.create(
        coach=manager, employee=never, type="guidance", held_on=today + dt.timedelta(days=9)
    )
    CoachingSession.objects.create(coach=manager, employee=recent, type="encouragement")
    client.force_login(manager)

    response = client.get(reverse("coaching:overview"))

    rows = response.context["rows"]
    assert len(rows) == 3 and {row["overdue_items"] for row in rows} == {0, 2}
    expected = TEMPLATE_ROW.render({"rows": rows}, response.wsgi_request)
    body = response.content.decode()
    shown = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert _squeezed(shown) == _squeezed(expected)
    assert "next-planned" in shown and "&lt;b&gt;O&#x27;Neil &amp; &quot;Sons&quot;" in shown
