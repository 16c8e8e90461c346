"""HR's form for a webhook endpoint (issue 19 §2)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import WebhookEndpoint, WebhookEvent
from accounts.webhooks import forbidden_address


class WebhookEndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where deliveries are POSTed: an http:// or https:// address."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    language = forms.ChoiceField(
        label=_("Language of chat messages"),
        required=False,
        help_text=_("The language Slack and Teams messages are written in."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "format", "events", "language", "is_active"]
        # The model's "active" reads as "employed" in Chinese, said of a person.
        labels = {"is_active": pgettext_lazy("webhook endpoint", "Active")}
        help_texts = {
            "is_active": _(
                "Switched off, nothing is sent. Switching it on again clears the count of "
                "failed deliveries."
            ),
        }

    def clean_url(self) -> str:
        """Refuse an address with a user name or password in it (they would be sent, and
        shown, with every delivery) and the link-local and unspecified addresses, where a
        cloud server's instance metadata answers: a delivery's failed answer is shown on
        the jobs page, so such a URL would read it."""
        url: str = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.username or parts.password:
            raise forms.ValidationError(
                _("Leave the user name and password out of the address; use the signing secret.")
            )
        if forbidden_address(parts.hostname or ""):
            raise forms.ValidationError(_("This address cannot receive webhooks."))
        return url

    def __init__(self, *args: Any, submit_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = get_language_info(settings.LANGUAGE_CODE)["name_local"]
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)  # noqa: S101 - declared above
        language.choices = [
            ("", _("The organisation's default (%(language)s)") % {"language": default}),
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", submit_label))
