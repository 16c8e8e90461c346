"""``{% nav_url "name" %}``: ``{% url "name" %}`` for argument-less links, reversed once."""

from __future__ import annotations

from django import template

from accounts.links import named_url, pk_url

register = template.Library()


@register.simple_tag
def nav_url(name: str) -> str:
    return named_url(name)


@register.simple_tag
def key_url(name: str, pk: int) -> str:
    """``{% url name pk %}`` for a link whose only argument is an object's key."""
    return pk_url(name, pk)
