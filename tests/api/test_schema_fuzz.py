"""The API against its own OpenAPI schema (schemathesis): no 5xx, no answer off the schema.

The schema is read from ``/api/schema/`` as a client would, so every endpoint it
lists is fuzzed, whichever module adds it. The callers are real people with data
and real tokens (HR, who reads everything, and a manager); a few examples per
operation keep the run to a minute or two.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis.internal.conjecture import utils as conjecture_utils
from schemathesis.generation import GenerationConfig

from accounts.tokens import api_token_create
from config.wsgi import application
from tests.factories import check_in, make_cycle, make_objective

EXAMPLES = 15


def _many_more(self: Any) -> bool:
    """``many.more()`` as hypothesis-jsonschema 0.23 calls it; Hypothesis 6.1xx dropped it
    for ``with many(...) as elements: for _ in elements``. One step of that loop."""
    if self._depth is None:
        self._depth = self.data.depth
    if self._in_element:
        self._finish_element()
    if not self._decide():
        return False
    self.count += 1
    self._in_element = True
    self._rejected = False
    return True


# The installed hypothesis-jsonschema (schemathesis's generator) needs it: remove this
# shim once a hypothesis-jsonschema release speaks the new API (or Hypothesis is pinned).
if not hasattr(conjecture_utils.many, "more"):
    setattr(conjecture_utils.many, "more", _many_more)  # noqa: B010


@pytest.fixture
def wsgi_in_the_test_transaction(db: None) -> Iterator[None]:
    """Calls to the WSGI application keep the test's connection open (and its
    transaction), as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_in_the_test_transaction: None) -> Any:
    # The token is ours (a real one); schemathesis then checks each answer needed it,
    # replaying without it and with a bad one (401 expected).
    generation = GenerationConfig(with_security_parameters=False)
    return schemathesis.from_wsgi(
        "/api/schema/?format=json", application, generation_config=generation
    )


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture
def people_with_data(request: pytest.FixtureRequest, manager, report, peer, hr, sales) -> None:
    cycle = make_cycle(timezone.localdate().year)
    robs = make_objective(cycle, employee=report, weight=60)
    make_objective(cycle, department=sales, title="Sales goal")
    make_objective(cycle, employee=peer)
    check_in(robs, 10, on=cycle.start_date, author=report)


@pytest.fixture
def no_rate_limit(settings_fixture: Any) -> None:
    rest = settings_fixture.REST_FRAMEWORK
    settings_fixture.REST_FRAMEWORK = {**rest, "DEFAULT_THROTTLE_RATES": {"token": "100000/min"}}


@pytest.fixture
def settings_fixture(settings: Any) -> Any:
    return settings


def _bearer(user: Any) -> dict[str, str]:
    _token, raw = api_token_create(user=user, name="schemathesis", scope="write")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def as_hr(hr, people_with_data: None, no_rate_limit: None) -> dict[str, str]:
    return _bearer(hr)


@pytest.fixture
def as_manager(manager, people_with_data: None, no_rate_limit: None) -> dict[str, str]:
    return _bearer(manager)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _call_and_check(case: Any, auth: dict[str, str]) -> Any:
    # The token is sent as an explicit header: schemathesis's "auth enforced?" check then
    # replays the call without it, and with a bad one, and wants a 401 each time.
    # (Empty, not None: schemathesis 3.39 writes its bad credentials into them.)
    case.headers, case.cookies = case.headers or {}, case.cookies or {}
    response = case.call_wsgi(headers=auth)
    case.validate_response(response, headers=auth)
    return response


@schema.parametrize()
@FUZZ
def test_the_api_keeps_to_its_schema_for_hr(case: Any, as_hr: dict[str, str]) -> None:
    _call_and_check(case, as_hr)


@schema.parametrize()
@FUZZ
def test_the_api_keeps_to_its_schema_for_a_manager(case: Any, as_manager: dict[str, str]) -> None:
    _call_and_check(case, as_manager)


@pytest.fixture(params=["hr", "manager"])
def caller_headers(request: pytest.FixtureRequest, people_with_data: None, no_rate_limit: None):
    return _bearer(request.getfixturevalue(request.param))


def test_real_ids_answer_as_the_schema_says(
    api_schema: Any, caller_headers: dict[str, str]
) -> None:
    """Random ids mostly find nothing: read each list, then the first item of each."""
    first_ids: dict[str, Any] = {}
    item_operations = []
    checked: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        if "{" in operation.path:
            item_operations.append(operation)
            continue
        response = _call_and_check(operation.make_case(), caller_headers)
        results = response.json.get("results") if response.status_code == 200 else None
        if results and isinstance(results, list) and "id" in results[0]:
            first_ids[operation.path] = results[0]["id"]
    for operation in item_operations:
        list_path = operation.path.rsplit("{", 1)[0]
        names = [p.name for p in operation.path_parameters]
        if list_path not in first_ids or len(names) != 1:
            continue
        case = operation.make_case(path_parameters={names[0]: first_ids[list_path]})
        response = _call_and_check(case, caller_headers)
        assert response.status_code == 200, (operation.path, response.status_code)
        checked.append(operation.path)
    # Every list found something, and each item was read (the fixture made data for all).
    assert len(checked) >= 6, checked
