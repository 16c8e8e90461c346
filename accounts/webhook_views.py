"""HR's pages for webhook endpoints (issue 19 §2): list, add, edit, the delivery log with
*resend* and *send a test event*, the secret and its rotation, delete.

HR only: every view calls ``require_hr`` before anything else (403 otherwise).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import user_of
from accounts.models import OutboxMessage, WebhookEndpoint
from accounts.outbox import outbox_resend
from accounts.permissions import require_hr
from accounts.webhook_admin import (
    webhook_deliveries_page,
    webhook_endpoint_delete,
    webhook_endpoint_save,
    webhook_endpoint_secret_rotate,
    webhook_endpoints_listed,
)
from accounts.webhook_events import webhook_ping
from accounts.webhook_forms import WebhookEndpointForm


def _endpoint_for_hr(request: HttpRequest, pk: int) -> WebhookEndpoint:
    require_hr(user_of(request))
    return get_object_or_404(WebhookEndpoint, pk=pk)


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    require_hr(user_of(request))
    endpoints = list(webhook_endpoints_listed())
    for endpoint in endpoints:
        endpoint.host = urlsplit(endpoint.url).hostname or endpoint.url  # type: ignore[attr-defined]
    return render(request, "accounts/webhook_list.html", {"endpoints": endpoints})


@login_required
def webhook_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_hr(user)
    form = WebhookEndpointForm(request.POST or None, submit_label=_("Add endpoint"))
    if request.method == "POST" and form.is_valid():
        endpoint = webhook_endpoint_save(actor=user, **form.cleaned_data)
        messages.success(request, _("The endpoint was added. Send it a test event to check it."))
        return redirect("accounts:webhook_detail", endpoint.pk)
    return render(request, "accounts/webhook_form.html", {"form": form, "endpoint": None})


@login_required
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint_for_hr(request, pk)
    form = WebhookEndpointForm(
        request.POST or None, instance=endpoint, submit_label=_("Save endpoint")
    )
    if request.method == "POST" and form.is_valid():
        # The form wrote its values onto the instance; the service decides what follows.
        fresh = WebhookEndpoint.objects.get(pk=endpoint.pk)
        webhook_endpoint_save(actor=user_of(request), endpoint=fresh, **form.cleaned_data)
        messages.success(request, _("The endpoint was saved."))
        return redirect("accounts:webhook_detail", endpoint.pk)
    return render(request, "accounts/webhook_form.html", {"form": form, "endpoint": endpoint})


@login_required
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint_for_hr(request, pk)
    page = webhook_deliveries_page(endpoint, request.GET.get("page"))
    return render(request, "accounts/webhook_detail.html", {"endpoint": endpoint, "page": page})


@login_required
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint_for_hr(request, pk)
    webhook_ping(endpoint=endpoint)
    if endpoint.is_active:
        messages.success(request, _("A test event is on its way; its delivery is listed below."))
    else:
        messages.warning(
            request,
            _("A test event is waiting: the endpoint is switched off. Switch it on to send it."),
        )
    return redirect("accounts:webhook_detail", endpoint.pk)


@login_required
@require_POST
def webhook_resend(request: HttpRequest, pk: int, delivery: int) -> HttpResponse:
    endpoint = _endpoint_for_hr(request, pk)
    message = get_object_or_404(OutboxMessage, pk=delivery, endpoint=endpoint)
    outbox_resend(message_ids=[message.pk])
    messages.success(request, _("The delivery will be sent again with the same Webhook-Id."))
    return redirect("accounts:webhook_detail", endpoint.pk)


@login_required
def webhook_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint_for_hr(request, pk)
    if request.method == "POST":
        webhook_endpoint_secret_rotate(endpoint=endpoint)
        messages.success(
            request, _("The secret was changed. Give the new one to the receiver now.")
        )
        return redirect("accounts:webhook_detail", endpoint.pk)
    return render(
        request,
        "accounts/webhook_confirm.html",
        {
            "endpoint": endpoint,
            "question": _("Change the signing secret of %(name)s?") % {"name": endpoint.name},
            "warning": _(
                "From now on every delivery is signed with a new secret: the receiver refuses "
                "them until it has the new one."
            ),
            "button": _("Change the secret"),
        },
    )


@login_required
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint_for_hr(request, pk)
    if request.method == "POST":
        webhook_endpoint_delete(endpoint=endpoint)
        messages.success(request, _("The endpoint was deleted."))
        return redirect("accounts:webhook_list")
    return render(
        request,
        "accounts/webhook_confirm.html",
        {
            "endpoint": endpoint,
            "question": _("Delete the endpoint %(name)s?") % {"name": endpoint.name},
            "warning": _(
                "Its delivery log goes with it, and deliveries still waiting are never sent."
            ),
            "button": _("Delete endpoint"),
        },
    )
