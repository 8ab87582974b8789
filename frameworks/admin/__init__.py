"""The editors' admin: every curated model, with history, drafts and safe saving.

- Each model's history (who, when, before and after) and revert come from
  django-simple-history's admin.
- Every form refuses a save made over someone else's newer one
  (frameworks/admin/concurrency.py).
- Validation lives in the models (Claim.clean and the database constraints);
  the admin only shows it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models, transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Lower
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from frameworks.admin import subjects
from frameworks.admin.claim_forms import ClaimForm, ClaimRowForm, SourceTextForm
from frameworks.admin.concurrency import VersionCheckedForm, with_latest_history_id
from frameworks.admin.fields import ExactTextField
from frameworks.admin.filters import (
    CategoryFilter,
    CitationFilter,
    ClaimDisputedFilter,
    ClaimUnknownFilter,
    FrameworkDisputedFilter,
    FrameworkUnknownFilter,
)
from frameworks.admin.imports import ClaimImportMixin
from frameworks.admin.restore import RestoreDeletedMixin
from frameworks.admin.subjects import Subject
from frameworks.admin.widgets import PreloadedAutocompleteSelect
from frameworks.models import (
    KIND_RULES,
    Category,
    Claim,
    ClaimKind,
    Feature,
    FeatureGroup,
    Framework,
    PublicationStatus,
    Source,
    SourceText,
    Verdict,
)

admin.site.site_header = "Python web frameworks compared: editors"
admin.site.site_title = "Editors"
admin.site.index_title = "Curated data"


class CuratedAdmin(RestoreDeletedMixin, SimpleHistoryAdmin):
    """History, undoable deletions, a version check on every save, a link to the public page."""

    form = VersionCheckedForm
    formfield_overrides = {models.TextField: {"form_class": ExactTextField}}
    list_per_page = 50
    # The library's own has an inline style, which the Content-Security-Policy blocks.
    object_history_list_template = "admin/frameworks/object_history_list.html"

    @admin.display(description="Public page")
    def public_link(self, obj) -> str:
        return format_html('<a href="{}">view</a>', obj.get_absolute_url())

    # --- Tampered or mistyped addresses get a 404 or a message, never a 500 ---

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, _id_or_404(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            # Saving this page reverts to that version: history and the admin log say so.
            record = self.model.history.filter(history_id=_id_or_404(version_id)).first()
            if record is not None:
                when = timezone.localtime(record.history_date).strftime("%d %B %Y, %H:%M")
                request._reverting_to = f"Reverted to the version of {when}"
        return super().history_form_view(
            request, _id_or_404(object_id), _id_or_404(version_id), extra_context
        )

    def save_model(self, request, obj, form, change):
        if reason := getattr(request, "_reverting_to", None):
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if reason := getattr(request, "_reverting_to", None):
            return reason
        return super().construct_change_message(request, form, formsets, add)

    def response_action(self, request, queryset, *args, **kwargs):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        ids = [pk for pk in selected if pk.isdigit()]
        if ids != selected:  # Django then says that items must be selected
            request.POST = request.POST.copy()
            request.POST.setlist(ACTION_CHECKBOX_NAME, ids)
        return super().response_action(request, queryset, *args, **kwargs)


def _id_or_404(value) -> str:
    if not str(value).isdigit():
        raise Http404("No such record.")
    return value


# --- Drafts ---------------------------------------------------------------------------


def _set_each(queryset, **values) -> int:
    """Save each object (not queryset.update), so that history records the change."""
    changed = 0
    with transaction.atomic():
        # Lock the rows themselves: the changelist queryset may be grouped.
        rows = queryset.model.objects.select_for_update().filter(
            pk__in=list(queryset.values_list("pk", flat=True))
        )
        for obj in rows:
            if all(getattr(obj, name) == value for name, value in values.items()):
                continue
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save(update_fields=list(values))
            changed += 1
    return changed


NOTHING_TO_PUBLISH = (
    "has no claims yet: add at least one (a category, say) before publishing it; a public "
    "page with nothing sourced on it helps nobody."
)


@admin.action(description="Publish the selected items")
def publish(modeladmin, request, queryset):
    if queryset.model is Framework:
        empty = list(queryset.filter(claims__isnull=True).values_list("name", flat=True))
        for name in empty:
            modeladmin.message_user(request, f"{name} {NOTHING_TO_PUBLISH}", messages.WARNING)
        queryset = queryset.exclude(name__in=empty)
    changed = _set_each(queryset, status=PublicationStatus.PUBLISHED)
    modeladmin.message_user(request, f"Published {changed}.", messages.SUCCESS)


class FrameworkForm(VersionCheckedForm):
    def clean(self):
        cleaned = super().clean()
        publishing = cleaned.get("status") == PublicationStatus.PUBLISHED
        if publishing and (self.instance.pk is None or not self.instance.claims.exists()):
            self.add_error("status", f"This framework {NOTHING_TO_PUBLISH}")
        return cleaned


@admin.action(description="Unpublish the selected items (back to draft)")
def unpublish(modeladmin, request, queryset):
    changed = _set_each(queryset, status=PublicationStatus.DRAFT)
    modeladmin.message_user(request, f"Returned {changed} to draft.", messages.SUCCESS)


@admin.action(description="Mark the selected frameworks verified today")
def mark_verified_today(modeladmin, request, queryset):
    changed = _set_each(queryset, last_verified=timezone.localdate())
    modeladmin.message_user(request, f"Marked {changed} verified today.", messages.SUCCESS)


# --- Claims inline on a framework, one inline per kind -----------------------------------


def related_labels(request, model) -> dict[str, str]:
    """Every object of a small curated model by primary key, loaded once per request."""
    cache = request.__dict__.setdefault("_related_labels", {})
    if model not in cache:
        cache[model] = {str(obj.pk): str(obj) for obj in model._default_manager.all()}
    return cache[model]


class KindFormSet(BaseInlineFormSet):
    """Claims of one kind; new rows get that kind before validation."""

    kind: str = ""

    @classmethod
    def get_default_prefix(cls) -> str:
        return f"claims-{cls.kind}"

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.kind = self.kind
        return form


def kind_formset(kind: str) -> type[KindFormSet]:
    return type(f"{kind.title()}FormSet", (KindFormSet,), {"kind": kind})


class ClaimInline(admin.TabularInline):
    model = Claim
    fk_name = "framework"
    form = ClaimRowForm
    formfield_overrides = {models.TextField: {"form_class": ExactTextField}}
    extra = 1
    kind = ""
    autocomplete_fields = ["source", "via"]
    show_change_link = True

    def get_queryset(self, request):
        return with_latest_history_id(
            super()
            .get_queryset(request)
            .filter(kind=self.kind)
            .select_related("framework", "source", "via")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, labels=related_labels(request, db_field.related_model)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            # Four add/change/delete/view links on each of three fields in every
            # row is half the page; the sources and features have their own pages.
            wrapper = formfield.widget
            wrapper.can_add_related = wrapper.can_change_related = False
            wrapper.can_delete_related = wrapper.can_view_related = False
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["formset"] = kind_formset(self.kind)
        return super().get_formset(request, obj, **kwargs)


class CategoryClaimInline(ClaimInline):
    kind = ClaimKind.CATEGORY
    verbose_name, verbose_name_plural = "category claim", "category claims"
    fields = ["category", "status", "source", "excerpt", "locator", "note", "via", "preferred",
              "preferred_note", "seen_version"]  # fmt: skip
    autocomplete_fields = ["category", "source", "via"]


class FirstReleaseClaimInline(ClaimInline):
    kind = ClaimKind.FIRST_RELEASE
    verbose_name, verbose_name_plural = "first-release claim", "first-release claims"
    fields = ["year", "as_written", "source", "excerpt", "locator", "note", "preferred",
              "preferred_note", "seen_version"]  # fmt: skip


class LatestReleaseClaimInline(ClaimInline):
    kind = ClaimKind.LATEST_RELEASE
    verbose_name, verbose_name_plural = "latest-release claim", "latest-release claims"
    fields = ["version", "release_date", "source", "excerpt", "locator", "note", "preferred",
              "preferred_note", "seen_version"]  # fmt: skip


class LifecycleClaimInline(ClaimInline):
    kind = ClaimKind.LIFECYCLE
    verbose_name, verbose_name_plural = "lifecycle claim", "lifecycle claims"
    fields = ["lifecycle", "year", "successor", "source", "excerpt", "locator", "note", "via",
              "preferred", "preferred_note", "seen_version"]  # fmt: skip
    autocomplete_fields = ["successor", "source", "via"]


class LicenceClaimInline(ClaimInline):
    kind = ClaimKind.LICENCE
    verbose_name, verbose_name_plural = "licence claim", "licence claims"
    fields = ["licence", "source", "excerpt", "locator", "note", "preferred", "preferred_note",
              "seen_version"]  # fmt: skip


class PythonClaimInline(ClaimInline):
    kind = ClaimKind.PYTHON
    verbose_name, verbose_name_plural = "Python versions claim", "Python versions claims"
    fields = ["python_min", "python_max", "source", "excerpt", "locator", "note", "preferred",
              "preferred_note", "seen_version"]  # fmt: skip


class BuiltOnClaimInline(ClaimInline):
    kind = ClaimKind.BUILT_ON
    verbose_name, verbose_name_plural = "built-on claim", "built-on claims"
    fields = ["based_on", "source", "excerpt", "locator", "note", "seen_version"]
    autocomplete_fields = ["based_on", "source", "via"]


class FigureClaimInline(ClaimInline):
    kind = ClaimKind.FIGURE
    verbose_name, verbose_name_plural = "figure", "figures"
    fields = ["metric", "value", "value_max", "as_written", "label_as_written", "as_of",
              "as_of_precision", "source", "via", "excerpt", "locator", "note", "preferred",
              "preferred_note", "seen_version"]  # fmt: skip


class FeatureClaimInline(ClaimInline):
    """Feature claims, grouped by feature in display order."""

    kind = ClaimKind.FEATURE
    verbose_name, verbose_name_plural = "feature claim", "feature claims"
    fields = ["feature", "status", "how", "package", "since", "source", "excerpt", "locator",
              "note", "via", "preferred", "preferred_note", "seen_version"]  # fmt: skip
    autocomplete_fields = ["feature", "source", "via"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("feature__group")
            .order_by("feature__group__position", "feature__position", "source__slug")
        )


class AdviceClaimInline(ClaimInline):
    kind = ClaimKind.ADVICE
    verbose_name, verbose_name_plural = "advice", "advice"
    fields = ["advice_kind", "text", "source", "excerpt", "locator", "note", "seen_version"]


# --- Frameworks -------------------------------------------------------------------------


@admin.register(Framework)
class FrameworkAdmin(CuratedAdmin):
    form = FrameworkForm
    list_display = ["name", "status", "categories", "claim_count", "disputed_count",
                    "last_verified", "public_link"]  # fmt: skip
    list_filter = ["status", CategoryFilter, FrameworkDisputedFilter, FrameworkUnknownFilter,
                   "last_verified"]  # fmt: skip
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = [Lower("name")]
    actions = [publish, unpublish, mark_verified_today]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "summary", "seen_version"]}),
        ("Links", {"fields": ["homepage", "repository"]}),
        ("Sample and verification", {"fields": ["hello_world", "last_verified"]}),
    ]
    # Claims are edited one subject at a time (frameworks/admin/subjects.py).
    inline_for_kind = {
        ClaimKind.CATEGORY: CategoryClaimInline,
        ClaimKind.FIRST_RELEASE: FirstReleaseClaimInline,
        ClaimKind.LATEST_RELEASE: LatestReleaseClaimInline,
        ClaimKind.LIFECYCLE: LifecycleClaimInline,
        ClaimKind.LICENCE: LicenceClaimInline,
        ClaimKind.PYTHON: PythonClaimInline,
        ClaimKind.BUILT_ON: BuiltOnClaimInline,
        ClaimKind.FIGURE: FigureClaimInline,
        ClaimKind.FEATURE: FeatureClaimInline,
        ClaimKind.ADVICE: AdviceClaimInline,
    }

    def claim_subject(self, request) -> Subject | None:
        """The subject whose claims this request edits, if any (parsed once per request)."""
        if not hasattr(request, "_claim_subject"):
            value = request.GET.get(subjects.PARAMETER, "")
            try:
                request._claim_subject = subjects.parse_subject(value) if value else None
            except subjects.UnknownSubject as error:
                self.message_user(request, str(error), messages.WARNING)
                request._claim_subject = None
        return request._claim_subject

    def get_inlines(self, request, obj):
        subject = self.claim_subject(request) if obj is not None else None
        return [self.inline_for_kind[subject.kind]] if subject else []

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        subject = self.claim_subject(request)
        kwargs["queryset"] = subject.claims(kwargs["queryset"])
        if subject.feature:
            kwargs["initial"] = [{"feature": subject.feature.pk}]
        return kwargs

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.claim_subject(request):
            return fieldsets
        # On a page of claims the framework's fields are shown, not edited (nor
        # version-checked): saving claims must not touch, or be refused over, them.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "seen_version"]})
            for name, options in fieldsets
        ]

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and self.claim_subject(request):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.claim_subject(request):
            return [*flatten_fieldsets(self.fieldsets), "seen_version"]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change and self.claim_subject(request):
            return  # only claims are edited here: no empty history record for the framework
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        framework = self.get_object(request, object_id) if object_id else None
        if framework is not None:
            subject = self.claim_subject(request)
            extra_context["claim_subject"] = subject
            if subject is None:
                extra_context["claims_overview"] = subjects.claims_overview(framework)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if self.claim_subject(request) is None:
            return super().response_change(request, obj)
        self.message_user(request, f"Saved the claims on {self.claim_subject(request).label}.")
        return redirect(reverse("admin:frameworks_framework_change", args=[obj.pk]))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match.url_name != "frameworks_framework_changelist":
            return queryset  # the list's counts would cost a change page half a second
        disputed = (
            Verdict.objects.filter(framework=OuterRef("pk"), disputed=True)
            .values("framework")
            .annotate(count=Count("pk"))
            .values("count")
        )
        memberships = Verdict.objects.memberships().select_related("category")
        return queryset.annotate(
            claim_total=Count("claims", distinct=True),
            disputed_total=Coalesce(Subquery(disputed), 0),
        ).prefetch_related(Prefetch("verdicts", queryset=memberships, to_attr="memberships"))

    @admin.display(description="Categories")
    def categories(self, obj) -> str:
        return ", ".join(
            f"{m.category.name}{' (disputed)' if m.disputed else ''}" for m in obj.memberships
        )

    @admin.display(description="Claims", ordering="claim_total")
    def claim_count(self, obj) -> int:
        return obj.claim_total

    @admin.display(description="Disputed values", ordering="disputed_total")
    def disputed_count(self, obj) -> int:
        return obj.disputed_total


# --- Claims -----------------------------------------------------------------------------


@admin.register(Claim)
class ClaimAdmin(ClaimImportMixin, CuratedAdmin):
    form = ClaimForm
    list_display = ["framework", "kind", "subject", "value_in_words", "source", "short_excerpt"]
    list_select_related = ["framework", "source", "feature", "category", "based_on", "successor"]
    list_filter = [
        ("framework", admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        "how",
        ClaimDisputedFilter,
        ClaimUnknownFilter,
        CitationFilter,
        "preferred",
        ("source", admin.RelatedOnlyFieldListFilter),
    ]
    # Not the source's title: searching "flask" would find every claim citing a Flask article.
    search_fields = ["framework__name", "excerpt", "note", "text", "package", "feature__name"]
    autocomplete_fields = [
        "framework", "source", "via", "feature", "category", "based_on", "successor"
    ]  # fmt: skip
    ordering = ["framework__slug", "kind", "feature__group__position", "feature__position"]

    def get_fieldsets(self, request, obj=None):
        """The fields of the claim's kind only: a figure has no status, a feature no year.

        A new claim takes its kind from ?kind=; without one, every kind's fields
        are shown under the kind's name.
        """
        kind = obj.kind if obj else request.GET.get("kind", "")
        kinds = [kind] if kind in KIND_RULES else list(KIND_RULES)
        fieldsets = [(None, {"fields": ["framework", "source", "kind", "seen_version"]})]
        for name in kinds:
            if KIND_RULES[name].values:
                fieldsets.append((ClaimKind(name).label, {"fields": list(KIND_RULES[name].values)}))
        fieldsets.append(("Citation", {"fields": ["excerpt", "locator", "via", "note"]}))
        if any(KIND_RULES[name].resolvable for name in kinds):
            fieldsets.append(("Editors' resolution", {"fields": ["preferred", "preferred_note"]}))
        return fieldsets

    def get_fields(self, request, obj=None):
        return flatten_fieldsets(self.get_fieldsets(request, obj))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {key: value for key, value in initial.items() if key != "seen_version"}

    @admin.display(description="Subject")
    def subject(self, obj) -> str:
        return obj.subject_label

    # Not "value": the admin would show the model's figure field of that name instead.
    @admin.display(description="Value")
    def value_in_words(self, obj) -> str:
        return obj.value_display

    @admin.display(description="Excerpt")
    def short_excerpt(self, obj) -> str:
        return obj.excerpt if len(obj.excerpt) <= 60 else f"{obj.excerpt[:57]}…"


# --- Sources, taxonomy ------------------------------------------------------------------


class SourceTextInline(admin.StackedInline):
    """The source's whole text, for checking excerpts: uploaded, stored, never public."""

    model = SourceText
    form = SourceTextForm
    extra = 1
    max_num = 1
    fields = ["upload", "file_name", "uploaded", "length"]
    readonly_fields = ["file_name", "uploaded", "length"]
    verbose_name = verbose_name_plural = "stored text (checks excerpts; never shown publicly)"

    @admin.display(description="Characters")
    def length(self, obj) -> str:
        return f"{len(obj.text):,}" if obj and obj.pk else ""


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    list_display = ["title", "kind", "framework", "date", "retrieved", "claim_count",
                    "public_link"]  # fmt: skip
    list_filter = ["kind", "date_precision", ("framework", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["framework"]
    search_fields = ["title", "slug", "author", "publisher", "url", "path"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cites", "framework"]
    ordering = ["kind", "-date", "title"]
    inlines = [SourceTextInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "author", "publisher", "date",
                           "date_precision", "url", "summary", "cites", "seen_version"]}),
        ("Primary source (the framework's own documentation, repository or releases)",
         {"fields": ["framework", "version", "retrieved", "repository", "revision", "path"]}),
        ("Archived text", {"fields": ["archive_file"]}),
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("claims"))

    @admin.display(description="Claims", ordering="claim_total")
    def claim_count(self, obj) -> int:
        return obj.claim_total


@admin.register(Category)
class CategoryAdmin(CuratedAdmin):
    list_display = ["name", "slug", "position", "public_link"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position"]


@admin.register(FeatureGroup)
class FeatureGroupAdmin(CuratedAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position"]


@admin.register(Feature)
class FeatureAdmin(CuratedAdmin):
    list_display = ["name", "group", "position", "status", "public_link"]
    list_filter = ["status", "group"]
    list_select_related = ["group"]
    search_fields = ["name", "slug", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["group"]
    ordering = ["group__position", "position"]
    actions = [publish, unpublish]
    fields = ["name", "slug", "group", "position", "status", "definition", "seen_version"]
