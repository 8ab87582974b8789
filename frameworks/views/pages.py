from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from frameworks import opendata, pages
from frameworks.models import Category, Feature, Framework, Source


def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_object_or_404(Framework.objects.visible_to(request.user), slug=slug)
    return render(
        request, "frameworks/framework_detail.html", {"page": pages.framework_page(framework)}
    )


def feature_index(request: HttpRequest) -> HttpResponse:
    return render(request, "frameworks/feature_index.html", {"groups": pages.features_index()})


def feature_detail(request: HttpRequest, slug: str, fmt: str = "html") -> HttpResponse:
    feature = get_object_or_404(
        Feature.objects.visible_to(request.user).select_related("group"), slug=slug
    )
    rows = pages.feature_page(feature)
    if fmt == "csv":
        return opendata.feature_csv(feature, rows, request.build_absolute_uri)
    if fmt == "json":
        return opendata.feature_json(feature, rows, request.build_absolute_uri)
    known = [row for row in rows if row.cell.known]
    unknown = [row.framework for row in rows if not row.cell.known]
    context = {"feature": feature, "rows": known, "unknown": unknown}
    return render(request, "frameworks/feature_detail.html", context)


def category_index(request: HttpRequest) -> HttpResponse:
    context = {"categories": pages.categories_index()}
    return render(request, "frameworks/category_index.html", context)


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    context = {"category": category, "members": pages.category_members(category)}
    return render(request, "frameworks/category_detail.html", context)


def source_index(request: HttpRequest) -> HttpResponse:
    return render(request, "frameworks/source_index.html", {"sources": pages.sources_index()})


def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source.objects.prefetch_related("cites", "cited_by"), slug=slug)
    context = {"source": source, "claims_by_framework": pages.source_claims(source)}
    return render(request, "frameworks/source_detail.html", context)
