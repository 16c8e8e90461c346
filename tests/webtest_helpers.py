"""Use a page's forms the way a person does, with WebTest.

A person finds a form by what it is for (the button they will press), picks
options by the words shown on the screen, presses a button, and reads what
the page says next: a message at the top, or an error beside a field. These
helpers say exactly that, so the tests read like the product:

    page = django_app.get(url, user=manager)
    form = form_with_button(page, "Save note")
    choose(form, "employee", "Rob Report")
    form["note"] = "Nice demo today."
    after = press(form, "Save note").follow()
    assert messages(after) == ["Note saved. …"]

Only fields the page rendered can be filled (WebTest refuses any other name),
and only the options it offers can be chosen.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bs4 import BeautifulSoup, Tag
from django_webtest import DjangoTestApp
from webtest import Form, TestResponse

HTMX = {"HX-Request": "true"}


def _text(node: Tag) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()


def _soup(page: TestResponse | Form) -> BeautifulSoup:
    soup: BeautifulSoup = page.html
    return soup


def _buttons(form: Form) -> list[Tag]:
    found = form.html.find_all(["button", "input"])
    return [
        node
        for node in found
        if (node.name == "button" and node.get("type", "submit") == "submit")
        or (node.name == "input" and node.get("type") in ("submit", "image"))
    ]


def _button_words(button: Tag) -> set[str]:
    words = {_text(button), str(button.get("value", "")) if button.name == "input" else ""}
    if button.get("aria-label"):
        words.add(str(button["aria-label"]))
    return {w for w in words if w}


def forms_of(page: TestResponse) -> list[Form]:
    """Every form on the page, in page order (navigation forms included)."""
    return [page.forms[index] for index in sorted(k for k in page.forms if isinstance(k, int))]


def form_with_button(page: TestResponse, label: str) -> Form:
    """The one form on the page with a submit button labelled ``label``.

    The label is the button's visible text, its aria-label or (for
    ``<input type=submit>``) its value.
    """
    matches = [
        form
        for form in forms_of(page)
        if any(label in _button_words(button) for button in _buttons(form))
    ]
    labels = sorted({w for f in forms_of(page) for b in _buttons(f) for w in _button_words(b)})
    assert matches, f"No form with a button {label!r} on {page.request.path}: {labels}"
    assert len(matches) == 1, f"{len(matches)} forms with a button {label!r}"
    return matches[0]


def form_by_testid(page: TestResponse, testid: str) -> Form:
    """The form marked ``data-testid="…"`` on the page."""
    matches = [f for f in forms_of(page) if f.html.form.get("data-testid") == testid]
    assert len(matches) == 1, f"{len(matches)} forms with data-testid={testid!r}"
    return matches[0]


def press(form: Form, label: str, **kwargs: Any) -> TestResponse:
    """Submit ``form`` with the button labelled ``label``, as a click does.

    A named button sends its own name and value; an unnamed one sends nothing
    of itself. Extra keyword arguments go to WebTest (``headers=HTMX``, …).
    """
    buttons = [b for b in _buttons(form) if label in _button_words(b)]
    assert buttons, f"No button {label!r} in the form; there are {_all_words(form)}"
    button = buttons[0]
    assert not button.has_attr("disabled"), f"The button {label!r} is disabled"
    name = button.get("name")
    # A browser sends nothing of a disabled control; WebTest would send it.
    every_field = form.field_order
    form.field_order = [(n, f) for n, f in every_field if "disabled" not in f.attrs]
    try:
        if not name:
            return form.submit(**kwargs)
        same_name = [
            b for b in _buttons(form) if b.get("name") == name and not b.has_attr("disabled")
        ]
        assert form.fields.get(str(name)), f"button {label!r} not parsed by WebTest"
        return form.submit(str(name), index=same_name.index(button), **kwargs)
    finally:
        form.field_order = every_field


def _all_words(form: Form) -> list[str]:
    return sorted(w for b in _buttons(form) for w in _button_words(b))


def _label_for(form: Form, control: Tag) -> str:
    control_id = control.get("id")
    if control_id:
        label = form.html.find("label", attrs={"for": control_id})
        if label is not None:
            return _text(label)
    parent = control.find_parent("label")
    return _text(parent) if parent is not None else ""


def choose(form: Form, name: str, label: str, *, index: int | None = None) -> None:
    """Pick the option shown as ``label`` in a select or a group of radio buttons."""
    field = form.get(name, index=index or 0)
    if field.__class__.__name__ == "Radio":
        radios = form.html.find_all("input", attrs={"type": "radio", "name": name})
        offered = {_label_for(form, radio): str(radio.get("value", "on")) for radio in radios}
        assert label in offered, f"No radio {label!r} for {name!r}: {sorted(offered)}"
        field.value = offered[label]
        return
    field.select(text=label)


def options(form: Form, name: str, *, index: int | None = None) -> list[str]:
    """The labels a person can choose from, in the order shown."""
    field = form.get(name, index=index or 0)
    if field.__class__.__name__ == "Radio":
        radios = form.html.find_all("input", attrs={"type": "radio", "name": name})
        return [_label_for(form, radio) for radio in radios]
    return [text for _value, _checked, text in field.options]


def tick(form: Form, label: str, checked: bool = True) -> None:
    """Tick (or untick) the checkbox whose label reads ``label``."""
    boxes = form.html.find_all("input", attrs={"type": "checkbox"})
    for box in boxes:
        if _label_for(form, box) == label:
            form[str(box["name"])] = checked
            return
    raise AssertionError(f"No checkbox {label!r}: {[_label_for(form, box) for box in boxes]}")


def field_by_label(form: Form, label: str) -> str:
    """The name of the field whose label reads ``label`` (required marks ignored)."""
    for node in form.html.find_all("label"):
        if _text(node).rstrip("*").strip() == label and node.get("for"):
            control = form.html.find(id=node["for"])
            if control is not None and control.get("name"):
                return str(control["name"])
    raise AssertionError(f"No field labelled {label!r}")


def errors_beside(page: TestResponse, name: str) -> list[str]:
    """The error messages shown next to the field ``name``.

    "Next to" means: in the smallest part of the page that holds this field's
    controls and no other field's.
    """
    soup = _soup(page)
    control = next((el for el in soup.select("[name]") if el.get("name") == name), None)
    assert control is not None, f"No field {name!r} on the page"
    node: Tag | None = control
    while node is not None and node.parent is not None and node.name != "form":
        node = node.parent
        # Hidden inputs are not fields a person sees beside this one.
        names = {str(el.get("name")) for el in node.select("[name]:not([type=hidden])")}
        # Django's hidden "initial-" twin of a field with a callable default is part of it.
        names -= {name, f"initial-{name}", "csrfmiddlewaretoken"}
        if names:
            return []
        feedback = node.select(".invalid-feedback, .errorlist")
        if feedback:
            return [_text(f) for f in feedback if _text(f)]
    return []


def form_errors(page: TestResponse) -> list[str]:
    """Errors of a whole form or formset, shown in a form (not beside one field)."""
    soup = _soup(page)
    found = soup.select("form .alert-danger, form .errorlist.nonfield, form .errorlist.nonform")
    texts: list[str] = []
    for node in found:
        text = _text(node)
        if text and not any(text in seen for seen in texts):
            texts.append(text)
    return texts


def ids_given_twice(page: TestResponse) -> list[str]:
    """The id attributes the page gives to more than one element (a label, aria-describedby
    or a script then finds the wrong one): none on a sound page."""
    seen = Counter(str(node["id"]) for node in _soup(page).select("[id]"))
    return sorted(name for name, count in seen.items() if count > 1)


def messages(page: TestResponse) -> list[str]:
    """The messages shown at the top of the page (Django's messages framework)."""
    return [_text(node) for node in _soup(page).select("main > .alert[role=alert]")]


def htmx_get(page: TestResponse, link_text: str, **kwargs: Any) -> TestResponse:
    """Follow an ``hx-get`` link as htmx does when the person clicks it."""
    for link in _soup(page).select("[hx-get]"):
        if _text(link) == link_text:
            return page.goto(str(link["hx-get"]), headers=HTMX, **kwargs)
    raise AssertionError(f"No hx-get element {link_text!r}")


def another_browser(django_app: DjangoTestApp) -> DjangoTestApp:
    """A second browser, with its own cookies: two people at work at once (each tab of
    one browser shares the cookies, so a second person there would break the first's
    CSRF token)."""
    return DjangoTestApp(extra_environ=dict(django_app.extra_environ))
