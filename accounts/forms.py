from __future__ import annotations

from pathlib import Path
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.inputs import FilterForm
from accounts.models import ApiToken, Department, User
from accounts.org_import import size_problem


def submit_helper(label: str) -> FormHelper:
    """A crispy helper with one submit button, for a form whose template owns the <form>."""
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label))
    return helper


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is not right. Passwords are case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns the <form> (no nested forms)
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["full_name", "language", "weekly_digest"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)  # noqa: S101
        language.choices = [("", _("The organisation's default")), *settings.LANGUAGES]
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page has the <form>: no form nested in a form
        self.helper.add_input(Submit("submit", _("Save")))


class LocalisedPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose e-mail is written in the person's own language (their
    profile's, else the organisation's), not in the language of the page that asked."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        with translation.override(context["user"].preferred_language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("Organisation file"),
        help_text=_("CSV (UTF-8) or XLSX, one row per person. See the format below."),
    )
    invite = forms.BooleanField(
        label=_("E-mail an invitation to each new person"),
        required=False,
        initial=True,
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file, change nothing"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns the <form> (no nested forms)
        self.helper.add_input(Submit("submit", _("Import")))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in {".csv", ".xlsx"}:
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        problem = size_problem(upload.size or 0)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class PeopleSearchForm(FilterForm):
    """The organisation chart's search and department filter."""

    q = forms.CharField(label=_("Find people"), required=False)
    department = forms.ModelChoiceField[Department](
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("There is no such department: everybody is shown.")},
    )
    left = forms.BooleanField(label=_("Include people who left"), required=False)

    def clean_q(self) -> str:
        # A search looks at the first hundred characters; longer input is not an error.
        query: str = self.cleaned_data["q"]
        return query[:100]


class ApiTokenForm(forms.Form):
    """A new personal access token: what it is for, and whether it may change data."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “weekly report script”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("A read-only token can read what you can read, and change nothing."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Its own button name: the profile form above has "submit" (ids stay unique).
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("create_token", _("Create token")))

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name


class ApiTokenFilterForm(FilterForm):
    """HR's token list: one person's tokens, or everybody's."""

    person = forms.ModelChoiceField[User](
        label=_("Person"),
        queryset=User.objects.filter(auth_token_set__isnull=False).distinct().order_by("full_name"),
        required=False,
        empty_label=_("Everybody"),
        error_messages={"invalid_choice": _("This person has no token: everybody's are shown.")},
    )
