"""Garbage in every parameter: no input of any kind gives a server error, and a
refused request writes nothing.

For each view of the URLconf (tests/garbage/cases.py), the page that renders
its form is opened as the person the view works for, and the form is sent
as the browser would, with one bad input (tests/garbage/values.py): a field
or query parameter set to a bad value, sent twice or left out, a formset with
one form too many or a broken management form. Each attempt runs in a
transaction that is rolled back, and asserts:

- never a 5xx, and the page a redirect leads to renders too;
- a redirect never leaves the site;
- a refused request (4xx, a form shown again, an error message) leaves every
  table exactly as it was: no row created, none changed (so no half-written
  save); a GET never writes.

The number of bad inputs tried is printed after the run (tests/garbage/conftest.py).
Set HYPOTHESIS_PROFILE=garbage-fuzz for a longer, randomised run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django.contrib.messages import constants as message_levels
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, Phase, example, given, note, settings
from webtest.forms import Submit

from tests.garbage.cases import CASES, SKIPPED, Case
from tests.garbage.conftest import FINISHED_CASES, TALLY
from tests.garbage.values import UNSPOILED, Mutation, explicit_mutations, mutations
from tests.garbage.world import World, build_world

pytestmark = pytest.mark.django_db

settings.register_profile(
    "garbage",
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI stays reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "garbage-fuzz",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "garbage")
FUZZ_FACTOR = 5 if PROFILE == "garbage-fuzz" else 1
MINIMUM_INPUTS = 300
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tables a refused request may still write, and why.
UNWATCHED_TABLES = (
    "django_session",  # the test signs in before each attempt
    "axes_",  # a refused login is recorded on purpose (throttling)
)


# --- The URLconf -----------------------------------------------------------------


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def is_skipped(name: str) -> bool:
    return name in SKIPPED or name.split(":", 1)[0] in SKIPPED


def test_every_url_has_a_garbage_case():
    """A new URL fails here until it gets a case (or a reason to be skipped)."""
    covered = {case.url_name for case in CASES}
    missing = sorted(name for name in url_names() if name not in covered and not is_skipped(name))
    assert not missing, f"URLs without a garbage case in tests/garbage/cases.py: {missing}"
    unknown = sorted(covered - url_names())
    assert not unknown, f"Garbage cases for URLs that no longer exist: {unknown}"


# --- The request as the page renders it ---------------------------------------------


@dataclass
class Spec:
    """What a case sends when nothing is wrong, and what may be spoiled."""

    url: str
    method: str
    base: list[tuple[str, str]]
    names: list[str]  # parameters and fields the view reads
    formsets: list[str]  # formset prefixes
    date_fields: dict[str, str]  # fields the page renders as date or month inputs
    path: dict[str, str]  # str path segments and their good values


def _pks(world: World, names: tuple[str, ...]) -> list[int]:
    return [world[name].pk for name in names]


def _url(name: str, world: World, args: tuple[str, ...], query: dict[str, str] | None) -> str:
    url = reverse(name, args=_pks(world, args))
    return f"{url}?{urlencode(query)}" if query else url


def build_spec(case: Case, world: World, django_app: Any) -> Spec:
    path = case.kwargs(world) if case.kwargs else {}
    url = (
        reverse(case.url_name, kwargs=path)
        if path
        else reverse(case.url_name, args=_pks(world, case.args))
    )
    base: list[tuple[str, str]] = []
    formsets: list[str] = []
    if case.form:
        page_url = _url(
            case.page or case.url_name,
            world,
            case.page_args if case.page else case.args,
            case.page_query(world) if case.page_query else None,
        )
        user = world.user(case.user)
        page = django_app.get(page_url, user=user) if user else django_app.get(page_url)
        form = _form_for(page, page_url, url, case.method)
        base = [
            (name, str(value))
            for name, value in form.submit_fields(_button(form, case.button))
            if name != "csrfmiddlewaretoken"
        ]
        field_names = {name for name, _field in form.field_order if name}
        # Of a formset, the first form's dates stand for the others'.
        date_fields = {
            name: field.attrs["type"]
            for name, field in form.field_order
            if name
            and field.attrs.get("type") in ("date", "month")
            and not re.search(r"-[1-9][0-9]*-", name)
        }
        formsets = sorted(
            name.removesuffix("-TOTAL_FORMS")
            for name in field_names
            if name.endswith("-TOTAL_FORMS") and name.removesuffix("-TOTAL_FORMS") not in case.fixed
        )
        field_names -= {"csrfmiddlewaretoken", *case.fixed}
        if case.only:
            field_names &= set(case.only)
            formsets = [prefix for prefix in formsets if prefix in case.only]
        if case.method == "POST":
            url = urljoin(page_url, form.action or page_url)
    else:
        field_names, date_fields = set(), {}
    query = {**(case.fill(world) if case.fill else {}), **(case.query(world) if case.query else {})}
    base = [(name, value) for name, value in base if name not in query] + list(query.items())
    names = sorted(field_names | set(query) | set(case.reads))
    return Spec(
        url=url,
        method=case.method,
        base=base,
        names=names + [f"path:{name}" for name in case.path_params],
        formsets=formsets,
        date_fields={name: kind for name, kind in date_fields.items() if name in field_names},
        path=path,
    )


def _button(form: Any, name: str | None) -> str | None:
    """The button the request is sent with: ``name``, or the form's first button
    (the one a browser uses when Enter is pressed) if it has a name."""
    if name is not None:
        return name
    first = next((field for _name, field in form.field_order if isinstance(field, Submit)), None)
    return first.name if first is not None and first.name else None


def _form_for(page: Any, page_url: str, target: str, method: str) -> Any:
    """The first form on ``page`` that sends ``method`` to ``target``."""
    target_path = urlsplit(target).path
    for index in sorted(key for key in page.forms if isinstance(key, int)):
        form = page.forms[index]
        action = urljoin(page_url, form.action or page_url)
        if form.method.upper() == method and urlsplit(action).path == target_path:
            return form
    raise AssertionError(f"{page_url} renders no {method} form to {target_path}")


# --- One bad input --------------------------------------------------------------------


def apply(spec: Spec, mutation: Mutation) -> tuple[str, list[tuple[str, str]]]:
    """The URL and parameters with ``mutation`` applied."""
    url, params = spec.url, list(spec.base)
    name, value = mutation.name, mutation.value
    if name.startswith("path:"):
        segment = name.removeprefix("path:")
        good = quote(spec.path[segment], safe="")
        bad = quote(value if mutation.kind == "replace" else "", safe="")
        return url.replace(f"/{good}", f"/{bad}", 1), params
    if mutation.kind == "replace":
        params = [(n, v) for n, v in params if n != name] + [(name, value)]
    elif mutation.kind == "append":
        params.append((name, value))
    elif mutation.kind == "drop":
        params = [(n, v) for n, v in params if n != name]
    elif mutation.kind == "extra_form":
        params = _extra_form(params, name, value)
    elif mutation.kind == "management":
        params = _management(params, name, value)
    elif mutation.kind == "all":
        for good in spec.path.values():
            url = url.replace(f"/{quote(good, safe='')}", f"/{quote(value, safe='')}", 1)
        spoiled = {n for n in spec.names if not n.startswith("path:")}
        spoiled = {n for n in spoiled if not n.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))}
        params = [(n, v) for n, v in params if n not in spoiled] + [(n, value) for n in spoiled]
    return url, params


def _extra_form(params: list[tuple[str, str]], prefix: str, value: str) -> list[tuple[str, str]]:
    """One form more than the page rendered: a copy of the first one (a duplicate,
    ids and all), or with ``value`` in every field."""
    total_key = f"{prefix}-TOTAL_FORMS"
    total = int(dict(params).get(total_key, "0"))
    first = [(n.removeprefix(f"{prefix}-0-"), v) for n, v in params if n.startswith(f"{prefix}-0-")]
    new = [(f"{prefix}-{total}-{n}", value or v) for n, v in first]
    return [(n, str(total + 1) if n == total_key else v) for n, v in params] + new


def _management(params: list[tuple[str, str]], prefix: str, change: str) -> list[tuple[str, str]]:
    keys = {f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS"}
    if change == "drop":
        return [(n, v) for n, v in params if n not in keys]
    field, value = change.split("=", 1)
    key = f"{prefix}-{field}"
    return [(n, v) for n, v in params if n != key] + [(key, value)]


# --- What the database holds -------------------------------------------------------------

_WATCHED: list[str] = []


def snapshot() -> dict[str, tuple[int, str]]:
    """Each watched table's row count and a digest of its rows, in one query."""
    if not _WATCHED:
        _WATCHED.extend(
            sorted(
                name
                for name in connection.introspection.table_names()
                if not name.startswith(UNWATCHED_TABLES)
            )
        )
    quote_name = connection.ops.quote_name
    # Table names come from the database's own catalogue, quoted.
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
        f" FROM {quote_name(name)} t"
        for name in _WATCHED
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _WATCHED)
        return {name: (count, digest) for name, count, digest in cursor.fetchall()}


def changes(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [
        f"{name}: {before[name][0]} -> {after[name][0]} rows"
        + ("" if before[name][0] != after[name][0] else " (rows changed)")
        for name in before
        if before[name] != after[name]
    ]


# --- The attempt -------------------------------------------------------------------------


@dataclass
class Visitor:
    """The person the case is about, signed in once; each attempt starts from here."""

    client: Client
    cookies: SimpleCookie
    before: dict[str, tuple[int, str]]  # the tables as every attempt finds them


def sign_in(case: Case, world: World) -> Visitor:
    client = Client()
    user = world.user(case.user)
    if user is not None:
        client.force_login(user)
    return Visitor(client=client, cookies=SimpleCookie(client.cookies), before=snapshot())


def attempt(case: Case, spec: Spec, visitor: Visitor, mutation: Mutation) -> None:
    url, params = apply(spec, mutation)
    note(f"{case.method} {url} as {case.user}: {mutation.describe()}")
    data: dict[str, list[str]] = {}
    for name, value in params:
        data.setdefault(name, []).append(value)
    client = visitor.client
    # Signed in as before, whatever the last attempt did (logged out, left messages).
    client.cookies = SimpleCookie(visitor.cookies)
    with transaction.atomic():
        if case.method == "GET":
            response = client.get(url, data)
        else:
            response = client.post(url, data)
        # A streamed export fails while it streams: read it to the end.
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        assert response.status_code < 500, body[:2000]
        refused = (
            response.status_code >= 400
            or (case.method == "POST" and response.status_code < 300)
            or _error_messages(response)
        )
        if mutation == UNSPOILED:
            # The request as the page sends it works, so the bad inputs below are
            # tried against a view that really does its job.
            assert refused == bool(case.refused_unspoiled), (
                f"the unspoiled request was {'refused' if refused else 'accepted'}"
                f" ({response.status_code}): {body[:2000]!r}"
            )
        else:
            TALLY["inputs"] += 1
            TALLY["read"] += bool(spec.names) or bool(spec.formsets)
            TALLY["refused" if refused else "accepted"] += 1
        if refused or case.method == "GET":
            written = changes(visitor.before, snapshot())
            assert not written, f"a refused request wrote: {written}"
        if 300 <= response.status_code < 400:
            location = response["Location"]
            assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), (
                f"redirect off the site: {location!r}"
            )
            followed = client.get(location)
            assert followed.status_code < 500, followed.content[:2000]
        transaction.set_rollback(True)


def _error_messages(response: Any) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    # The messages this request added (Django keeps them until the response is sent).
    queued = getattr(storage, "_queued_messages", [])
    return any(message.level >= message_levels.ERROR for message in queued)


def _examples(case: Case, spec: Spec) -> int:
    if case.examples is not None:
        return case.examples * FUZZ_FACTOR
    if not (spec.names or spec.formsets):
        return 3 * FUZZ_FACTOR
    return min(8, 2 + len(spec.names) // 2 + 2 * len(spec.formsets)) * FUZZ_FACTOR


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for the whole module, rolled back at its end (each case rolls back its own
    attempts): building it for each of seventy cases would take longer than the cases."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


_SPECS: dict[str, Spec] = {}


def spec_for(case: Case, world: World, django_app: Any) -> Spec:
    if case.id not in _SPECS:
        _SPECS[case.id] = build_spec(case, world, django_app)
    return _SPECS[case.id]


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_garbage_never_gives_a_server_error_nor_a_half_written_save(case, world, django_app):
    spec = spec_for(case, world, django_app)
    visitor = sign_in(case, world)

    @settings(
        settings.get_profile(PROFILE),
        max_examples=_examples(case, spec),
        # A known failure (marked xfail for its owner) need not be shrunk on every run.
        phases=[Phase.explicit, Phase.reuse, Phase.generate] if case.xfail else tuple(Phase),
        report_multiple_bugs=not case.xfail,
    )
    @given(mutation=mutations(spec.names, spec.formsets))
    def bad_input(mutation: Mutation) -> None:
        attempt(case, spec, visitor, mutation)

    for tried_first in reversed(explicit_mutations(spec.names, spec.date_fields)):
        bad_input = example(mutation=tried_first)(bad_input)
    bad_input()
    FINISHED_CASES.add(case.id)


# Who else tries each request: the other side of the reporting line, a peer in
# another department, HR, and nobody signed in.
INTRUDERS = ("manager", "report", "peer", "hr", "anonymous")


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=case.id) for case in CASES if case.method == "POST"]
)
def test_a_request_refused_to_the_wrong_person_writes_nothing(case, world, django_app):
    """Check first, then write: the request the page sends, sent by each of the
    others, is either theirs to make or leaves every table as it was."""
    spec = spec_for(case, world, django_app)
    for intruder in INTRUDERS:
        if intruder == case.user:
            continue
        visitor = sign_in(replace(case, user=intruder), world)
        url, params = apply(spec, UNSPOILED)
        data: dict[str, list[str]] = {}
        for name, value in params:
            data.setdefault(name, []).append(value)
        with transaction.atomic():
            response = visitor.client.post(url, data)
            assert response.status_code < 500, (intruder, response.content[:2000])
            signed_out = intruder == "anonymous" and response.status_code == 302
            refused = (
                response.status_code >= 400
                or response.status_code < 300
                or _error_messages(response)
                or (signed_out and "/accounts/login/" in response["Location"])
            )
            if refused:
                written = changes(visitor.before, snapshot())
                assert not written, f"{intruder} was refused, yet the request wrote: {written}"
            transaction.set_rollback(True)


def test_at_least_300_bad_inputs_were_tried():
    """Runs last in this module; meaningful only when every case ran."""
    if FINISHED_CASES != {case.id for case in CASES if not case.xfail}:
        pytest.skip("only some garbage cases ran")
    assert TALLY["inputs"] >= MINIMUM_INPUTS, TALLY
