"""Changelist filters editors asked for: category, disputed, unknown, citations."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

from frameworks.models import Category, ClaimKind, SupportStatus, Verdict


class ChoiceListFilter(admin.SimpleListFilter):
    """A filter whose value counts only if it is one of its choices (a typo shows everything)."""

    def chosen(self) -> str | None:
        value = self.value()
        return value if value in {str(key) for key, _ in self.lookup_choices} else None


class CategoryFilter(ChoiceListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(c.slug, c.name) for c in Category.objects.order_by("position")]

    def queryset(self, request, queryset):
        if not self.chosen():
            return queryset
        members = Verdict.objects.memberships().filter(category__slug=self.chosen())
        return queryset.filter(pk__in=members.values("framework_id"))


class FrameworkDisputedFilter(admin.SimpleListFilter):
    title = "disputed values"
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", "Has disputed values"), ("no", "No disputes")]

    def queryset(self, request, queryset):
        disputed = Verdict.objects.filter(disputed=True).values("framework_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=disputed)
        if self.value() == "no":
            return queryset.exclude(pk__in=disputed)
        return queryset


class FrameworkUnknownFilter(ChoiceListFilter):
    title = "unknown facts"
    parameter_name = "unknown"

    def lookups(self, request, model_admin):
        return [
            (ClaimKind.FIRST_RELEASE, "First release unknown"),
            (ClaimKind.LIFECYCLE, "Lifecycle unknown"),
            (ClaimKind.CATEGORY, "No category claim"),
        ]

    def queryset(self, request, queryset):
        if not self.chosen():
            return queryset
        known = Verdict.objects.filter(kind=self.chosen()).values("framework_id")
        return queryset.exclude(pk__in=known)


class ClaimDisputedFilter(admin.SimpleListFilter):
    title = "disputed"
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", "On a disputed subject"), ("resolved", "On a subject settled by editors")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "resolved"):
            return queryset
        field = "disputed" if self.value() == "yes" else "resolved"
        same_subject = Verdict.objects.filter(
            Q(feature_id=OuterRef("feature_id")) | Q(feature_id__isnull=True),
            Q(category_id=OuterRef("category_id")) | Q(category_id__isnull=True),
            framework_id=OuterRef("framework_id"),
            kind=OuterRef("kind"),
            metric=OuterRef("metric"),
            **{field: True},
        )
        return queryset.filter(Exists(same_subject))


class ClaimUnknownFilter(admin.SimpleListFilter):
    title = "unknown"
    parameter_name = "unknown"

    def lookups(self, request, model_admin):
        return [("yes", "Says unknown")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=SupportStatus.UNKNOWN)
        return queryset


class CitationFilter(admin.SimpleListFilter):
    title = "citation"
    parameter_name = "citation"

    def lookups(self, request, model_admin):
        return [
            ("no-locator", "Missing where in the source"),
            ("unarchived", "Source text not archived (excerpt cannot be checked)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "no-locator":
            return queryset.filter(locator="")
        if self.value() == "unarchived":
            return queryset.filter(source__archive_file="")
        return queryset
