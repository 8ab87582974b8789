"""How published values are marked in templates (the markup itself lives in pages/cells.py)."""

from django import template
from django.utils.safestring import SafeString

from frameworks.pages.cells import marks_html

register = template.Library()


@register.filter
def marks(verdict) -> SafeString:
    """The marks after a fact's value (a ``Verdict``): superseded, settled by the editors."""
    return marks_html(
        how_disputed=False, superseded=bool(verdict.superseded), resolved=verdict.resolved
    )
