from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from frameworks.models import Category, Feature, Framework, Source


class PagedSitemap(Sitemap):
    """A thousand addresses a file: /sitemap.xml is an index of the files, so no response
    grows without limit with the data (the protocol allows 50,000)."""

    limit = 1000


class PagesSitemap(PagedSitemap):
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


class FrameworkSitemap(PagedSitemap):
    def items(self):
        return Framework.objects.published().order_by("slug")

    def lastmod(self, framework: Framework):
        return framework.last_verified


class FeatureSitemap(PagedSitemap):
    def items(self):
        return Feature.objects.published().order_by("slug")


class CategorySitemap(PagedSitemap):
    def items(self):
        return Category.objects.order_by("slug")


class SourceSitemap(PagedSitemap):
    def items(self):
        return Source.objects.order_by("slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "frameworks": FrameworkSitemap,
    "features": FeatureSitemap,
    "categories": CategorySitemap,
    "sources": SourceSitemap,
}
