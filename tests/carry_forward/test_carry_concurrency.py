"""Two HR tabs pressing "Carry forward" at the same moment: the cycle row is locked, so
one carries and the other is refused as stale; nothing is copied twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.concurrency import StaleEditError
from plans.carry_forward import cycle_carry_forward
from plans.models import Objective, ObjectiveChange, PhaseTarget


@pytest.mark.django_db(transaction=True)
def test_two_carries_at_once_copy_once_and_refuse_the_other(hr, year, next_year):
    outcomes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            cycle_carry_forward(
                actor=hr,
                cycle=next_year,
                source=year.cycle,
                which="unfinished",
                version=next_year.version,
            )
            outcomes.append("carried")
        except StaleEditError:
            outcomes.append("stale")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(outcomes) == ["carried", "stale"]
    assert Objective.objects.filter(cycle=next_year).count() == 3
    assert ObjectiveChange.objects.filter(objective__cycle=next_year).count() == 3
    assert PhaseTarget.objects.filter(objective__cycle=next_year).count() == 3 * 12
