"""Form fields that keep an editor's text exactly as typed."""

from __future__ import annotations

from django import forms


class ExactTextField(forms.CharField):
    """A textarea's text, kept exact: no stripping, and browsers' CRLF read back as LF.

    Django strips text by default, which dropped the final newline of every
    code sample on every save: history then showed a change nobody made, and a
    revert could not restore the text. Browsers submit a textarea's line
    breaks as CRLF, which would be a change of every line.
    """

    def __init__(self, **kwargs):
        kwargs["strip"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value
