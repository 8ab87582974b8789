"""Claim and source-text forms: an excerpt is checked against a stored text when saved."""

from __future__ import annotations

from django import forms

from frameworks.admin.concurrency import InlineRowForm, VersionCheckedForm
from frameworks.dataset.texts import Outcome, QuotedTexts
from frameworks.models import SourceText

MAX_TEXT_BYTES = 2_000_000


class ExcerptCheck:
    """On save, an excerpt must be in its source's text, when an editor stored one."""

    def clean(self):
        cleaned = super().clean()
        source, excerpt = cleaned.get("source"), cleaned.get("excerpt")
        if source is None or not excerpt:
            return cleaned
        text = SourceText.objects.filter(source=source).values_list("text", flat=True).first()
        if text is None:
            return cleaned
        outcome, _ = QuotedTexts(stored={source.slug: text}).check(source, excerpt)
        if outcome is Outcome.FAILED:
            self.add_error(
                "excerpt",
                "Not found in the text stored for this source: quote its words exactly "
                "(spacing and markup may differ).",
            )
        return cleaned


class ClaimForm(ExcerptCheck, VersionCheckedForm):
    pass


class ClaimRowForm(ExcerptCheck, InlineRowForm):
    pass


class SourceTextForm(forms.ModelForm):
    """Upload a source's text: kept in the database for checking excerpts, never shown publicly."""

    upload = forms.FileField(
        required=False,
        help_text="The source's whole text as a UTF-8 file (plain text, Markdown, HTML or "
        "reStructuredText), at most 2 MB. It is only used to check excerpts.",
    )

    class Meta:
        model = SourceText
        fields = ["upload"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        if upload.size > MAX_TEXT_BYTES:
            raise forms.ValidationError("The file is over 2 MB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file is not UTF-8 text.") from error
        if "\x00" in text:
            raise forms.ValidationError("The file holds NUL characters: is it a text file?")
        self.instance.text = text
        self.instance.file_name = upload.name[:200]
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("upload") and self.has_changed():
            raise forms.ValidationError("Choose a file to upload.")
        return cleaned
