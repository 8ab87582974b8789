from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path

from frameworks.sitemaps import SITEMAPS
from frameworks.urls import page

urlpatterns = [
    path("admin/", admin.site.urls),
    page(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    page(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("", include("frameworks.urls")),
]

handler500 = "compare.errors.server_error"
