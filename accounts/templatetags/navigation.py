"""The layout's tags, each doing once what every page would otherwise redo:
``{% nav_url "name" %}`` (``{% url "name" %}`` for argument-less links, reversed once),
``{% asset path %}`` (``{% static path %}``, looked up once) and ``{% language_switcher %}``
(the language menu, its options built once per language)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from accounts.links import named_url, pk_url

register = template.Library()

# The page's address for the language menu to come back to, when the context gives it
# (the kept layout gives a stand-in: accounts/templatetags/layout.py); else the request's.
ADDRESS_VARIABLE = "layout_address"


@register.simple_tag
def nav_url(name: str) -> str:
    return named_url(name)


@register.simple_tag
def key_url(name: str, pk: int) -> str:
    """``{% url name pk %}`` for a link whose only argument is an object's key."""
    return pk_url(name, pk)


@register.simple_tag
def asset(path: str) -> str:
    """``{% static path %}`` for the layout's files, looked up once per process (the
    manifest does not change while it runs)."""
    return _asset_url(path)


@cache
def _asset_url(path: str) -> str:
    return static(path)


def _forget_assets(**_kwargs: Any) -> None:
    _asset_url.cache_clear()  # STORAGES, STATIC_URL or DEBUG changed (tests)


setting_changed.connect(_forget_assets, dispatch_uid="navigation-assets")


@cache
def _switcher_around(language: str) -> tuple[SafeString, SafeString]:
    """The menu's HTML before and after its per-request part (the CSRF token and the
    page to come back to), in ``language``: the same on every page, so built once."""
    options = format_html_join(
        "\n    ",
        '<option value="{}" lang="{}"{}>{}</option>',
        (
            (
                info["code"],
                info["code"],
                " selected" if info["code"] == language else "",
                info["name_local"],
            )
            for info in (get_language_info(code) for code, _name in settings.LANGUAGES)
        ),
    )
    before = format_html(
        '<form method="post" action="{}"'
        ' class="d-flex gap-1 align-items-center language-switcher">\n  ',
        named_url("language_switch"),
    )
    after = format_html(
        '\n  <label class="visually-hidden" for="language-select">{}</label>\n'
        '  <select name="language" class="form-select form-select-sm js-autosubmit"'
        ' id="language-select">\n'
        "    {}\n  </select>\n"
        '  <noscript><button type="submit" class="btn btn-sm btn-outline-secondary">{}'
        "</button></noscript>\n"
        "</form>",
        _("Language"),
        options,
        _("Switch"),
    )
    return before, after


@register.simple_tag(takes_context=True)
def language_switcher(context: Any) -> SafeString:
    """The language menu: a form that posts the chosen language and the page to come back
    to; built in Python rather than by an included template (~0.2 ms a page less)."""
    before, after = _switcher_around(get_language() or settings.LANGUAGE_CODE)
    token = context.get("csrf_token")
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"  # noqa: S105 (Django's "no token" marker)
        else ""
    )
    back = context.get(ADDRESS_VARIABLE)
    if back is None:
        request = context.get("request")
        back = request.get_full_path() if request is not None else ""
    return format_html(
        '{}{}\n  <input type="hidden" name="next" value="{}">{}', before, csrf, back, after
    )
