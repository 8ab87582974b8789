"""The admin screens for undoing a deletion: a list of deleted objects, each with Restore."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from frameworks.restore import CannotRestore, deletions, restore


class RestoreDeletedMixin:
    """Adds <model>/deleted/ (the list) and <model>/deleted/<id>/restore/ (a POST)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        urls = [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{prefix}_deleted",
            ),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name=f"{prefix}_restore",
            ),
        ]
        return urls + super().get_urls()

    def deleted_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Deleted {self.opts.verbose_name_plural}",
            "deletions": deletions(self.model),
            "can_restore": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/frameworks/deleted.html", context)

    def restore_view(self, request, history_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            obj = restore(self.model, history_id)
        except CannotRestore as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted"))
        self.message_user(request, f"Restored {obj}.", messages.SUCCESS)
        return redirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        )
