from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from accounts.links import pk_url


@pytest.mark.parametrize(
    "name",
    ["plans:objective_detail", "coaching:session_detail", "reviews:table_detail"],
)
def test_a_key_link_is_what_reverse_gives(name):
    for pk in (1, 42, 2147483646):
        assert pk_url(name, pk) == reverse(name, args=[pk])


def test_a_key_link_follows_the_script_prefix_and_url_configuration():
    before = pk_url("reviews:table_detail", 7)
    set_script_prefix("/coaching-cycles/")
    try:
        assert pk_url("reviews:table_detail", 7) == "/coaching-cycles" + before
    finally:
        clear_script_prefix()
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert pk_url("reviews:table_detail", 7) == reverse("reviews:table_detail", args=[7])
    assert pk_url("reviews:table_detail", 7) == before


def test_the_navigation_links_are_the_reversed_ones(client, manager, report, sales):
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    for name in ("home", "plans:team", "reviews:mine", "accounts:notifications"):
        assert f'href="{reverse(name)}"' in body
    assert f'href="{reverse("coaching:timeline", args=[manager.pk])}"' in body
    assert f'href="{reverse("plans:department_objectives", args=[sales.pk])}"' in body
