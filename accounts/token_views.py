"""Pages of personal access tokens: create one (shown once), revoke one, HR's list of all."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenFilterForm, ApiTokenForm
from accounts.http import user_of
from accounts.permissions import require_hr
from accounts.tokens import api_token_create, api_token_revoke, get_token_for_user, tokens_all

TOKENS_PER_PAGE = 50


@login_required
@require_POST
@never_cache
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token from the profile page's form; the page after shows it, once."""
    user = user_of(request)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The token was not created: give it a name and an access."))
        return redirect("accounts:profile")
    token, raw = api_token_create(
        user=user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
    )
    # Rendered in answer to the POST (not after a redirect): the token is in no URL,
    # no session and no log, and reloading the page does not show it again.
    return render(
        request,
        "accounts/token_created.html",
        {"token": token, "raw_token": raw, "api_url": settings.SITE_URL + reverse("api:api-root")},
    )


@login_required
def token_revoke(request: HttpRequest, digest: str) -> HttpResponse:
    """Ask, then revoke: the owner their own token, HR anyone's (404 for anybody else)."""
    user = user_of(request)
    token = get_token_for_user(user, digest)
    back = "accounts:token_list" if token.user_id != user.pk else "accounts:profile"
    if request.method == "POST":
        api_token_revoke(token=token, actor=user)
        messages.success(request, _("The token has been revoked: it no longer works."))
        return redirect(back)
    return render(request, "accounts/token_revoke.html", {"token": token, "back": back})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """HR: every token of the organisation, by person, with when it was last used."""
    require_hr(user_of(request))
    search = ApiTokenFilterForm(request.GET)
    person = search.value("person")
    page = Paginator(tokens_all(person=person), TOKENS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/token_list.html", {"page": page, "search": search})
