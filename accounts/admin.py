from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import F, Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.extensions import org_changed
from accounts.models import Assignment, Department, User, org_change_context
from accounts.permissions import can_read_person
from accounts.selectors import department_ancestor_ids, reporting_circles
from accounts.services import notify

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

# A model names the fields nobody but a superuser may read in the admin in a
# class attribute of this name (CoachingSession: the private note).
PRIVATE_FIELDS_ATTRIBUTE = "ADMIN_PRIVATE_FIELDS"

PASSWORD_SET_BY_OTHER = gettext_noop(
    "%(by)s set a new password for your account in the administration on %(date)s. Until "
    "you change it, they could sign in as you and read what is yours alone, such as your "
    "private notes. If you did not ask for it, change your password and tell HR."
)

_ModelT = TypeVar("_ModelT", bound=Model)


def lookup_touches_private_field(model: type[Model], lookup: str) -> bool:
    """Whether a lookup path such as ``session__private_note__regex`` reads a private field.

    The path is followed through every relation, forward and reverse, so a
    lookup from another model's admin is caught as well as a local one.
    """
    current = model
    for part in lookup.split(LOOKUP_SEP):
        if part in getattr(current, PRIVATE_FIELDS_ATTRIBUTE, ()):
            return True
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        related = field.related_model
        if not field.is_relation or not isinstance(related, type):
            return False
        current = related
    return False


def _name_of(entry: object) -> str:
    """The field path an admin option names ("-private_note", ("private_note", Filter))."""
    if isinstance(entry, list | tuple) and entry:
        entry = entry[0]
    return entry.lstrip("-^=@") if isinstance(entry, str) else ""


class PrivateFieldsAdmin(admin.ModelAdmin[_ModelT]):
    """A model admin in which no lookup, filter, search, ordering, column or form field
    reads a private field, for anyone, superusers included (DESIGN.md §2).

    Hiding a field on the change page is not enough: a list filter such as
    ``?private_note__regex=^W`` answers yes or no through the count of results,
    one character at a time. A refused lookup raises Django's
    ``DisallowedModelAdminLookup`` (a 400). The one way to a private note is its
    admin's reveal page, which asks for a reason and logs the read
    (``coaching.read_log``).
    """

    def _without_private(self, request: HttpRequest, entries: Sequence[Any]) -> Any:
        kept = [e for e in entries if not lookup_touches_private_field(self.model, _name_of(e))]
        return tuple(kept) if isinstance(entries, tuple) else kept

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup_touches_private_field(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request: HttpRequest) -> Any:
        return self._without_private(request, super().get_search_fields(request))

    def get_ordering(self, request: HttpRequest) -> Any:
        return self._without_private(request, super().get_ordering(request) or ())

    def get_sortable_by(self, request: HttpRequest) -> Any:
        return self._without_private(request, super().get_sortable_by(request))

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._without_private(request, super().get_list_display(request))

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self._without_private(request, super().get_list_filter(request))

    def get_readonly_fields(self, request: HttpRequest, obj: _ModelT | None = None) -> Any:
        return self._without_private(request, super().get_readonly_fields(request, obj))

    def get_exclude(self, request: HttpRequest, obj: _ModelT | None = None) -> Any:
        excluded = list(super().get_exclude(request, obj) or [])
        private = getattr(self.model, PRIVATE_FIELDS_ATTRIBUTE, ())
        return excluded + [name for name in private if name not in excluded]


class ViewOnSiteWhenAllowedAdmin(PrivateFieldsAdmin[_ModelT]):
    """Offers "View on site" only where the product will open the page for this user.

    Django's admin links every object with an address to it, whatever the
    product's own rules say: a staff member outside HR was sent to an HR-only
    cycle page (403), and even a superuser to a coaching session the product
    keeps from the admin (404).
    """

    def visible_on_site(self, user: User, obj: _ModelT) -> bool:
        """May ``user`` open ``obj``'s page in the product? Each admin says."""
        return True

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: _ModelT | None = None,
    ) -> HttpResponse:
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if (
            obj is not None
            and isinstance(response, TemplateResponse)
            and isinstance(response.context_data, dict)
            and not self.visible_on_site(cast(User, request.user), obj)
        ):
            response.context_data["has_absolute_url"] = False
        return response


class VersionedAdmin(ViewOnSiteWhenAllowedAdmin[_ModelT]):
    """A change saved here makes the product's open edit forms of the object stale, so
    that they cannot undo it (accounts.concurrency)."""

    def save_model(self, request: HttpRequest, obj: _ModelT, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            type(obj)._default_manager.filter(pk=obj.pk).update(version=F("version") + 1)


class DepartmentAdminForm(forms.ModelForm[Department]):
    class Meta:
        model = Department
        fields = ["name", "parent", "head"]

    def clean_parent(self) -> Department | None:
        """Refuse a new parent that is the department or below it (a circle): the
        departments of a circle would fall out of the organisation chart's tree."""
        parent: Department | None = self.cleaned_data.get("parent")
        department = self.instance
        if parent is None or department.pk is None or parent.pk == department.parent_id:
            return parent
        if parent.pk == department.pk:
            raise forms.ValidationError(_("A department cannot be its own parent."))
        above = department_ancestor_ids(parent)
        if department.pk in above:
            path = above[: above.index(department.pk)]
            names = Department.objects.in_bulk(path)
            circle = [department, *(names[pk] for pk in path), department]
            raise forms.ValidationError(
                _(
                    "%(parent)s is below %(department)s: the departments would go round "
                    "in a circle (%(circle)s)."
                )
                % {
                    "parent": parent,
                    "department": department,
                    "circle": " → ".join(str(node) for node in circle),
                }
            )
        return parent


@admin.register(Department)
class DepartmentAdmin(PrivateFieldsAdmin[Department]):
    form = DepartmentAdminForm
    list_display = ["name", "parent", "head"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "head"]
    list_select_related = ["parent", "head"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeAdminForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"

    def clean_manager(self) -> User | None:
        """Refuse a new manager who is the person or below them (a circle), with the circle
        named: a group that nobody outside it manages, and every walk of the chain going
        round. The import and HR's move and off-boarding pages refuse it too."""
        manager: User | None = self.cleaned_data.get("manager")
        person = self.instance
        if manager is None or person.pk is None or manager.pk == person.manager_id:
            return manager
        if manager.pk == person.pk:
            raise forms.ValidationError(_("Nobody manages themselves."))
        circle = reporting_circles({person.pk: manager.pk}).get(person.pk)
        if circle:
            names = User.objects.in_bulk(circle)
            raise forms.ValidationError(
                _(
                    "%(manager)s is below %(person)s in the reporting line: it would go "
                    "round in a circle (%(circle)s)."
                )
                % {
                    "manager": manager,
                    "person": person,
                    "circle": " → ".join(str(names[pk]) for pk in [*circle, person.pk]),
                }
            )
        return manager


class AssignmentInline(admin.TabularInline[Assignment, User]):
    """The assignment history, read-only: every change of place writes it by itself."""

    model = Assignment
    fk_name = "person"
    extra = 0
    can_delete = False
    fields = ("started_at", "ended_at", "manager", "department", "source", "changed_by")
    readonly_fields = fields
    ordering = ["-started_at"]
    verbose_name_plural = _("assignment history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ViewOnSiteWhenAllowedAdmin[User], BaseUserAdmin):  # type: ignore[type-arg]  # stubs want an AbstractUser
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "job_title", "department", "manager", "is_active"]
    list_filter = ["is_active", "is_staff", "groups", "department"]
    list_select_related = ["department", "manager"]
    search_fields = ["email", "full_name", "job_title"]
    raw_id_fields = ["manager", "department"]
    readonly_fields = ["last_login", "date_joined", "invited_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "job_title", "department", "manager", "language")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "invited_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )

    actions = ["offboard"]
    inlines = [AssignmentInline]

    def visible_on_site(self, user: User, obj: User) -> bool:
        # Someone who left has a page only for HR and their managers, then and now.
        return can_read_person(user, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's "set password" page, and the person told when someone else used it.

        Until they change it, whoever set their password could sign in as them and read
        what is theirs alone, such as their private notes (issue 18 §3): they learn of it
        in the app, with who and when.
        """
        response = super().user_change_password(request, id, form_url)
        actor = _admin_of(request)
        if request.method == "POST" and response.status_code == 302 and actor is not None:
            person = User.objects.filter(pk=id).exclude(pk=actor.pk).first()
            if person is not None:
                with translation.override(person.preferred_language):
                    day = date_format(timezone.localdate(), "DATE_FORMAT")
                notify(
                    recipients=[person],
                    message=PASSWORD_SET_BY_OTHER,
                    url=reverse("accounts:password_change"),
                    by=actor.full_name or actor.email,
                    date=day,
                )
        return response

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Saved with the assignment history naming the admin, and what follows a move or
        a departure done by the apps above (``org_changed``), in the same transaction."""
        with transaction.atomic(), org_change_context(by=_admin_of(request), source="admin"):
            super().save_model(request, obj, form, change)
            changes = getattr(obj, "org_changes", [])
            came_back = any(org_change.joined for org_change in changes) and (
                Assignment.objects.filter(person=obj, ended_at__isnull=False).exists()
            )
            if came_back:
                # Someone who had left is back: the apps above invite them again.
                self.message_user(
                    request,
                    _("%(name)s is active again and will be invited to sign in again.")
                    % {"name": obj.full_name},
                )
            for said in org_changed.run(changes, _admin_of(request)):
                self.message_user(request, said)

    @admin.action(description=_("Off-board the selected people"), permissions=["change"])
    def offboard(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Deactivate each, with what follows (reports to the next manager up, tables
        withdrawn); HR's off-boarding page lets one choose where the reports go."""
        by = _admin_of(request)
        with transaction.atomic(), org_change_context(by=by, source="admin"):
            for person in queryset.filter(is_active=True).exclude(pk=getattr(by, "pk", 0)):
                person.is_active = False
                person.save(update_fields=["is_active"])
                for said in org_changed.run(person.org_changes, by):
                    self.message_user(request, f"{person}: {said}")

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> _FieldsetSpec:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # The password summary carries a "Reset password" button to a page that
        # refuses whoever may only view users; they see no password at all.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]


def _admin_of(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


from accounts import integration_admin as integration_admin  # noqa: E402 - registers the outbox
