"""The coach's private calendar feed: its settings page and the iCalendar file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.http import user_of
from coaching.permissions import get_calendar_feed
from coaching.selectors import calendar_feed_of
from coaching.services import calendar_feed_ics, calendar_feed_rotate


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        calendar_feed_rotate(user=user)
        messages.success(
            request, _("A new calendar address is ready; the old one no longer works.")
        )
        return redirect("coaching:calendar_settings")
    feed = calendar_feed_of(user=user)
    url = (
        request.build_absolute_uri(reverse("coaching:calendar_feed", args=[feed.token]))
        if feed
        else None
    )
    return render(request, "coaching/calendar_settings.html", {"feed_url": url})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed: the token is the only key, and it can be revoked."""
    feed = get_calendar_feed(token)
    response = HttpResponse(
        calendar_feed_ics(user=feed.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
