from __future__ import annotations

import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from plans.models import PerformancePlan
from tests.factories import UserFactory, check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db


def test_titles_and_units_are_escaped_on_the_team_and_plan_pages(client, manager, report):
    cycle = make_cycle(2026)
    objective = make_objective(
        cycle, employee=report, title="<script>alert(1)</script>", unit="<b>kg</b>"
    )
    client.force_login(manager)
    for url in (reverse("plans:team"), reverse("plans:person_objectives", args=[report.pk])):
        body = client.get(url, {"cycle": cycle.pk}).content.decode()
        assert "<script>alert(1)</script>" not in body and "<b>kg</b>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;b&gt;kg&lt;/b&gt;" in body
        assert f'href="{objective.get_absolute_url()}"' in body


# The Team page's person rows as its template wrote them before they were built by one tag
# (``team_person_rows``): the tag must write the same markup, whitespace apart.
ROWS_AS_TEMPLATE = """{% load i18n people plans_tags %}{% for row in rows %}
  <tbody>
    {% for objective, progress in row.items %}
    <tr class="{% if progress.is_lagging %}table-warning{% endif %}" data-person="{{ row.pk }}">
      {% if forloop.first %}
      <td rowspan="{{ row.items|length }}" class="team-person">
        <a href="{{ row.url }}?cycle={{ cycle.pk }}" class="fw-semibold">{{ row.person.full_name }}</a>
        <div class="small text-body-secondary">{{ row.person.job_title }}{% if indirect and row.person.manager %} · {% blocktranslate with name=row.person.manager.full_name %}reports to {{ name }}{% endblocktranslate %}{% endif %} · {% person_page_link row.person %}</div>
        <div class="small">
          {% if row.agreed %}<span class="text-success" data-testid="plan-agreed">{% translate "plan agreed" %}</span>{% else %}<span class="badge text-bg-warning" data-testid="plan-not-agreed">{% translate "plan not agreed" %}</span>{% endif %}
          {% if row.weight_total != 100 %} · <span class="text-danger">{% blocktranslate with total=row.weight_total %}weights {{ total }}/100{% endblocktranslate %}</span>{% endif %}
          {% if row.lagging %} · <span class="text-danger fw-semibold">{{ row.lagging_label }}</span>{% endif %}
        </div>
      </td>
      {% endif %}
      {% progress_cells objective progress title=True labels=True %}
    </tr>
    {% empty %}
    <tr data-person="{{ row.person.pk }}">
      <td class="team-person"><a href="{{ row.url }}?cycle={{ cycle.pk }}" class="fw-semibold">{{ row.person.full_name }}</a><div class="small text-body-secondary">{{ row.person.job_title }} · {% person_page_link row.person %}</div></td>
      <td colspan="5" class="text-body-secondary">{% translate "No objectives in this cycle yet." %}{% if not cycle.is_closed %} <a href="{% url 'plans:objective_new' %}?cycle={{ cycle.pk }}&amp;employee={{ row.person.pk }}">{% translate "Add one" %}</a>{% endif %}</td>
    </tr>
    {% endfor %}
  </tbody>
{% endfor %}"""  # noqa: E501 - the template's lines as they were


def _tbodies(html: str) -> str:
    """The page's person rows, whitespace collapsed."""
    start, end = html.index("<tbody>"), html.rindex("</tbody>") + len("</tbody>")
    return re.sub(r"\s+", " ", html[start:end]).strip()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("state", ["active", "closed"])
def test_the_team_rows_are_the_markup_the_template_wrote(
    client, manager, report, indirect_report, language, state
):
    """Every part of a person's rows: agreed or not, weights off 100, lagging, a carried
    objective, escaped names and titles, someone below a report, someone without
    objectives (with "Add one" while the cycle is open), in both languages."""
    earlier = make_cycle(2025, state="closed")
    cycle = make_cycle(2026, state=state)
    origin = make_objective(earlier, employee=report, title="Old <orders>")
    report.full_name, report.job_title = "Rob <b>O'Neil</b>", 'Sales & "deals"'
    report.language = language
    report.save()
    make_objective(cycle, employee=report, title="Orders <won>", weight=60, carried_from=origin)
    quality = make_objective(cycle, employee=report, title="Quality", weight=30, measure="percent")
    check_in(quality, 95, on=timezone.localdate(), author=report)
    make_objective(cycle, employee=report, title="Launch", weight=10, measure="milestone")
    PerformancePlan.objects.create(
        cycle=cycle,
        employee=report,
        employee_confirmed_at=timezone.now(),
        manager_confirmed_at=timezone.now(),
    )
    other = UserFactory(full_name="Zoe Zero", manager=manager, department=report.department)
    make_objective(cycle, employee=other, title="All of it", weight=100)
    assert indirect_report.manager == report  # no objectives at all
    manager.language = language
    manager.save()
    client.force_login(manager)
    response = client.get(reverse("plans:team"), {"cycle": cycle.pk, "indirect": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    expected = (
        engines["django"]
        .from_string(ROWS_AS_TEMPLATE)
        .render(
            {
                "rows": response.context["rows"],
                "cycle": response.context["cycle"],
                "indirect": True,
            },
            request=response.wsgi_request,
        )
    )
    assert _tbodies(html) == _tbodies(expected)
    assert len(response.context["rows"]) == 3
    assert "carried-from" in html and "table-warning" in html
    if language == "en":
        assert ("Add one" in html) == (state == "active")
    else:
        assert "plan agreed" not in html  # translated
