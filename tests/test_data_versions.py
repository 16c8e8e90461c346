"""The versioned cache under every cached figure (accounts/data_versions.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.data_versions import data_changed, data_versions, versioned


def _counter() -> tuple[list[int], Callable[[], int]]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_value_is_computed_once_until_its_data_changes() -> None:
    calls, compute = _counter()
    assert versioned("figure", ["reviews"], compute) == 1
    assert versioned("figure", ["reviews"], compute) == 1
    data_changed("reviews")
    assert versioned("figure", ["reviews"], compute) == 2
    assert len(calls) == 2


def test_a_change_to_another_scope_keeps_the_value() -> None:
    calls, compute = _counter()
    versioned("figure", ["reviews"], compute)
    data_changed("notifications:7")
    versioned("figure", ["reviews"], compute)
    assert len(calls) == 1


def test_an_evicted_version_never_brings_back_an_old_value() -> None:
    calls, compute = _counter()
    versioned("figure", ["org"], compute)
    cache.delete("dv:org")  # Redis evicted the counter
    assert versioned("figure", ["org"], compute) == 2


@pytest.mark.django_db(transaction=True)
def test_a_reader_between_the_change_and_its_commit_is_not_believed() -> None:
    """A reader that computed while the writer's transaction was still open saw the old
    data under the new version; the bump at commit makes that value unreachable."""
    calls, compute = _counter()
    with transaction.atomic():
        data_changed("reviews")
        during = data_versions(["reviews"])
        versioned("figure", ["reviews"], compute)  # another reader, old data
    assert data_versions(["reviews"]) != during
    assert versioned("figure", ["reviews"], compute) == 2


def test_pages_still_answer_when_redis_is_down(
    settings: SettingsWrapper,
    client,
    report,  # noqa: ANN001
) -> None:
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    for config in caches.values():
        if config["BACKEND"] == "accounts.cache_backend.ForgivingRedisCache":
            config["LOCATION"] = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CACHES = caches
    calls, compute = _counter()
    assert versioned("figure", ["reviews"], compute) == 1
    assert versioned("figure", ["reviews"], compute) == 2
    client.force_login(report)
    assert client.get("/").status_code == 200


def test_the_shared_cache_gives_back_every_kind_of_value_it_was_given():
    """accounts.cache_backend reads pickled values without trying them as numbers first:
    counters stay numbers (``incr`` works on them), everything else comes back as given."""
    assert type(caches["default"]).__name__ == "ForgivingRedisCache"
    values = {
        "counter": 41,
        "flag": True,
        "text": "1234",
        "bytes": b"\x80not a pickle",
        "nested": {"versions": (3, 4), "rows": [1, "two", None]},
    }
    cache.set_many({f"kinds:{name}": value for name, value in values.items()})
    found = cache.get_many([f"kinds:{name}" for name in values])
    assert found == {f"kinds:{name}": value for name, value in values.items()}
    assert type(found["kinds:flag"]) is bool and type(found["kinds:counter"]) is int
    assert cache.incr("kinds:counter") == 42
