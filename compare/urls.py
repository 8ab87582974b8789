from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from frameworks.sitemaps import SITEMAPS
from frameworks.views.methods import read_only

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", read_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("frameworks.urls")),
]

handler500 = "compare.errors.server_error"
