from __future__ import annotations

import os
import secrets
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from tests.processes import manage_py


def test_booleans_accept_the_usual_spellings():
    assert env_bool("X", False, environ={"X": "Yes"}) is True
    assert env_bool("X", True, environ={"X": "off"}) is False
    assert env_bool("X", True, environ={}) is True


def test_a_bad_boolean_stops_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_numbers_and_lists():
    assert env_int("N", 3, environ={"N": "12"}) == 12
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 3, environ={"N": "twelve"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 3, minimum=1, environ={"N": "0"})
    assert env_list("H", [], environ={"H": "a.com, b.com,"}) == ["a.com", "b.com"]
    assert env_str("S", "default", environ={"S": "  "}) == "default"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return manage_py(*args, env=environment)


def test_start_up_refuses_a_bad_value():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_start_up_refuses_an_unknown_time_zone():
    result = manage("check", TIME_ZONE="Mars/Olympus")
    assert result.returncode != 0
    assert "not a known time zone" in result.stderr


def test_file_storage_is_the_file_system_or_object_storage_with_its_bucket():
    result = manage("check", FILE_STORAGE="ftp")
    assert result.returncode != 0
    assert "FILE_STORAGE='ftp': use filesystem or s3." in result.stderr
    result = manage("check", FILE_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")
    assert result.returncode != 0
    assert "FILE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME." in result.stderr


def test_the_mail_server_cannot_be_the_outbox_itself():
    # The outbox would send each mail by writing it to the outbox again, for ever.
    result = manage("check", EMAIL_BACKEND="accounts.outbox.OutboxEmailBackend")
    assert result.returncode != 0
    assert "not the outbox itself" in result.stderr


def test_production_needs_a_secret_key():
    result = manage("check", DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_passes_with_production_values():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stderr


def test_collectstatic_succeeds_for_production(tmp_path):
    """Production serves hashed, compressed files: every referenced asset must exist."""
    result = manage(
        "collectstatic",
        "--no-input",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_two_installations_sharing_one_redis_never_read_each_others_keys():
    """Staging and production (or two benchmark organisations) on one Redis database: a
    figure, page or table version kept by one must not be found by the other."""
    show = "from django.core.cache import caches; print(caches['default'].make_key('dv:x'))"
    redis = {"CACHE_URL": "redis://127.0.0.1:6379/15"}
    base = "postgres://postgres@127.0.0.1:5432/"
    staging = manage("shell", "-c", show, DATABASE_URL=base + "staging", **redis)
    production = manage("shell", "-c", show, DATABASE_URL=base + "production", **redis)
    # A web node through a pooler and a worker connecting directly: one installation.
    pooled = "postgres://postgres@pgbouncer.internal:6432/production"
    again = manage("shell", "-c", show, DATABASE_URL=pooled, **redis)
    assert staging.returncode == production.returncode == 0, staging.stderr
    assert staging.stdout.split()[-1] != production.stdout.split()[-1]
    # Every process of one installation agrees.
    assert production.stdout.split()[-1] == again.stdout.split()[-1]
    chosen = manage("shell", "-c", show, CACHE_KEY_PREFIX="acme", **redis)
    assert chosen.stdout.strip().splitlines()[-1] == "acme:1:dv:x"
