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
from accounts.models import ApiToken
from accounts.permissions import require_hr
from accounts.tokens import api_token_create, api_token_revoke, get_token_for_user, tokens_all

TOKENS_PER_PAGE = 50
_NEW_TOKEN_KEY = "new_api_token"  # noqa: S105  (a session key, not a secret)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token from the profile page's form, then show it once on the next page."""
    user = user_of(request)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        # The page's own field limits stop this in a browser; a hand-made request hears why.
        reasons = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, _("The token was not created: %(reasons)s") % {"reasons": reasons})
        return redirect("accounts:profile")
    token, raw = api_token_create(
        user=user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
    )
    # Held in the session only until the next page takes it out: the token is never in a
    # URL, and reloading either page neither shows it again nor makes a second token.
    request.session[_NEW_TOKEN_KEY] = {"digest": token.pk, "token": raw}
    return redirect("accounts:token_created")


@login_required
@never_cache
def token_created(request: HttpRequest) -> HttpResponse:
    """The new token, shown once (taken out of the session as it is shown)."""
    user = user_of(request)
    new = request.session.pop(_NEW_TOKEN_KEY, None)
    token = (
        ApiToken.objects.filter(pk=new.get("digest"), user=user).first()
        if isinstance(new, dict)
        else None
    )
    if token is None:
        messages.info(request, _("A new token is shown only once, right after it is created."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/token_created.html",
        {
            "token": token,
            "raw_token": new["token"],
            "api_url": settings.SITE_URL + reverse("api:api-root"),
        },
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
