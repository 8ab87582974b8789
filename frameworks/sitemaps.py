from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from frameworks.models import Category, Feature, Framework, Source


class PagesSitemap(Sitemap):
    def items(self) -> list[str]:
        return [
            "frameworks:table",
            "frameworks:choose",
            "frameworks:feature_index",
            "frameworks:category_index",
            "frameworks:source_index",
            "frameworks:data",
            "frameworks:changes",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class FrameworkSitemap(Sitemap):
    def items(self):
        return Framework.objects.published().order_by("slug")

    def lastmod(self, framework: Framework):
        return framework.last_verified


class FeatureSitemap(Sitemap):
    def items(self):
        return Feature.objects.published().order_by("slug")


class CategorySitemap(Sitemap):
    def items(self):
        return Category.objects.order_by("slug")


class SourceSitemap(Sitemap):
    def items(self):
        return Source.objects.order_by("slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "frameworks": FrameworkSitemap,
    "features": FeatureSitemap,
    "categories": CategorySitemap,
    "sources": SourceSitemap,
}
