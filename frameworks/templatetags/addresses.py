"""Addresses of pages that take no argument, reversed once per process.

``{% url %}`` walks the URLconf on every call, and every page names a dozen of these
(the menu, the table's links): ``{% fixed_url 'frameworks:table' %}`` gives the same
address from ``page_url``'s cache.
"""

from django import template

from frameworks.models.catalogue import page_url

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return page_url(name)
