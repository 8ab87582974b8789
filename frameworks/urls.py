from django.urls import path

from compare.pagecache import public_page
from frameworks.views import choose, compare, pages, site, table
from frameworks.views.methods import read_only

app_name = "frameworks"


def page(route: str, view, *args, **kwargs):
    """A public URL: it only reads, so every method but GET and HEAD is a 405, and what it
    shows an anonymous visitor is cached, compressed and validated (compare/pagecache.py)."""
    return path(route, read_only(public_page(view)), *args, **kwargs)


urlpatterns = [
    page("", table.comparison_table, name="table"),
    page("table.csv", table.comparison_table, {"fmt": "csv"}, name="table_csv"),
    page("table.json", table.comparison_table, {"fmt": "json"}, name="table_json"),
    page("compare/", compare.compare, name="compare"),
    page("compare.csv", compare.compare, {"fmt": "csv"}, name="compare_csv"),
    page("compare.json", compare.compare, {"fmt": "json"}, name="compare_json"),
    page("choose/", choose.choose, name="choose"),
    page("choose.csv", choose.choose, {"fmt": "csv"}, name="choose_csv"),
    page("choose.json", choose.choose, {"fmt": "json"}, name="choose_json"),
    page("frameworks/<slug:slug>/", pages.framework_detail, name="framework_detail"),
    page("features/", pages.feature_index, name="feature_index"),
    page("features/<slug:slug>/", pages.feature_detail, name="feature_detail"),
    page("features/<slug:slug>.csv", pages.feature_detail, {"fmt": "csv"}, name="feature_csv"),
    page("features/<slug:slug>.json", pages.feature_detail, {"fmt": "json"}, name="feature_json"),
    page("categories/", pages.category_index, name="category_index"),
    page("categories/<slug:slug>/", pages.category_detail, name="category_detail"),
    page("sources/", pages.source_index, name="source_index"),
    page("sources/<slug:slug>/", pages.source_detail, name="source_detail"),
    page("changes/", site.recent_changes, name="changes"),
    page("data/", site.about_data, name="data"),
    page("data/dataset.json", site.dataset_json, name="dataset_json"),
    # Never cached: it must say what the database says now.
    path("healthz", read_only(site.healthz), name="healthz"),
    page("robots.txt", site.robots_txt, name="robots_txt"),
]
