from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from frameworks.models import Category, Feature, Source
from frameworks.pages import detail
from frameworks.views import opendata


def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = detail.visible_framework(request.user, slug)
    return render(
        request, "frameworks/framework_detail.html", {"page": detail.framework_page(framework)}
    )


def feature_index(request: HttpRequest) -> HttpResponse:
    groups, page = detail.features_index(request.GET.get("page"))
    return render(request, "frameworks/feature_index.html", {"groups": groups, "page": page})


def feature_detail(request: HttpRequest, slug: str, fmt: str = "html") -> HttpResponse:
    feature = get_object_or_404(
        Feature.objects.visible_to(request.user).select_related("group"), slug=slug
    )
    page = detail.feature_page(feature, request.GET.get("page"), paged=fmt == "html")
    if fmt == "csv":
        return opendata.feature_csv(feature, page.rows, request.build_absolute_uri)
    if fmt == "json":
        return opendata.feature_json(feature, page.rows, request.build_absolute_uri)
    return render(request, "frameworks/feature_detail.html", {"feature": feature, "page": page})


def category_index(request: HttpRequest) -> HttpResponse:
    context = {"categories": detail.categories_index()}
    return render(request, "frameworks/category_index.html", context)


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    members, page = detail.category_members(category, request.GET.get("page"))
    context = {"category": category, "members": members, "page": page}
    return render(request, "frameworks/category_detail.html", context)


def source_index(request: HttpRequest) -> HttpResponse:
    page = detail.sources_index(request.GET.get("page"))
    return render(request, "frameworks/source_index.html", {"page": page})


def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.select_related("framework").prefetch_related("cites", "cited_by"), slug=slug
    )
    claims_by_framework, page = detail.source_claims(source, request.GET.get("page"))
    context = {"source": source, "claims_by_framework": claims_by_framework, "page": page}
    return render(request, "frameworks/source_detail.html", context)
