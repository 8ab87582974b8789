"""Template filters for the admin's history pages."""

from django import template

from frameworks.dataset.load import LOADER_REASONS

register = template.Library()


@register.filter
def change_reason(reason: str | None) -> str:
    """A history record's reason in words: the loaders record their command's name."""
    if reason in LOADER_REASONS:
        return "From the dataset files"
    return reason or "—"
