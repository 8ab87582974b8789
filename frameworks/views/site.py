from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from frameworks import changes
from frameworks.dataset.export import export_stream
from frameworks.models import Claim, Framework, Source


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise; never a traceback."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def about_data(request: HttpRequest) -> HttpResponse:
    context = {
        "framework_count": Framework.objects.published().count(),
        "claim_count": Claim.objects.published().count(),
        "articles": Source.objects.exclude(archive_file="").order_by("date"),
    }
    return render(request, "frameworks/data.html", context)


def dataset_json(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        export_stream(published_only=True), content_type="application/json"
    )


def recent_changes(request: HttpRequest) -> HttpResponse:
    return render(request, "frameworks/changes.html", {"changes": changes.recent_changes()})
