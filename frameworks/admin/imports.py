"""The admin screen for importing claims from CSV: preview first, then all or nothing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from frameworks.imports import COLUMNS, apply_import, plan_import

MAX_BYTES = 1_000_000


class ClaimImportForm(forms.Form):
    file = forms.FileField(label="CSV file", required=False, help_text="UTF-8, with a header row.")
    # After a clean preview, the checked text comes back with "apply".
    csv_text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError("The file is over 1 MB: split it.")
            try:
                cleaned["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError("The file is not UTF-8 text.") from error
        if not cleaned.get("csv_text"):
            raise forms.ValidationError("Choose a CSV file to check.")
        if "\x00" in cleaned["csv_text"]:
            raise forms.ValidationError("The file holds NUL characters: is it a CSV text file?")
        return cleaned


class ClaimImportMixin:
    """Adds /admin/frameworks/claim/import/ to the claim admin."""

    change_list_template = "admin/frameworks/claim/change_list.html"

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="frameworks_claim_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        plan = None
        form = ClaimImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            plan = plan_import(form.cleaned_data["csv_text"])
            if "apply" in request.POST and plan.valid:
                try:
                    count = apply_import(plan)
                except IntegrityError as error:  # a check the preview could not make
                    plan.errors.append(
                        f"The database refused the import, so none was saved: {error}"
                    )
                else:
                    self.message_user(request, f"Imported {count} claims.", messages.SUCCESS)
                    return redirect(reverse("admin:frameworks_claim_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import claims from CSV",
            "form": form,
            "plan": plan,
            "csv_text": form.cleaned_data.get("csv_text", "")
            if form.is_bound and form.is_valid()
            else "",
            "columns": COLUMNS,
        }
        refused = (form.is_bound and not form.is_valid()) or (plan is not None and not plan.valid)
        status = 400 if refused else 200
        return TemplateResponse(
            request, "admin/frameworks/claim/import.html", context, status=status
        )
