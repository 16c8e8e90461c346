from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User

# A model names the fields nobody but a superuser may read in the admin in a
# class attribute of this name (CoachingSession: the private note).
PRIVATE_FIELDS_ATTRIBUTE = "ADMIN_PRIVATE_FIELDS"

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
    reads a private field, for anyone but a superuser.

    Hiding a field on the change page is not enough: a list filter such as
    ``?private_note__regex=^W`` answers yes or no through the count of results,
    one character at a time. A refused lookup raises Django's
    ``DisallowedModelAdminLookup`` (a 400).
    """

    @staticmethod
    def _may_read_private(request: HttpRequest | None) -> bool:
        return request is not None and bool(getattr(request.user, "is_superuser", False))

    def _without_private(self, request: HttpRequest, entries: Sequence[Any]) -> Any:
        if self._may_read_private(request):
            return entries
        kept = [e for e in entries if not lookup_touches_private_field(self.model, _name_of(e))]
        return tuple(kept) if isinstance(entries, tuple) else kept

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if not self._may_read_private(request) and lookup_touches_private_field(self.model, lookup):
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
        if not self._may_read_private(request):
            excluded += [
                name
                for name in getattr(self.model, PRIVATE_FIELDS_ATTRIBUTE, ())
                if name not in excluded
            ]
        return excluded


@admin.register(Department)
class DepartmentAdmin(PrivateFieldsAdmin[Department]):
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


@admin.register(User)
class UserAdmin(PrivateFieldsAdmin[User], BaseUserAdmin):  # type: ignore[type-arg]  # stubs want an AbstractUser
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
