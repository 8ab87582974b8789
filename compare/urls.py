from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path

from compare.pagecache import public_page
from frameworks.sitemaps import SITEMAPS
from frameworks.views.methods import read_only

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        read_only(public_page(index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        read_only(public_page(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("", include("frameworks.urls")),
]

handler500 = "compare.errors.server_error"
