"""No lost update: a save is refused when someone else saved the object first.

Every admin form carries, hidden, the id of the object's latest history record
when the page was opened. On save the row is locked and that id compared with
the latest one; if they differ, the form shows what the other editor changed
and keeps this editor's input. Saving again then means "replace theirs".
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join


def latest_record(instance):
    return instance.history.order_by("-history_id").first()


def with_latest_history_id(queryset):
    """Annotate each row with its latest history id, for forms listed many to a page."""
    history = queryset.model.history.model.objects.filter(
        **{queryset.model._meta.pk.attname: OuterRef("pk")}
    ).order_by("-history_id")
    return queryset.annotate(latest_history_id=Subquery(history.values("history_id")[:1]))


def seen_version(instance) -> int | None:
    if hasattr(instance, "latest_history_id"):
        return instance.latest_history_id
    record = latest_record(instance)
    return record.history_id if record else None


class VersionCheckedForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = seen_version(self.instance)

    @cached_property
    def changed_data(self) -> list[str]:
        # The version is bookkeeping, not an edit: counting it would save (and
        # record in history) every inline row on every save of its page.
        return [name for name in super().changed_data if name != "seen_version"]

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk is None or seen is None:
            return cleaned
        model = type(self.instance)
        if transaction.get_connection().in_atomic_block:
            # Hold the row until this save commits, so that two saves cannot
            # both pass this check.
            list(model.objects.select_for_update().filter(pk=self.instance.pk).values("pk"))
        current = latest_record(self.instance)
        if current is None or current.history_id == seen:
            return cleaned
        seen_record = self.instance.history.filter(history_id=seen).first()
        # A second save, having seen their changes, replaces them.
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = current.history_id
        raise forms.ValidationError(conflict_message(current, seen_record))


class InlineRowForm(VersionCheckedForm):
    """A row of an inline: one the editor left untouched is not saved, so it is not checked.

    Checking costs queries (the version, each database constraint), and a
    framework has seventy rows, nearly all unchanged on any one save.
    """

    def _untouched(self) -> bool:
        return self.instance.pk is not None and not self.has_changed()

    def clean(self):
        return self.cleaned_data if self._untouched() else super().clean()

    def _post_clean(self):
        if not self._untouched():
            super()._post_clean()


def conflict_message(current, seen_record) -> str:
    who = current.history_user or "someone (outside the admin)"
    when = timezone.localtime(current.history_date).strftime("%H:%M on %d %B %Y")
    if seen_record is None:
        changes = format_html("<li>{}</li>", "the record was replaced")
    else:
        delta = current.diff_against(seen_record)
        changes = format_html_join(
            "",
            "<li>{}: “{}” → “{}”</li>",
            (
                (current.instance._meta.get_field(c.field).verbose_name, c.old, c.new)
                for c in delta.changes
            ),
        ) or format_html("<li>{}</li>", "no field changed (it was saved again)")
    return format_html(
        "{} saved this at {}, after you opened it, so your changes were not saved. "
        "Their changes:<ul>{}</ul>Your edits are still in the form: check them against "
        "theirs and save again to replace their version, or reload the page to start "
        "from theirs.",
        who,
        when,
        changes,
    )
