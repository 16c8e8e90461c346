"""The background jobs' page: last runs, pending work, the broker, and HR's job settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import user_of
from accounts.models import OutboxMessage
from accounts.outbox import outbox_resend
from accounts.selectors import user_roles
from reviews.forms import JobSettingsForm
from reviews.models import JobSettings
from reviews.permissions import require
from reviews.selectors import jobs_status


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    """HR and administrators: the jobs' last runs, pending work, broker, settings."""
    user = user_of(request)
    roles = user_roles(user)
    require(roles.is_hr or user.is_staff)
    can_change = roles.is_hr or user.is_superuser
    if request.method == "POST":
        # Check before reading the settings: the first read creates their row.
        require(can_change)
    job_settings = JobSettings.current()
    form = JobSettingsForm(request.POST or None, instance=job_settings)
    if not can_change:
        # Other staff read the settings; offering them a Save that ends in 403 would not do.
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The job settings have been saved."))
            return redirect("reviews:jobs")
    return render(
        request,
        "reviews/jobs.html",
        {"status": jobs_status(), "form": form, "can_change": can_change},
    )


@require_POST
@login_required
def outbox_message_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """HR sends a message that failed again, now (the receiver sees the same Webhook-Id)."""
    user = user_of(request)
    require(user_roles(user).is_hr or user.is_superuser)
    message = get_object_or_404(OutboxMessage.objects.select_related("endpoint"), pk=pk)
    if message.state == OutboxMessage.State.SENT:
        messages.error(request, _("This message has been sent already."))
    elif message.endpoint is not None and not message.endpoint.is_active:
        messages.error(
            request,
            _(
                "The webhook endpoint %(name)s is switched off: switch it on first, and its "
                "waiting deliveries go out."
            )
            % {"name": message.endpoint.name},
        )
    else:
        outbox_resend(message_ids=[message.pk])
        messages.success(request, _("The message will be sent again within a minute."))
    return redirect("reviews:jobs")
