from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import make_cycle


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)
