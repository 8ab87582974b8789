from django.urls import path

from frameworks.views import compare, pages, site, table

app_name = "frameworks"

urlpatterns = [
    path("", table.comparison_table, name="table"),
    path("table.csv", table.comparison_table, {"fmt": "csv"}, name="table_csv"),
    path("table.json", table.comparison_table, {"fmt": "json"}, name="table_json"),
    path("compare/", compare.compare, name="compare"),
    path("compare.csv", compare.compare, {"fmt": "csv"}, name="compare_csv"),
    path("compare.json", compare.compare, {"fmt": "json"}, name="compare_json"),
    path("frameworks/<slug:slug>/", pages.framework_detail, name="framework_detail"),
    path("features/", pages.feature_index, name="feature_index"),
    path("features/<slug:slug>/", pages.feature_detail, name="feature_detail"),
    path("features/<slug:slug>.csv", pages.feature_detail, {"fmt": "csv"}, name="feature_csv"),
    path("features/<slug:slug>.json", pages.feature_detail, {"fmt": "json"}, name="feature_json"),
    path("categories/", pages.category_index, name="category_index"),
    path("categories/<slug:slug>/", pages.category_detail, name="category_detail"),
    path("sources/", pages.source_index, name="source_index"),
    path("sources/<slug:slug>/", pages.source_detail, name="source_detail"),
    path("changes/", site.recent_changes, name="changes"),
    path("data/", site.about_data, name="data"),
    path("data/dataset.json", site.dataset_json, name="dataset_json"),
    path("healthz", site.healthz, name="healthz"),
    path("robots.txt", site.robots_txt, name="robots_txt"),
]
