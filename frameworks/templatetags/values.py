"""How published values are marked in templates (the markup itself lives in pages/cells.py)."""

from django import template
from django.utils.safestring import SafeString

from frameworks.pages.cells import claims_html

register = template.Library()


@register.simple_tag
def claims_list(claims, show_subject: bool = False) -> SafeString:
    """The claims behind a value, each with its source and quoted words."""
    return claims_html(claims, show_subject=show_subject)
