"""Performance facts: recorded and edited from a person's timeline (issue 16 §2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.http import user_of
from accounts.models import User
from coaching.facts import PerformanceFact, can_edit_fact, facts_visible_to, performance_fact_save
from coaching.forms.facts import PerformanceFactForm
from coaching.permissions import can_coach


def _save_or_show(
    request: HttpRequest, *, person: User, fact: PerformanceFact | None
) -> HttpResponse:
    user = user_of(request)
    data = request.POST if request.method == "POST" else None
    form = PerformanceFactForm(data, instance=fact, employee=person)
    if data is not None and form.is_valid():
        performance_fact_save(actor=user, employee=person, fact=fact, **form.cleaned_data)
        messages.success(request, _("The performance fact has been saved."))
        return redirect(reverse("coaching:timeline", args=[person.pk]))
    return render(
        request, "coaching/fact_form.html", {"form": form, "person": person, "fact": fact}
    )


@login_required
def fact_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a fact about person ``pk``: their managers (who coach them) only."""
    person = get_object_or_404(User, pk=pk, is_active=True)
    if not can_coach(user_of(request), employee=person):
        raise PermissionDenied
    return _save_or_show(request, person=person, fact=None)


@login_required
def fact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a fact: its author, while they still coach the person; unseen facts are 404."""
    user = user_of(request)
    fact = get_object_or_404(PerformanceFact.objects.select_related("employee"), pk=pk)
    if not facts_visible_to(user, fact.employee).filter(pk=fact.pk).exists():
        raise Http404
    if not can_edit_fact(user, fact):
        raise PermissionDenied
    return _save_or_show(request, person=fact.employee, fact=fact)
