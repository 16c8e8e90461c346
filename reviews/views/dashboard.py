"""The review and coaching dashboard of HR, managers and department heads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from accounts.http import user_of
from accounts.page_cache import cached_page
from accounts.selectors import user_roles
from accounts.table_memo import table_memo
from coaching.feedback_results import feedback_summary
from coaching.models import CoachingType
from reviews.dashboard import dashboard_build
from reviews.forms import DashboardForm
from reviews.permissions import require


@cached_page
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """HR sees the organisation; managers and heads see their own chain."""
    user = user_of(request)
    roles = user_roles(user)
    require(roles.is_hr or roles.is_manager or roles.is_department_head)
    form = DashboardForm(request.GET or None)
    month = timezone.localdate().replace(day=1)
    department = None
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"] or month
        department = form.cleaned_data["department"]

    def content() -> str:
        data = dashboard_build(
            user=user,
            month=month,
            department=department,
            coverage_page=request.GET.get("page", 1),
        )
        # The department filter's options from the departments the numbers named (the
        # same rows, by name): not a second query of every department.
        department_field = form.fields["department"]
        assert isinstance(department_field, ModelChoiceField)  # noqa: S101
        department_field.widget.choices = [
            ("", department_field.empty_label),
            *data.departments,
        ]
        context = {
            "form": form,
            "is_hr": roles.is_hr,
            "department": department,
            "data": data,
            "charts": data.charts(),
            "month": month,
            "type_labels": dict(CoachingType.choices),
            # Upward feedback (issue 18 §2): HR only, whatever the filters above say.
            "feedback": feedback_summary() if roles.is_hr else None,
        }
        return render_to_string("reviews/_dashboard_content.html", context, request)

    # The filters (a choice of every department), numbers, charts and tables rendered
    # once — a few hundred rows at 10,000 people — and kept while none of the tables
    # they read changes (issue 21 §4).
    # The roles decide the scope and the title; read before, so named in the key.
    name = f"dashboard-html:{user.pk}:{roles}:{request.get_full_path()}:{get_language()}"
    return render(
        request,
        "reviews/dashboard.html",
        {"content": table_memo(f"{name}:{timezone.localdate()}", content)},
    )
