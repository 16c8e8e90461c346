from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

_M = TypeVar("_M", bound=Model)


class ViewOnSiteWhenAllowedAdmin(admin.ModelAdmin[_M]):
    """Offers "View on site" only where the product will open the page for this user.

    Django's admin links every object with an address to it, whatever the
    product's own rules say: a staff member outside HR was sent to an HR-only
    cycle page (403), and even a superuser to a coaching session the product
    keeps from the admin (404).
    """

    def visible_on_site(self, user: User, obj: _M) -> bool:
        """May ``user`` open ``obj``'s page in the product? Each admin says."""
        return True

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: _M | None = None,
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


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
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
class UserAdmin(BaseUserAdmin, ViewOnSiteWhenAllowedAdmin[User]):  # type: ignore[type-arg]  # stubs want an AbstractUser
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

    def visible_on_site(self, user: User, obj: User) -> bool:
        # The directory lists active people only.
        return obj.is_active

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
