from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frameworks.pages.compare import CompareForm, Picker, build_comparison, published_frameworks
from frameworks.views import opendata
from frameworks.views.table import bad_request_text


def compare(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    frameworks = published_frameworks()
    form = CompareForm(request.GET, frameworks=frameworks)
    picker = Picker.of(frameworks, request.GET.getlist("f"))
    if fmt == "html" and form.nothing_chosen:
        # A first visit (the menu's Compare): the picker, not an error.
        context = {"form": CompareForm(None, frameworks=frameworks), "picker": picker}
        return render(request, "frameworks/compare.html", context)
    if not form.is_valid():
        if fmt != "html":
            return bad_request_text(form.errors)
        context = {"form": form, "picker": picker}
        return render(request, "frameworks/compare.html", context, status=400)
    comparison = build_comparison(form, frameworks)
    if fmt == "csv":
        return opendata.comparison_csv(comparison)
    if fmt == "json":
        return opendata.comparison_json(comparison, request.build_absolute_uri)
    context = {"form": form, "picker": picker, "comparison": comparison}
    return render(request, "frameworks/compare.html", context)
