"""Addresses of pages that take no argument, reversed once per process.

``{% url %}`` walks the URLconf on every call, and every page names a dozen of these
(the menu, the table's links): ``{% fixed_url 'frameworks:table' %}`` gives the same
address from a cache. Pages of one object keep ``{% url %}`` or ``get_absolute_url``
(``page_url`` caches those).
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_script_prefix())


@lru_cache(maxsize=256)
def _reversed(name: str, script_prefix: str) -> str:
    return reverse(name)


def _forget(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


setting_changed.connect(_forget)
