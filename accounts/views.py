from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.extensions import person_actions, person_panels, person_records
from accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    LocalisedPasswordResetForm,
    OrgImportForm,
    PeopleSearchForm,
    ProfileForm,
)
from accounts.http import HtmxHttpRequest, user_of
from accounts.models import Department, Notification, User
from accounts.org_import import org_import
from accounts.permissions import get_person_for_user, require_hr
from accounts.selectors import (
    assignment_history,
    department_subtree_ids,
    department_tree,
    is_manager_of,
    manager_chain_ids,
    people_search,
    reads_some_leaver,
    reports_of,
    user_roles,
)
from accounts.services import notifications_mark_read, user_language_set, user_profile_update
from accounts.throttle import password_reset_allowed
from accounts.tokens import tokens_of

PEOPLE_PER_PAGE = 50


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: limited per address and per client, the same for every address."""

    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = LocalisedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not password_reset_allowed(email=form.cleaned_data["email"], request=self.request):
            form.add_error(
                None,
                _(
                    "Too many requests for a new password from here or for this address. "
                    "Wait an hour and try again; a link already sent still works."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        user_profile_update(
            user=user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
            weekly_digest=form.cleaned_data["weekly_digest"],
        )
        if user.language:
            translation.activate(user.language)  # say it in the language just chosen
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "person": user,
            "tokens": list(tokens_of(user)),
            "token_form": ApiTokenForm(),
            **_person_context(user),
        },
    )


def _person_context(person: User) -> dict[str, object]:
    chain_ids = manager_chain_ids(person)
    chain_by_id = {u.pk: u for u in User.objects.filter(pk__in=chain_ids)}
    return {
        "manager_chain": [chain_by_id[pk] for pk in chain_ids if pk in chain_by_id],
        "direct_reports": list(reports_of(person).filter(is_active=True)),
    }


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's card; for HR and the managers above them, where they were and when."""
    viewer = user_of(request)
    person = get_person_for_user(viewer, pk)
    history = (
        assignment_history(person)
        if user_roles(viewer).is_hr or is_manager_of(viewer, person)
        else None
    )
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "history": history,
            "actions": person_actions.links(viewer, person),
            "records": person_records.links(viewer, person),
            "panels": person_panels.panels(viewer, person),
            **_person_context(person),
        },
    )


@login_required
def org_chart(request: HtmxHttpRequest) -> HttpResponse:
    search = PeopleSearchForm(request.GET)
    query: str = search.value("q") or ""
    department: Department | None = search.value("department")
    department_ids = department_subtree_ids(department) if department is not None else None
    viewer = user_of(request)
    # Offered to whoever may read someone who left (HR, their managers of the time).
    offer_left = reads_some_leaver(viewer)
    include_left = offer_left and bool(search.value("left"))
    people = people_search(
        viewer=viewer, query=query, department_ids=department_ids, include_left=include_left
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "department": department,
        "page": page,
        "search": search,
        "offer_left": offer_left,
        "include_left": include_left,
    }
    if request.htmx:
        return render(request, "accounts/_people_results.html", context)
    return render(request, "accounts/org_chart.html", {**context, "tree": department_tree()})


@login_required
def org_import_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_hr(user)
    form = OrgImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = org_import(
            data=upload.read(),
            filename=upload.name,
            actor=user,
            invite=form.cleaned_data["invite"],
            dry_run=form.cleaned_data["dry_run"],
        )
        if result.ok and not result.dry_run:
            messages.success(request, _("The organisation file was imported."))
    return render(request, "accounts/org_import.html", {"form": form, "result": result})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        notifications_mark_read(user=user)
        return redirect("accounts:notifications")
    page = Paginator(Notification.objects.filter(recipient=user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link."""
    user = user_of(request)
    notification = get_object_or_404(Notification, pk=pk, recipient=user)
    notifications_mark_read(user=user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("accounts:notifications")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remember it on the person for e-mails too."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=user_of(request), language=language)
    return set_language(request)
