"""The models need no migration that is not written yet (the suite itself builds its
database without migrations, so this is checked here)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree(settings):
    settings.MIGRATION_MODULES = {}  # the real migrations, not the suite's shortcut
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
