"""The review and coaching dashboard of HR, managers and department heads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import user_of
from accounts.page_cache import cached_page
from accounts.selectors import user_roles
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
    data = dashboard_build(
        user=user,
        month=month,
        department=department,
        coverage_page=request.GET.get("page", 1),
    )
    return render(
        request,
        "reviews/dashboard.html",
        {
            "form": form,
            "data": data,
            "charts": data.charts(),
            "month": month,
            "type_labels": dict(CoachingType.choices),
            # Upward feedback (issue 18 §2): HR only, whatever the filters above say.
            "feedback": feedback_summary() if roles.is_hr else None,
        },
    )
