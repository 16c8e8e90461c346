"""Pages fail loudly in tests where a person would be left guessing.

Two checks run on every HTML response of the suite (test client, WebTest and
the live server of the browser tests), added by ``tests/conftest.py``:

- **Unresolvable template values.** Django's ``string_if_invalid`` is set to a
  sentinel; a page whose HTML contains it raises ``UnresolvedTemplateVariable``.
- **Invisible form errors.** Every bound form or formset that the view
  validated and handed to a template must show each of its errors somewhere on
  the page: field errors, non-field errors, hidden-field errors, formset
  errors and management-form errors. A form that fails for a reason the person
  cannot see raises ``InvisibleFormError`` (issue #13: a first-month review
  table was refused by a formset whose error the page never showed).

- **A date box that would show blank.** An ``<input type="date">`` whose value
  is not an ISO date shows empty in the browser, and saving clears the date (in
  Chinese every date box did so: ``config/formats/zh_Hans``).

- **An id given twice.** Two elements with one id break the page for whoever
  relies on it: a label then names the other form's field, ``aria-describedby``
  reads the wrong help, a script finds the wrong box (the cycle close page gave
  its two forms' ``reason`` the same ``id_reason``). An HTML page or fragment
  with a duplicate ``id`` raises ``DuplicateId``.

The Django admin is left out: its own templates rely on empty invalid
variables (Django's documentation warns against ``string_if_invalid`` there).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django.forms import BaseForm, BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.test.signals import template_rendered
from django.utils.html import escape

SENTINEL = "@@INVALID_TEMPLATE_VARIABLE@@"
STRING_IF_INVALID = SENTINEL + "[%s]"


class UnresolvedTemplateVariable(AssertionError):
    pass


class InvisibleFormError(AssertionError):
    pass


class DuplicateId(AssertionError):
    pass


_ID = re.compile(r"""<[a-zA-Z][^<>]*?\sid=(?:"([^"]*)"|'([^']*)')""")


class DateInputNotIso(AssertionError):
    pass


_DATE_INPUT = re.compile(r"""<input\b[^<>]*\btype=["']date["'][^<>]*>""")
_VALUE = re.compile(r"""\svalue=["']([^"']*)["']""")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check_date_inputs(request: HttpRequest, content: str) -> None:
    """A date box shows only an ISO date (``2026-12-01``): any other value is shown
    blank by the browser, and saving the form then clears the date."""
    for tag in _DATE_INPUT.findall(content):
        found = _VALUE.search(tag)
        if found and found.group(1) and not _ISO_DAY.match(found.group(1)):
            raise DateInputNotIso(
                f"{request.method} {request.get_full_path()}: a date input shows "
                f"{found.group(1)!r}, which the browser shows as blank: {tag}"
            )


def _check_ids(request: HttpRequest, content: str) -> None:
    seen = Counter(a or b for a, b in _ID.findall(content))
    twice = sorted(name for name, count in seen.items() if count > 1)
    if twice:
        raise DuplicateId(
            f"{request.method} {request.get_full_path()}: these ids are given to more than "
            f"one element: {twice}"
        )


_local = threading.local()


def _remember_context(sender: object, template: object, context: Any, **kwargs: object) -> None:
    contexts = getattr(_local, "contexts", None)
    if contexts is not None:
        contexts.append(context)


template_rendered.connect(_remember_context, dispatch_uid="tests.template_checks")


def _validated_forms(contexts: list[Any]) -> Iterator[BaseForm | BaseFormSet[Any]]:
    seen: set[int] = set()
    for context in contexts:
        try:
            values = list(context.flatten().values())
        except (AttributeError, ValueError):
            continue
        for value in values:
            candidates: list[Any] = (
                list(value.values())
                if isinstance(value, dict)
                else list(value)
                if isinstance(value, list | tuple)
                else [value]
            )
            for candidate in candidates:
                if id(candidate) in seen:
                    continue
                seen.add(id(candidate))
                # Only forms the view validated: looking at others would validate them here.
                if isinstance(candidate, BaseForm | BaseFormSet) and (
                    candidate.is_bound and getattr(candidate, "_errors", None) is not None
                ):
                    yield candidate


def _messages(form: BaseForm | BaseFormSet[Any]) -> Iterator[str]:
    if isinstance(form, BaseFormSet):
        yield from (str(m) for m in form.non_form_errors())
        for member in form.forms:
            if member._errors is not None:
                yield from _messages(member)
        return
    for errors in form.errors.values():
        yield from (str(m) for m in errors)


def _check_form_errors(request: HttpRequest, content: str, contexts: list[Any]) -> None:
    missing = sorted(
        {
            message
            for form in _validated_forms(contexts)
            for message in _messages(form)
            if escape(message) not in content and message not in content
        }
    )
    if missing:
        raise InvisibleFormError(
            f"{request.method} {request.get_full_path()}: the page does not show these form "
            f"errors, so the person cannot know why nothing was saved: {missing}"
        )


class TemplateVariableCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        contexts: list[Any] = []
        _local.contexts = contexts
        try:
            response = self.get_response(request)
        finally:
            _local.contexts = None
        if (
            request.path.startswith("/admin/")
            or getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith(("text/html", "text/plain"))
        ):
            return response
        content = response.content.decode(errors="replace")
        at = content.find(SENTINEL)
        if at >= 0:
            raise UnresolvedTemplateVariable(
                f"{request.method} {request.get_full_path()}: a template variable could not be "
                f"resolved: …{content[max(0, at - 200) : at + 200]}…"
            )
        if response["Content-Type"].startswith("text/html"):
            _check_ids(request, content)
            if request.method == "GET":  # a form sent back shows what was typed
                _check_date_inputs(request, content)
        if response.status_code < 300:
            _check_form_errors(request, content, contexts)
        return response
