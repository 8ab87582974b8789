from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from frameworks.pages.table import build_table
from frameworks.views import opendata


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore needs the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def comparison_table(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    table = build_table(request.GET, paged=fmt == "html")
    if not table.valid and fmt != "html":
        return bad_request_text(table.filterset.form.errors)
    if fmt == "csv":
        return opendata.table_csv(table, request.build_absolute_uri)
    if fmt == "json":
        return opendata.table_json(table, request.build_absolute_uri, request.GET.urlencode())
    # htmx swaps the fragment in, the errors included: base.html tells it to swap a 400.
    template = "frameworks/table.html#comparison" if is_htmx(request) else "frameworks/table.html"
    response = render(request, template, {"table": table}, status=200 if table.valid else 400)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def bad_request_text(errors) -> HttpResponse:
    lines = [
        f"{field if field != '__all__' else 'query'}: {' '.join(messages)}"
        for field, messages in errors.items()
    ]
    return HttpResponse(
        "Bad request\n" + "\n".join(lines) + "\n", status=400, content_type="text/plain"
    )
